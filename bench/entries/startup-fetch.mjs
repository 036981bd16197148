/**
 * startup-fetch: wall time to load 50 Secrets Manager and 50 Parameter Store objects, from
 * nothing to every value in memory. kura's figure is `openSecretStore` with `source: 'aws'`,
 * what `kura serve` does at start; `loadObjects` (what `kura fetch` uses) is in `params`.
 *
 * Baseline: the AWS provider's strategy, implemented here with the same AWS SDK clients: one
 * GetSecretValue after another, then GetParameters with 10 names a call, one call after
 * another (provider/secrets_manager_provider.go and parameter_store_provider.go in
 * aws/secrets-store-csi-driver-provider-aws).
 *
 * A proxy in front of moto counts each side's calls per quota and delays every call by
 * `latencyMs`, the round trip to AWS that sequential calls pay once each. The same figures
 * without the delay are in `params.noLatency`.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import {
  clientConfig,
  seedParameters,
  seedSecrets,
  spcManifest,
  uniquePrefix,
  useLocalAws,
} from '../support/aws.mjs';
import { startAwsProxy } from '../support/aws-proxy.mjs';
import { loadSdk, median, ratioOf, round } from '../support/measure.mjs';
import { sharedMoto } from '../support/moto.mjs';

const secretCount = 50;
const parameterCount = 50;
const latencyMs = 20;
const parameterBatchSize = 10;

/** Loads every object the way the AWS provider does; returns the number of values read. */
async function loadLikeProvider(endpoint, secretIds, parameterNames) {
  const secrets = new SecretsManagerClient(clientConfig(endpoint));
  const ssm = new SSMClient(clientConfig(endpoint));
  let values = 0;
  try {
    for (const secretId of secretIds) {
      const output = await secrets.send(new GetSecretValueCommand({ SecretId: secretId }));
      if (output.SecretString !== undefined) values += 1;
    }
    for (let start = 0; start < parameterNames.length; start += parameterBatchSize) {
      const names = parameterNames.slice(start, start + parameterBatchSize);
      const output = await ssm.send(
        new GetParametersCommand({ Names: names, WithDecryption: true }),
      );
      values += output.Parameters?.length ?? 0;
    }
  } finally {
    secrets.destroy();
    ssm.destroy();
  }
  return values;
}

function callsOf(proxy) {
  return {
    GetSecretValue: proxy.calls('secretsmanager.GetSecretValue'),
    GetParameters: proxy.calls('AmazonSSM.GetParameters'),
  };
}

/** Times `load` `rounds` times; returns the median in milliseconds and the last round's calls. */
async function timeLoads(proxy, rounds, load) {
  const durations = [];
  let calls;
  for (let round = 0; round < rounds; round += 1) {
    proxy.resetCounts();
    const start = performance.now();
    await load();
    durations.push(performance.now() - start);
    calls = callsOf(proxy);
  }
  return { ms: round(median(durations)), calls };
}

async function measureAll(sdk, proxy, spc, secretIds, parameterNames, rounds) {
  const options = { clientConfig: clientConfig(proxy.url) };
  const store = await timeLoads(proxy, rounds, async () => {
    const opened = await sdk.openSecretStore({ spc, source: 'aws', ...options });
    await opened.close();
  });
  const loadObjects = await timeLoads(proxy, rounds, async () => {
    const source = sdk.createAwsSource(options);
    try {
      await sdk.loadObjects(spc, { source });
    } finally {
      source.close();
    }
  });
  const provider = await timeLoads(proxy, rounds, async () => {
    const values = await loadLikeProvider(proxy.url, secretIds, parameterNames);
    if (values !== secretIds.length + parameterNames.length) {
      throw new Error(`the provider-style load read ${values} values`);
    }
  });
  return { store, loadObjects, provider };
}

async function run({ quick }) {
  const sdk = await loadSdk();
  const moto = await sharedMoto();
  useLocalAws(moto.endpoint);
  const prefix = uniquePrefix('startup-fetch');
  const secretIds = await seedSecrets(moto.endpoint, prefix, secretCount);
  const parameterNames = await seedParameters(moto.endpoint, prefix, parameterCount);
  const spc = sdk.parseSecretProviderClass(
    spcManifest('startup-fetch', [
      ...secretIds.map((objectName) => ({ objectName, objectType: 'secretsmanager' })),
      ...parameterNames.map((objectName) => ({ objectName, objectType: 'ssmparameter' })),
    ]),
    { source: 'startup-fetch' },
  );

  const rounds = quick ? 1 : 5;
  const proxy = await startAwsProxy({ target: moto.endpoint, delayMs: latencyMs });
  let withLatency;
  let noLatency;
  try {
    withLatency = await measureAll(sdk, proxy, spc, secretIds, parameterNames, rounds);
    proxy.setDelay(0);
    noLatency = await measureAll(sdk, proxy, spc, secretIds, parameterNames, rounds);
  } finally {
    await proxy.close();
  }

  const kura = withLatency.store.ms;
  const baseline = withLatency.provider.ms;
  return {
    name: 'startup-fetch',
    kura,
    baseline,
    ratio: ratioOf(kura, baseline, 'lower'),
    unit: 'ms',
    better: 'lower',
    params: {
      secrets: secretCount,
      parameters: parameterCount,
      latencyMs,
      rounds,
      kuraCalls: withLatency.store.calls,
      baselineCalls: withLatency.provider.calls,
      loadObjects: withLatency.loadObjects,
      noLatency: {
        kuraMs: noLatency.store.ms,
        baselineMs: noLatency.provider.ms,
        loadObjectsMs: noLatency.loadObjects.ms,
      },
      baseline: 'AWS provider strategy: sequential GetSecretValue, then GetParameters by 10',
    },
  };
}

export const startupFetch = {
  name: 'startup-fetch',
  description: 'load 50 secrets and 50 parameters: openSecretStore against the AWS provider',
  run,
};
