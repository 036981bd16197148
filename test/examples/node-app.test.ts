/**
 * Runs examples/node-app/server.mjs against moto. It imports @kura/sdk from the built package
 * (packages/sdk/dist), so `npx tsc -b packages/sdk` must have run, as `npm test` does first.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { motoEnvironment } from '../support/aws-env.js';
import { createSeeder } from '../support/seed.js';

const motoEndpoint = inject('motoEndpoint');
const builtIndex = new URL('../../packages/sdk/dist/index.js', import.meta.url);

let child: ChildProcess;
let url: string;
let output = '';

/** Starts the example and resolves with the URL of its `listening` log line. */
function startExample(): Promise<string> {
  child = spawn(process.execPath, ['examples/node-app/server.mjs'], {
    env: { PATH: process.env.PATH, ...motoEnvironment(motoEndpoint), PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const listening = /"msg":"listening","url":"([^"]+)"/.exec(output);
      if (listening?.[1] !== undefined) {
        resolve(listening[1]);
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('exit', (code) => reject(new Error(`the example exited with ${code}:\n${output}`)));
  });
}

beforeAll(async () => {
  if (!existsSync(builtIndex)) {
    throw new Error('packages/sdk/dist is missing: run `npx tsc -b packages/sdk` first');
  }
  const seeder = createSeeder(motoEndpoint);
  await seeder.putParameter('piyopiyo', '1234567', 'String');
  await seeder.putParameter('foobar', 'foobar-value', 'SecureString');
  seeder.close();
  url = await startExample();
});

afterAll(async () => {
  if (child.exitCode === null) {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
});

describe('examples/node-app', () => {
  it('accepts the value of my-parameter as API key', async () => {
    const response = await fetch(`${url}/orders`, { headers: { 'x-api-key': 'foobar-value' } });
    const body = (await response.json()) as { piyopiyoLength: number };

    expect(response.status).toBe(200);
    expect(body.piyopiyoLength).toBe(7);
  });

  it('rejects a wrong API key', async () => {
    const response = await fetch(`${url}/orders`, { headers: { 'x-api-key': 'wrong' } });

    expect(response.status).toBe(401);
  });

  it('lists its objects without values', async () => {
    const response = await fetch(`${url}/objects`);
    const text = await response.text();

    expect(response.status).toBe(200);
    expect(text).toContain('"fileName":"my-parameter"');
    expect(text).not.toContain('foobar-value');
    expect(text).not.toContain('1234567');
  });

  it('stops on SIGTERM', async () => {
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');

    expect(code).toBe(0);
    expect(output).not.toContain('foobar-value');
  });
});
