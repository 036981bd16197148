/**
 * Runs `kura serve` from the built CLI (packages/sidecar/dist) as a child process on 127.0.0.1
 * port 0, with only the environment the test gives it, and collects its output.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cliPath = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const startTimeoutMs = 20_000;

export interface ServeProcess {
  child: ChildProcess;
  /** `http://127.0.0.1:<port>` from the start-up line. */
  url: string;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code once the process exited. */
  exited: Promise<number | null>;
  /** Sends SIGTERM (unless already exited) and waits for the exit. */
  stop(): Promise<number | null>;
}

export async function runServe(args: string[], env: Record<string, string>): Promise<ServeProcess> {
  const child = spawn(process.execPath, [cliPath, 'serve', '--port', '0', ...args], {
    env: {
      PATH: process.env.PATH ?? '',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
  });

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`kura serve did not start in ${startTimeoutMs} ms:\n${stderr}`));
    }, startTimeoutMs);
    const check = () => {
      const match = /listening on (http:\/\/[0-9.]+:\d+)/.exec(stderr);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stderr?.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`kura serve exited with ${code} before listening:\n${stderr}`));
    });
  });

  return {
    child,
    url,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
      }
      return exited;
    },
  };
}

/** Runs `kura serve` to its exit, for arguments that must fail before listening. */
export function runServeToExit(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [cliPath, 'serve', ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve({ code, stderr }));
  });
}

/** Polls `GET /readyz` until it returns 200, for hooks where `expect.poll` is not allowed. */
export async function waitUntilReady(url: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(`${url}/readyz`);
    if (response.status === 200) {
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(`${url}/readyz still answers ${response.status} after ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
