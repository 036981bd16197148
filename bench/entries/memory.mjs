/**
 * memory: resident set size of an idle `kura serve` holding 100 objects (50 Secrets Manager
 * secrets and 50 Parameter Store parameters read from moto), against a bare Node process that
 * runs an idle node:http server (bench/support/bare-server.mjs). Both run Node from
 * `process.execPath`. The RSS is read from /proc/PID/status after the process has been idle
 * for `idleMs`; the figure is the median of `samples` readings one `sampleIntervalMs` apart.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import {
  localAwsEnvironment,
  seedParameters,
  seedSecrets,
  spcManifest,
  uniquePrefix,
} from '../support/aws.mjs';
import { median, ratioOf, round } from '../support/measure.mjs';
import { sharedMoto } from '../support/moto.mjs';
import { residentKiB, startBareServer, startKuraServe } from '../support/processes.mjs';

const secretCount = 50;
const parameterCount = 50;

async function waitUntilReady(url) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const response = await fetch(`${url}/readyz`);
    await response.arrayBuffer();
    if (response.status === 200) return;
    await delay(100);
  }
  throw new Error(`kura serve at ${url} was not ready within 30 s`);
}

async function sampleResidentMiB(pid, samples, intervalMs) {
  const readings = [];
  for (let i = 0; i < samples; i += 1) {
    if (i > 0) await delay(intervalMs);
    readings.push(await residentKiB(pid));
  }
  return round(median(readings) / 1024);
}

async function run({ quick }) {
  const moto = await sharedMoto();
  const prefix = uniquePrefix('memory');
  const secretIds = await seedSecrets(moto.endpoint, prefix, secretCount);
  const parameterNames = await seedParameters(moto.endpoint, prefix, parameterCount);
  const dir = await mkdtemp(join(tmpdir(), 'kura-bench-memory-'));
  const spcFile = join(dir, 'spc.yaml');
  await writeFile(
    spcFile,
    spcManifest('memory', [
      ...secretIds.map((objectName) => ({ objectName, objectType: 'secretsmanager' })),
      ...parameterNames.map((objectName) => ({ objectName, objectType: 'ssmparameter' })),
    ]),
  );

  const idleMs = quick ? 1_000 : 5_000;
  const samples = quick ? 3 : 5;
  const sampleIntervalMs = quick ? 200 : 1_000;

  let kura;
  let baseline;
  const kuraServer = await startKuraServe(['--spc', spcFile, '--source', 'aws'], {
    ...localAwsEnvironment(moto.endpoint),
    KURA_TOKEN: 'bench-memory-token-0123456789abcdef',
  });
  try {
    await waitUntilReady(kuraServer.url);
    await delay(idleMs);
    kura = await sampleResidentMiB(kuraServer.child.pid, samples, sampleIntervalMs);
  } finally {
    await kuraServer.stop();
  }

  const bare = await startBareServer();
  try {
    await delay(idleMs);
    baseline = await sampleResidentMiB(bare.child.pid, samples, sampleIntervalMs);
  } finally {
    await bare.stop();
    await rm(dir, { recursive: true, force: true });
  }

  return {
    name: 'memory',
    kura,
    baseline,
    ratio: ratioOf(kura, baseline, 'lower'),
    unit: 'MiB RSS',
    better: 'lower',
    params: {
      objects: secretCount + parameterCount,
      idleMs,
      samples,
      sampleIntervalMs,
      node: process.version,
      baseline: 'idle node:http server in a bare Node process',
    },
  };
}

export const memory = {
  name: 'memory',
  description: 'RSS of an idle kura serve with 100 objects against a bare Node process',
  run,
};
