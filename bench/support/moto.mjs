/**
 * Finds and runs `moto_server` on 127.0.0.1 for the benchmarks, the way test/support/moto.ts
 * does for the tests: PATH first, then every pyenv version, then the repository's `.venv`.
 * One server is shared by every entry of a run; `stopMoto()` stops it.
 */
import { execFileSync, spawn } from 'node:child_process';
import { accessSync, constants, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const startTimeoutMs = 30_000;

function isExecutable(file) {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function pyenvRoots() {
  const roots = [];
  if (process.env.PYENV_ROOT) roots.push(process.env.PYENV_ROOT);
  try {
    const output = execFileSync('pyenv', ['root'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    roots.push(output.trim());
  } catch {
    // pyenv is not installed; the other roots still apply.
  }
  roots.push(join(homedir(), '.pyenv'));
  return roots.filter((root) => root !== '');
}

/** Lists the `moto_server` executables found, in the order they are tried. */
export function findMotoServers() {
  const found = [];
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir !== '') found.push(join(dir, 'moto_server'));
  }
  for (const root of pyenvRoots()) {
    let versions = [];
    try {
      versions = readdirSync(join(root, 'versions')).sort().reverse();
    } catch {
      continue;
    }
    for (const version of versions) {
      found.push(join(root, 'versions', version, 'bin', 'moto_server'));
    }
  }
  found.push(join(repoRoot, '.venv', 'bin', 'moto_server'));
  return [...new Set(found)].filter(isExecutable);
}

function killGroup(child, signal = 'SIGTERM') {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}

/** Spawns one server in its own process group; resolves with the port it reports. */
function spawnMoto(executable) {
  return new Promise((resolve, reject) => {
    const child = spawn(executable, ['-H', '127.0.0.1', '-p', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    // The group would outlive a run that crashes, so the exit hook kills it.
    const killOnExit = () => killGroup(child, 'SIGKILL');
    process.once('exit', killOnExit);
    let output = '';
    let settled = false;

    // moto logs every request, so the pipes are drained to keep it from blocking.
    const onData = (chunk) => {
      output = (output + chunk.toString('utf8')).slice(-16_384);
      const match = /Running on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (match && !settled) {
        settled = true;
        clearTimeout(timer);
        resolve({ child, port: Number(match[1]), killOnExit });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);

    const fail = (reason) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      killGroup(child, 'SIGKILL');
      process.off('exit', killOnExit);
      reject(new Error(`${executable} ${reason}. Its output:\n${output}`));
    };
    const timer = setTimeout(
      () => fail(`did not report its port within ${startTimeoutMs} ms`),
      startTimeoutMs,
    );
    child.on('error', (error) => fail(`could not be started: ${error.message}`));
    child.on('exit', (code, signal) => fail(`exited with ${signal ?? `code ${code}`}`));
  });
}

async function waitUntilAnswering(endpoint) {
  const deadline = Date.now() + startTimeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${endpoint}/moto-api/`);
      await response.arrayBuffer();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`moto_server at ${endpoint} did not respond within ${startTimeoutMs} ms`);
}

async function startMoto() {
  const failures = [];
  for (const executable of findMotoServers()) {
    let running;
    try {
      running = await spawnMoto(executable);
    } catch (error) {
      failures.push(error.message);
      continue;
    }
    const endpoint = `http://127.0.0.1:${running.port}`;
    await waitUntilAnswering(endpoint);
    return { endpoint, ...running };
  }
  throw new Error(
    'the AWS benchmarks need moto_server and none could be started; install it with ' +
      '`pip install "moto[server]"` (or into .venv at the repository root).\n' +
      failures.join('\n'),
  );
}

let shared;

/** Returns the run's moto_server, starting it on the first call. */
export function sharedMoto() {
  shared ??= startMoto();
  return shared;
}

/** Stops the shared server, if one was started, and waits until its process group is gone. */
export async function stopMoto() {
  if (shared === undefined) return;
  const { child, killOnExit } = await shared;
  shared = undefined;
  killGroup(child);
  const deadline = Date.now() + 5_000;
  for (;;) {
    try {
      process.kill(-child.pid, 0);
    } catch {
      break;
    }
    if (Date.now() > deadline) killGroup(child, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  process.off('exit', killOnExit);
}
