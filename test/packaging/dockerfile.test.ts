/**
 * Checks the sidecar image's Dockerfile without a Docker engine. Every file it copies must exist
 * and the image must run as a non-root user. `kura serve`, started as the entry point starts
 * it, must write nothing into the image's files, so a read-only root filesystem works.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runServe } from '../../packages/sidecar/test/support/run-serve.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

interface Instruction {
  stage: string;
  keyword: string;
  args: string;
}

async function readInstructions(): Promise<Instruction[]> {
  const text = await readFile(join(root, 'Dockerfile'), 'utf8');
  const lines = text.replace(/\\\n/g, ' ').split('\n');
  const instructions: Instruction[] = [];
  let stage = '';
  for (const line of lines) {
    const match = /^([A-Z]+)\s+(.*)$/.exec(line.trim());
    if (match === null) continue;
    const [, keyword = '', args = ''] = match;
    if (keyword === 'FROM') {
      stage = /\bAS\s+(\S+)/i.exec(args)?.[1] ?? args;
    }
    instructions.push({ stage, keyword, args });
  }
  return instructions;
}

/** Splits `COPY [--from=x] SRC... DEST` into its sources and the stage it copies from. */
function copySources(args: string): { from?: string; sources: string[] } {
  const words = args.split(/\s+/).filter((word) => word !== '');
  const flags = words.filter((word) => word.startsWith('--'));
  const paths = words.filter((word) => !word.startsWith('--'));
  const from = flags.find((flag) => flag.startsWith('--from='))?.slice('--from='.length);
  return { from, sources: paths.slice(0, -1) };
}

/** Lists every file under the given paths with its size and modification time. */
async function snapshot(paths: readonly string[]): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const visit = async (path: string): Promise<void> => {
    const info = await stat(path);
    if (info.isDirectory()) {
      for (const entry of await readdir(path)) {
        await visit(join(path, entry));
      }
      return;
    }
    files.set(relative(root, path), `${info.size}:${info.mtimeMs}`);
  };
  for (const path of paths) {
    await visit(join(root, path));
  }
  return files;
}

/** Polls `/readyz` until it returns 200 or 100 tries have passed, and returns the last response. */
async function waitUntilReady(url: string): Promise<Response> {
  let response = await fetch(`${url}/readyz`);
  for (let attempt = 0; attempt < 100 && response.status !== 200; attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    response = await fetch(`${url}/readyz`);
  }
  return response;
}

describe('sidecar Dockerfile', () => {
  const cleanups: string[] = [];
  afterAll(async () => {
    for (const dir of cleanups) await rm(dir, { recursive: true, force: true });
  });

  it('copies only files the build has', async () => {
    const instructions = await readInstructions();
    const copies = instructions.filter((instruction) => instruction.keyword === 'COPY');

    expect(copies.length).toBeGreaterThan(0);
    for (const copy of copies) {
      const { from, sources } = copySources(copy.args);
      if (from === 'deps') continue; // paths inside the deps stage's own npm ci output
      for (const source of sources) {
        const path = from === 'build' ? source.replace(/^\/src\//, '') : source;
        expect(existsSync(join(root, path)), `${copy.stage}: COPY ${source}`).toBe(true);
      }
    }
  });

  it('runs the built CLI as a numeric non-root user', async () => {
    const instructions = await readInstructions();
    const runtime = instructions.filter((instruction) => instruction.stage === 'runtime');
    const user = runtime.find((instruction) => instruction.keyword === 'USER')?.args ?? '';
    const entrypoint = runtime.find((instruction) => instruction.keyword === 'ENTRYPOINT');

    expect(user).toMatch(/^[1-9]\d*(:\d+)?$/);
    const command = JSON.parse(entrypoint?.args ?? '[]') as string[];
    expect(command[0]).toBe('node');
    const script = (command[1] ?? '').replace(/^\/app\//, '');
    expect(existsSync(join(root, script))).toBe(true);
  });

  it('starts kura serve without writing into the image', async () => {
    const imagePaths = [
      'package.json',
      'packages/sdk',
      'packages/sidecar/dist',
      'packages/sidecar/bin',
    ];
    const before = await snapshot(imagePaths);
    const topLevelBefore = await readdir(root);
    const volume = await mkdtemp(join(tmpdir(), 'kura-token-volume-'));
    cleanups.push(volume);

    const serve = await runServe(
      [
        '--spc',
        join(root, 'examples/secretproviderclass.yaml'),
        '--source',
        'files',
        '--mount-dir',
        join(root, 'examples/mnt/secrets-store'),
        '--token-file',
        join(volume, 'token'),
      ],
      { HOME: volume },
    );
    const ready = await waitUntilReady(serve.url);
    const code = await serve.stop();

    expect(ready.status).toBe(200);
    expect(code).toBe(0);
    expect(await readdir(volume)).toContain('token');
    expect(await snapshot(imagePaths)).toEqual(before);
    expect(await readdir(root)).toEqual(topLevelBefore);
  });
});
