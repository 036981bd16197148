/**
 * steady-refresh: one simulated hour of 20 Secrets Manager objects that never change, and the
 * requests charged to the GetSecretValue quota (10,000 a second per account and region, shared
 * by the fleet). DescribeSecret calls, which have their own larger quota, are in `params`.
 *
 * kura: the real store (`openSecretStore`, default refresh interval 300 s) with an injected
 * clock that jumps from timer to timer, over a counting `AwsSource` in memory.
 *
 * Baselines, simulated from their published code and documentation:
 * - AWS Secrets Manager Agent (`baseline`): entries expire after `ttl_seconds`, 300 by default
 *   (README of aws/aws-secretsmanager-agent). A read of an expired entry calls DescribeSecret
 *   and calls GetSecretValue only when the cached version no longer has the stage asked for
 *   (`refresh_secret_value` and `is_current` in aws_secretsmanager_caching/src/lib.rs). The
 *   application is taken to read every secret once a second.
 * - CSI driver with the AWS provider (`params.csiRotationPoll`): the driver remounts every
 *   `--rotation-poll-interval`, 2 minutes by default. The provider calls GetSecretValue at the
 *   first mount and DescribeSecret at every later one, and GetSecretValue again only for a
 *   changed version (`isCurrent` in provider/secrets_manager_provider.go of
 *   aws/secrets-store-csi-driver-provider-aws).
 */
import { region, spcManifest } from '../support/aws.mjs';
import { loadSdk, ratioOf, seededRandom } from '../support/measure.mjs';

const objectCount = 20;
const hourMs = 3_600_000;
const agentTtlMs = 300_000;
const agentReadIntervalMs = 1_000;
const csiPollIntervalMs = 120_000;

/** Creates a `Clock` whose time moves only when `advanceTo` fires its timers in order. */
function createManualClock(random) {
  let now = 0;
  let nextId = 1;
  const timers = new Map();
  return {
    clock: {
      now: () => now,
      wallNow: () => now,
      setTimeout(callback, delayMs) {
        const id = nextId++;
        timers.set(id, { at: now + delayMs, callback });
        return id;
      },
      clearTimeout(id) {
        timers.delete(id);
      },
      random,
    },
    /** Fires every timer due up to `endMs`, earliest first, letting each fetch settle. */
    async advanceTo(endMs) {
      for (;;) {
        let next;
        for (const [id, timer] of timers) {
          if (timer.at <= endMs && (next === undefined || timer.at < next[1].at)) {
            next = [id, timer];
          }
        }
        if (next === undefined) break;
        timers.delete(next[0]);
        now = next[1].at;
        next[1].callback();
        await new Promise((resolve) => setImmediate(resolve));
      }
      now = endMs;
    },
  };
}

/** Creates an `AwsSource` in memory whose secrets never change, and counts each operation. */
function createCountingSource() {
  const calls = { GetSecretValue: 0, DescribeSecret: 0, GetParameters: 0 };
  return {
    calls,
    source: {
      async getSecretValue(request) {
        calls.GetSecretValue += 1;
        return {
          arn: `arn:aws:secretsmanager:${request.region}:123456789012:secret:${request.secretId}-AbCdEf`,
          name: request.secretId,
          versionId: 'version-1',
          versionStages: ['AWSCURRENT'],
          secretString: `value of ${request.secretId}`,
        };
      },
      async describeSecret(request) {
        calls.DescribeSecret += 1;
        return {
          arn: `arn:aws:secretsmanager:${request.region}:123456789012:secret:${request.secretId}-AbCdEf`,
          name: request.secretId,
          versionIdsToStages: { 'version-1': ['AWSCURRENT'] },
        };
      },
      async getParameters(requests) {
        calls.GetParameters += 1;
        throw new Error(`this benchmark has no parameters, got ${requests.length}`);
      },
      close() {},
    },
  };
}

async function measureKura(sdk) {
  const { clock, advanceTo } = createManualClock(seededRandom(20_240_101));
  const { calls, source } = createCountingSource();
  const spc = sdk.parseSecretProviderClass(
    spcManifest(
      'steady-refresh',
      Array.from({ length: objectCount }, (_, i) => ({
        objectName: `steady-${i}`,
        objectType: 'secretsmanager',
      })),
    ),
    { source: 'steady-refresh' },
  );
  const store = await sdk.openSecretStore({ spc, source: 'aws', awsSource: source, clock });
  try {
    await advanceTo(hourMs - 1);
  } finally {
    await store.close();
  }
  return { ...calls };
}

/** Counts the Agent's calls for secrets read every `agentReadIntervalMs` for an hour. */
function simulateAgent() {
  const calls = { GetSecretValue: 0, DescribeSecret: 0 };
  for (let i = 0; i < objectCount; i += 1) {
    let writtenAt;
    for (let t = 0; t < hourMs; t += agentReadIntervalMs) {
      if (writtenAt === undefined) {
        calls.GetSecretValue += 1;
        writtenAt = t;
      } else if (t - writtenAt >= agentTtlMs) {
        calls.DescribeSecret += 1;
        writtenAt = t;
      }
    }
  }
  return calls;
}

/** Counts the AWS provider's calls for a pod mounted at 0 and remounted every poll interval. */
function simulateCsiRotationPoll() {
  const polls = Math.ceil(hourMs / csiPollIntervalMs);
  return { GetSecretValue: objectCount, DescribeSecret: objectCount * (polls - 1) };
}

async function run() {
  const sdk = await loadSdk();
  const kuraCalls = await measureKura(sdk);
  const agent = simulateAgent();
  const csi = simulateCsiRotationPoll();
  return {
    name: 'steady-refresh',
    kura: kuraCalls.GetSecretValue,
    baseline: agent.GetSecretValue,
    ratio: ratioOf(kuraCalls.GetSecretValue, agent.GetSecretValue, 'lower'),
    unit: 'GetSecretValue calls/hour',
    better: 'lower',
    params: {
      objects: objectCount,
      region,
      simulatedMs: hourMs,
      kuraRefreshIntervalMs: 300_000,
      kuraCalls: {
        GetSecretValue: kuraCalls.GetSecretValue,
        DescribeSecret: kuraCalls.DescribeSecret,
      },
      agent: { ttlMs: agentTtlMs, readIntervalMs: agentReadIntervalMs, calls: agent },
      csiRotationPoll: {
        pollIntervalMs: csiPollIntervalMs,
        calls: csi,
        ratio: ratioOf(kuraCalls.GetSecretValue, csi.GetSecretValue, 'lower'),
      },
      describeSecretRatioToAgent: ratioOf(kuraCalls.DescribeSecret, agent.DescribeSecret, 'lower'),
      describeSecretRatioToCsi: ratioOf(kuraCalls.DescribeSecret, csi.DescribeSecret, 'lower'),
    },
  };
}

export const steadyRefresh = {
  name: 'steady-refresh',
  description:
    'one simulated hour, 20 unchanged secrets: GetSecretValue calls against the Agent and CSI poll',
  run,
};
