import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { uniqueName, useMotoEnv } from '../../../../test/support/aws-env.js';
import { createSeeder, type Seeder } from '../../../../test/support/seed.js';
import { useTempDirs } from '../../../sdk/test/mount/mount-fixtures.js';
import { main } from '../../src/cli.js';
import type { CommandIo } from '../../src/commands/command.js';
import { kuraBin, kuraEnvironment, repoRoot } from './run-kura.js';

const endpoint = inject('motoEndpoint');
useMotoEnv(endpoint);
const tempDir = useTempDirs();
const exampleSpc = fileURLToPath(
  new URL('../../../../examples/secretproviderclass.yaml', import.meta.url),
);
const exampleMountDir = fileURLToPath(
  new URL('../../../../examples/mnt/secrets-store', import.meta.url),
);

/** A keystore's bytes that are not UTF-8, so any trip through a string changes them. */
const binaryContent = Uint8Array.from([0x00, 0xff, 0xfe, 0x80, 0x0a, 0x41]);
const binarySha256 = 'f666f9c460f0f8ec5e17e6fc36540ce4438587c83d6c0ee44cecad4fe04368e9';

let seeder: Seeder;
beforeAll(() => {
  seeder = createSeeder(endpoint);
});
afterAll(() => {
  seeder.close();
});

interface Run {
  code: number;
  stdout: Buffer;
  stderr: string;
}

/** Collects the bytes a command writes to one of its streams. */
function bufferStream(): { stream: NodeJS.WritableStream; bytes(): Buffer } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      callback();
    },
  });
  return { stream, bytes: () => Buffer.concat(chunks) };
}

/** Runs `kura get ARGS` in this process with `process.env` plus `env`. */
async function get(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const stdout = bufferStream();
  const stderr = bufferStream();
  const io: CommandIo = {
    stdout: stdout.stream,
    stderr: stderr.stream,
    env: { ...process.env, ...env },
  };
  const code = await main(['get', ...args], io);
  return { code, stdout: stdout.bytes(), stderr: stderr.bytes().toString('utf8') };
}

/** Runs `node packages/sidecar/bin/kura.js get ARGS` with the moto environment and raw stdout. */
function getFromProcess(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [kuraBin, 'get', ...args],
      { cwd: repoRoot, env: kuraEnvironment(), encoding: 'buffer' },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : error.code;
        if (typeof code !== 'number') {
          reject(error);
          return;
        }
        resolve({ code, stdout, stderr: stderr.toString('utf8') });
      },
    );
  });
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Writes a SecretProviderClass with `objects` (YAML list items) and returns its path. */
async function writeSpc(objects: string[]): Promise<string> {
  const path = join(await tempDir(), 'spc.yaml');
  const text = [
    'apiVersion: secrets-store.csi.x-k8s.io/v1',
    'kind: SecretProviderClass',
    'metadata:',
    '  name: get-test',
    'spec:',
    '  provider: aws',
    '  parameters:',
    '    region: "us-east-1"',
    '    objects: |',
    ...objects.map((line) => `      ${line}`),
    '',
  ].join('\n');
  await writeFile(path, text);
  return path;
}

describe('kura get --spc', () => {
  it('prints an example file from the mount dir', async () => {
    const args = ['--spc', exampleSpc, '--source', 'files', '--mount-dir', exampleMountDir];

    const run = await get([...args, 'my-parameter']);

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout.toString('utf8')).toBe('foobar-value');
  });

  it('finds an object by its objectName', async () => {
    const args = ['--spc', exampleSpc, '--source', 'files', '--mount-dir', exampleMountDir];

    const run = await get([...args, 'foobar']);

    expect(run.code).toBe(0);
    expect(run.stdout.toString('utf8')).toBe('foobar-value');
  });

  it('reads the SPC options from KURA_ variables', async () => {
    const run = await get(['piyopiyo'], {
      KURA_SPC: exampleSpc,
      KURA_SOURCE: 'files',
      KURA_MOUNT_DIR: exampleMountDir,
    });

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout.toString('utf8')).toBe('1234567');
  });

  it('fetches an object from AWS', async () => {
    await seeder.putParameter('piyopiyo', '1234567', 'String');
    await seeder.putParameter('foobar', 'foobar-value', 'SecureString');

    const run = await get(['--spc', exampleSpc, 'my-parameter']);

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout.toString('utf8')).toBe('foobar-value');
  });

  it('prints a binary object byte for byte', async () => {
    const name = uniqueName('get-spc-keystore');
    await seeder.createSecret(name, binaryContent);
    const spc = await writeSpc([
      `- objectName: "${name}"`,
      '  objectType: "secretsmanager"',
      '  objectAlias: "keystore.p12"',
    ]);

    const run = await get(['--spc', spc, 'keystore.p12']);

    expect(run.code).toBe(0);
    expect(sha256(run.stdout)).toBe(binarySha256);
  });

  it('exits 1 listing known file names', async () => {
    const args = ['--spc', exampleSpc, '--source', 'files', '--mount-dir', exampleMountDir];

    const run = await get([...args, 'no-such-file']);

    expect(run.code).toBe(1);
    expect(run.stdout.length).toBe(0);
    expect(run.stderr).toContain('"no-such-file"');
    expect(run.stderr).toContain('known file names: piyopiyo, my-parameter');
    expect(run.stderr).toContain('KURA_NOT_FOUND');
  });

  it('exits 1 for an objectName of several objects', async () => {
    const spc = await writeSpc([
      '- objectName: "encryption-key"',
      '  objectType: "secretsmanager"',
      '  objectAlias: "current-key"',
      '  objectVersionLabel: "AWSCURRENT"',
      '- objectName: "encryption-key"',
      '  objectType: "secretsmanager"',
      '  objectAlias: "previous-key"',
      '  objectVersionLabel: "AWSPREVIOUS"',
    ]);
    const mountDir = await tempDir();
    await writeFile(join(mountDir, 'current-key'), 'key-2');
    await writeFile(join(mountDir, 'previous-key'), 'key-1');
    const args = ['--spc', spc, '--source', 'files', '--mount-dir', mountDir];

    const ambiguous = await get([...args, 'encryption-key']);
    const byFileName = await get([...args, 'previous-key']);

    expect(ambiguous.code).toBe(1);
    expect(ambiguous.stdout.length).toBe(0);
    expect(ambiguous.stderr).toContain('current-key, previous-key');
    expect(ambiguous.stderr).toContain('KURA_AMBIGUOUS_NAME');
    expect(byFileName.code).toBe(0);
    expect(byFileName.stdout.toString('utf8')).toBe('key-1');
  });

  it('exits 1 when an object of the SPC is missing in AWS', async () => {
    const missing = uniqueName('get-spc-missing');
    const spc = await writeSpc([`- objectName: "${missing}"`, '  objectType: "ssmparameter"']);

    const run = await get(['--spc', spc, missing]);

    expect(run.code).toBe(1);
    expect(run.stdout.length).toBe(0);
    expect(run.stderr).toContain(missing);
  });

  it('exits 1 for a file missing from the mount dir', async () => {
    const emptyDir = await tempDir();

    const run = await get([
      '--spc',
      exampleSpc,
      '--source',
      'files',
      '--mount-dir',
      emptyDir,
      'my-parameter',
    ]);

    expect(run.code).toBe(1);
    expect(run.stdout.length).toBe(0);
    expect(run.stderr).toContain('my-parameter');
  });

  it('exits 1 for an invalid SPC', async () => {
    const spc = await writeSpc(['- objectName: "x"', '  objectType: "ssm"']);

    const run = await get(['--spc', spc, 'x']);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('objectType');
  });

  it('exits 2 for an unreadable SPC', async () => {
    const missingFile = join(await tempDir(), 'missing.yaml');

    const run = await get(['--spc', missingFile, 'x']);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(missingFile);
  });
});

describe('kura get --secret-id', () => {
  it('prints a string secret without a newline', async () => {
    const name = uniqueName('get-string');
    await seeder.createSecret(name, 'string-value');

    const run = await get(['--secret-id', name]);

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout.toString('utf8')).toBe('string-value');
  });

  it('prints a binary secret byte for byte', async () => {
    const name = uniqueName('get-binary');
    await seeder.createSecret(name, binaryContent);

    const run = await get(['--secret-id', name]);

    expect(run.code).toBe(0);
    expect([...run.stdout]).toEqual([...binaryContent]);
    expect(sha256(run.stdout)).toBe(binarySha256);
  });

  it('prints a binary secret as Agent JSON', async () => {
    const name = uniqueName('get-binary-json');
    const created = await seeder.createSecret(name, binaryContent);

    const run = await get(['--secret-id', name, '--json']);

    expect(run.code).toBe(0);
    const text = run.stdout.toString('utf8');
    expect(text.endsWith('}\n')).toBe(true);
    const body = JSON.parse(text) as Record<string, unknown>;
    expect(body.SecretBinary).toBe('AP/+gApB');
    expect(body).not.toHaveProperty('SecretString');
    expect(body.Name).toBe(name);
    expect(body.ARN).toBe(created.arn);
    expect(body.VersionId).toBe(created.versionId);
    expect(body.VersionStages).toEqual(['AWSCURRENT']);
  });

  it('prints a string secret as Agent JSON', async () => {
    const name = uniqueName('get-string-json');
    await seeder.createSecret(name, '{"user":"app"}');

    const run = await get(['--secret-id', name, '--json']);

    expect(run.code).toBe(0);
    const body = JSON.parse(run.stdout.toString('utf8')) as Record<string, unknown>;
    expect(body.SecretString).toBe('{"user":"app"}');
    expect(body).not.toHaveProperty('SecretBinary');
    expect(typeof body.CreatedDate).toBe('string');
  });

  it('reads a version by stage and by id', async () => {
    const name = uniqueName('get-versions');
    const first = await seeder.createSecret(name, 'first-value');
    await seeder.putSecretValue(name, 'second-value');

    const current = await get(['--secret-id', name]);
    const previous = await get(['--secret-id', name, '--version-stage', 'AWSPREVIOUS']);
    const byId = await get(['--secret-id', name, '--version-id', first.versionId]);

    expect(current.stdout.toString('utf8')).toBe('second-value');
    expect(previous.stdout.toString('utf8')).toBe('first-value');
    expect(byId.stdout.toString('utf8')).toBe('first-value');
  });

  it('reads the secret options from KURA_ variables', async () => {
    const name = uniqueName('get-env');
    await seeder.createSecret(name, 'first-value');
    await seeder.putSecretValue(name, 'second-value');

    const run = await get([], {
      KURA_SECRET_ID: name,
      KURA_VERSION_STAGE: 'AWSPREVIOUS',
      KURA_REGION: 'us-east-1',
      AWS_REGION: '',
    });

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout.toString('utf8')).toBe('first-value');
  });

  it('ignores KURA_SPC when --secret-id is given', async () => {
    const name = uniqueName('get-beside-spc');
    await seeder.createSecret(name, 'string-value');

    const run = await get(['--secret-id', name], {
      KURA_SPC: exampleSpc,
      KURA_SOURCE: 'files',
    });

    expect(run.code).toBe(0);
    expect(run.stdout.toString('utf8')).toBe('string-value');
  });

  it('exits 1 for a missing secret and names it', async () => {
    const name = uniqueName('get-missing');

    const run = await get(['--secret-id', name]);

    expect(run.code).toBe(1);
    expect(run.stdout.length).toBe(0);
    expect(run.stderr).toContain(name);
    expect(run.stderr).toContain('KURA_AWS_NOT_FOUND');
  });

  it('exits 1 for a missing stage', async () => {
    const name = uniqueName('get-missing-stage');
    await seeder.createSecret(name, 'string-value');

    const run = await get(['--secret-id', name, '--version-stage', 'AWSPREVIOUS']);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(name);
    expect(run.stderr).not.toContain('string-value');
  });
});

describe('kura get --parameter', () => {
  it('reads a parameter version and label', async () => {
    const name = `/${uniqueName('get-parameter')}`;
    await seeder.putParameter(name, 'value-1');
    await seeder.putParameter(name, 'value-2');
    await seeder.labelParameterVersion(name, 1, ['stable']);

    const latest = await get(['--parameter', name]);
    const first = await get(['--parameter', name, '--version', '1']);
    const stable = await get(['--parameter', name, '--label', 'stable']);

    expect(latest.stderr).toBe('');
    expect(latest.code).toBe(0);
    expect(latest.stdout.toString('utf8')).toBe('value-2');
    expect(first.stdout.toString('utf8')).toBe('value-1');
    expect(stable.stdout.toString('utf8')).toBe('value-1');
  });

  it('decrypts a SecureString with --with-decryption', async () => {
    const name = uniqueName('get-secure');
    await seeder.putParameter(name, 'secure-value', 'SecureString');

    const run = await get(['--parameter', name, '--with-decryption']);

    expect(run.code).toBe(0);
    expect(run.stdout.toString('utf8')).toBe('secure-value');
  });

  it('prints a parameter as Lambda extension JSON', async () => {
    const name = uniqueName('get-parameter-json');
    await seeder.putParameter(name, 'value-1');
    await seeder.putParameter(name, 'value-2');

    const run = await get(['--parameter', name, '--version', '1', '--json']);

    expect(run.code).toBe(0);
    const body = JSON.parse(run.stdout.toString('utf8')) as {
      Parameter: Record<string, unknown>;
    };
    expect(body.Parameter.Name).toBe(name);
    expect(body.Parameter.Value).toBe('value-1');
    expect(body.Parameter.Version).toBe(1);
    expect(body.Parameter.Type).toBe('String');
  });

  it('reads the parameter options from KURA_ variables', async () => {
    const name = uniqueName('get-parameter-env');
    await seeder.putParameter(name, 'secure-1', 'SecureString');
    await seeder.putParameter(name, 'secure-2', 'SecureString');

    const run = await get([], {
      KURA_PARAMETER: name,
      KURA_PARAMETER_VERSION: '1',
      KURA_WITH_DECRYPTION: 'true',
    });

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout.toString('utf8')).toBe('secure-1');
  });

  it('exits 1 for a missing version and names it', async () => {
    const name = uniqueName('get-parameter-missing');
    await seeder.putParameter(name, 'value-1');

    const run = await get(['--parameter', name, '--version', '9']);

    expect(run.code).toBe(1);
    expect(run.stdout.length).toBe(0);
    expect(run.stderr).toContain(name);
    expect(run.stderr).not.toContain('value-1');
  });
});

describe('kura get output', () => {
  it('exits 1 when stdout is closed', async () => {
    const closed = new Writable({
      write(_chunk: Buffer, _encoding, callback) {
        callback(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    const stderr = bufferStream();
    const io: CommandIo = { stdout: closed, stderr: stderr.stream, env: process.env };
    const args = ['--spc', exampleSpc, '--source', 'files', '--mount-dir', exampleMountDir];

    const code = await main(['get', ...args, 'my-parameter'], io);

    expect(code).toBe(1);
    expect(stderr.bytes().toString('utf8')).toBe(
      'kura get: writing the value to stdout failed (EPIPE)\n',
    );
  });
});

describe('kura get usage', () => {
  const usageCases: { args: string[]; env?: NodeJS.ProcessEnv; message: string }[] = [
    { args: [], message: 'one of --spc FILE, --secret-id ID or --parameter NAME is required' },
    { args: ['--spc', 'a.yaml', '--secret-id', 'x', 'n'], message: '--spc, --secret-id' },
    { args: ['--secret-id', 'x', '--parameter', 'y'], message: 'cannot be combined' },
    { args: ['--spc', 'a.yaml'], message: 'exactly one NAME' },
    { args: ['--spc', 'a.yaml', 'n', 'm'], message: 'exactly one NAME' },
    { args: ['--spc', 'a.yaml', '--json', 'n'], message: '--json applies only' },
    { args: ['--spc', 'a.yaml', '--region', 'us-west-2', 'n'], message: '--region applies only' },
    { args: ['--spc', 'a.yaml', '--source', 'disk', 'n'], message: 'aws, files or auto' },
    { args: ['--spc', 'a.yaml', '--version', '1', 'n'], message: '--version applies only' },
    {
      args: ['--spc', 'a.yaml', '--source', 'files', 'n'],
      message: '--source files reads the mount dir: pass --mount-dir DIR',
    },
    {
      args: ['--spc', 'a.yaml', 'n'],
      env: { KURA_SOURCE: 'auto' },
      message: 'KURA_SOURCE auto reads the mount dir',
    },
    { args: ['--secret-id', 'x', 'extra'], message: 'remove the extra argument "extra"' },
    { args: ['--secret-id', 'x', '--label', 'l'], message: '--label applies only' },
    {
      args: ['--secret-id', 'x', '--version-id', 'v', '--version-stage', 's'],
      message: '--version-id and --version-stage cannot be combined',
    },
    {
      args: ['--secret-id', 'x', '--version-stage', 's'],
      env: { KURA_VERSION_ID: 'v' },
      message: 'KURA_VERSION_ID and --version-stage cannot be combined',
    },
    { args: ['--secret-id', ''], message: '--secret-id is empty' },
    { args: ['--secret-id', 'x', '--mount-dir', 'd'], message: '--mount-dir applies only' },
    {
      args: ['--parameter', 'p', '--version', '1', '--label', 'l'],
      message: '--version and --label cannot be combined',
    },
    { args: ['--parameter', 'p', '--version', 'latest'], message: 'version number such as 3' },
    { args: ['--parameter', 'p:3'], message: 'selector suffix' },
    { args: ['--parameter', 'p', '--with-decryption=yes'], message: 'with-decryption' },
    {
      args: ['--parameter', 'p'],
      env: { KURA_WITH_DECRYPTION: 'yes' },
      message: 'KURA_WITH_DECRYPTION must be true or false',
    },
    {
      args: ['--secret-id', 'x'],
      env: { KURA_GET_JSON: 'maybe' },
      message: 'KURA_GET_JSON must be true or false',
    },
    {
      args: ['--secret-id', 'x'],
      env: { AWS_REGION: '', AWS_DEFAULT_REGION: '' },
      message: 'no AWS region',
    },
    {
      args: [],
      env: { KURA_SPC: 'a.yaml', KURA_PARAMETER: 'p' },
      message: 'KURA_SPC, KURA_PARAMETER are all set',
    },
    { args: ['--secret-id', 'x', '--bogus'], message: '--bogus' },
  ];

  for (const { args, env, message } of usageCases) {
    it(`exits 2 for ${JSON.stringify(args)}${env ? ` with ${JSON.stringify(env)}` : ''}`, async () => {
      const run = await get(args, env);

      expect(run.code).toBe(2);
      expect(run.stdout.length).toBe(0);
      expect(run.stderr).toContain(message);
      expect(run.stderr).toContain('kura get --help');
    });
  }

  it('lists every flag and KURA_ variable in its help', async () => {
    const run = await get(['--help']);

    expect(run.code).toBe(0);
    const help = run.stdout.toString('utf8');
    const flags = ['--spc', '--spc-name', '--source', '--mount-dir', '--secret-id'];
    flags.push('--version-id', '--version-stage', '--parameter', '--version', '--label');
    flags.push('--with-decryption', '--region', '--json');
    for (const flag of flags) {
      expect(help).toContain(`${flag} `);
    }
    const variables = ['KURA_SPC', 'KURA_SPC_NAME', 'KURA_SOURCE', 'KURA_MOUNT_DIR'];
    variables.push('KURA_SECRET_ID', 'KURA_VERSION_ID', 'KURA_VERSION_STAGE', 'KURA_PARAMETER');
    variables.push('KURA_PARAMETER_VERSION', 'KURA_PARAMETER_LABEL', 'KURA_WITH_DECRYPTION');
    variables.push('KURA_REGION', 'KURA_GET_JSON');
    for (const variable of variables) {
      expect(help).toContain(variable);
    }
  });
});

describe('kura get as a process', () => {
  it('prints an example file from the mount dir', async () => {
    const run = await getFromProcess([
      '--spc',
      'examples/secretproviderclass.yaml',
      '--source',
      'files',
      '--mount-dir',
      'examples/mnt/secrets-store',
      'my-parameter',
    ]);

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout.toString('utf8')).toBe('foobar-value');
  });

  it('prints a binary secret byte for byte', async () => {
    const name = uniqueName('get-process-binary');
    await seeder.createSecret(name, binaryContent);

    const run = await getFromProcess(['--secret-id', name]);

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(sha256(run.stdout)).toBe(binarySha256);
  });

  it('prints a string secret without a newline', async () => {
    const name = uniqueName('get-process-string');
    await seeder.createSecret(name, 'string-value');

    const run = await getFromProcess(['--secret-id', name]);

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout.toString('utf8')).toBe('string-value');
  });

  it('prints a parameter version', async () => {
    const name = `/${uniqueName('get-process-parameter')}`;
    await seeder.putParameter(name, 'value-1');
    await seeder.putParameter(name, 'value-2');

    const run = await getFromProcess(['--parameter', name, '--version', '1']);

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout.toString('utf8')).toBe('value-1');
  });

  it('exits 1 for an unknown name', async () => {
    const run = await getFromProcess([
      '--spc',
      'examples/secretproviderclass.yaml',
      '--source',
      'files',
      '--mount-dir',
      'examples/mnt/secrets-store',
      'no-such-file',
    ]);

    expect(run.code).toBe(1);
    expect(run.stdout.length).toBe(0);
    expect(run.stderr).toContain('known file names: piyopiyo, my-parameter');
  });

  it('exits 2 for a usage error', async () => {
    const run = await getFromProcess(['--parameter', 'p', '--version', 'x']);

    expect(run.code).toBe(2);
    expect(run.stdout.length).toBe(0);
  });
});
