/**
 * Finds and runs `moto_server` (Python package `moto[server]`) on 127.0.0.1 for tests that
 * call AWS. The global setup starts one shared server; tests that must stop and restart AWS
 * call `startMoto()` for a server of their own.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { accessSync, constants, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface MotoServer {
  /** `http://127.0.0.1:<port>`, for `AWS_ENDPOINT_URL`. */
  endpoint: string;
  port: number;
  /** Stops the server and waits for its process to exit. */
  stop(): Promise<void>;
  /**
   * Stops the server and starts a new one on the same port. moto keeps its data in memory, so
   * the new server starts empty.
   */
  restart(): Promise<void>;
}

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const venvDir = join(repoRoot, '.venv');
const startTimeoutMs = 30_000;
/** Bytes of moto's output kept for the error message when it fails to start. */
const outputTailBytes = 16_384;

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function pyenvRoots(): string[] {
  const roots: string[] = [];
  if (process.env.PYENV_ROOT) roots.push(process.env.PYENV_ROOT);
  try {
    const output = execFileSync('pyenv', ['root'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    roots.push(output.trim());
  } catch {
    // pyenv is not installed or not on PATH; the other roots still apply.
  }
  roots.push(join(homedir(), '.pyenv'));
  return roots.filter((root) => root !== '');
}

/**
 * Lists `moto_server` executables in the order they are tried: PATH, then every pyenv
 * version (CI may lack pyenv's shims on PATH), then the repository's `.venv`.
 */
export function findMotoServers(): string[] {
  const found: string[] = [];
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir !== '') found.push(join(dir, 'moto_server'));
  }
  for (const root of pyenvRoots()) {
    let versions: string[] = [];
    try {
      versions = readdirSync(join(root, 'versions')).sort().reverse();
    } catch {
      continue;
    }
    for (const version of versions)
      found.push(join(root, 'versions', version, 'bin', 'moto_server'));
  }
  found.push(join(venvDir, 'bin', 'moto_server'));
  return [...new Set(found)].filter(isExecutable);
}

/**
 * Creates `.venv` at the repository root and installs `moto[server]` into it.
 * NOTE: pip needs the Python package index; where only npm and Debian packages can be reached,
 * this fails and the error names what to install.
 */
function installMotoIntoVenv(): string {
  const executable = join(venvDir, 'bin', 'moto_server');
  execFileSync('python3', ['-m', 'venv', venvDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  execFileSync(join(venvDir, 'bin', 'pip'), ['install', '--quiet', 'moto[server]'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return executable;
}

/** The process exit hook of each running server, removed once its group is gone. */
const exitHooks = new Map<ChildProcess, () => void>();

interface RunningProcess {
  child: ChildProcess;
  port: number;
}

/**
 * Spawns one `moto_server` in its own process group and resolves with the port it reports
 * ("Running on http://127.0.0.1:<port>"). Rejects with moto's output if it exits first.
 */
function spawnMoto(executable: string, port: number): Promise<RunningProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(executable, ['-H', '127.0.0.1', '-p', String(port)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    // The server runs in its own process group, so it would outlive a test run that exits
    // without teardown (a crash or Ctrl-C). stopProcess removes this hook.
    const killOnExit = () => killGroup(child, 'SIGKILL');
    process.once('exit', killOnExit);
    exitHooks.set(child, killOnExit);
    let output = '';
    let settled = false;

    // moto logs every request, so the pipes are read to the end to keep it from blocking on a
    // full pipe. Only the tail is kept for error messages.
    const onData = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-outputTailBytes);
      const match = /Running on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (match && !settled) {
        settled = true;
        clearTimeout(timer);
        resolve({ child, port: Number(match[1]) });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);

    const fail = (reason: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      process.off('exit', killOnExit);
      exitHooks.delete(child);
      reject(new Error(`${executable} ${reason}. Its output:\n${output}`));
    };
    const timer = setTimeout(() => {
      killGroup(child);
      fail(`did not report its port within ${startTimeoutMs} ms`);
    }, startTimeoutMs);
    child.on('error', (error) => fail(`could not be started: ${error.message}`));
    child.on('exit', (code, signal) => fail(`exited with ${signal ?? `code ${code}`}`));
  });
}

/**
 * Signals the process group the server runs in. The group may outlive the spawned process:
 * a pyenv shim can exit while the Python process it started keeps serving.
 */
function killGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}

function groupAlive(child: ChildProcess): boolean {
  if (child.pid === undefined) return false;
  try {
    process.kill(-child.pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Stops every process of the server's group, with SIGKILL after 5 s, and waits until none is left. */
async function stopProcess(child: ChildProcess): Promise<void> {
  killGroup(child);
  const deadline = Date.now() + 5_000;
  while (groupAlive(child)) {
    if (Date.now() > deadline) killGroup(child, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  const hook = exitHooks.get(child);
  if (hook !== undefined) process.off('exit', hook);
  exitHooks.delete(child);
}

/** Polls the endpoint until moto responds to an HTTP request. */
async function waitUntilAnswering(endpoint: string): Promise<void> {
  const deadline = Date.now() + startTimeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${endpoint}/moto-api/`);
      await response.arrayBuffer();
      return;
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`moto_server at ${endpoint} did not respond within ${startTimeoutMs} ms`, {
    cause: lastError,
  });
}

/** Starts the first candidate that runs; returns it with the executable that worked. */
async function startFirstWorking(
  port: number,
): Promise<{ executable: string; running: RunningProcess }> {
  let candidates = findMotoServers();
  const failures: string[] = [];

  if (candidates.length === 0) {
    try {
      candidates = [installMotoIntoVenv()];
    } catch (error) {
      failures.push(`installing moto[server] into ${venvDir} failed: ${String(error)}`);
    }
  }

  for (const executable of candidates) {
    try {
      return { executable, running: await spawnMoto(executable, port) };
    } catch (error) {
      failures.push(error instanceof Error ? error.message : String(error));
    }
  }

  throw new Error(
    'Tests that call AWS need moto_server, and none could be started. Install it with ' +
      '`pip install "moto[server]"` (or `python3 -m venv .venv && .venv/bin/pip install ' +
      '"moto[server]"` at the repository root) and run the tests again.\n' +
      failures.join('\n'),
  );
}

/**
 * Starts a `moto_server` of its own on 127.0.0.1 with an ephemeral port and waits until it
 * responds.
 */
export async function startMoto(): Promise<MotoServer> {
  const first = await startFirstWorking(0);
  const executable = first.executable;
  const port = first.running.port;
  const endpoint = `http://127.0.0.1:${port}`;
  let child = first.running.child;
  await waitUntilAnswering(endpoint);

  return {
    endpoint,
    port,
    stop: () => stopProcess(child),
    async restart() {
      await stopProcess(child);
      child = (await spawnMoto(executable, port)).child;
      await waitUntilAnswering(endpoint);
    },
  };
}
