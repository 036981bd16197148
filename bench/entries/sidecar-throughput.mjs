/**
 * sidecar-throughput and sidecar-throughput-agent: requests per second of `kura serve` under
 * autocannon with 50 keep-alive connections, for `GET /objects/{file name}` and for the
 * Agent's `GET /secretsmanager/get?secretId=...`, with p50 and p99 latency in `params`.
 *
 * The servers take turns: `rounds` loads of `durationSeconds` each, one server after the
 * other, each round starting with the next server, and each figure is that server's median
 * round, so load from other processes falls on all of them.
 *
 * Baseline: a bare node:http server (bench/support/bare-server.mjs) in its own process on the
 * same machine, returning the bytes kura returned for the same request. It is the floor for
 * a Node HTTP server: no routing, token check, metrics or logging.
 *
 * kura reads the secret from moto once at start and then serves it from memory. It checks the
 * token from a `--token-file`, and a `stat` of that file keeps a rotated token in effect at
 * once. The full run also measures the token from `KURA_TOKEN`
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
 * Starts kura serve with one secret and a bare server returning the same bytes, and measures
 * `path` on each in turn.
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
  const roundCount = quick ? 1 : 3;
  const warmUpSeconds = quick ? 0.5 : 2;
  const path = pathOf(secretId);
  const env = localAwsEnvironment(moto.endpoint);
  const fileTokenArgs = ['--source', 'aws', '--token-file', tokenFile];

  // Every server is started first and they take turns in each round. The full run adds
  // kura with the token from a variable and kura with an SPC of 100 objects, to show what
  // the token file and the number of objects cost a request.
  const servers = [];
  let results;
  try {
    servers.push({
      name: 'kura',
      ...(await startKuraServe(['--spc', spcFile, ...fileTokenArgs], env)),
    });
    if (!quick) {
      const envTokenArgs = ['--spc', spcFile, '--source', 'aws'];
      servers.push({
        name: 'tokenFromEnv',
        ...(await startKuraServe(envTokenArgs, { ...env, KURA_TOKEN: token })),
      });
      const manyArgs = ['--spc', manySpcFile, ...fileTokenArgs];
      servers.push({ name: 'spcWith100Objects', ...(await startKuraServe(manyArgs, env)) });
    }
    for (const server of servers) await waitUntilReady(server.url);
    const { body, contentType } = await fetchBytes(`${servers[0].url}${path}`);
    servers.unshift({ name: 'baseline', ...(await startBareServer(body, contentType)) });

    const rounds = Object.fromEntries(servers.map((server) => [server.name, []]));
    for (const server of servers) await load(`${server.url}${path}`, warmUpSeconds);
    for (let index = 0; index < roundCount; index += 1) {
      // Each round starts with the next server, so no server always runs first or last.
      const order = [
        ...servers.slice(index % servers.length),
        ...servers.slice(0, index % servers.length),
      ];
      for (const server of order) {
        rounds[server.name].push(await load(`${server.url}${path}`, durationSeconds));
      }
    }
    results = Object.fromEntries(
      Object.entries(rounds).map(([serverName, loads]) => [serverName, medianRound(loads)]),
    );
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
  const { kura, baseline, ...variants } = results;
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
      rounds: roundCount,
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
