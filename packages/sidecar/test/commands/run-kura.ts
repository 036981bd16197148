/**
 * Runs `node packages/sidecar/bin/kura.js` as a child process, the way a container runs it,
 * with the moto environment so that no call can leave 127.0.0.1.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { motoEnvironment } from '../../../../test/support/aws-env.js';
import { waitFor } from '../exec/wait-for.js';

export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
export const kuraBin = fileURLToPath(new URL('../../bin/kura.js', import.meta.url));
export const childScript = fileURLToPath(new URL('../exec/fixtures/child.mjs', import.meta.url));

export interface KuraRun {
  process: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code; a signal that ended kura itself is a test failure. */
  exited: Promise<number>;
  /** Waits until stdout contains a line matching `pattern` and returns that line. */
  waitForLine(pattern: RegExp): Promise<string>;
}

/** Returns the environment of every kura process in the tests: moto and dummy credentials. */
export function kuraEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...motoEnvironment(inject('motoEndpoint')),
    ...extra,
  };
}

export function startKura(
  args: string[],
  options: { env?: Record<string, string>; input?: string } = {},
): KuraRun {
  const child = spawn(process.execPath, [kuraBin, ...args], {
    cwd: repoRoot,
    env: kuraEnvironment(options.env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  if (options.input === undefined) {
    child.stdin.end();
  } else {
    child.stdin.end(options.input);
  }

  const exited = new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code === null) {
        reject(new Error(`kura ended by ${signal}; stderr: ${stderr}`));
      } else {
        resolve(code);
      }
    });
  });
  return {
    process: child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    waitForLine: (pattern) =>
      waitFor(
        () => stdout.split('\n').find((line) => pattern.test(line)),
        `a line matching ${pattern} on stdout; stderr so far: ${stderr}`,
      ),
  };
}

/** Runs kura to its end and returns its exit code and output. */
export async function runKura(
  args: string[],
  options: { env?: Record<string, string>; input?: string } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const run = startKura(args, options);
  const code = await run.exited;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}
