/**
 * Child processes the HTTP benchmarks measure: `kura serve` from packages/sidecar/dist, and a
 * bare node:http server that returns fixed bytes. Each listens on 127.0.0.1 port 0, reports
 * its port on stderr, and is killed when the run exits.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cliPath = fileURLToPath(new URL('../../packages/sidecar/dist/cli.js', import.meta.url));
const bareServerPath = fileURLToPath(new URL('./bare-server.mjs', import.meta.url));
const startTimeoutMs = 20_000;

/**
 * Spawns `node args...` and resolves once its stderr contains a URL on 127.0.0.1, with the
 * child and that URL.
 */
function spawnListening(args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    let output = '';
    let settled = false;
    const fail = (reason) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      process.off('exit', killOnExit);
      reject(new Error(`node ${args.join(' ')} ${reason}. Its stderr:\n${output}`));
    };
    const timer = setTimeout(
      () => fail(`did not listen within ${startTimeoutMs} ms`),
      startTimeoutMs,
    );
    child.stderr.on('data', (chunk) => {
      output = (output + chunk.toString('utf8')).slice(-8_192);
      const match = /(http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match && !settled) {
        settled = true;
        clearTimeout(timer);
        resolve({
          child,
          url: match[1],
          /** Sends SIGTERM and waits for the exit, with SIGKILL after 5 s. */
          stop: () => stopChild(child, killOnExit),
        });
      }
    });
    child.on('error', (error) => fail(`could not be started: ${error.message}`));
    child.on('exit', (code, signal) => fail(`exited with ${signal ?? `code ${code}`}`));
  });
}

function stopChild(child, killOnExit) {
  return new Promise((resolve) => {
    process.off('exit', killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve();
      return;
    }
    const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Starts `kura serve` on 127.0.0.1 with an ephemeral port.
 *
 * @param {string[]} args options after `serve`, such as `--spc FILE`
 * @param {Record<string, string>} env variables added to a minimal environment
 */
export function startKuraServe(args, env) {
  return spawnListening([cliPath, 'serve', '--port', '0', '--log-level', 'warn', ...args], {
    PATH: process.env.PATH ?? '',
    ...env,
  });
}

/**
 * Starts the bare server: every request gets `body` with `contentType`, status 200.
 * With no body it still listens, as the floor of an idle Node process with an HTTP server.
 */
export function startBareServer(body = Buffer.alloc(0), contentType = 'application/octet-stream') {
  return spawnListening([bareServerPath], {
    PATH: process.env.PATH ?? '',
    BARE_BODY_BASE64: Buffer.from(body).toString('base64'),
    BARE_CONTENT_TYPE: contentType,
  });
}

/** Returns a child's resident set size in kibibytes, from /proc (Linux only). */
export async function residentKiB(pid) {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (!match) throw new Error(`no VmRSS line in /proc/${pid}/status`);
  return Number(match[1]);
}
