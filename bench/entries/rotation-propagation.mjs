/**
 * rotation-propagation: the time from the rename that swaps `..data` in a CSI mount dir to the
 * new value being readable, through `watchMountDir` and through `store.get` of a store opened
 * with `source: 'files'`. The result's `kura` is the p50 through `store.get`.
 *
 * Baseline: without a watcher, an application gets a rotated value only when the CSI driver rewrites
 * the mount dir, which it does once per `--rotation-poll-interval`, 2 minutes by default
 * (cmd/secrets-store-csi-driver/main.go in kubernetes-sigs/secrets-store-csi-driver). The
 * baseline is that interval, the longest a rotation waits; the mean wait is half of it.
 */
import { chmod, mkdir, mkdtemp, readlink, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';

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

async function loadSdk() {
  try {
    return await import('../../packages/sdk/dist/index.js');
  } catch (error) {
    throw new Error(
      `failed to import packages/sdk/dist (${error.message}); build it with: npx tsc -b packages/sdk`,
    );
  }
}

/** Returns the value at rank `p` (0 to 1) of sorted durations, by the nearest-rank method. */
function percentile(sorted, p) {
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[rank - 1];
}

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

function summarize(durations) {
  return {
    p50Ms: round(percentile(durations, 0.5)),
    p99Ms: round(percentile(durations, 0.99)),
    maxMs: round(durations.at(-1)),
  };
}

function round(value) {
  return Math.round(value * 100) / 100;
}

async function run({ quick }) {
  const sdk = await loadSdk();
  // The store reads files only. These settings send any accidental AWS call to a closed local
  // port and turn off the instance metadata lookup.
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  process.env.AWS_ENDPOINT_URL = 'http://127.0.0.1:9';
  const swaps = quick ? 20 : 100;
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
  if (errors.length > 0) {
    throw new Error(
      `the mount dir reported ${errors.length} errors, the first: ${errors[0].message}`,
    );
  }

  return {
    name: 'rotation-propagation',
    kura: store.p50Ms,
    baseline: baselineMs,
    ratio: round(baselineMs / store.p50Ms),
    unit: 'ms',
    better: 'lower',
    params: {
      swaps,
      layout: 'atomic',
      // The watcher's default, which the store uses too.
      settleMs: 50,
      pauseBetweenSwapsMs,
      storeGet: store,
      watcher,
      baseline: 'CSI driver --rotation-poll-interval default (2 min)',
    },
  };
}

export const rotationPropagation = {
  name: 'rotation-propagation',
  description: 'time from the ..data rename to the new value in store.get (p50)',
  run,
};
