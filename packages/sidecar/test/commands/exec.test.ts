import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { uniqueName } from '../../../../test/support/aws-env.js';
import { createSeeder } from '../../../../test/support/seed.js';
import { createCertificatePem } from '../../../sdk/test/secret-objects/fixtures.js';
import { waitFor } from '../exec/wait-for.js';
import { childScript, type KuraRun, runKura, startKura } from './run-kura.js';

const exampleArgs = [
  '--spc',
  'examples/secretproviderclass.yaml',
  '--source',
  'files',
  '--mount-dir',
  'examples/mnt/secrets-store',
];

let dir: string;
let running: KuraRun[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kura-exec-'));
});

afterEach(async () => {
  for (const run of running) {
    if (run.process.exitCode === null && run.process.signalCode === null) {
      run.process.kill('SIGKILL');
    }
    await run.exited.catch(() => undefined);
  }
  running = [];
  rmSync(dir, { recursive: true, force: true });
});

function start(args: string[], env: Record<string, string> = {}): KuraRun {
  const run = startKura(args, { env });
  running.push(run);
  return run;
}

/** Writes an SPC whose objects are SSM parameters mounted under their own names. */
function writeSpc(objectNames: string[], secretObjects: string): string {
  const objects = objectNames
    .map((name) => `      - objectName: "${name}"\n        objectType: "ssmparameter"\n`)
    .join('');
  const file = join(dir, 'spc.yaml');
  writeFileSync(
    file,
    `apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
metadata:
  name: exec-test
spec:
  provider: aws
  parameters:
    region: "us-east-1"
    objects: |
${objects}  secretObjects:
${secretObjects}`,
  );
  return file;
}

/** Creates a mount dir in the test's temp dir holding `files`. */
function writeMountDir(files: Record<string, string | Uint8Array>): string {
  const mountDir = join(dir, 'mnt');
  mkdirSync(mountDir);
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(mountDir, name), content);
  }
  return mountDir;
}

/** Replaces a file the way the AWS provider does: a temp file renamed over the target. */
function rotate(mountDir: string, name: string, content: string | Uint8Array): void {
  const temp = join(mountDir, `${name}3141592653`);
  writeFileSync(temp, content);
  renameSync(temp, join(mountDir, name));
}

const exampleSecretObjects = `    - secretName: test-app-secret
      type: Opaque
      data:
        - key: PIYO
          objectName: piyopiyo
        - key: PARAMETER
          objectName: my-parameter
`;

describe('kura exec', () => {
  it('prints PIYO of the example with printenv', async () => {
    const result = await runKura(['exec', ...exampleArgs, '--', 'printenv', 'PIYO']);

    expect(result.stdout).toBe('1234567\n');
    expect(result.code).toBe(0);
  });

  it('gives the child PIYO and PARAMETER', async () => {
    const result = await runKura([
      'exec',
      ...exampleArgs,
      '--',
      process.execPath,
      childScript,
      'env',
      'PIYO',
      'PARAMETER',
    ]);

    expect(result.stdout).toBe('PIYO=1234567\nPARAMETER=foobar-value\n');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('reads the options from KURA_ variables', async () => {
    const result = await runKura(['exec', '--', 'printenv', 'PARAMETER'], {
      env: {
        KURA_SPC: 'examples/secretproviderclass.yaml',
        KURA_SOURCE: 'files',
        KURA_MOUNT_DIR: 'examples/mnt/secrets-store',
      },
    });

    expect(result.stdout).toBe('foobar-value\n');
    expect(result.code).toBe(0);
  });

  it('passes --help after -- to the command', async () => {
    const result = await runKura([
      'exec',
      ...exampleArgs,
      '--',
      process.execPath,
      '-e',
      'console.log(process.argv.slice(1).join(" "))',
      '--',
      '--help',
      '-h',
    ]);

    expect(result.stdout).toBe('--help -h\n');
    expect(result.code).toBe(0);
  });

  it('keeps the rest of the environment', async () => {
    const result = await runKura(['exec', ...exampleArgs, '--', 'printenv', 'KURA_TEST_KEPT'], {
      env: { KURA_TEST_KEPT: 'kept' },
    });

    expect(result.stdout).toBe('kept\n');
  });

  it('exits with the exit code of the command', async () => {
    const result = await runKura([
      'exec',
      ...exampleArgs,
      '--',
      process.execPath,
      childScript,
      'exit',
      '7',
    ]);

    expect(result.code).toBe(7);
  });

  it('exits 128 plus the signal number', async () => {
    const result = await runKura([
      'exec',
      ...exampleArgs,
      '--',
      process.execPath,
      childScript,
      'self-kill',
    ]);

    expect(result.code).toBe(137);
  });

  it('forwards SIGTERM and its exit code', async () => {
    const run = start(['exec', ...exampleArgs, '--', process.execPath, childScript, 'run']);
    await run.waitForLine(/^started /);

    run.process.kill('SIGTERM');

    expect(await run.exited).toBe(42);
    expect(run.stdout()).toContain('SIGTERM\n');
  });

  it('forwards SIGINT', async () => {
    const run = start(['exec', ...exampleArgs, '--', process.execPath, childScript, 'run']);
    await run.waitForLine(/^started /);

    run.process.kill('SIGINT');

    expect(await run.exited).toBe(43);
  });

  it('forwards SIGHUP without stopping the command', async () => {
    const run = start(['exec', ...exampleArgs, '--', process.execPath, childScript, 'run']);
    await run.waitForLine(/^started /);

    run.process.kill('SIGHUP');
    await run.waitForLine(/^SIGHUP$/);
    run.process.kill('SIGTERM');

    expect(await run.exited).toBe(42);
  });

  it('passes stdin to the command', async () => {
    const result = await runKura(
      ['exec', ...exampleArgs, '--', process.execPath, childScript, 'cat'],
      { input: 'line one\nline two\n' },
    );

    expect(result.stdout).toBe('line one\nline two\n');
    expect(result.code).toBe(0);
  });

  it('passes the stderr of the command', async () => {
    const result = await runKura([
      'exec',
      ...exampleArgs,
      '--',
      process.execPath,
      '-e',
      'process.stderr.write("to stderr")',
    ]);

    expect(result.stderr).toBe('to stderr');
  });

  it('exits 127 for a command that does not exist', async () => {
    const result = await runKura(['exec', ...exampleArgs, '--', join(dir, 'no-such-command')]);

    expect(result.code).toBe(127);
    expect(result.stderr).toContain('kura exec: cannot run');
  });

  it('splits a kubernetes.io/tls entry', async () => {
    const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const certificate = createCertificatePem('exec.example', key);
    const spc = writeSpc(
      ['server-bundle'],
      `    - secretName: server-tls
      type: kubernetes.io/tls
      data:
        - key: tls.crt
          objectName: server-bundle
        - key: tls.key
          objectName: server-bundle
`,
    );
    const mountDir = writeMountDir({
      'server-bundle': `${key.export({ type: 'pkcs8', format: 'pem' })}${certificate}`,
    });

    const result = await runKura([
      'exec',
      '--spc',
      spc,
      '--source',
      'files',
      '--mount-dir',
      mountDir,
      '--',
      process.execPath,
      childScript,
      'env',
      'tls.crt',
      'tls.key',
    ]);

    expect(result.stdout).toBe(
      `tls.crt=${certificate}\ntls.key=${key.export({ type: 'sec1', format: 'pem' })}\n`,
    );
    expect(result.code).toBe(0);
  });
});

describe('kura exec --restart-on-change', () => {
  function startWatching(mountDir: string, spc: string, extra: string[] = []): KuraRun {
    return start(
      [
        'exec',
        '--spc',
        spc,
        '--source',
        'files',
        '--mount-dir',
        mountDir,
        '--restart-on-change',
        '--restart-grace-period-ms',
        '5000',
        ...extra,
        '--',
        process.execPath,
        childScript,
        'run',
      ],
      { KURA_TEST_VARIABLE: 'PIYO' },
    );
  }

  it('restarts the command with the new value', async () => {
    const spc = writeSpc(
      ['piyopiyo', 'foobar'],
      exampleSecretObjects.replace('my-parameter', 'foobar'),
    );
    const mountDir = writeMountDir({ piyopiyo: '1234567', foobar: 'foobar-value' });
    const run = startWatching(mountDir, spc);
    await run.waitForLine(/^started \d+ PIYO=1234567$/);

    rotate(mountDir, 'piyopiyo', '7654321');
    await run.waitForLine(/^started \d+ PIYO=7654321$/);
    run.process.kill('SIGTERM');

    expect(await run.exited).toBe(42);
    const lines = run.stdout().split('\n');
    expect(lines.filter((line) => line === 'SIGTERM')).toHaveLength(2);
    expect(run.stderr()).toMatch(/kura exec: restarting ".*" \(pid \d+\) because piyopiyo changed/);
    expect(run.stderr()).not.toContain('7654321');
  });

  it('ignores a change to invalid content', async () => {
    const spc = writeSpc(
      ['piyopiyo', 'foobar'],
      exampleSecretObjects.replace('my-parameter', 'foobar'),
    );
    const mountDir = writeMountDir({ piyopiyo: '1234567', foobar: 'foobar-value' });
    const run = startWatching(mountDir, spc);
    await run.waitForLine(/^started \d+ PIYO=1234567$/);

    rotate(mountDir, 'piyopiyo', Buffer.from('bad\0value'));
    await waitForStderr(run, /not restarting after piyopiyo changed: .*NUL byte/);
    rotate(mountDir, 'piyopiyo', '2222222');
    await run.waitForLine(/^started \d+ PIYO=2222222$/);
    run.process.kill('SIGTERM');

    expect(await run.exited).toBe(42);
    expect(run.stdout().match(/^started /gm)).toHaveLength(2);
  });

  it('does not restart for an object no key reads', async () => {
    const spc = writeSpc(
      ['piyopiyo', 'foobar', 'unused'],
      exampleSecretObjects.replace('my-parameter', 'foobar'),
    );
    const mountDir = writeMountDir({ piyopiyo: '1234567', foobar: 'foobar-value', unused: 'a' });
    const run = startWatching(mountDir, spc);
    await run.waitForLine(/^started \d+ PIYO=1234567$/);

    rotate(mountDir, 'unused', 'b');
    rotate(mountDir, 'piyopiyo', '3333333');
    await run.waitForLine(/^started \d+ PIYO=3333333$/);
    run.process.kill('SIGTERM');

    expect(await run.exited).toBe(42);
    expect(run.stderr()).not.toContain('because unused changed');
  });
});

async function waitForStderr(run: KuraRun, pattern: RegExp): Promise<void> {
  await waitFor(
    () => (pattern.test(run.stderr()) ? true : undefined),
    `stderr matching ${pattern}`,
  );
}

describe('kura exec errors', () => {
  it('rejects a key that is not an environment variable name', async () => {
    const spc = writeSpc(
      ['piyopiyo'],
      `    - secretName: s
      type: Opaque
      data:
        - key: 1PIYO
          objectName: piyopiyo
`,
    );
    const mountDir = writeMountDir({ piyopiyo: '1234567' });

    const result = await runKura([
      'exec',
      '--spc',
      spc,
      '--source',
      'files',
      '--mount-dir',
      mountDir,
      '--',
      'printenv',
    ]);

    expect(result.code).toBe(125);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('key "1PIYO" (objectName "piyopiyo")');
    expect(result.stderr).toContain('KURA_ENV_INVALID');
    expect(result.stderr).not.toContain('1234567');
  });

  it('rejects content with a NUL byte', async () => {
    const spc = writeSpc(
      ['piyopiyo', 'foobar'],
      exampleSecretObjects.replace('my-parameter', 'foobar'),
    );
    const mountDir = writeMountDir({ piyopiyo: Buffer.from('12\u000034567'), foobar: 'x' });

    const result = await runKura([
      'exec',
      '--spc',
      spc,
      '--source',
      'files',
      '--mount-dir',
      mountDir,
      '--',
      'printenv',
    ]);

    expect(result.code).toBe(125);
    expect(result.stderr).toContain('key "PIYO" (objectName "piyopiyo")');
    expect(result.stderr).toContain('NUL byte at offset 2');
  });

  it('rejects content that is not UTF-8', async () => {
    const spc = writeSpc(
      ['piyopiyo', 'foobar'],
      exampleSecretObjects.replace('my-parameter', 'foobar'),
    );
    const mountDir = writeMountDir({ piyopiyo: new Uint8Array([0xff, 0xfe]), foobar: 'x' });

    const result = await runKura([
      'exec',
      '--spc',
      spc,
      '--source',
      'files',
      '--mount-dir',
      mountDir,
      '--',
      'printenv',
    ]);

    expect(result.code).toBe(125);
    expect(result.stderr).toContain('not valid UTF-8');
  });

  it('rejects a TLS object without a private key, naming it', async () => {
    const spc = writeSpc(
      ['cert-only'],
      `    - secretName: server-tls
      type: kubernetes.io/tls
      data:
        - key: tls.crt
          objectName: cert-only
        - key: tls.key
          objectName: cert-only
`,
    );
    const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const mountDir = writeMountDir({ 'cert-only': createCertificatePem('x.example', key) });

    const result = await runKura([
      'exec',
      '--spc',
      spc,
      '--source',
      'files',
      '--mount-dir',
      mountDir,
      '--',
      'printenv',
    ]);

    expect(result.code).toBe(125);
    expect(result.stderr).toContain('key "tls.key" (objectName "cert-only")');
    expect(result.stderr).toContain('KURA_SECRET_OBJECT_INVALID');
  });

  it('rejects an SPC without secretObjects', async () => {
    const spc = writeSpc(['piyopiyo'], '    []\n');
    const mountDir = writeMountDir({ piyopiyo: '1234567' });

    const result = await runKura([
      'exec',
      '--spc',
      spc,
      '--source',
      'files',
      '--mount-dir',
      mountDir,
      '--',
      'printenv',
    ]);

    expect(result.code).toBe(125);
    expect(result.stderr).toContain('has no secretObjects');
  });

  it('fails when an object is missing from the mount dir', async () => {
    const spc = writeSpc(
      ['piyopiyo', 'foobar'],
      exampleSecretObjects.replace('my-parameter', 'foobar'),
    );
    const mountDir = writeMountDir({ piyopiyo: '1234567' });

    const result = await runKura([
      'exec',
      '--spc',
      spc,
      '--source',
      'files',
      '--mount-dir',
      mountDir,
      '--',
      'printenv',
    ]);

    expect(result.code).toBe(125);
    expect(result.stderr).toContain('foobar');
  });

  it.each([
    [['--spc', 'examples/secretproviderclass.yaml', 'printenv'], 'missing command'],
    [['--spc', 'examples/secretproviderclass.yaml', '--'], 'missing command'],
    [
      ['--spc', 'examples/secretproviderclass.yaml', '--bogus', '--', 'printenv'],
      'unknown argument "--bogus"',
    ],
    [['--', 'printenv'], '--spc: missing'],
    [
      ['--spc', 'examples/secretproviderclass.yaml', '--source', 'files', '--', 'printenv'],
      '--mount-dir is not set',
    ],
    [
      ['--spc', 'examples/secretproviderclass.yaml', '--source', 'disk', '--', 'printenv'],
      '--source: invalid value "disk"',
    ],
    [
      ['--spc', 'examples/no-such-file.yaml', '--source', 'aws', '--', 'printenv'],
      'no-such-file.yaml',
    ],
    [
      [...exampleArgs, '--restart-grace-period-ms', 'soon', '--', 'printenv'],
      '--restart-grace-period-ms: invalid value',
    ],
  ])('rejects %j', async (args, message) => {
    const result = await runKura(['exec', ...args]);

    expect(result.code).toBe(125);
    expect(result.stderr).toContain(message);
  });
});

describe('kura exec --source aws', () => {
  const endpoint = inject('motoEndpoint');
  const seeder = createSeeder(endpoint);
  const first = `/${uniqueName('kura-exec')}/piyo`;
  const second = uniqueName('kura-exec-param');

  beforeAll(async () => {
    await seeder.putParameter(first, 'from-moto-1', 'SecureString');
    await seeder.putParameter(second, 'from-moto-2');
  });

  afterAll(() => {
    seeder.close();
  });

  it('reads the objects from Parameter Store', async () => {
    const spc = writeSpc(
      [first, second],
      `    - secretName: aws-secret
      type: Opaque
      data:
        - key: FIRST
          objectName: ${first.replaceAll('/', '_')}
        - key: SECOND
          objectName: ${second}
`,
    );

    const result = await runKura([
      'exec',
      '--spc',
      spc,
      '--source',
      'aws',
      '--',
      process.execPath,
      childScript,
      'env',
      'FIRST',
      'SECOND',
    ]);

    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('FIRST=from-moto-1\nSECOND=from-moto-2\n');
    expect(result.code).toBe(0);
  });

  it('reads jmesPath fields of a secret', async () => {
    const name = uniqueName('kura-exec-db');
    await seeder.createSecret(name, JSON.stringify({ username: 'app', password: 'pw-1' }));
    const file = join(dir, 'jmes-spc.yaml');
    writeFileSync(
      file,
      `apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
metadata:
  name: jmes-test
spec:
  provider: aws
  parameters:
    region: "us-east-1"
    objects: |
      - objectName: "${name}"
        objectType: "secretsmanager"
        jmesPath:
          - path: username
            objectAlias: db-user
          - path: password
            objectAlias: db-password
  secretObjects:
    - secretName: db
      type: Opaque
      data:
        - key: DB_USER
          objectName: db-user
        - key: DB_PASSWORD
          objectName: db-password
`,
    );

    const result = await runKura([
      'exec',
      '--spc',
      file,
      '--source',
      'aws',
      '--',
      process.execPath,
      childScript,
      'env',
      'DB_USER',
      'DB_PASSWORD',
    ]);

    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('DB_USER=app\nDB_PASSWORD=pw-1\n');
    expect(result.code).toBe(0);
  });

  it('restarts after a parameter changes', async () => {
    const name = uniqueName('kura-exec-rotating');
    await seeder.putParameter(name, 'before');
    const spc = writeSpc(
      [name],
      `    - secretName: rotating
      type: Opaque
      data:
        - key: ROTATING
          objectName: ${name}
`,
    );
    const run = start(
      [
        'exec',
        '--spc',
        spc,
        '--source',
        'aws',
        '--restart-on-change',
        '--refresh-interval-ms',
        '1000',
        '--',
        process.execPath,
        childScript,
        'run',
      ],
      { KURA_TEST_VARIABLE: 'ROTATING' },
    );
    await run.waitForLine(/^started \d+ ROTATING=before$/);

    await seeder.putParameter(name, 'after');
    await run.waitForLine(/^started \d+ ROTATING=after$/);
    run.process.kill('SIGTERM');

    expect(await run.exited).toBe(42);
    expect(run.stderr()).toContain(`because ${name} changed`);
  });
});
