/**
 * sidecar-throughput and sidecar-throughput-agent: requests per second of `kura serve` under
 * autocannon with 50 keep-alive connections, for `GET /objects/{file name}` and for the
 * Agent's `GET /secretsmanager/get?secretId=...`, with p50 and p99 latency in `params`.
 *
 * Baseline: a bare node:http server (bench/support/bare-server.mjs) in its own process on the
 * same machine, returning the bytes kura returned for the same request. It is the floor for
 * a Node HTTP server: no routing, token check, metrics or logging.
 *
 * kura reads the secret from moto once at start and then serves it from memory; it checks the
 * token from a `--token-file`, which costs one `stat` a request so a rotated token takes
 * effect at once. The full run also measures the token from `KURA_TOKEN` (`params.tokenFromEnv`).
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
  const [secretId] = await seedSecrets(moto.endpoint, uniquePrefix(name), 1, () =>
    JSON.stringify({ username: 'app', password: 'p'.repeat(32) }),
  );
  const dir = await mkdtemp(join(tmpdir(), 'kura-bench-throughput-'));
  const spcFile = join(dir, 'spc.yaml');
  const tokenFile = join(dir, 'token');
  await writeFile(
    spcFile,
    spcManifest(name, [{ objectName: secretId, objectType: 'secretsmanager' }]),
  );
  await writeFile(tokenFile, token, { mode: 0o640 });

  const durationSeconds = quick ? 1.5 : 10;
  const warmUpSeconds = quick ? 0.5 : 2;
  const path = pathOf(secretId);
  const env = localAwsEnvironment(moto.endpoint);
  const args = ['--spc', spcFile, '--source', 'aws'];

  const kuraServer = await startKuraServe([...args, '--token-file', tokenFile], env);
  let bare;
  let kura;
  let baseline;
  let tokenFromEnv;
  try {
    await waitUntilReady(kuraServer.url);
    const { body, contentType } = await fetchBytes(`${kuraServer.url}${path}`);
    bare = await startBareServer(body, contentType);

    await load(`${bare.url}${path}`, warmUpSeconds);
    await load(`${kuraServer.url}${path}`, warmUpSeconds);
    baseline = await load(`${bare.url}${path}`, durationSeconds);
    kura = await load(`${kuraServer.url}${path}`, durationSeconds);
  } finally {
    await kuraServer.stop();
    await bare?.stop();
  }

  if (!quick) {
    const envServer = await startKuraServe(args, { ...env, KURA_TOKEN: token });
    try {
      await waitUntilReady(envServer.url);
      await load(`${envServer.url}${path}`, warmUpSeconds);
      tokenFromEnv = await load(`${envServer.url}${path}`, durationSeconds);
    } finally {
      await envServer.stop();
    }
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
      path: path.replace(secretId, '{secretId}'),
      connections,
      durationSeconds,
      kuraLatency: { p50Ms: kura.p50Ms, p99Ms: kura.p99Ms },
      baselineLatency: { p50Ms: baseline.p50Ms, p99Ms: baseline.p99Ms },
      token: '--token-file',
      ...(tokenFromEnv === undefined ? {} : { tokenFromEnv }),
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
