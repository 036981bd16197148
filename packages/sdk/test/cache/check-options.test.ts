import { describe, expect, it } from 'vitest';
import { closestName, describeValue } from '../../src/cache/check-options.js';

const storeOptions = ['spc', 'spcName', 'mountDir', 'source', 'refreshIntervalMs', 'settleMs'];

describe('closestName', () => {
  it('matches a name that differs only in case', () => {
    expect(closestName('refreshIntervalMS', storeOptions)).toBe('refreshIntervalMs');
    expect(closestName('MOUNTDIR', storeOptions)).toBe('mountDir');
  });

  it('matches a name up to two edits away', () => {
    expect(closestName('sorce', storeOptions)).toBe('source');
    expect(closestName('setleMs', storeOptions)).toBe('settleMs');
    expect(closestName('mountDr', storeOptions)).toBe('mountDir');
  });

  it('ignores names three edits away', () => {
    expect(closestName('color', storeOptions)).toBeUndefined();
    expect(closestName('timeoutMs', storeOptions)).toBeUndefined();
  });
});

describe('describeValue', () => {
  it('names the type and quotes short values', () => {
    expect(describeValue(undefined)).toBe('undefined');
    expect(describeValue(null)).toBe('null');
    expect(describeValue('1000')).toBe('the string "1000"');
    expect(describeValue(-5)).toBe('the number -5');
    expect(describeValue(false)).toBe('the boolean false');
    expect(describeValue([1])).toBe('an array');
    expect(describeValue({})).toBe('an object');
    expect(describeValue(() => {})).toBe('a function');
  });

  it('cuts long strings', () => {
    const described = describeValue('x'.repeat(500));

    expect(described.length).toBeLessThan(80);
    expect(described.endsWith('...')).toBe(true);
  });
});
