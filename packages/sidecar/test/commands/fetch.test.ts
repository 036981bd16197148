import { execFile } from 'node:child_process';
import { lstat, mkdir, readdir, readFile, readlink, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { motoEnvironment, uniqueName, useMotoEnv } from '../../../../test/support/aws-env.js';
import { createSeeder, type Seeder } from '../../../../test/support/seed.js';
import { snapshotDir, useTempDirs } from '../../../sdk/test/mount/mount-fixtures.js';
import { main } from '../../src/cli.js';
import type { CommandIo } from '../../src/commands/command.js';

const endpoint = inject('motoEndpoint');
useMotoEnv(endpoint);
const tempDir = useTempDirs();
const cliPath = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const exampleSpc = fileURLToPath(
  new URL('../../../../examples/secretproviderclass.yaml', import.meta.url),
);

let seeder: Seeder;
beforeAll(() => {
  seeder = createSeeder(endpoint);
});
afterAll(() => {
  seeder.close();
});

/** Returns the environment the built CLI runs with: PATH and the moto settings only. */
function cliEnvironment(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '',
    // The AWS SDK warns on stderr about Node 20's end of support; these tests read stderr.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...motoEnvironment(endpoint),
  };
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Collects what a command writes to one of its streams. */
function bufferStream(): { stream: NodeJS.WritableStream; text(): string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      text += chunk.toString();
      callback();
    },
  });
  return { stream, text: () => text };
}

/** Runs `kura fetch ARGS` in this process with `process.env` plus `env`. */
async function fetch(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const stdout = bufferStream();
  const stderr = bufferStream();
  const io: CommandIo = {
    stdout: stdout.stream,
    stderr: stderr.stream,
    env: { ...process.env, ...env },
  };
  const code = await main(['fetch', ...args], io);
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

/** Writes a SecretProviderClass with `objects` (YAML list items) and returns its path. */
async function writeSpc(
  objects: string[],
  parameters: Record<string, string> = {},
): Promise<string> {
  const dir = await tempDir();
  const path = join(dir, 'spc.yaml');
  const extra = Object.entries(parameters).map(([key, value]) => `    ${key}: "${value}"`);
  const text = [
    'apiVersion: secrets-store.csi.x-k8s.io/v1',
    'kind: SecretProviderClass',
    'metadata:',
    '  name: fetch-test',
    'spec:',
    '  provider: aws',
    '  parameters:',
    '    region: "us-east-1"',
    ...extra,
    '    objects: |',
    ...objects.map((line) => `      ${line}`),
    '',
  ].join('\n');
  await writeFile(path, text);
  return path;
}

async function modeOf(path: string): Promise<number> {
  return (await stat(path)).mode & 0o7777;
}

describe('kura fetch', () => {
  it('writes the example SPC files', async () => {
    await seeder.putParameter('piyopiyo', '1234567', 'String');
    await seeder.putParameter('foobar', 'foobar-value', 'SecureString');
    const out = await tempDir();

    const run = await fetch(['--spc', exampleSpc, '--out', out]);

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect((await readdir(out)).sort()).toEqual(['my-parameter', 'piyopiyo']);
    expect(await readFile(join(out, 'piyopiyo'), 'utf8')).toBe('1234567');
    expect(await readFile(join(out, 'my-parameter'), 'utf8')).toBe('foobar-value');
    expect(await modeOf(join(out, 'piyopiyo'))).toBe(0o644);
    expect(await modeOf(join(out, 'my-parameter'))).toBe(0o644);
    expect(run.stdout).toBe(
      `wrote 2 files to ${out} (layout provider):\n  0644  piyopiyo\n  0644  my-parameter\n`,
    );
  });

  it('writes the example SPC from the built CLI', async () => {
    await seeder.putParameter('piyopiyo', '1234567', 'String');
    await seeder.putParameter('foobar', 'foobar-value', 'SecureString');
    const out = await tempDir();

    const run = await promisify(execFile)(
      process.execPath,
      [cliPath, 'fetch', '--spc', exampleSpc, '--out', out, '--layout', 'atomic'],
      { env: cliEnvironment() },
    );

    expect(run.stderr).toBe('');
    expect(await readFile(join(out, 'piyopiyo'), 'utf8')).toBe('1234567');
    expect(await readFile(join(out, 'my-parameter'), 'utf8')).toBe('foobar-value');
  });

  it('exits 1 from the built CLI when an object is missing', async () => {
    const missing = uniqueName('fetch-cli-missing');
    const spc = await writeSpc([`- objectName: "${missing}"`, '  objectType: "ssmparameter"']);
    const out = await tempDir();

    const run = promisify(execFile)(
      process.execPath,
      [cliPath, 'fetch', '--spc', spc, '--out', out],
      {
        env: cliEnvironment(),
      },
    );

    await expect(run).rejects.toMatchObject({ code: 1 });
    await expect(run).rejects.toMatchObject({ stderr: expect.stringContaining(missing) });
    expect(await readdir(out)).toEqual([]);
  });

  it('writes the atomic layout', async () => {
    const name = uniqueName('fetch-atomic');
    await seeder.putParameter(name, 'atomic-value');
    const spc = await writeSpc([
      `- objectName: "${name}"`,
      '  objectType: "ssmparameter"',
      '  filePermission: "0400"',
    ]);
    const out = await tempDir();

    const run = await fetch(['--spc', spc, '--out', out, '--layout', 'atomic']);

    expect(run.code).toBe(0);
    expect(await readlink(join(out, name))).toBe(`..data/${name}`);
    expect(await readlink(join(out, '..data'))).toMatch(
      /^\.\.\d{4}_\d{2}_\d{2}_\d{2}_\d{2}_\d{2}\.\d+$/,
    );
    expect(await readFile(join(out, name), 'utf8')).toBe('atomic-value');
    expect(await modeOf(join(out, name))).toBe(0o400);
  });

  it('reads options from KURA_ variables', async () => {
    const name = uniqueName('fetch-env');
    await seeder.putParameter(name, 'env-value');
    const spc = await writeSpc([`- objectName: "${name}"`, '  objectType: "ssmparameter"']);
    const out = await tempDir();

    const run = await fetch([], {
      KURA_SPC: spc,
      KURA_OUT: out,
      KURA_LAYOUT: 'atomic',
      KURA_SPC_NAME: 'fetch-test',
    });

    expect(run.code).toBe(0);
    expect((await lstat(join(out, '..data'))).isSymbolicLink()).toBe(true);
  });

  it.each(['provider', 'atomic'])('creates nested directories in the %s layout', async (layout) => {
    const prefix = uniqueName('fetch-nested');
    await seeder.putParameter(`/${prefix}/db/password`, 'nested-value', 'SecureString');
    const spc = await writeSpc(
      [`- objectName: "/${prefix}/db/password"`, '  objectType: "ssmparameter"'],
      { pathTranslation: 'False' },
    );
    const out = await tempDir();

    const run = await fetch(['--spc', spc, '--out', out, '--layout', layout]);

    expect(run.code).toBe(0);
    expect(await readFile(join(out, prefix, 'db', 'password'), 'utf8')).toBe('nested-value');
  });

  it.each(['provider', 'atomic'])(
    'leaves the %s mount dir unchanged when an object fails',
    async (layout) => {
      const present = uniqueName('fetch-present');
      const missing = uniqueName('fetch-missing');
      await seeder.putParameter(present, 'first-value');
      const good = await writeSpc([`- objectName: "${present}"`, '  objectType: "ssmparameter"']);
      const out = await tempDir();
      expect((await fetch(['--spc', good, '--out', out, '--layout', layout])).code).toBe(0);
      const before = await snapshotDir(out);
      await seeder.putParameter(present, 'second-value');
      const bad = await writeSpc([
        `- objectName: "${present}"`,
        '  objectType: "ssmparameter"',
        `- objectName: "${missing}"`,
        '  objectType: "ssmparameter"',
      ]);

      const run = await fetch(['--spc', bad, '--out', out, '--layout', layout]);

      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`kura fetch: nothing was written to ${out}`);
      expect(run.stderr).toContain(missing);
      expect(run.stderr).not.toContain('second-value');
      expect(await snapshotDir(out)).toEqual(before);
    },
  );

  it('names the object whose file cannot be written', async () => {
    const first = uniqueName('fetch-first');
    const second = uniqueName('fetch-second');
    await seeder.putParameter(first, 'one');
    await seeder.putParameter(second, 'two');
    const spc = await writeSpc([
      `- objectName: "${first}"`,
      '  objectType: "ssmparameter"',
      `- objectName: "${second}"`,
      '  objectType: "ssmparameter"',
    ]);
    const out = await tempDir();
    await mkdir(join(out, second));

    const run = await fetch(['--spc', spc, '--out', out]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`kura fetch: objects[1] (${second}), file ${second}: `);
    expect(await readdir(out)).toEqual([second]);
  });

  it('exits 1 for an invalid SPC', async () => {
    const spc = await writeSpc(['- objectName: "x"', '  objectType: "ssm"']);
    const out = await tempDir();

    const run = await fetch(['--spc', spc, '--out', out]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('objectType');
    expect(await readdir(out)).toEqual([]);
  });

  it('prints warnings beside the errors of an invalid SPC', async () => {
    const spc = await writeSpc(['- objectName: "x"', '  objectTyp: "ssmparameter"']);
    const out = await tempDir();

    const run = await fetch(['--spc', spc, '--out', out]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('objectType');
    expect(run.stderr).toMatch(/warning: .*objectTyp/);
  });

  it.each([
    [['--out', '/tmp/x'], '--spc FILE is required (or set KURA_SPC)'],
    [['--spc', 'spc.yaml'], '--out DIR is required (or set KURA_OUT)'],
    [
      ['--spc', 'spc.yaml', '--out', 'x', '--layout', 'tmpfs'],
      '--layout must be "provider" or "atomic", not "tmpfs"',
    ],
    [['--spc', 'spc.yaml', '--out', 'x', '--verbose'], "Unknown option '--verbose'"],
  ])('exits 2 for bad usage: %j', async (args, message) => {
    const run = await fetch(args, { KURA_SPC: '', KURA_OUT: '', KURA_LAYOUT: '' });

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });

  it('exits 2 for an unreadable SPC', async () => {
    const dir = await tempDir();
    const out = join(dir, 'out');

    const run = await fetch(['--spc', join(dir, 'absent.yaml'), '--out', out]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('absent.yaml');
    await expect(lstat(out)).rejects.toThrow('ENOENT');
  });

  it('lists every flag and KURA_ variable in its help', async () => {
    const stdout = bufferStream();
    const io: CommandIo = { stdout: stdout.stream, stderr: process.stderr, env: {} };

    expect(await main(['fetch', '--help'], io)).toBe(0);

    for (const word of [
      '--spc',
      '--out',
      '--spc-name',
      '--layout',
      'KURA_SPC',
      'KURA_OUT',
      'KURA_SPC_NAME',
      'KURA_LAYOUT',
    ]) {
      expect(stdout.text()).toContain(word);
    }
  });
});
