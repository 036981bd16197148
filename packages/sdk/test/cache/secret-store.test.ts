import { afterEach, describe, expect, it } from 'vitest';
import { hashContent } from '../../src/cache/content.js';
import { openSecretStore } from '../../src/cache/secret-store.js';
import { createSecretsCache } from '../../src/cache/secrets-cache.js';
import type {
  ChangeEvent,
  SecretStore,
  SecretStoreOptions,
  StaleEvent,
} from '../../src/cache/types.js';
import {
  KuraAmbiguousNameError,
  KuraAwsNotFoundError,
  KuraAwsThrottledError,
  KuraClosedError,
  KuraConfigError,
  KuraExtractError,
  KuraNotFoundError,
  KuraNotJsonError,
} from '../../src/errors.js';
import type { SecretProviderClass } from '../../src/spec/model.js';
import { makeSpc, type ObjectInput } from './fakes/make-spc.js';
import { ManualClock } from './fakes/manual-clock.js';
import { MockAwsSource } from './fakes/mock-aws-source.js';

const intervalMs = 300_000;
const stores: SecretStore[] = [];

afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
});

async function open(
  spc: SecretProviderClass,
  source: MockAwsSource,
  clock: ManualClock,
  options: Partial<SecretStoreOptions> = {},
): Promise<SecretStore> {
  const store = await openSecretStore({ spc, awsSource: source, clock, ...options });
  stores.push(store);
  return store;
}

function setUp(objects: ObjectInput[], extra: Partial<SecretProviderClass> = {}) {
  return { spc: makeSpc(objects, extra), source: new MockAwsSource(), clock: new ManualClock() };
}

describe('openSecretStore with source aws', () => {
  it('reads values by file name and objectName', async () => {
    const { spc, source, clock } = setUp([
      { objectName: 'app/db', objectType: 'secretsmanager' },
      { objectName: 'foobar', objectType: 'ssmparameter', objectAlias: 'my-parameter' },
    ]);
    source.putSecret('app/db', '{"user":"app"}');
    source.putParameter('foobar', 'foobar-value', 'SecureString');

    const store = await open(spc, source, clock);

    expect(store.get('app_db')).toBe('{"user":"app"}');
    expect(store.get('app/db')).toBe('{"user":"app"}');
    expect(store.get('my-parameter')).toBe('foobar-value');
    expect(store.get('foobar')).toBe('foobar-value');
    expect(store.getJson<{ user: string }>('app/db').user).toBe('app');
  });

  it('finds an ARN with a slash by objectName', async () => {
    const arn = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:team/api-key-AbCdEf';
    const { spc, source, clock } = setUp([{ objectName: arn, objectType: 'secretsmanager' }]);
    source.putSecret(arn, 'key-1');

    const store = await open(spc, source, clock);

    expect(store.get(arn)).toBe('key-1');
    expect(
      store.get('arn:aws:secretsmanager:us-east-1:111122223333:secret:team_api-key-AbCdEf'),
    ).toBe('key-1');
    expect(store.status(arn).fileName).toBe(
      'arn:aws:secretsmanager:us-east-1:111122223333:secret:team_api-key-AbCdEf',
    );
  });

  it('returns binary content byte for byte', async () => {
    const { spc, source, clock } = setUp([
      { objectName: 'keystore', objectType: 'secretsmanager', objectAlias: 'keystore.p12' },
    ]);
    const bytes = Uint8Array.from([0x00, 0xff, 0xfe, 0x80, 0x0a, 0x41]);
    source.putSecret('keystore', bytes);

    const store = await open(spc, source, clock);

    expect([...store.getBytes('keystore.p12')]).toEqual([...bytes]);
  });

  it('fetches one secret once for two aliases', async () => {
    const { spc, source, clock } = setUp([
      { objectName: 'app/db', objectType: 'secretsmanager', objectAlias: 'db-a' },
      { objectName: 'app/db', objectType: 'secretsmanager', objectAlias: 'db-b' },
    ]);
    source.putSecret('app/db', 'pw-1');

    const store = await open(spc, source, clock);
    source.putSecret('app/db', 'pw-2');
    await clock.advance(intervalMs);

    expect(store.get('db-a')).toBe('pw-2');
    expect(store.get('db-b')).toBe('pw-2');
    expect(source.calls.GetSecretValue).toBe(2);
    expect(source.calls.DescribeSecret).toBe(1);
  });

  it('lists the known file names for an unknown name', async () => {
    const { spc, source, clock } = setUp([
      { objectName: 'piyopiyo', objectType: 'ssmparameter' },
      { objectName: 'foobar', objectType: 'ssmparameter', objectAlias: 'my-parameter' },
    ]);
    source.putParameter('piyopiyo', '1234567');
    source.putParameter('foobar', 'foobar-value');
    const store = await open(spc, source, clock);

    const read = () => store.get('nope');

    expect(read).toThrow(KuraNotFoundError);
    expect(read).toThrow(/piyopiyo, my-parameter/);
  });

  it('rejects an objectName that maps to several objects', async () => {
    const { spc, source, clock } = setUp([
      {
        objectName: 'app/key',
        objectType: 'secretsmanager',
        objectAlias: 'encryption-key',
        objectVersionLabel: 'AWSCURRENT',
        selector: { kind: 'versionStage', versionStage: 'AWSCURRENT' },
      },
      {
        objectName: 'app/key',
        objectType: 'secretsmanager',
        objectAlias: 'previous-encryption-key',
        objectVersionLabel: 'AWSPREVIOUS',
        selector: { kind: 'versionStage', versionStage: 'AWSPREVIOUS' },
      },
    ]);
    source.putSecret('app/key', 'key-1');
    source.putSecret('app/key', 'key-2');
    const store = await open(spc, source, clock);

    const read = () => store.get('app/key');

    expect(read).toThrow(KuraAmbiguousNameError);
    expect(read).toThrow(/encryption-key, previous-encryption-key/);
    expect(store.get('encryption-key')).toBe('key-2');
    expect(store.get('previous-encryption-key')).toBe('key-1');
  });

  it('moves the current and previous version on after rotation', async () => {
    const { spc, source, clock } = setUp([
      {
        objectName: 'app/key',
        objectType: 'secretsmanager',
        objectAlias: 'encryption-key',
        selector: { kind: 'versionStage', versionStage: 'AWSCURRENT' },
      },
      {
        objectName: 'app/key',
        objectType: 'secretsmanager',
        objectAlias: 'previous-encryption-key',
        selector: { kind: 'versionStage', versionStage: 'AWSPREVIOUS' },
      },
    ]);
    source.putSecret('app/key', 'key-1');
    source.putSecret('app/key', 'key-2');
    const store = await open(spc, source, clock);

    source.putSecret('app/key', 'key-3');
    await clock.advance(intervalMs);

    expect(store.get('encryption-key')).toBe('key-3');
    expect(store.get('previous-encryption-key')).toBe('key-2');
  });

  it('returns the rotated value after the refresh interval', async () => {
    const { spc, source, clock } = setUp([{ objectName: 'app/db', objectType: 'secretsmanager' }]);
    source.putSecret('app/db', 'pw-1');
    const store = await open(spc, source, clock);
    const first = store.get('app/db');

    source.putSecret('app/db', 'pw-2');
    await clock.advance(intervalMs);

    expect(first).toBe('pw-1');
    expect(store.get('app/db')).toBe('pw-2');
  });

  it('emits one change event per change of content', async () => {
    const { spc, source, clock } = setUp([{ objectName: 'app/db', objectType: 'secretsmanager' }]);
    source.putSecret('app/db', 'pw-1');
    const store = await open(spc, source, clock);
    const changes: ChangeEvent[] = [];
    store.on('change', (event) => changes.push(event));

    await clock.advance(intervalMs);
    const versionId = source.putSecret('app/db', 'pw-2');
    await clock.advance(intervalMs);
    source.putSecret('app/db', 'pw-2');
    await clock.advance(intervalMs);

    expect(changes).toHaveLength(1);
    expect(changes[0]?.fileName).toBe('app_db');
    expect(changes[0]?.version).toBe(versionId);
    expect(store.status('app/db').version).toBe(versionId);
  });

  it('keeps serving the last value while refresh fails', async () => {
    const { spc, source, clock } = setUp([{ objectName: 'app/db', objectType: 'secretsmanager' }]);
    source.putSecret('app/db', 'pw-1');
    const store = await open(spc, source, clock);
    const staleEvents: StaleEvent[] = [];
    store.on('stale', (event) => staleEvents.push(event));
    source.failAlways('DescribeSecret', 'throttle');

    await clock.advance(intervalMs);
    const status = store.status('app/db');

    expect(store.get('app/db')).toBe('pw-1');
    expect(status.stale).toBe(true);
    expect(status.lastErrorCode).toBe('KURA_AWS_THROTTLED');
    expect(staleEvents.length).toBeGreaterThan(0);
    expect(staleEvents[0]?.error).toBeInstanceOf(KuraAwsThrottledError);
  });

  it('clears the stale flag after a successful retry', async () => {
    const { spc, source, clock } = setUp([{ objectName: 'app/db', objectType: 'secretsmanager' }]);
    source.putSecret('app/db', 'pw-1');
    const store = await open(spc, source, clock);
    source.failNext('DescribeSecret', 'throttle', 3);
    source.putSecret('app/db', 'pw-2');

    await clock.advance(intervalMs + 10_000);
    const status = store.status('app/db');

    expect(store.get('app/db')).toBe('pw-2');
    expect(status.stale).toBe(false);
    expect(status.lastErrorCode).toBeUndefined();
  });

  it('lists statuses without values', async () => {
    const { spc, source, clock } = setUp([
      { objectName: 'app/db', objectType: 'secretsmanager' },
      { objectName: 'piyopiyo', objectType: 'ssmparameter' },
    ]);
    const versionId = source.putSecret('app/db', 'secret-text-1');
    source.putParameter('piyopiyo', 'secret-text-2');
    const store = await open(spc, source, clock);

    const statuses = store.objects();

    expect(statuses.map((status) => status.fileName)).toEqual(['app_db', 'piyopiyo']);
    expect(statuses[0]).toMatchObject({
      objectName: 'app/db',
      objectType: 'secretsmanager',
      version: versionId,
      stale: false,
      source: 'aws',
      lastRefreshAt: '2026-01-01T00:00:00.000Z',
    });
    expect(statuses[1]?.version).toBe('1');
    expect(JSON.stringify(statuses)).not.toContain('secret-text');
  });

  it('rejects with the load error and stops everything', async () => {
    const { spc, source, clock } = setUp([
      { objectName: 'app/db', objectType: 'secretsmanager' },
      { objectName: 'missing', objectType: 'secretsmanager' },
    ]);
    source.putSecret('app/db', 'pw-1');

    const opening = open(spc, source, clock);

    await expect(opening).rejects.toBeInstanceOf(KuraAwsNotFoundError);
    expect(clock.pendingDelays()).toEqual([]);
    expect(source.closed).toBe(false);
  });

  it('loads and refreshes parameters in batched calls', async () => {
    const objects: ObjectInput[] = Array.from({ length: 12 }, (_, index) => ({
      objectName: `/app/p${String(index).padStart(2, '0')}`,
      objectType: 'ssmparameter',
    }));
    const { spc, source, clock } = setUp(objects);
    for (const object of objects) {
      source.putParameter(object.objectName, `${object.objectName}-1`);
    }
    clock.randomValues.push(...objects.map((_, index) => index / objects.length));
    const store = await open(spc, source, clock);
    const callsAfterLoad = source.calls.GetParameters;

    source.putParameter('/app/p05', 'rotated');
    await clock.advance(intervalMs);

    expect(callsAfterLoad).toBe(1);
    expect(source.calls.GetParameters).toBe(2);
    expect(source.parameterCalls[1]).toHaveLength(12);
    expect(store.get('/app/p05')).toBe('rotated');
  });

  it('reads every parameter with decryption', async () => {
    const { spc, source, clock } = setUp([{ objectName: 'foobar', objectType: 'ssmparameter' }]);
    source.putParameter('foobar', 'foobar-value', 'SecureString');

    const store = await open(spc, source, clock);

    expect(source.parameterCalls[0]?.[0]?.withDecryption).toBe(true);
    expect(store.get('foobar')).toBe('foobar-value');
  });

  it('never refreshes pinned objects', async () => {
    const { spc, source, clock } = setUp([
      {
        objectName: '/kubernetes/test',
        objectType: 'ssmparameter',
        objectVersion: '1',
        selector: { kind: 'ssmVersion', version: '1' },
      },
    ]);
    source.putParameter('/kubernetes/test', '{"value":"Test 1"}');
    const store = await open(spc, source, clock);

    source.putParameter('/kubernetes/test', '{"value":"Test 3"}');
    await clock.advance(10 * intervalMs);

    expect(store.get('/kubernetes/test')).toBe('{"value":"Test 1"}');
    expect(source.calls.GetParameters).toBe(1);
  });

  it('writes jmesPath files from their parent', async () => {
    const { spc, source, clock } = setUp([
      {
        objectName: 'app/db',
        objectType: 'secretsmanager',
        jmesPath: [
          { path: 'username', objectAlias: 'db-user' },
          { path: '"app-key"', objectAlias: 'app-key' },
        ],
      },
    ]);
    source.putSecret('app/db', '{"username":"app","app-key":"k2"}');
    const store = await open(spc, source, clock);

    source.putSecret('app/db', '{"username":"app2","app-key":"k2"}');
    const changes: string[] = [];
    store.on('change', (event) => changes.push(event.fileName));
    await clock.advance(intervalMs);

    expect(store.get('db-user')).toBe('app2');
    expect(store.get('app-key')).toBe('k2');
    expect(changes.sort()).toEqual(['app_db', 'db-user']);
  });

  it('keeps each status hash that of its bytes', async () => {
    const { spc, source, clock } = setUp([
      {
        objectName: 'app/db',
        objectType: 'secretsmanager',
        jmesPath: [{ path: 'username', objectAlias: 'db-user' }],
      },
    ]);
    source.putSecret('app/db', '{"username":"app"}');
    const store = await open(spc, source, clock);
    const hashesAtOpen = ['app_db', 'db-user'].map((name) => store.status(name).hash);

    source.putSecret('app/db', '{"username":"app2"}');
    await clock.advance(intervalMs);

    for (const [index, name] of ['app_db', 'db-user'].entries()) {
      expect(store.status(name).hash).toBe(hashContent(store.getBytes(name)));
      expect(store.status(name).hash).not.toBe(hashesAtOpen[index]);
    }
  });

  it('moves lastRefreshAt with each refresh', async () => {
    const { spc, source, clock } = setUp([{ objectName: 'app/db', objectType: 'secretsmanager' }]);
    source.putSecret('app/db', 'pw-1');
    const store = await open(spc, source, clock);
    const atOpen = store.status('app/db').lastRefreshAt;

    await clock.advance(intervalMs);
    const afterRefresh = store.status('app/db').lastRefreshAt;

    expect(atOpen).toBe('2026-01-01T00:00:00.000Z');
    expect(afterRefresh).not.toBe(atOpen);
    expect(Date.parse(afterRefresh)).toBeGreaterThan(Date.parse(atOpen));
  });

  it('rejects a failed extraction at open', async () => {
    const { spc, source, clock } = setUp([
      {
        objectName: 'app/db',
        objectType: 'secretsmanager',
        jmesPath: [{ path: 'port', objectAlias: 'port' }],
      },
    ]);
    source.putSecret('app/db', '{"port":5432}');

    await expect(open(spc, source, clock)).rejects.toBeInstanceOf(KuraExtractError);
  });

  it('keeps the last files when a refresh cannot be extracted', async () => {
    const { spc, source, clock } = setUp([
      {
        objectName: 'app/db',
        objectType: 'secretsmanager',
        jmesPath: [{ path: 'username', objectAlias: 'db-user' }],
      },
    ]);
    source.putSecret('app/db', '{"username":"app"}');
    const store = await open(spc, source, clock);
    const errors: string[] = [];
    store.on('error', (event) => errors.push(event.error.code));

    source.putSecret('app/db', 'not-json');
    await clock.advance(intervalMs);

    expect(store.get('db-user')).toBe('app');
    expect(store.get('app/db')).toBe('{"username":"app"}');
    expect(errors).toEqual(['KURA_EXTRACT_FAILED']);
    expect(store.status('db-user').stale).toBe(true);
  });

  it('refreshes one object on request', async () => {
    const { spc, source, clock } = setUp([
      { objectName: 'app/db', objectType: 'secretsmanager' },
      { objectName: 'app/other', objectType: 'secretsmanager' },
    ]);
    source.putSecret('app/db', 'pw-1');
    source.putSecret('app/other', 'other-1');
    const store = await open(spc, source, clock);

    source.putSecret('app/db', 'pw-2');
    await store.refresh('app/db');

    expect(store.get('app/db')).toBe('pw-2');
    expect(source.calls.DescribeSecret).toBe(1);
  });

  it('refreshes with a fetch started after the request', async () => {
    const { spc, source, clock } = setUp([{ objectName: 'app/db', objectType: 'secretsmanager' }]);
    source.putSecret('app/db', 'pw-1');
    const store = await open(spc, source, clock);
    let openDescribe: () => void = () => {};
    source.describeGate = new Promise((resolve) => {
      openDescribe = resolve;
    });

    await clock.advance(clock.pendingDelays()[0] as number);
    source.putSecret('app/db', 'pw-2');
    const refreshed = store.refresh('app/db');
    openDescribe();
    await refreshed;

    expect(store.get('app/db')).toBe('pw-2');
    expect(source.calls.DescribeSecret).toBe(2);
  });

  it('reads the failover region when the primary is unavailable', async () => {
    const { spc, source, clock } = setUp(
      [
        {
          objectName: 'app/db',
          objectType: 'secretsmanager',
          objectAlias: 'db',
          failoverObject: { objectName: 'app/db-west', selector: { kind: 'latest' } },
        },
      ],
      { failoverRegion: 'us-west-2' },
    );
    source.putSecret('app/db-west', 'pw-west');
    source.failNext('GetSecretValue', 'unavailable');

    const store = await open(spc, source, clock);

    expect(store.get('db')).toBe('pw-west');
  });

  it('does not mask a not-found primary with the failover region', async () => {
    const { spc, source, clock } = setUp(
      [
        {
          objectName: 'app/db',
          objectType: 'secretsmanager',
          objectAlias: 'db',
          failoverObject: { objectName: 'app/db-west', selector: { kind: 'latest' } },
        },
      ],
      { failoverRegion: 'us-west-2' },
    );
    source.putSecret('app/db-west', 'pw-west');

    await expect(open(spc, source, clock)).rejects.toBeInstanceOf(KuraAwsNotFoundError);
  });

  it('rejects getJson on a value that is not JSON without quoting it', async () => {
    const { spc, source, clock } = setUp([{ objectName: 'app/db', objectType: 'secretsmanager' }]);
    source.putSecret('app/db', 'plain-secret-text');
    const store = await open(spc, source, clock);

    const read = () => store.getJson('app/db');

    expect(read).toThrow(KuraNotJsonError);
    expect(read).not.toThrow(/plain-secret-text/);
  });

  it('rejects an unknown event name', async () => {
    const { spc, source, clock } = setUp([{ objectName: 'app/db', objectType: 'secretsmanager' }]);
    source.putSecret('app/db', 'pw-1');
    const store = await open(spc, source, clock);

    const listen = () => store.on('changed' as 'change', () => {});

    expect(listen).toThrow(KuraConfigError);
    expect(listen).toThrow(/"change", "stale" or "error"/);
  });

  it('stops every timer on close', async () => {
    const { spc, source, clock } = setUp([{ objectName: 'app/db', objectType: 'secretsmanager' }]);
    source.putSecret('app/db', 'pw-1');
    const store = await open(spc, source, clock);

    await store.close();

    expect(clock.pendingDelays()).toEqual([]);
    expect(() => store.get('app/db')).toThrow(KuraClosedError);
  });

  it('shares entries with the cache it reads through', async () => {
    const { spc, source, clock } = setUp([
      { objectName: 'app/db', objectType: 'secretsmanager' },
      { objectName: 'foobar', objectType: 'ssmparameter' },
    ]);
    source.putSecret('app/db', 'pw-1');
    source.putParameter('foobar', 'foobar-value', 'SecureString');
    const store = await open(spc, source, clock);

    const secret = await store.cache.getSecretValue({ secretId: 'app/db' });
    const parameter = await store.cache.getParameter({ name: 'foobar', withDecryption: true });

    expect(secret.secretString).toBe('pw-1');
    expect(parameter.value).toBe('foobar-value');
    expect(source.calls.GetSecretValue).toBe(1);
    expect(source.calls.GetParameters).toBe(1);
  });

  it('uses values a shared cache already holds', async () => {
    const { spc, source, clock } = setUp([{ objectName: 'app/db', objectType: 'secretsmanager' }]);
    source.putSecret('app/db', 'pw-1');
    const cache = createSecretsCache({ region: 'us-east-1', source, clock });
    await cache.getSecretValue({ secretId: 'app/db' });

    const store = await openSecretStore({ spc, cache });
    stores.push(store);
    await store.close();
    const afterClose = await cache.getSecretValue({ secretId: 'app/db' });
    cache.close();

    expect(store.cache).toBe(cache);
    expect(afterClose.secretString).toBe('pw-1');
    expect(source.calls.GetSecretValue).toBe(1);
  });

  it('rejects cache options next to a shared cache', async () => {
    const { spc, source, clock } = setUp([{ objectName: 'app/db', objectType: 'secretsmanager' }]);
    const cache = createSecretsCache({ region: 'us-east-1', source, clock });

    const opening = openSecretStore({ spc, cache, refreshIntervalMs: 1_000 });

    await expect(opening).rejects.toThrow(/refreshIntervalMs cannot be combined with cache/);
    cache.close();
  });

  it('rejects a files source without a mount dir', async () => {
    const { spc } = setUp([{ objectName: 'app/db', objectType: 'secretsmanager' }]);

    const opening = openSecretStore({ spc, source: 'files' });

    await expect(opening).rejects.toBeInstanceOf(KuraConfigError);
    await expect(opening).rejects.toThrow(/mountDir/);
  });
});

describe('openSecretStore failover on refresh', () => {
  const primaryRegion = 'us-east-1';
  const failoverRegion = 'us-west-2';

  async function openWithFailover(primaryContent: string, failoverContent: string) {
    const { spc, source, clock } = setUp(
      [
        {
          objectName: 'app/db',
          objectType: 'secretsmanager',
          objectAlias: 'db',
          failoverObject: { objectName: 'app/db-west', selector: { kind: 'latest' } },
        },
      ],
      { region: primaryRegion, failoverRegion },
    );
    source.putSecret('app/db', primaryContent);
    source.putSecret('app/db-west', failoverContent);
    const store = await open(spc, source, clock);
    const changes: ChangeEvent[] = [];
    const staleEvents: StaleEvent[] = [];
    store.on('change', (event) => changes.push(event));
    store.on('stale', (event) => staleEvents.push(event));
    return { store, source, clock, changes, staleEvents };
  }

  it('serves the failover region when a refresh is unavailable', async () => {
    const { store, source, clock, changes } = await openWithFailover('pw-east', 'pw-west');
    source.failRegion(primaryRegion, 'unavailable');

    await clock.advance(intervalMs);
    const status = store.status('db');

    expect(store.get('db')).toBe('pw-west');
    expect(status.region).toBe(failoverRegion);
    expect(status.stale).toBe(false);
    expect(status.lastErrorCode).toBeUndefined();
    expect(changes).toHaveLength(1);
    expect(changes[0]?.hash).toBe(status.hash);
  });

  it('keeps retrying the primary region with backoff', async () => {
    const { source, clock } = await openWithFailover('pw-east', 'pw-west');
    source.failRegion(primaryRegion, 'throttle');

    await clock.advance(intervalMs * 0.9);
    const delays = clock.pendingDelays();

    // The primary entry's backoff retry (the 1000 ms base shortened to 750 ms at random 0.5)
    // and the failover entry's refresh (270 s at random 0.5).
    expect(delays).toEqual([750, intervalMs * 0.9]);
  });

  it('switches back when the primary region recovers', async () => {
    const { store, source, clock, changes } = await openWithFailover('pw-east', 'pw-west');
    source.failRegion(primaryRegion, 'unavailable');
    await clock.advance(intervalMs * 0.9);
    source.clearFaults();
    const failoverCalls = source.callsByRegion.get(failoverRegion);

    await clock.advance(1_000);
    await clock.advance(intervalMs * 2);
    const status = store.status('db');

    expect(store.get('db')).toBe('pw-east');
    expect(status.region).toBe(primaryRegion);
    expect(changes.map((change) => change.hash)).toHaveLength(2);
    expect(source.callsByRegion.get(failoverRegion)).toBe(failoverCalls);
  });

  it('emits no change when both regions hold the same bytes', async () => {
    const { store, source, clock, changes } = await openWithFailover('pw-same', 'pw-same');
    source.failRegion(primaryRegion, 'throttle');

    await clock.advance(intervalMs);

    expect(store.get('db')).toBe('pw-same');
    expect(store.status('db').region).toBe(failoverRegion);
    expect(changes).toEqual([]);
  });

  it('keeps the last value stale when both regions fail', async () => {
    const { store, source, clock, changes, staleEvents } = await openWithFailover(
      'pw-east',
      'pw-west',
    );
    source.failRegion(primaryRegion, 'unavailable');
    source.failRegion(failoverRegion, 'throttle');

    await clock.advance(intervalMs);
    const status = store.status('db');

    expect(store.get('db')).toBe('pw-east');
    expect(status.stale).toBe(true);
    expect(status.region).toBe(primaryRegion);
    expect(changes).toEqual([]);
    expect(staleEvents.length).toBeGreaterThan(0);
  });

  it('does not read the failover region after a not-found refresh', async () => {
    const { store, source, clock } = await openWithFailover('pw-east', 'pw-west');
    source.failAlways('DescribeSecret', 'notFound');

    await clock.advance(intervalMs);
    const status = store.status('db');

    expect(store.get('db')).toBe('pw-east');
    expect(status.stale).toBe(true);
    expect(status.lastErrorCode).toBe('KURA_AWS_NOT_FOUND');
    expect(source.callsByRegion.get(failoverRegion)).toBeUndefined();
  });

  it('resolves refresh with the failover value', async () => {
    const { store, source } = await openWithFailover('pw-east', 'pw-west');
    source.failRegion(primaryRegion, 'unavailable');

    await store.refresh('db');

    expect(store.get('db')).toBe('pw-west');
  });
});

describe('openSecretStore first load retries', () => {
  it('retries a throttled first fetch only', async () => {
    const { spc, source, clock } = setUp([
      { objectName: 'app/db', objectType: 'secretsmanager' },
      { objectName: 'app/api', objectType: 'secretsmanager' },
    ]);
    source.putSecret('app/db', 'pw-1');
    source.putSecret('app/api', 'key-1');
    source.failNext('GetSecretValue', 'throttle');

    const opening = open(spc, source, clock);
    await clock.advance(1_000);
    const store = await opening;

    expect(store.get('app/db')).toBe('pw-1');
    expect(store.get('app/api')).toBe('key-1');
    expect(source.calls.GetSecretValue).toBe(3);
  });

  it('rejects with the throttling error after the budget', async () => {
    const { spc, source, clock } = setUp([{ objectName: 'app/db', objectType: 'secretsmanager' }]);
    source.putSecret('app/db', 'pw-1');
    source.failAlways('GetSecretValue', 'throttle');

    const opening = open(spc, source, clock, { firstLoadTimeoutMs: 5_000 });
    const outcome = expect(opening).rejects.toBeInstanceOf(KuraAwsThrottledError);
    await clock.advance(5_000);
    await outcome;

    // At jitter 0.5 the retries run 750 ms and 2250 ms after the first call, and the third
    // would run after 5250 ms, past the budget.
    expect(source.calls.GetSecretValue).toBe(3);
    expect(clock.pendingDelays()).toEqual([]);
  });

  it('rejects at once with a zero budget', async () => {
    const { spc, source, clock } = setUp([{ objectName: 'app/db', objectType: 'secretsmanager' }]);
    source.putSecret('app/db', 'pw-1');
    source.failNext('GetSecretValue', 'throttle');

    const opening = open(spc, source, clock, { firstLoadTimeoutMs: 0 });

    await expect(opening).rejects.toBeInstanceOf(KuraAwsThrottledError);
    expect(source.calls.GetSecretValue).toBe(1);
  });

  it('rejects a retry that is not found at once', async () => {
    const { spc, source, clock } = setUp([{ objectName: 'app/db', objectType: 'secretsmanager' }]);
    source.failNext('GetSecretValue', 'throttle');

    const opening = open(spc, source, clock);
    const outcome = expect(opening).rejects.toBeInstanceOf(KuraAwsNotFoundError);
    await clock.advance(1_000);
    await outcome;

    expect(source.calls.GetSecretValue).toBe(2);
  });

  it('retries both regions until the failover loads', async () => {
    const { spc, source, clock } = setUp(
      [
        {
          objectName: 'app/db',
          objectType: 'secretsmanager',
          objectAlias: 'db',
          failoverObject: { objectName: 'app/db-west', selector: { kind: 'latest' } },
        },
      ],
      { region: 'us-east-1', failoverRegion: 'us-west-2' },
    );
    source.putSecret('app/db', 'pw-east');
    source.putSecret('app/db-west', 'pw-west');
    source.failRegion('us-east-1', 'throttle');
    source.failNext('GetSecretValue', 'throttle');

    const opening = open(spc, source, clock);
    await clock.advance(1_000);
    const store = await opening;

    expect(store.get('db')).toBe('pw-west');
    expect(store.status('db').region).toBe('us-west-2');
  });

  it('rejects a not-found object without waiting for retries', async () => {
    const { spc, source, clock } = setUp([
      { objectName: 'app/db', objectType: 'secretsmanager' },
      { objectName: 'app/missing', objectType: 'ssmparameter' },
    ]);
    source.putSecret('app/db', 'pw-1');
    source.failAlways('GetSecretValue', 'throttle');

    const opening = open(spc, source, clock);

    await expect(opening).rejects.toBeInstanceOf(KuraAwsNotFoundError);
    expect(clock.pendingDelays()).toEqual([]);
  });

  it('rejects an invalid first-load budget', async () => {
    const { spc, source, clock } = setUp([{ objectName: 'app/db', objectType: 'secretsmanager' }]);

    const opening = open(spc, source, clock, { firstLoadTimeoutMs: -1 });

    await expect(opening).rejects.toBeInstanceOf(KuraConfigError);
    await expect(opening).rejects.toThrow(/firstLoadTimeoutMs/);
  });
});
