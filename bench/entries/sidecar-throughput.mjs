/**
 * sidecar-throughput and sidecar-throughput-agent: requests per second of `kura serve` under
 * autocannon with 50 keep-alive connections, for `GET /objects/{file name}` and for the
 * Agent's `GET /secretsmanager/get?secretId=...`, with p50 and p99 latency in `params`.
 *
 * The two servers take turns: `rounds` loads of `durationSeconds` each, alternating, and the
 * figure of each side is its median round, so load from other processes falls on both.
 *
 * Baseline: a bare node:http server (bench/support/bare-server.mjs) in its own process on the
 * same machine, returning the bytes kura returned for the same request. It is the floor for
 * a Node HTTP server: no routing, token check, metrics or logging.
 *
 * kura reads the secret from moto once at start and then serves it from memory; it checks the
 * token from a `--token-file`, which costs one `stat` a request so a rotated token takes
 * effect at once. The full run also measures the token from `KURA_TOKEN`
 * (`params.tokenFromEnv`) and an SPC of 100 objects (`params.spcWith100Objects`).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { localAwsEnvironment, seedSecrets, spcManifest, uniquePrefix } from '../support/aws.mjs';
import { ratioOf, round } from '../support/measure.mjs';
import { sharedMoto } from '../support/moto.mjs';
import { startBareServer, startKuraServe } from '../support/processes.mjs';

const connections = 50;
/** Secrets seeded; the SPC of the main figure names the first, the 100-object variant all. */
const manyObjects = 100;
const token = 'bench-token-0123456789abcdef0123456789abcdef';
const tokenHeader = 'X-Aws-Parameters-Secrets-Token';

/** Runs autocannon against `url` and returns requests per second and latency percentiles. */
async function load(url, durationSeconds) {
  const result = await autocannon({
    url,
    connections,
    duration: durationSeconds,
    headers: { [tokenHeader]: token },
  });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(
      `${url}: ${result.non2xx} responses were not 2xx and ${result.errors} requests failed`,
    );
  }
  return {
    requestsPerSecond: round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
  };
}

/** Returns the round with the median requests per second, latencies included. */
function medianRound(results) {
  const sorted = [...results].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond);
  return sorted[Math.floor(sorted.length / 2)];
}

async function waitUntilReady(url) {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const response = await fetch(`${url}/readyz`);
    await response.arrayBuffer();
    if (response.status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`kura serve at ${url} was not ready within 20 s`);
}

async function fetchBytes(url) {
  const response = await fetch(url, { headers: { [tokenHeader]: token } });
  if (response.status !== 200) throw new Error(`GET ${url} returned ${response.status}`);
  return {
    body: Buffer.from(await response.arrayBuffer()),
    contentType: response.headers.get('content-type') ?? 'application/octet-stream',
  };
}

/**
 * Starts kura serve with one secret, measures `path` on it and on a bare server returning the
 * same bytes, alternating warm-up and measurement so both see the same machine load.
 */
async function measurePath(name, pathOf, { quick }) {
  const moto = await sharedMoto();
  const secretIds = await seedSecrets(
    moto.endpoint,
    uniquePrefix(name),
    quick ? 1 : manyObjects,
    () => JSON.stringify({ username: 'app', password: 'p'.repeat(32) }),
  );
  const secretId = secretIds[0];
  const dir = await mkdtemp(join(tmpdir(), 'kura-bench-throughput-'));
  const spcFile = join(dir, 'spc.yaml');
  const manySpcFile = join(dir, 'spc-many.yaml');
  const tokenFile = join(dir, 'token');
  const objectsOf = (ids) =>
    ids.map((objectName) => ({ objectName, objectType: 'secretsmanager' }));
  await writeFile(spcFile, spcManifest(name, objectsOf([secretId])));
  await writeFile(manySpcFile, spcManifest(name, objectsOf(secretIds)));
  await writeFile(tokenFile, token, { mode: 0o640 });

  const durationSeconds = quick ? 1.5 : 5;
  const rounds = quick ? 1 : 3;
  const warmUpSeconds = quick ? 0.5 : 2;
  const path = pathOf(secretId);
  const env = localAwsEnvironment(moto.endpoint);
  const fileTokenArgs = ['--source', 'aws', '--token-file', tokenFile];

  const kuraServer = await startKuraServe(['--spc', spcFile, ...fileTokenArgs], env);
  let bare;
  let kura;
  let baseline;
  try {
    await waitUntilReady(kuraServer.url);
    const { body, contentType } = await fetchBytes(`${kuraServer.url}${path}`);
    bare = await startBareServer(body, contentType);

    await load(`${bare.url}${path}`, warmUpSeconds);
    await load(`${kuraServer.url}${path}`, warmUpSeconds);
    const baselineRounds = [];
    const kuraRounds = [];
    for (let index = 0; index < rounds; index += 1) {
      baselineRounds.push(await load(`${bare.url}${path}`, durationSeconds));
      kuraRounds.push(await load(`${kuraServer.url}${path}`, durationSeconds));
    }
    baseline = medianRound(baselineRounds);
    kura = medianRound(kuraRounds);
  } finally {
    await kuraServer.stop();
    await bare?.stop();
  }

  // The full run also measures the token from a variable and an SPC of 100 objects, each on
  // its own, to show what the token file and the number of objects cost a request.
  const variants = {};
  if (!quick) {
    const measureVariant = async (args, extraEnv) => {
      const server = await startKuraServe(args, { ...env, ...extraEnv });
      try {
        await waitUntilReady(server.url);
        await load(`${server.url}${path}`, warmUpSeconds);
        return await load(`${server.url}${path}`, durationSeconds);
      } finally {
        await server.stop();
      }
    };
    variants.tokenFromEnv = await measureVariant(['--spc', spcFile, '--source', 'aws'], {
      KURA_TOKEN: token,
    });
    variants.spcWith100Objects = await measureVariant(['--spc', manySpcFile, ...fileTokenArgs], {});
  }
  await rm(dir, { recursive: true, force: true });

  return {
    name,
    kura: kura.requestsPerSecond,
    baseline: baseline.requestsPerSecond,
    ratio: ratioOf(kura.requestsPerSecond, baseline.requestsPerSecond, 'higher'),
    unit: 'req/s',
    better: 'higher',
    params: {
      path: path.replace(encodeURIComponent(secretId), '{secretId}'),
      objectsInSpc: 1,
      connections,
      durationSeconds,
      rounds,
      kuraLatency: { p50Ms: kura.p50Ms, p99Ms: kura.p99Ms },
      baselineLatency: { p50Ms: baseline.p50Ms, p99Ms: baseline.p99Ms },
      token: '--token-file',
      ...variants,
      baseline: 'bare node:http server returning the same bytes',
    },
  };
}

export const sidecarThroughput = {
  name: 'sidecar-throughput',
  description: 'GET /objects/{name}, 50 keep-alive connections: kura serve against a bare server',
  run: (options) =>
    measurePath(
      'sidecar-throughput',
      (secretId) => `/objects/${encodeURIComponent(secretId)}`,
      options,
    ),
};

export const sidecarThroughputAgent = {
  name: 'sidecar-throughput-agent',
  description:
    'GET /secretsmanager/get, 50 keep-alive connections: kura serve against a bare server',
  run: (options) =>
    measurePath(
      'sidecar-throughput-agent',
      (secretId) => `/secretsmanager/get?secretId=${encodeURIComponent(secretId)}`,
      options,
    ),
};
