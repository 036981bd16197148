import { afterEach, describe, expect, it } from 'vitest';
import { createSecretsCache } from '../../src/cache/secrets-cache.js';
import type { SecretsCache, SecretsCacheOptions } from '../../src/cache/types.js';
import {
  KuraAwsNotFoundError,
  KuraAwsThrottledError,
  KuraClosedError,
  KuraConfigError,
} from '../../src/errors.js';
import { ManualClock } from './fakes/manual-clock.js';
import { MockAwsSource } from './fakes/mock-aws-source.js';

const intervalMs = 300_000;
let cache: SecretsCache | undefined;

function setUp(options: Partial<SecretsCacheOptions> = {}) {
  const clock = new ManualClock();
  const source = new MockAwsSource();
  cache = createSecretsCache({ region: 'us-east-1', source, clock, ...options });
  return { clock, source, cache };
}

afterEach(() => {
  cache?.close();
  cache = undefined;
});

describe('createSecretsCache', () => {
  it('rejects an empty id before any AWS call', async () => {
    const { source, cache } = setUp();
    await expect(cache.getSecretValue({ secretId: '' })).rejects.toThrow(KuraConfigError);
    await expect(cache.getSecretValue({ secretId: '' })).rejects.toThrow('secretId is empty');
    await expect(cache.getParameter({ name: '' })).rejects.toThrow(KuraConfigError);
    await expect(cache.getParameter({ name: ' ' })).rejects.toThrow('name is empty');
    expect(source.calls.GetSecretValue).toBe(0);
    expect(source.parameterCalls).toEqual([]);
  });

  it('makes one AWS call for 100 concurrent first reads', async () => {
    const { source, cache } = setUp();
    source.putSecret('app/db', 'pw-1');
    let open: () => void = () => {};
    source.gate = new Promise((resolve) => {
      open = resolve;
    });

    const reads = Array.from({ length: 100 }, () => cache.getSecretValue({ secretId: 'app/db' }));
    open();
    const values = await Promise.all(reads);

    expect(source.calls.GetSecretValue).toBe(1);
    expect(new Set(values.map((value) => value.secretString)).size).toBe(1);
  });

  it('makes one GetParameters call for 100 concurrent first reads', async () => {
    const { source, cache } = setUp();
    source.putParameter('/app/p', 'v1');

    const reads = Array.from({ length: 100 }, () => cache.getParameter({ name: '/app/p' }));
    await Promise.all(reads);

    expect(source.calls.GetParameters).toBe(1);
    expect(source.parameterCalls[0]).toHaveLength(1);
  });

  it('batches concurrent reads of different parameters', async () => {
    const { source, cache } = setUp();
    for (const name of ['/a', '/b', '/c']) {
      source.putParameter(name, `${name}-value`);
    }

    await Promise.all(['/a', '/b', '/c'].map((name) => cache.getParameter({ name })));

    expect(source.calls.GetParameters).toBe(1);
    expect(source.parameterCalls[0]?.map((request) => request.name)).toEqual(['/a', '/b', '/c']);
  });

  it('joins concurrent forced reads into two fetches', async () => {
    const { source, cache } = setUp();
    source.putSecret('app/db', 'pw-1');
    await cache.getSecretValue({ secretId: 'app/db' });
    source.putSecret('app/db', 'pw-2');

    const reads = Array.from({ length: 100 }, () =>
      cache.getSecretValue({ secretId: 'app/db', refreshNow: true }),
    );
    const values = await Promise.all(reads);

    expect(values.every((value) => value.secretString === 'pw-2')).toBe(true);
    // The first read starts a fetch, and the other 99 share one fetch that starts after it.
    expect(source.calls.DescribeSecret).toBe(2);
    expect(source.calls.GetSecretValue).toBe(2);
  });

  it('serves later reads from memory', async () => {
    const { source, cache } = setUp();
    source.putSecret('app/db', 'pw-1');

    await cache.getSecretValue({ secretId: 'app/db' });
    await cache.getSecretValue({ secretId: 'app/db' });

    expect(source.calls.GetSecretValue).toBe(1);
  });

  it('returns one object to every warm read', async () => {
    const { source, cache } = setUp();
    source.putSecret('app/db', 'pw-1');
    source.putParameter('/app/p', 'v1');

    const firstSecret = await cache.getSecretValue({ secretId: 'app/db' });
    const secondSecret = await cache.getSecretValue({ secretId: 'app/db' });
    const firstParameter = await cache.getParameter({ name: '/app/p' });
    const secondParameter = await cache.getParameter({ name: '/app/p' });

    expect(secondSecret).toBe(firstSecret);
    expect(secondParameter).toBe(firstParameter);
  });

  it('returns a rejected promise for invalid input', async () => {
    const { cache } = setUp();
    let secretRead: Promise<unknown> | undefined;
    let parameterRead: Promise<unknown> | undefined;

    expect(() => {
      secretRead = cache.getSecretValue({ secretId: 42 } as never);
    }).not.toThrow();
    expect(() => {
      parameterRead = cache.getParameter({ name: '/app/p', version: 0 });
    }).not.toThrow();
    await expect(secretRead).rejects.toThrow('invalid secretId');
    await expect(parameterRead).rejects.toThrow('invalid version');
  });

  it('keeps one id in two regions apart', async () => {
    const { source, cache } = setUp();
    source.putSecret('app/db', 'pw-1');
    source.putParameter('/app/p', 'v1');

    const home = await cache.getSecretValue({ secretId: 'app/db' });
    const away = await cache.getSecretValue({ secretId: 'app/db', region: 'eu-west-1' });
    const homeAgain = await cache.getSecretValue({ secretId: 'app/db' });
    await cache.getParameter({ name: '/app/p' });
    await cache.getParameter({ name: '/app/p', region: 'eu-west-1' });

    expect(home.arn).toContain(':us-east-1:');
    expect(away.arn).toContain(':eu-west-1:');
    expect(homeAgain).toBe(home);
    expect(source.calls.GetSecretValue).toBe(2);
    expect(source.calls.GetParameters).toBe(2);
  });

  it('refreshes an unchanged secret with DescribeSecret only', async () => {
    const { clock, source, cache } = setUp();
    source.putSecret('app/db', 'pw-1');
    await cache.getSecretValue({ secretId: 'app/db' });

    for (let refresh = 0; refresh < 10; refresh += 1) {
      await clock.advance(clock.pendingDelays()[0] as number);
    }

    expect(source.calls.DescribeSecret).toBe(10);
    expect(source.calls.GetSecretValue).toBe(1);
  });

  it('fetches a rotated secret after the refresh interval', async () => {
    const { clock, source, cache } = setUp();
    source.putSecret('app/db', 'pw-1');
    await cache.getSecretValue({ secretId: 'app/db' });

    source.putSecret('app/db', 'pw-2');
    const before = await cache.getSecretValue({ secretId: 'app/db' });
    await clock.advance(intervalMs);
    const after = await cache.getSecretValue({ secretId: 'app/db' });

    expect(before.secretString).toBe('pw-1');
    expect(after.secretString).toBe('pw-2');
    expect(source.calls.GetSecretValue).toBe(2);
  });

  it('schedules refresh between 80% and 100% of the interval', async () => {
    const { clock, source, cache } = setUp();
    source.putSecret('early', 'a');
    source.putSecret('late', 'b');
    clock.randomValues.push(0, 0.999_999);

    await cache.getSecretValue({ secretId: 'early' });
    await cache.getSecretValue({ secretId: 'late' });
    const [early, late] = clock.pendingDelays();

    expect(early).toBe(0.8 * intervalMs);
    expect(late).toBeGreaterThan(0.99 * intervalMs);
    expect(late).toBeLessThanOrEqual(intervalMs);
  });

  it('falls back to GetSecretValue when DescribeSecret is denied', async () => {
    const { clock, source, cache } = setUp();
    source.putSecret('app/db', 'pw-1');
    await cache.getSecretValue({ secretId: 'app/db' });
    source.failNext('DescribeSecret', 'accessDenied');

    await clock.advance(intervalMs);
    await clock.advance(intervalMs);
    await clock.advance(intervalMs);

    expect(source.calls.DescribeSecret).toBe(1);
    expect(source.calls.GetSecretValue).toBe(4);
  });

  it('never refreshes a pinned version', async () => {
    const { clock, source, cache } = setUp();
    const versionId = source.putSecret('app/db', 'pw-1');
    source.putParameter('/app/p', 'v1');
    await cache.getSecretValue({ secretId: 'app/db', versionId });
    await cache.getParameter({ name: '/app/p', version: '1' });

    await clock.advance(10 * intervalMs);

    expect(clock.pendingDelays()).toEqual([]);
    expect(source.calls.DescribeSecret).toBe(0);
    expect(source.calls.GetSecretValue).toBe(1);
    expect(source.calls.GetParameters).toBe(1);
  });

  it('refetches the stages of a pinned version on a forced read', async () => {
    const { clock, source, cache } = setUp();
    const versionId = source.putSecret('app/db', 'pw-1');
    const first = await cache.getSecretValue({ secretId: 'app/db', versionId });

    source.putSecret('app/db', 'pw-2');
    const afterOne = await cache.getSecretValue({
      secretId: 'app/db',
      versionId,
      refreshNow: true,
    });
    source.putSecret('app/db', 'pw-3');
    const afterTwo = await cache.getSecretValue({
      secretId: 'app/db',
      versionId,
      refreshNow: true,
    });

    expect(first.versionStages).toEqual(['AWSCURRENT']);
    expect(afterOne.versionStages).toEqual(['AWSPREVIOUS']);
    expect(afterOne.secretString).toBe('pw-1');
    expect(afterTwo.versionStages).toEqual([]);
    expect(afterTwo.secretString).toBe('pw-1');
    expect(source.calls.DescribeSecret).toBe(2);
    expect(source.calls.GetSecretValue).toBe(2);
    expect(clock.pendingDelays()).toEqual([]);
  });

  it('serves a plain read of a pinned version from memory', async () => {
    const { source, cache } = setUp();
    const versionId = source.putSecret('app/db', 'pw-1');
    await cache.getSecretValue({ secretId: 'app/db', versionId });
    source.putSecret('app/db', 'pw-2');

    const again = await cache.getSecretValue({ secretId: 'app/db', versionId });

    expect(again.versionStages).toEqual(['AWSCURRENT']);
    expect(source.calls.DescribeSecret).toBe(0);
    expect(source.calls.GetSecretValue).toBe(1);
  });

  it('refetches a pinned parameter version on a forced read', async () => {
    const { clock, source, cache } = setUp();
    source.putParameter('/app/p', 'v1');
    await cache.getParameter({ name: '/app/p', version: '1' });

    const forced = await cache.getParameter({ name: '/app/p', version: '1', refreshNow: true });

    expect(forced.value).toBe('v1');
    expect(source.calls.GetParameters).toBe(2);
    expect(clock.pendingDelays()).toEqual([]);
  });

  it('gives a forced read the value rotated during a slow fetch', async () => {
    const { source, cache } = setUp();
    source.putSecret('app/db', 'pw-1');
    await cache.getSecretValue({ secretId: 'app/db' });
    let openDescribe: () => void = () => {};
    source.describeGate = new Promise((resolve) => {
      openDescribe = resolve;
    });

    const early = cache.getSecretValue({ secretId: 'app/db', refreshNow: true });
    source.putSecret('app/db', 'pw-2');
    const late = cache.getSecretValue({ secretId: 'app/db', refreshNow: true });
    openDescribe();

    expect((await early).secretString).toBe('pw-1');
    expect((await late).secretString).toBe('pw-2');
    expect(source.calls.DescribeSecret).toBe(2);
    expect(source.calls.GetSecretValue).toBe(2);
  });

  it('gives a forced read the value rotated during a background refresh', async () => {
    const { clock, source, cache } = setUp();
    source.putSecret('app/db', 'pw-1');
    await cache.getSecretValue({ secretId: 'app/db' });
    let openDescribe: () => void = () => {};
    source.describeGate = new Promise((resolve) => {
      openDescribe = resolve;
    });

    await clock.advance(clock.pendingDelays()[0] as number);
    source.putSecret('app/db', 'pw-2');
    const forced = cache.getSecretValue({ secretId: 'app/db', refreshNow: true });
    openDescribe();

    expect((await forced).secretString).toBe('pw-2');
    expect(source.calls.DescribeSecret).toBe(2);
  });

  it('makes one fetch after the running one for 100 forced reads', async () => {
    const { source, cache } = setUp();
    source.putSecret('app/db', 'pw-1');
    await cache.getSecretValue({ secretId: 'app/db' });
    let openDescribe: () => void = () => {};
    source.describeGate = new Promise((resolve) => {
      openDescribe = resolve;
    });

    const running = cache.getSecretValue({ secretId: 'app/db', refreshNow: true });
    source.putSecret('app/db', 'pw-2');
    const forced = Array.from({ length: 100 }, () =>
      cache.getSecretValue({ secretId: 'app/db', refreshNow: true }),
    );
    const plain = cache.getSecretValue({ secretId: 'app/db' });
    openDescribe();
    const values = await Promise.all(forced);

    expect((await running).secretString).toBe('pw-1');
    expect((await plain).secretString).toBe('pw-1');
    expect(values.every((value) => value.secretString === 'pw-2')).toBe(true);
    expect(source.calls.DescribeSecret).toBe(2);
    expect(source.calls.GetSecretValue).toBe(2);
  });

  it('starts a forced fetch after a failed running one', async () => {
    const { source, cache } = setUp();
    source.putSecret('app/db', 'pw-1');
    await cache.getSecretValue({ secretId: 'app/db' });
    let openDescribe: () => void = () => {};
    source.describeGate = new Promise((resolve) => {
      openDescribe = resolve;
    });
    source.failNext('DescribeSecret', 'throttle');

    const running = cache.getSecretValue({ secretId: 'app/db', refreshNow: true });
    source.putSecret('app/db', 'pw-2');
    const forced = cache.getSecretValue({ secretId: 'app/db', refreshNow: true });
    openDescribe();

    await expect(running).rejects.toBeInstanceOf(KuraAwsThrottledError);
    expect((await forced).secretString).toBe('pw-2');
  });

  it('keeps requests with a version stage apart from plain ones', async () => {
    const { source, cache } = setUp();
    source.putSecret('app/db', 'pw-1');
    const secondId = source.putSecret('app/db', 'pw-2');

    const plain = await cache.getSecretValue({ secretId: 'app/db' });
    const previous = await cache.getSecretValue({
      secretId: 'app/db',
      versionStage: 'AWSPREVIOUS',
    });
    const current = await cache.getSecretValue({ secretId: 'app/db', versionStage: 'AWSCURRENT' });
    const byId = await cache.getSecretValue({ secretId: 'app/db', versionId: secondId });
    const plainAgain = await cache.getSecretValue({ secretId: 'app/db' });

    expect(plain.secretString).toBe('pw-2');
    expect(previous.secretString).toBe('pw-1');
    expect(current.secretString).toBe('pw-2');
    expect(byId.secretString).toBe('pw-2');
    expect(plainAgain.secretString).toBe('pw-2');
    expect(source.calls.GetSecretValue).toBe(4);
  });

  it('keeps decrypted and encrypted parameter reads apart', async () => {
    const { source, cache } = setUp();
    source.putParameter('/app/key', 'plain-text', 'SecureString');

    const decrypted = await cache.getParameter({ name: '/app/key', withDecryption: true });
    const encrypted = await cache.getParameter({ name: '/app/key' });
    const decryptedAgain = await cache.getParameter({ name: '/app/key', withDecryption: true });

    expect(decrypted.value).toBe('plain-text');
    expect(encrypted.value).not.toBe('plain-text');
    expect(decryptedAgain.value).toBe('plain-text');
    expect(source.calls.GetParameters).toBe(2);
  });

  it('keeps version and label reads apart from plain ones', async () => {
    const { source, cache } = setUp();
    source.putParameter('/app/p', 'one');
    source.putParameter('/app/p', 'two');
    source.labelParameter('/app/p', 1, 'stable');

    const latest = await cache.getParameter({ name: '/app/p' });
    const first = await cache.getParameter({ name: '/app/p', version: '1' });
    const stable = await cache.getParameter({ name: '/app/p', label: 'stable' });

    expect(latest.value).toBe('two');
    expect(first.value).toBe('one');
    expect(stable.value).toBe('one');
    expect(source.calls.GetParameters).toBe(3);
  });

  it('rejects a throttled first read with the throttling error', async () => {
    const { source, cache } = setUp();
    source.putSecret('app/db', 'pw-1');
    source.failNext('GetSecretValue', 'throttle');

    const read = cache.getSecretValue({ secretId: 'app/db' });

    await expect(read).rejects.toBeInstanceOf(KuraAwsThrottledError);
  });

  it('does not cache a failed first read', async () => {
    const { source, cache } = setUp();
    source.failNext('GetSecretValue', 'notFound');

    await expect(cache.getSecretValue({ secretId: 'app/db' })).rejects.toBeInstanceOf(
      KuraAwsNotFoundError,
    );
    source.putSecret('app/db', 'pw-1');
    const value = await cache.getSecretValue({ secretId: 'app/db' });

    expect(value.secretString).toBe('pw-1');
  });

  it('serves the last value while refreshes are throttled', async () => {
    const { clock, source, cache } = setUp();
    source.putSecret('app/db', 'pw-1');
    await cache.getSecretValue({ secretId: 'app/db' });
    source.putSecret('app/db', 'pw-2');
    source.failNext('DescribeSecret', 'throttle', 3);

    await clock.advance(clock.pendingDelays()[0] as number);
    const during = await cache.getSecretValue({ secretId: 'app/db' });
    await clock.advance(60_000);
    const after = await cache.getSecretValue({ secretId: 'app/db' });

    expect(during.secretString).toBe('pw-1');
    expect(after.secretString).toBe('pw-2');
    expect(source.calls.DescribeSecret).toBe(4);
  });

  it('backs off 1 s, 2 s and 4 s after three failures', async () => {
    const { clock, source, cache } = setUp({ backoff: { maxMs: 3_600_000 } });
    clock.defaultRandom = 0;
    source.putSecret('app/db', 'pw-1');
    await cache.getSecretValue({ secretId: 'app/db' });
    source.failAlways('DescribeSecret', 'throttle');

    await clock.advance(clock.pendingDelays()[0] as number);
    const delays: number[] = [];
    for (let failure = 0; failure < 3; failure += 1) {
      const delay = clock.pendingDelays()[0] as number;
      delays.push(delay);
      await clock.advance(delay);
    }

    expect(delays).toEqual([1_000, 2_000, 4_000]);
  });

  it('shortens a backoff delay by at most half', async () => {
    const { clock, source, cache } = setUp();
    source.putSecret('app/db', 'pw-1');
    await cache.getSecretValue({ secretId: 'app/db' });
    source.failAlways('DescribeSecret', 'throttle');
    await clock.advance(clock.pendingDelays()[0] as number);
    clock.defaultRandom = 0.999_999;

    const firstDelay = clock.pendingDelays()[0] as number;
    await clock.advance(firstDelay);
    const secondDelay = clock.pendingDelays()[0] as number;

    expect(firstDelay).toBeGreaterThanOrEqual(500);
    expect(firstDelay).toBeLessThanOrEqual(1_000);
    expect(secondDelay).toBeGreaterThanOrEqual(1_000);
    expect(secondDelay).toBeLessThanOrEqual(2_000);
  });

  it('caps the backoff delay', async () => {
    const { clock, source, cache } = setUp({ backoff: { baseMs: 1_000, factor: 2, maxMs: 5_000 } });
    clock.defaultRandom = 0;
    source.putSecret('app/db', 'pw-1');
    await cache.getSecretValue({ secretId: 'app/db' });
    source.failAlways('DescribeSecret', 'unavailable');
    await clock.advance(clock.pendingDelays()[0] as number);

    const delays: number[] = [];
    for (let failure = 0; failure < 6; failure += 1) {
      const delay = clock.pendingDelays()[0] as number;
      delays.push(delay);
      await clock.advance(delay);
    }

    expect(delays).toEqual([1_000, 2_000, 4_000, 5_000, 5_000, 5_000]);
  });

  it('makes no AWS call for reads during backoff', async () => {
    const { clock, source, cache } = setUp();
    source.putSecret('app/db', 'pw-1');
    await cache.getSecretValue({ secretId: 'app/db' });
    source.failAlways('DescribeSecret', 'throttle');
    await clock.advance(clock.pendingDelays()[0] as number);
    const callsBefore = { ...source.calls };

    for (let read = 0; read < 50; read += 1) {
      await cache.getSecretValue({ secretId: 'app/db' });
    }

    expect(source.calls).toEqual(callsBefore);
  });

  it('stores the value of a forced refresh during backoff', async () => {
    const { clock, source, cache } = setUp();
    source.putSecret('app/db', 'pw-1');
    await cache.getSecretValue({ secretId: 'app/db' });
    source.failNext('DescribeSecret', 'throttle');
    await clock.advance(clock.pendingDelays()[0] as number);
    source.putSecret('app/db', 'pw-2');

    const forced = await cache.getSecretValue({ secretId: 'app/db', refreshNow: true });
    const next = await cache.getSecretValue({ secretId: 'app/db' });

    expect(forced.secretString).toBe('pw-2');
    expect(next.secretString).toBe('pw-2');
    expect(clock.pendingDelays()[0]).toBeGreaterThanOrEqual(0.8 * intervalMs);
  });

  it('retries a non-retryable failure at the refresh interval', async () => {
    const { clock, source, cache } = setUp();
    clock.defaultRandom = 0;
    source.putSecret('app/db', 'pw-1');
    await cache.getSecretValue({ secretId: 'app/db' });
    source.failNext('DescribeSecret', 'notFound');

    await clock.advance(0.8 * intervalMs);
    const value = await cache.getSecretValue({ secretId: 'app/db' });

    expect(value.secretString).toBe('pw-1');
    expect(clock.pendingDelays()).toEqual([0.8 * intervalMs]);
  });

  it('refreshes due parameters in one batched call', async () => {
    const { clock, source, cache } = setUp();
    const names = Array.from({ length: 12 }, (_, index) => `/app/p${index}`);
    for (const name of names) {
      source.putParameter(name, `${name}-1`);
    }
    await Promise.all(names.map((name) => cache.getParameter({ name })));
    clock.randomValues.push(...names.map((_, index) => index / names.length));

    await clock.advance(intervalMs);

    expect(source.calls.GetParameters).toBe(2);
    expect(source.parameterCalls[1]).toHaveLength(12);
  });

  it('retries parameters throttled together in one call', async () => {
    const { clock, source, cache } = setUp();
    const names = Array.from({ length: 12 }, (_, index) => `/app/p${index}`);
    for (const name of names) {
      source.putParameter(name, `${name}-1`);
    }
    await Promise.all(names.map((name) => cache.getParameter({ name })));
    clock.randomValues.push(...names.map((_, index) => index / names.length));
    source.failNext('GetParameters', 'throttle', 1);

    await clock.advance(Math.min(...clock.pendingDelays()));
    const callsAfterThrottle = source.calls.GetParameters;
    // Each entry backs off with its own jitter, between 500 ms and 1 s.
    clock.randomValues.push(...names.map((_, index) => index / names.length));
    await clock.advance(1_000);

    expect(callsAfterThrottle).toBe(2);
    expect(source.calls.GetParameters).toBe(3);
    expect(source.parameterCalls[2]).toHaveLength(12);
  });

  it('drops the least recently read entry past maxEntries', async () => {
    const { clock, source, cache } = setUp({ maxEntries: 2 });
    for (const id of ['a', 'b', 'c']) {
      source.putSecret(id, `${id}-value`);
    }

    await cache.getSecretValue({ secretId: 'a' });
    await cache.getSecretValue({ secretId: 'b' });
    await cache.getSecretValue({ secretId: 'c' });
    const timersAfterEviction = clock.pendingDelays().length;
    await cache.getSecretValue({ secretId: 'a' });

    expect(source.calls.GetSecretValue).toBe(4);
    expect(timersAfterEviction).toBe(2);
  });

  it('stops every timer on close', async () => {
    const { clock, source, cache } = setUp();
    source.putSecret('app/db', 'pw-1');
    await cache.getSecretValue({ secretId: 'app/db' });

    cache.close();

    expect(clock.pendingDelays()).toEqual([]);
    await expect(cache.getSecretValue({ secretId: 'app/db' })).rejects.toBeInstanceOf(
      KuraClosedError,
    );
  });

  it('closes a source it created but not one passed in', () => {
    const { source, cache } = setUp();

    cache.close();

    expect(source.closed).toBe(false);
  });

  it('rejects a parameter read with both version and label', async () => {
    const { cache } = setUp();

    const read = cache.getParameter({ name: '/app/p', version: '1', label: 'stable' });

    await expect(read).rejects.toBeInstanceOf(KuraConfigError);
  });

  it('returns values no caller can change', async () => {
    const { source, cache } = setUp();
    source.putSecret('app/db', 'pw-1');
    const first = await cache.getSecretValue({ secretId: 'app/db' });

    expect(() => {
      (first as { secretString?: string }).secretString = 'changed';
    }).toThrow(TypeError);
    expect((await cache.getSecretValue({ secretId: 'app/db' })).secretString).toBe('pw-1');
  });

  it('rejects invalid options naming the field', () => {
    expect(() => createSecretsCache({ refreshIntervalMs: 0 })).toThrow(/refreshIntervalMs/);
    expect(() => createSecretsCache({ refreshIntervalMs: 2 ** 31 })).toThrow(/refreshIntervalMs/);
    expect(() => createSecretsCache({ backoff: { factor: 0.5 } })).toThrow(/backoff.factor/);
    expect(() => createSecretsCache({ maxEntries: 1.5 })).toThrow(/maxEntries/);
  });
});
