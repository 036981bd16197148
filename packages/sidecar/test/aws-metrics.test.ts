import { Writable } from 'node:stream';
import {
  type AwsSource,
  createSecretsCache,
  type DescribeSecretRequest,
  type GetParameterRequest,
  type GetSecretValueRequest,
  KuraAwsNotFoundError,
  openSecretStore,
  type ParameterOutcome,
  type SecretStore,
  type SecretsCache,
} from '@kura/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { type App, createApp } from '../src/app.js';
import { instrumentAwsSource } from '../src/aws-metrics.js';
import { createLogger } from '../src/logger.js';
import { createMetrics } from '../src/metrics.js';
import { type RunningServer, startServer } from '../src/server.js';
import { loadToken } from '../src/token.js';
import { testSpc } from './support/fakes.js';

/** A token used only by these tests; it guards nothing. */
const testToken = 'lookup-test-token-0123456789';

/** An in-memory AWS source with one version per secret and parameter, counting its calls. */
class MemorySource implements AwsSource {
  readonly secrets = new Map<string, string>();
  readonly parameters = new Map<string, string>();
  calls = 0;

  async getSecretValue(request: GetSecretValueRequest) {
    this.calls += 1;
    const content = this.secrets.get(request.secretId);
    if (content === undefined) {
      throw notFound('GetSecretValue', request.secretId);
    }
    return {
      arn: `arn:aws:secretsmanager:us-east-1:111122223333:secret:${request.secretId}-AbCdEf`,
      name: request.secretId,
      versionId: 'v1',
      versionStages: ['AWSCURRENT'],
      secretString: content,
    };
  }

  async describeSecret(request: DescribeSecretRequest) {
    this.calls += 1;
    return {
      arn: `arn:aws:secretsmanager:us-east-1:111122223333:secret:${request.secretId}-AbCdEf`,
      name: request.secretId,
      versionIdsToStages: { v1: ['AWSCURRENT'] },
    };
  }

  async getParameters(requests: readonly GetParameterRequest[]): Promise<ParameterOutcome[]> {
    this.calls += 1;
    return requests.map((request) => {
      const value = this.parameters.get(request.name);
      if (value === undefined) {
        return { ok: false, error: notFound('GetParameters', request.name) };
      }
      return {
        ok: true,
        value: {
          name: request.name,
          type: 'SecureString',
          value,
          version: 1,
          arn: `arn:aws:ssm:us-east-1:111122223333:parameter${request.name}`,
        },
      };
    });
  }

  close(): void {}
}

function notFound(operation: string, id: string): KuraAwsNotFoundError {
  const service = operation === 'GetParameters' ? 'ssm' : 'secretsmanager';
  return new KuraAwsNotFoundError(
    `${operation} ${id} not found`,
    {
      service,
      operation,
      region: 'us-east-1',
      id,
      awsCode: 'ResourceNotFoundException',
      httpStatus: 400,
    },
    false,
  );
}

interface Served {
  app: App;
  source: MemorySource;
  cache: SecretsCache;
  store?: SecretStore;
  server: RunningServer;
  get(path: string): Promise<Response>;
}

let served: Served | undefined;

afterEach(async () => {
  await served?.server.stop();
  await served?.store?.close();
  served?.cache.close();
  served = undefined;
});

/** Serves an app over a real cache whose AWS source is the in-memory mock, instrumented. */
async function serve(options: { allowUnlisted?: boolean; withStore?: boolean } = {}) {
  const metrics = createMetrics();
  const source = new MemorySource();
  for (const object of testSpc.objects) {
    const listed = object.objectType === 'ssmparameter' ? source.parameters : source.secrets;
    listed.set(object.objectName, `${object.fileName}-value`);
  }
  const cache = createSecretsCache({
    region: 'us-east-1',
    source: instrumentAwsSource(source, metrics),
  });
  const silent = new Writable({
    write(_chunk, _encoding, callback) {
      callback();
    },
  });
  const app = createApp({
    token: await loadToken(undefined, { KURA_TOKEN: testToken }),
    logger: createLogger('error', silent),
    cache,
    spc: testSpc,
    allowUnlisted: options.allowUnlisted ?? false,
    source: 'aws',
    metrics,
  });
  let store: SecretStore | undefined;
  if (options.withStore === true) {
    store = await openSecretStore({ spc: testSpc, cache });
    app.setStore(store);
  }
  const server = await startServer(
    app,
    {
      host: '127.0.0.1',
      port: 0,
      maxConnections: 50,
      maxUrlLength: 4096,
      headersTimeoutMs: 5_000,
      requestTimeoutMs: 10_000,
      keepAliveTimeoutMs: 1_000,
      shutdownTimeoutMs: 5_000,
    },
    createLogger('error', silent),
  );
  served = {
    app,
    source,
    cache,
    server,
    ...(store === undefined ? {} : { store }),
    get: (path) =>
      fetch(`${server.url}${path}`, { headers: { 'x-aws-parameters-secrets-token': testToken } }),
  };
  return served;
}

/** Reads kura_cache_lookups_total as `{ hit, miss }`. */
async function lookups(app: App): Promise<{ hit: number; miss: number }> {
  const counted = { hit: 0, miss: 0 };
  for (const sample of (await app.metrics.cacheLookups.get()).values) {
    counted[sample.labels.result as 'hit' | 'miss'] = sample.value;
  }
  return counted;
}

describe('kura_cache_lookups_total', () => {
  it('counts a first read as a miss and the next as a hit', async () => {
    const { app, get } = await serve();

    expect((await get('/secretsmanager/get?secretId=my-secret')).status).toBe(200);
    expect((await get('/secretsmanager/get?secretId=my-secret')).status).toBe(200);
    expect((await get('/systemsmanager/parameters/get?name=/app/db/password')).status).toBe(200);

    expect(await lookups(app)).toEqual({ hit: 1, miss: 2 });
  });

  it('counts a forced read as a miss', async () => {
    const { app, get } = await serve();
    await get('/secretsmanager/get?secretId=my-secret');

    const forced = await get('/secretsmanager/get?secretId=my-secret&refreshNow=true');

    expect(forced.status).toBe(200);
    expect(await lookups(app)).toEqual({ hit: 0, miss: 2 });
  });

  it('ignores requests rejected before a cache read', async () => {
    const { app, get } = await serve();

    expect((await get('/secretsmanager/get?secretId=nope')).status).toBe(403);
    expect((await get('/secretsmanager/get?secretId=my-secret&bogus=1')).status).toBe(400);
    expect((await get('/secretsmanager/get?secretId=my-secret&refreshNow=yes')).status).toBe(400);
    expect((await get('/systemsmanager/parameters/get?name=/nope')).status).toBe(403);
    expect((await get('/systemsmanager/parameters/get')).status).toBe(400);
    expect((await fetch(`${served?.server.url}/secretsmanager/get?secretId=x`)).status).toBe(403);

    expect(await lookups(app)).toEqual({ hit: 0, miss: 0 });
  });

  it('ignores an unlisted id after reading listed entries', async () => {
    const { app, source, get } = await serve({ withStore: true });
    const callsAfterLoad = source.calls;

    const rejected = await get('/secretsmanager/get?secretId=nope');

    expect(rejected.status).toBe(403);
    expect(source.calls).toEqual(callsAfterLoad);
    expect(await lookups(app)).toEqual({ hit: 0, miss: 0 });
  });

  it('counts a failed AWS read as a miss', async () => {
    const { app, get } = await serve({ allowUnlisted: true });

    const missing = await get('/secretsmanager/get?secretId=not-in-aws');

    expect(missing.status).toBe(400);
    expect(await lookups(app)).toEqual({ hit: 0, miss: 1 });
  });
});
