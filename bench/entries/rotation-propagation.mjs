/**
 * rotation-propagation: the time from the rename that swaps `..data` in a CSI mount dir to the
 * new value being served over HTTP by `kura serve --source files`: the `change` event on
 * `GET /events`, then `GET /objects/{file name}` returning the new bytes. The result's `kura`
 * is the p50 over HTTP; the p50 and p99 through `store.get` of a store opened in process with
 * `source: 'files'`, and through `watchMountDir` alone, are in `params`.
 *
 * Baseline: without a watcher, an application gets a rotated value only when the CSI driver rewrites
 * the mount dir, which it does once per `--rotation-poll-interval`, 2 minutes by default
 * (cmd/secrets-store-csi-driver/main.go in kubernetes-sigs/secrets-store-csi-driver). The
 * baseline is that interval, the longest a rotation waits; the mean wait is half of it.
 */
import { chmod, mkdir, mkdtemp, readlink, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { loadSdk, percentile, round } from '../support/measure.mjs';
import { startKuraServe } from '../support/processes.mjs';

const baselineMs = 120_000;
/**
 * Pause between two swaps, in milliseconds, so each one is measured alone: real rotations are
 * minutes apart, and a rescan still running from the last swap would add its time to the next.
 */
const pauseBetweenSwapsMs = 100;
/** A swap whose value is not readable after this long counts as a failure, in milliseconds. */
const swapTimeoutMs = 10_000;

const spcText = `apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
metadata:
  name: rotation-bench
spec:
  provider: aws
  parameters:
    region: "us-east-1"
    objects: |
      - objectName: "password"
        objectType: "ssmparameter"
`;

/** Writes the first `..data` generation of the CSI driver's atomic layout. */
async function createMountDir(value) {
  const dir = await mkdtemp(join(tmpdir(), 'kura-bench-rotation-'));
  await writeGeneration(dir, 0, value);
  await rename(join(dir, '..data_tmp'), join(dir, '..data'));
  await symlink('..data/password', join(dir, 'password'));
  return dir;
}

/** Writes generation `index` into its own timestamp directory and links `..data_tmp` to it. */
async function writeGeneration(dir, index, value) {
  const timestampDir = `..2024_01_01_00_00_00.${String(index).padStart(9, '0')}`;
  await mkdir(join(dir, timestampDir));
  await writeFile(join(dir, timestampDir, 'password'), value);
  await chmod(join(dir, timestampDir, 'password'), 0o644);
  await symlink(timestampDir, join(dir, '..data_tmp'));
}

/**
 * Swaps `..data` `swaps` times, as the CSI driver's atomic writer does, and returns each
 * duration from the rename to `onReadable` firing with the new value, in milliseconds.
 *
 * @param subscribe Called with `(dir, onReadable)` once; resolves to a function closing it.
 */
async function measureSwaps(swaps, subscribe) {
  const dir = await createMountDir('value-0');
  let waiting;
  const close = await subscribe(dir, (value) => {
    if (waiting !== undefined && value === waiting.expected) {
      waiting.resolve(performance.now());
    }
  });

  const durations = [];
  try {
    for (let index = 1; index <= swaps; index += 1) {
      const expected = `value-${index}`;
      const oldTimestampDir = await readlink(join(dir, '..data'));
      await writeGeneration(dir, index, expected);
      const readable = new Promise((resolve, reject) => {
        waiting = { expected, resolve };
        setTimeout(
          () => reject(new Error(`swap ${index} was not readable after ${swapTimeoutMs} ms`)),
          swapTimeoutMs,
        ).unref();
      });

      const start = performance.now();
      await rename(join(dir, '..data_tmp'), join(dir, '..data'));
      await rm(join(dir, oldTimestampDir), { recursive: true });
      durations.push((await readable) - start);
      waiting = undefined;
      await delay(pauseBetweenSwapsMs);
    }
  } finally {
    await close();
    await rm(dir, { recursive: true, force: true });
  }
  return durations.sort((a, b) => a - b);
}

const token = 'bench-rotation-token-0123456789abcdef';
const tokenHeader = 'x-aws-parameters-secrets-token';

/** Resolves once `GET /readyz` returns 200, polling every 50 ms for at most 20 s. */
async function waitUntilReady(url) {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const response = await fetch(`${url}/readyz`);
    await response.arrayBuffer();
    if (response.status === 200) return;
    await delay(50);
  }
  throw new Error(`kura serve at ${url} was not ready within 20 s`);
}

/** Opens `GET /events` and calls `onChange` for every `change` event; returns the request. */
function openEventStream(url, onChange) {
  return new Promise((resolve, reject) => {
    const events = request(`${url}/events`, { headers: { [tokenHeader]: token } }, (response) => {
      if (response.statusCode !== 200) {
        reject(new Error(`GET /events returned ${response.statusCode}`));
        return;
      }
      let buffered = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => {
        buffered += chunk;
        const messages = buffered.split('\n\n');
        buffered = messages.pop() ?? '';
        for (const message of messages) {
          if (message.startsWith('event: change')) onChange();
        }
      });
      resolve(events);
    });
    events.on('error', () => {});
    events.end();
  });
}

/**
 * Starts `kura serve --source files` on the mount dir and reports each value it serves after
 * a `change` event. Resolves to a function that stops the server.
 */
async function subscribeOverHttp(dir, onReadable) {
  // The watcher skips names that start with `..`, as it skips the CSI driver's own entries.
  const spcFile = join(dir, '..bench-spc.yaml');
  await writeFile(spcFile, spcText);
  const server = await startKuraServe(['--spc', spcFile, '--source', 'files', '--mount-dir', dir], {
    KURA_TOKEN: token,
  });
  let events;
  try {
    await waitUntilReady(server.url);
    events = await openEventStream(server.url, async () => {
      const response = await fetch(`${server.url}/objects/password`, {
        headers: { [tokenHeader]: token },
      });
      onReadable(await response.text());
    });
  } catch (error) {
    await server.stop();
    throw error;
  }
  return async () => {
    events.destroy();
    await server.stop();
  };
}

function summarize(durations) {
  return {
    p50Ms: round(percentile(durations, 0.5)),
    p99Ms: round(percentile(durations, 0.99)),
    maxMs: round(durations.at(-1)),
  };
}

async function run({ quick }) {
  const sdk = await loadSdk();
  // The store reads files only. These settings send any accidental AWS call to a closed local
  // port and turn off the instance metadata lookup.
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  process.env.AWS_ENDPOINT_URL = 'http://127.0.0.1:9';
  const swaps = quick ? 10 : 50;
  const decoder = new TextDecoder();

  const errors = [];

  const watcher = summarize(
    await measureSwaps(swaps, async (dir, onReadable) => {
      const handle = await sdk.watchMountDir(dir, {
        fileNames: ['password'],
        onChange: (file) => onReadable(decoder.decode(file.content)),
        onError: (error) => errors.push(error),
      });
      return () => handle.close();
    }),
  );

  const spc = sdk.parseSecretProviderClass(spcText, { source: 'rotation-bench' });
  const store = summarize(
    await measureSwaps(swaps, async (dir, onReadable) => {
      const opened = await sdk.openSecretStore({ spc, mountDir: dir, source: 'files' });
      opened.on('change', () => onReadable(opened.get('password')));
      opened.on('error', (event) => errors.push(event.error));
      return () => opened.close();
    }),
  );
  const http = summarize(await measureSwaps(swaps, subscribeOverHttp));
  if (errors.length > 0) {
    throw new Error(
      `the mount dir reported ${errors.length} errors, the first: ${errors[0].message}`,
    );
  }

  return {
    name: 'rotation-propagation',
    kura: http.p50Ms,
    baseline: baselineMs,
    ratio: round(baselineMs / http.p50Ms),
    unit: 'ms',
    better: 'lower',
    params: {
      swaps,
      layout: 'atomic',
      // The watcher's default, which the store uses too.
      settleMs: 50,
      pauseBetweenSwapsMs,
      http,
      storeGet: store,
      watcher,
      baseline: 'CSI driver --rotation-poll-interval default (2 min)',
    },
  };
}

export const rotationPropagation = {
  name: 'rotation-propagation',
  description: 'time from the ..data rename to the new value served over HTTP (p50)',
  run,
};
