/**
 * fleet-start: `pods` simulated pods, each reading the same 20 Parameter Store objects, start
 * at random points within `startWindowMs`. They read from a Parameter Store endpoint limited
 * to 40 requests per second: a token-bucket proxy in front of moto that returns
 * ThrottlingException past the limit, for GetParameter and GetParameters together as AWS
 * counts them. The figure
 * is the time from the first pod's start until every pod holds every value; the throttled
 * calls are in `params`.
 *
 * kura pod: what `kura serve` does at start (packages/sidecar/src/commands/serve.ts): one
 * cache for the pod, `openSecretStore` retried while it fails, after 1 s, 2 s, 4 s ... (at
 * most 60 s), each wait scaled at random to 50–100%. Values a failed attempt did read stay in
 * the cache, so a retry reads only the rest.
 *
 * Naive pod (baseline): one GetParameter per object, all at once, through an SSMClient with
 * the AWS SDK's default retries (standard mode, 3 attempts). A pod whose reads still fail
 * exits and is restarted as Kubernetes restarts a crashing container: after 10 s, then twice
 * as long each time, at most 300 s (CrashLoopBackOff). A restarted pod reads everything again.
 *
 * Each side stops at `deadlineMs`; a side that did not finish reports the deadline, with
 * `finished: false` and the number of pods ready.
 */
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import {
  clientConfig,
  region,
  seedParameters,
  spcManifest,
  uniquePrefix,
  useLocalAws,
} from '../support/aws.mjs';
import { startAwsProxy } from '../support/aws-proxy.mjs';
import { loadSdk, ratioOf, round, seededRandom } from '../support/measure.mjs';
import { sharedMoto } from '../support/moto.mjs';

const objectsPerPod = 20;
const ratePerSecond = 40;
/** Tokens the bucket starts with and saves up to: one second of the rate. */
const burst = 40;
const serveRetryBaseMs = 1_000;
const serveRetryMaxMs = 60_000;
const crashLoopBaseMs = 10_000;
const crashLoopMaxMs = 300_000;
const limitedOperations = ['AmazonSSM.GetParameter', 'AmazonSSM.GetParameters'];

/** Returns a promise that resolves after `ms`, or at once when `fleet.stopped` is set. */
function sleep(fleet, ms) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      fleet.timers.delete(entry);
      resolve();
    }, ms);
    const entry = { timer, resolve };
    fleet.timers.add(entry);
  });
}

function stopFleet(fleet) {
  fleet.stopped = true;
  for (const { timer, resolve } of fleet.timers) {
    clearTimeout(timer);
    resolve();
  }
  fleet.timers.clear();
}

async function startKuraPod(fleet, sdk, spc, proxyUrl) {
  const cache = sdk.createSecretsCache({ region, clientConfig: clientConfig(proxyUrl) });
  try {
    for (let attempt = 1; !fleet.stopped; attempt += 1) {
      try {
        const store = await sdk.openSecretStore({ spc, cache, source: 'aws' });
        await store.close();
        return true;
      } catch {
        fleet.failedStarts += 1;
        const cappedMs = Math.min(serveRetryMaxMs, serveRetryBaseMs * 2 ** (attempt - 1));
        await sleep(fleet, cappedMs * (0.5 + fleet.random() * 0.5));
      }
    }
    return false;
  } finally {
    cache.close();
  }
}

async function startNaivePod(fleet, names, proxyUrl) {
  for (let restart = 0; !fleet.stopped; restart += 1) {
    const client = new SSMClient(clientConfig(proxyUrl));
    try {
      await Promise.all(
        names.map((name) =>
          client.send(new GetParameterCommand({ Name: name, WithDecryption: true })),
        ),
      );
      return true;
    } catch {
      fleet.failedStarts += 1;
      await sleep(fleet, Math.min(crashLoopMaxMs, crashLoopBaseMs * 2 ** restart));
    } finally {
      client.destroy();
    }
  }
  return false;
}

/**
 * Starts every pod at its offset, and resolves with the time until the last one is ready, or
 * the deadline.
 */
async function runFleet({ target, offsets, deadlineMs, startPod }) {
  const proxy = await startAwsProxy({
    target,
    limit: { operations: limitedOperations, ratePerSecond, burst },
  });
  const fleet = { stopped: false, timers: new Set(), failedStarts: 0, random: seededRandom(7) };
  let ready = 0;
  const start = performance.now();
  let lastReadyMs = 0;
  const deadline = setTimeout(() => stopFleet(fleet), deadlineMs);
  try {
    await Promise.all(
      offsets.map(async (offsetMs) => {
        await sleep(fleet, offsetMs);
        if (await startPod(fleet, proxy.url)) {
          ready += 1;
          lastReadyMs = performance.now() - start;
        }
      }),
    );
  } finally {
    clearTimeout(deadline);
    stopFleet(fleet);
    await proxy.close();
  }
  const finished = ready === offsets.length;
  const calls = limitedOperations.reduce((sum, operation) => sum + proxy.calls(operation), 0);
  const throttled = limitedOperations.reduce(
    (sum, operation) => sum + proxy.throttled(operation),
    0,
  );
  return {
    ms: round(finished ? lastReadyMs : deadlineMs),
    finished,
    podsReady: ready,
    calls,
    throttledCalls: throttled,
    failedStarts: fleet.failedStarts,
  };
}

async function run({ quick }) {
  const sdk = await loadSdk();
  const moto = await sharedMoto();
  useLocalAws(moto.endpoint);
  const names = await seedParameters(moto.endpoint, uniquePrefix('fleet-start'), objectsPerPod);
  const spc = sdk.parseSecretProviderClass(
    spcManifest(
      'fleet-start',
      names.map((objectName) => ({ objectName, objectType: 'ssmparameter' })),
    ),
    { source: 'fleet-start' },
  );

  const pods = quick ? 10 : 300;
  const startWindowMs = quick ? 500 : 5_000;
  const deadlineMs = quick ? 10_000 : 300_000;
  const random = seededRandom(300);
  const offsets = Array.from({ length: pods }, () => Math.floor(random() * startWindowMs));

  const kura = await runFleet({
    target: moto.endpoint,
    offsets,
    deadlineMs,
    startPod: (fleet, proxyUrl) => startKuraPod(fleet, sdk, spc, proxyUrl),
  });
  const naive = await runFleet({
    target: moto.endpoint,
    offsets,
    deadlineMs,
    startPod: (fleet, proxyUrl) => startNaivePod(fleet, names, proxyUrl),
  });

  return {
    name: 'fleet-start',
    kura: kura.ms,
    baseline: naive.ms,
    ratio: ratioOf(kura.ms, naive.ms, 'lower'),
    unit: 'ms',
    better: 'lower',
    params: {
      pods,
      objectsPerPod,
      startWindowMs,
      ratePerSecond,
      burst,
      deadlineMs,
      kura,
      baseline: naive,
      baselineClient: 'GetParameter per object, SDK default retries, CrashLoopBackOff restarts',
    },
  };
}

export const fleetStart = {
  name: 'fleet-start',
  description:
    'pods starting against Parameter Store limited to 40 req/s: kura against naive GetParameter',
  run,
};
