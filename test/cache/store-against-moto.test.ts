/**
 * The store and the cache against moto_server through the fault proxy: throttling, 5xx,
 * timeouts, failover to a second region, and moto stopped and restarted while the store keeps
 * serving.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import {
  type AwsSource,
  createAwsSource,
  createSecretsCache,
  KuraAwsThrottledError,
  openSecretStore,
  readSecretProviderClass,
  type SecretStore,
  type SecretStoreOptions,
  writeMountDir,
} from '../../packages/sdk/src/index.js';
import { makeSpc } from '../../packages/sdk/test/cache/fakes/make-spc.js';
import { ManualClock } from '../../packages/sdk/test/cache/fakes/manual-clock.js';
import { uniqueName, useMotoEnv } from '../support/aws-env.js';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy.js';
import { type MotoServer, startMoto } from '../support/moto.js';
import { createSeeder, type Seeder } from '../support/seed.js';

const motoEndpoint = inject('motoEndpoint');
useMotoEnv(motoEndpoint);

const waitOptions = { timeout: 15_000, interval: 20 };
const encoder = new TextEncoder();
const getSecretValue = 'secretsmanager.GetSecretValue';
const describeSecret = 'secretsmanager.DescribeSecret';
const getParameters = 'AmazonSSM.GetParameters';

let proxy: FaultProxy;
let seeder: Seeder;
let westSeeder: Seeder;
const stores: SecretStore[] = [];
const sources: AwsSource[] = [];

beforeAll(async () => {
  proxy = await startFaultProxy({ target: motoEndpoint });
  seeder = createSeeder(motoEndpoint);
  westSeeder = createSeeder(motoEndpoint, 'us-west-2');
});

afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
  for (const source of sources.splice(0)) {
    source.close();
  }
  proxy.clearFaults();
  proxy.resetCounts();
});

afterAll(async () => {
  seeder.close();
  westSeeder.close();
  await proxy.close();
});

/** Creates a source that sends every call to `endpoint` and gives up on a response after 1 s. */
function sourceFor(endpoint: string): AwsSource {
  const source = createAwsSource({
    clientConfig: { endpoint },
    connectionTimeoutMs: 1_000,
    requestTimeoutMs: 1_000,
  });
  sources.push(source);
  return source;
}

/**
 * Runs the store's next timer and waits until the fetch it started has finished, which is
 * when the entry schedules its next timer. Works for stores with one unpinned object.
 */
async function runNextRefresh(clock: ManualClock): Promise<void> {
  const delay = clock.pendingDelays()[0];
  if (delay === undefined) {
    throw new Error('no refresh is scheduled');
  }
  await clock.advance(delay);
  await vi.waitFor(() => expect(clock.pendingDelays()).toHaveLength(1), waitOptions);
}

async function openOneSecretStore(
  secretName: string,
  endpoint: string,
  clock: ManualClock,
  options: Partial<SecretStoreOptions> = {},
) {
  const spc = makeSpc([
    { objectName: secretName, objectType: 'secretsmanager', objectAlias: 'db-password' },
  ]);
  const store = await openSecretStore({ spc, awsSource: sourceFor(endpoint), clock, ...options });
  stores.push(store);
  return store;
}

describe('openSecretStore against moto', () => {
  it('reads the example SecretProviderClass', async () => {
    await seeder.putParameter('piyopiyo', '1234567', 'String');
    await seeder.putParameter('foobar', 'foobar-value', 'SecureString');
    const spc = await readSecretProviderClass('examples/secretproviderclass.yaml');

    const store = await openSecretStore({ spc, awsSource: sourceFor(proxy.url) });
    stores.push(store);

    expect(store.get('my-parameter')).toBe('foobar-value');
    expect(store.get('piyopiyo')).toBe('1234567');
    expect(proxy.counts(getParameters)).toBe(1);
  });

  it('makes one GetSecretValue call for 100 concurrent first reads', async () => {
    const name = uniqueName('single-flight');
    await seeder.createSecret(name, 'pw-1');
    const cache = createSecretsCache({ source: sourceFor(proxy.url), clock: new ManualClock() });

    const values = await Promise.all(
      Array.from({ length: 100 }, () => cache.getSecretValue({ secretId: name })),
    );
    cache.close();

    expect(values.every((value) => value.secretString === 'pw-1')).toBe(true);
    expect(proxy.counts(getSecretValue)).toBe(1);
  });

  it('refreshes an unchanged secret with DescribeSecret only', async () => {
    const name = uniqueName('unchanged');
    await seeder.createSecret(name, 'pw-1');
    const clock = new ManualClock();
    const store = await openOneSecretStore(name, proxy.url, clock);

    for (let refresh = 0; refresh < 10; refresh += 1) {
      await runNextRefresh(clock);
    }

    expect(store.get('db-password')).toBe('pw-1');
    expect(proxy.counts(describeSecret)).toBe(10);
    expect(proxy.counts(getSecretValue)).toBe(1);
  });

  it('delivers a rotation after the refresh interval', async () => {
    const name = uniqueName('rotation');
    await seeder.createSecret(name, 'pw-1');
    const clock = new ManualClock();
    const store = await openOneSecretStore(name, proxy.url, clock);

    await seeder.putSecretValue(name, 'pw-2');
    await runNextRefresh(clock);

    expect(store.get('db-password')).toBe('pw-2');
    expect(proxy.counts(getSecretValue)).toBe(2);
  });

  it('rejects a throttled first load with the throttling error', async () => {
    const name = uniqueName('throttled-load');
    await seeder.createSecret(name, 'pw-1');
    proxy.setFault(getSecretValue, { kind: 'throttle' });

    const opening = openOneSecretStore(name, proxy.url, new ManualClock(), {
      firstLoadTimeoutMs: 0,
    });

    await expect(opening).rejects.toBeInstanceOf(KuraAwsThrottledError);
    await expect(opening).rejects.toThrow(/ThrottlingException|throttl/i);
  });

  it('retries a throttled first load within its budget', async () => {
    const name = uniqueName('throttled-load-retry');
    await seeder.createSecret(name, 'pw-1');
    proxy.setFault(getSecretValue, { kind: 'throttle' }, { times: 1 });
    const clock = new ManualClock();

    const opening = openOneSecretStore(name, proxy.url, clock);
    // The backoff retry and the budget's deadline.
    await vi.waitFor(() => expect(clock.pendingDelays()).toHaveLength(2), waitOptions);
    await clock.advance(clock.pendingDelays()[0] as number);
    const store = await opening;

    expect(store.get('db-password')).toBe('pw-1');
    expect(proxy.counts(getSecretValue)).toBe(2);
  });

  it('keeps serving through throttled refreshes', async () => {
    const name = uniqueName('throttled-refresh');
    await seeder.createSecret(name, 'pw-1');
    const clock = new ManualClock();
    const store = await openOneSecretStore(name, proxy.url, clock);
    await seeder.putSecretValue(name, 'pw-2');
    proxy.setFault(describeSecret, { kind: 'throttle' }, { times: 3 });

    const seen: { value: string; stale: boolean; code: string | undefined }[] = [];
    for (let attempt = 0; attempt < 4; attempt += 1) {
      await runNextRefresh(clock);
      const status = store.status('db-password');
      seen.push({
        value: store.get('db-password'),
        stale: status.stale,
        code: status.lastErrorCode,
      });
    }

    expect(seen.slice(0, 3)).toEqual([
      { value: 'pw-1', stale: true, code: 'KURA_AWS_THROTTLED' },
      { value: 'pw-1', stale: true, code: 'KURA_AWS_THROTTLED' },
      { value: 'pw-1', stale: true, code: 'KURA_AWS_THROTTLED' },
    ]);
    expect(seen[3]).toEqual({ value: 'pw-2', stale: false, code: undefined });
  });

  it('keeps serving through 500 responses', async () => {
    const name = uniqueName('server-error');
    await seeder.createSecret(name, 'pw-1');
    const clock = new ManualClock();
    const store = await openOneSecretStore(name, proxy.url, clock);
    proxy.setFault(describeSecret, { kind: 'status', status: 500 }, { times: 2 });

    await runNextRefresh(clock);
    const during = store.status('db-password');
    const backoffDelay = clock.pendingDelays()[0];
    await runNextRefresh(clock);
    await runNextRefresh(clock);

    expect(store.get('db-password')).toBe('pw-1');
    expect(during).toMatchObject({ stale: true, lastErrorCode: 'KURA_AWS_UNAVAILABLE' });
    expect(backoffDelay).toBeLessThanOrEqual(1_000);
    expect(store.status('db-password').stale).toBe(false);
  });

  it('keeps serving through timeouts', async () => {
    const name = uniqueName('timeout');
    await seeder.createSecret(name, 'pw-1');
    const clock = new ManualClock();
    const store = await openOneSecretStore(name, proxy.url, clock);
    proxy.setFault(describeSecret, { kind: 'delay', ms: 3_000 }, { times: 1 });

    await runNextRefresh(clock);
    const during = store.status('db-password');
    await runNextRefresh(clock);

    expect(store.get('db-password')).toBe('pw-1');
    expect(during).toMatchObject({ stale: true, lastErrorCode: 'KURA_AWS_TIMEOUT' });
    expect(store.status('db-password').stale).toBe(false);
  });

  it('keeps serving through connection resets', async () => {
    const name = uniqueName('reset');
    await seeder.createSecret(name, 'pw-1');
    const clock = new ManualClock();
    const store = await openOneSecretStore(name, proxy.url, clock);
    proxy.setFault(describeSecret, { kind: 'reset' }, { times: 1 });

    await runNextRefresh(clock);
    const during = store.status('db-password');
    await runNextRefresh(clock);

    expect(store.get('db-password')).toBe('pw-1');
    expect(during.stale).toBe(true);
    expect(store.status('db-password').stale).toBe(false);
  });
});

describe('openSecretStore with moto stopped', () => {
  let moto: MotoServer;
  let privateSeeder: Seeder;
  let mountDir: string;

  beforeAll(async () => {
    moto = await startMoto();
    privateSeeder = createSeeder(moto.endpoint);
    mountDir = await mkdtemp(join(tmpdir(), 'kura-moto-'));
  });

  afterAll(async () => {
    privateSeeder.close();
    await moto.stop();
    await rm(mountDir, { recursive: true, force: true });
  });

  it('keeps serving while moto is down and recovers after restart', async () => {
    await privateSeeder.createSecret('app/db', 'pw-1');
    const clock = new ManualClock();
    const store = await openOneSecretStore('app/db', moto.endpoint, clock);

    await moto.stop();
    await runNextRefresh(clock);
    const down = store.status('db-password');
    const valueWhileDown = store.get('db-password');
    await moto.restart();
    await privateSeeder.createSecret('app/db', 'pw-1');
    await runNextRefresh(clock);

    expect(valueWhileDown).toBe('pw-1');
    expect(down).toMatchObject({ stale: true, lastErrorCode: 'KURA_AWS_UNAVAILABLE' });
    expect(store.get('db-password')).toBe('pw-1');
    expect(store.status('db-password').stale).toBe(false);
  });

  it('starts from files under auto and moves to AWS', async () => {
    const spc = makeSpc([
      { objectName: 'piyopiyo', objectType: 'ssmparameter' },
      { objectName: 'foobar', objectType: 'ssmparameter', objectAlias: 'my-parameter' },
    ]);
    const files = (piyopiyo: string) => [
      { fileName: 'piyopiyo', content: encoder.encode(piyopiyo), filePermission: 0o644 },
      { fileName: 'my-parameter', content: encoder.encode('foobar-value'), filePermission: 0o644 },
    ];
    await writeMountDir(mountDir, files('1234567'), { layout: 'atomic' });
    await moto.stop();
    const clock = new ManualClock();

    const store = await openSecretStore({
      spc,
      mountDir,
      awsSource: sourceFor(moto.endpoint),
      clock,
      settleMs: 10,
    });
    stores.push(store);
    const atStart = store.status('piyopiyo');
    await moto.restart();
    await privateSeeder.putParameter('piyopiyo', '1234567', 'String');
    await privateSeeder.putParameter('foobar', 'foobar-value', 'SecureString');
    await clock.advance(clock.pendingDelays()[0] as number);
    await vi.waitFor(() => expect(store.status('piyopiyo').source).toBe('aws'), waitOptions);

    await privateSeeder.putParameter('piyopiyo', 'rotated', 'String');
    await writeMountDir(mountDir, files('rotated'), {
      layout: 'atomic',
      now: () => new Date(Date.now() + 60_000),
    });
    await vi.waitFor(() => expect(store.get('piyopiyo')).toBe('rotated'), waitOptions);

    expect(atStart).toMatchObject({ source: 'files', stale: true });
    expect(store.status('piyopiyo')).toMatchObject({ source: 'aws', version: '2' });
    expect(store.get('my-parameter')).toBe('foobar-value');
  });
});

describe('openSecretStore failover against moto', () => {
  it('serves the failover region while the primary region fails', async () => {
    const name = uniqueName('failover');
    await seeder.createSecret(name, 'pw-east');
    await westSeeder.createSecret(`${name}-west`, 'pw-west');
    const spc = makeSpc(
      [
        {
          objectName: name,
          objectType: 'secretsmanager',
          objectAlias: 'db-password',
          failoverObject: { objectName: `${name}-west`, selector: { kind: 'latest' } },
        },
      ],
      { region: 'us-east-1', failoverRegion: 'us-west-2' },
    );
    const clock = new ManualClock();
    const store = await openSecretStore({ spc, awsSource: sourceFor(proxy.url), clock });
    stores.push(store);

    proxy.setFault('*', { kind: 'status', status: 503 }, { region: 'us-east-1' });
    await clock.advance(clock.pendingDelays()[0] as number);
    await vi.waitFor(() => expect(store.get('db-password')).toBe('pw-west'), waitOptions);
    const during = store.status('db-password');

    proxy.clearFaults();
    // The primary entry's backoff retry is the soonest timer; the failover refresh comes later.
    await clock.advance(clock.pendingDelays()[0] as number);
    await vi.waitFor(() => expect(store.get('db-password')).toBe('pw-east'), waitOptions);

    expect(during).toMatchObject({ region: 'us-west-2', stale: false });
    expect(store.status('db-password')).toMatchObject({ region: 'us-east-1', stale: false });
  });
});
