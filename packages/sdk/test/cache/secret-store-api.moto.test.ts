/**
 * The store's refresh and the cache's parameter input checks against moto_server, through the
 * fault proxy, which counts the calls that reach AWS.
 */
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { uniqueName, useMotoEnv } from '../../../../test/support/aws-env.js';
import { type FaultProxy, startFaultProxy } from '../../../../test/support/fault-proxy.js';
import { createSeeder, type Seeder } from '../../../../test/support/seed.js';
import { createAwsSource } from '../../src/aws/aws-source.js';
import type { AwsSource } from '../../src/aws/types.js';
import { openSecretStore } from '../../src/cache/secret-store.js';
import { createSecretsCache } from '../../src/cache/secrets-cache.js';
import type { SecretStore } from '../../src/cache/types.js';
import { KuraConfigError, KuraExtractError } from '../../src/errors.js';
import { makeSpc } from './fakes/make-spc.js';

const motoEndpoint = inject('motoEndpoint');
useMotoEnv(motoEndpoint);

const getParameters = 'AmazonSSM.GetParameters';

let proxy: FaultProxy;
let seeder: Seeder;
let source: AwsSource;
const stores: SecretStore[] = [];

beforeAll(async () => {
  proxy = await startFaultProxy({ target: motoEndpoint });
  seeder = createSeeder(motoEndpoint);
  source = createAwsSource({ clientConfig: { endpoint: proxy.url } });
});

afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
  proxy.resetCounts();
});

afterAll(async () => {
  source.close();
  seeder.close();
  await proxy.close();
});

describe('store.refresh against moto', () => {
  it('rejects when a rotated value cannot be extracted', async () => {
    const secretName = uniqueName('db');
    await seeder.createSecret(secretName, '{"password":"pw-1"}');
    const spc = makeSpc([
      {
        objectName: secretName,
        objectType: 'secretsmanager',
        jmesPath: [{ path: 'password', objectAlias: 'dbpw' }],
      },
    ]);
    const store = await openSecretStore({ spc, awsSource: source });
    stores.push(store);

    await seeder.putSecretValue(secretName, 'not json');
    const refreshing = store.refresh(secretName);

    await expect(refreshing).rejects.toBeInstanceOf(KuraExtractError);
    expect(store.get('dbpw')).toBe('pw-1');
    expect(store.status('dbpw').stale).toBe(true);
  });
});

describe('getParameter against moto', () => {
  it('rejects a version suffix in name before any call', async () => {
    const parameterName = uniqueName('p');
    await seeder.putParameter(parameterName, 'value-1');
    const cache = createSecretsCache({ region: 'us-east-1', source });

    const reading = cache.getParameter({ name: `${parameterName}:1` });

    await expect(reading).rejects.toBeInstanceOf(KuraConfigError);
    await expect(reading).rejects.toThrow('pass the name alone and set version or label instead');
    expect(proxy.counts(getParameters)).toBe(0);
    const value = await cache.getParameter({ name: parameterName, version: '1' });
    expect(value.value).toBe('value-1');
    cache.close();
  });
});
