import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelayMs, defaultBackoffPolicy } from '../../src/cache/backoff.js';
import { refreshDelayMs } from '../../src/cache/refresh-delay.js';

const random = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

describe('backoffDelayMs', () => {
  it('doubles from one second by default', () => {
    const delays = [1, 2, 3, 4].map((failures) =>
      backoffDelayMs(defaultBackoffPolicy, failures, () => 0),
    );

    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000]);
  });

  it('stops at the cap of 300 s by default', () => {
    expect(backoffDelayMs(defaultBackoffPolicy, 30, () => 0)).toBe(300_000);
  });

  it('stays between half and all of the full delay', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), random, (failures, value) => {
        const full = Math.min(300_000, 1_000 * 2 ** (failures - 1));
        const delay = backoffDelayMs(defaultBackoffPolicy, failures, () => value);

        expect(delay).toBeGreaterThanOrEqual(full / 2);
        expect(delay).toBeLessThanOrEqual(full);
      }),
    );
  });
});

describe('refreshDelayMs', () => {
  it('stays between 80% and 100% of the interval', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 86_400_000 }), random, (interval, value) => {
        const delay = refreshDelayMs(interval, () => value);

        expect(delay).toBeGreaterThanOrEqual(0.8 * interval);
        expect(delay).toBeLessThanOrEqual(interval);
      }),
    );
  });
});
