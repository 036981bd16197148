/**
 * cold-concurrency: 100 reads of one secret started together on an empty cache, and the
 * GetSecretValue calls each library makes for them, counted by a proxy in front of moto.
 * kura reads with `createSecretsCache().getSecretValue`; the baseline with Powertools'
 * `SecretsProvider.get`, which caches a value only once a call returned.
 *
 * The proxy delays every call by `latencyMs` so the 100 reads overlap as they would against
 * AWS, where a call takes tens of milliseconds.
 */
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { clientConfig, region, seedSecrets, uniquePrefix, useLocalAws } from '../support/aws.mjs';
import { startAwsProxy } from '../support/aws-proxy.mjs';
import { loadSdk, ratioOf } from '../support/measure.mjs';
import { sharedMoto } from '../support/moto.mjs';

const concurrentReads = 100;
const latencyMs = 20;
const operation = 'secretsmanager.GetSecretValue';

async function run() {
  const sdk = await loadSdk();
  const moto = await sharedMoto();
  useLocalAws(moto.endpoint);
  const [secretId] = await seedSecrets(moto.endpoint, uniquePrefix('cold-concurrency'), 1);
  const proxy = await startAwsProxy({ target: moto.endpoint, delayMs: latencyMs });

  let kura;
  let baseline;
  try {
    const cache = sdk.createSecretsCache({ region, clientConfig: clientConfig(proxy.url) });
    try {
      await Promise.all(
        Array.from({ length: concurrentReads }, () => cache.getSecretValue({ secretId })),
      );
    } finally {
      cache.close();
    }
    kura = proxy.calls(operation);

    proxy.resetCounts();
    const provider = new SecretsProvider({ clientConfig: clientConfig(proxy.url) });
    await Promise.all(
      Array.from({ length: concurrentReads }, () => provider.get(secretId, { maxAge: 3_600 })),
    );
    provider.client.destroy();
    baseline = proxy.calls(operation);
  } finally {
    await proxy.close();
  }

  return {
    name: 'cold-concurrency',
    kura,
    baseline,
    ratio: ratioOf(kura, baseline, 'lower'),
    unit: 'calls',
    better: 'lower',
    params: {
      concurrentReads,
      operation: 'GetSecretValue',
      latencyMs,
      baselineRead: 'SecretsProvider.get from @aws-lambda-powertools/parameters, maxAge 3600 s',
    },
  };
}

export const coldConcurrency = {
  name: 'cold-concurrency',
  description: '100 concurrent first reads of one secret: GetSecretValue calls against Powertools',
  run,
};
