/**
 * cached-read: warm reads in process, in operations per second. kura's figure is
 * `createSecretsCache().getSecretValue`, the async read by secret id that replaces
 * Powertools' `getSecret` one for one; `store.get` (synchronous, by file name) is in `params`.
 *
 * Baseline: `getSecret` of @aws-lambda-powertools/parameters with `maxAge` of one hour, so
 * every measured read is a cache hit.
 *
 * Method: one secret on moto, one first read each to fill the caches, then rounds that
 * alternate between the three readers, each round a fixed time of back-to-back reads. The
 * figure is the median round, so a burst of load from other processes moves all three alike.
 */
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { region, seedSecrets, spcManifest, uniquePrefix, useLocalAws } from '../support/aws.mjs';
import { loadSdk, median, ratioOf, round } from '../support/measure.mjs';
import { sharedMoto } from '../support/moto.mjs';

/** Reads between two looks at the clock, so timing costs little next to the reads. */
const batchSize = 1_000;

/** Runs `read` back to back for `durationMs` and returns reads per second. */
async function measureAsync(read, durationMs) {
  let count = 0;
  const start = performance.now();
  let now = start;
  while (now - start < durationMs) {
    for (let i = 0; i < batchSize; i += 1) {
      await read();
    }
    count += batchSize;
    now = performance.now();
  }
  return (count * 1000) / (now - start);
}

function measureSync(read, durationMs) {
  let count = 0;
  const start = performance.now();
  let now = start;
  while (now - start < durationMs) {
    for (let i = 0; i < batchSize; i += 1) {
      read();
    }
    count += batchSize;
    now = performance.now();
  }
  return (count * 1000) / (now - start);
}

async function run({ quick }) {
  const sdk = await loadSdk();
  const moto = await sharedMoto();
  useLocalAws(moto.endpoint);
  const [secretId] = await seedSecrets(moto.endpoint, uniquePrefix('cached-read'), 1);

  const spc = sdk.parseSecretProviderClass(
    spcManifest('cached-read', [{ objectName: secretId, objectType: 'secretsmanager' }]),
    { source: 'cached-read' },
  );
  const cache = sdk.createSecretsCache({ region });
  const store = await sdk.openSecretStore({ spc, cache, source: 'aws' });
  const powertoolsOptions = { maxAge: 3_600 };
  await cache.getSecretValue({ secretId });
  await getSecret(secretId, powertoolsOptions);

  const rounds = quick ? 3 : 9;
  const roundMs = quick ? 150 : 1_000;
  const samples = { cache: [], storeGet: [], powertools: [] };
  let sink = 0;
  try {
    for (let index = 0; index < rounds; index += 1) {
      samples.powertools.push(
        await measureAsync(async () => {
          sink += (await getSecret(secretId, powertoolsOptions)).length;
        }, roundMs),
      );
      samples.cache.push(
        await measureAsync(async () => {
          sink += (await cache.getSecretValue({ secretId })).secretString.length;
        }, roundMs),
      );
      samples.storeGet.push(
        measureSync(() => {
          sink += store.get(secretId).length;
        }, roundMs),
      );
    }
  } finally {
    await store.close();
    cache.close();
  }
  if (sink === 0) throw new Error('the reads returned no bytes');

  const kura = round(median(samples.cache));
  const baseline = round(median(samples.powertools));
  const storeGet = round(median(samples.storeGet));
  return {
    name: 'cached-read',
    kura,
    baseline,
    ratio: ratioOf(kura, baseline, 'higher'),
    unit: 'ops/s',
    better: 'higher',
    params: {
      kuraRead: 'createSecretsCache().getSecretValue({ secretId })',
      baselineRead: 'getSecret(secretId, { maxAge: 3600 }) from @aws-lambda-powertools/parameters',
      storeGetOpsPerSecond: storeGet,
      storeGetRatio: ratioOf(storeGet, baseline, 'higher'),
      rounds,
      roundMs,
    },
  };
}

export const cachedRead = {
  name: 'cached-read',
  description: 'warm in-process reads: getSecretValue and store.get against Powertools getSecret',
  run,
};
