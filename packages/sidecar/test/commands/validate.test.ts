import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';

/** A writable stream that keeps what was written, for asserting on a command's output. */
class Buffered extends Writable {
  text = '';

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.text += chunk.toString('utf8');
    callback();
  }
}

async function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const stdout = new Buffered();
  const stderr = new Buffered();
  const code = await main(['validate', ...args], { stdout, stderr, env });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

async function writeManifest(text: string): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'kura-validate-'));
  const file = join(directory, 'spc.yaml');
  await writeFile(file, text);
  return file;
}

const example = 'examples/secretproviderclass.yaml';

describe('kura validate', () => {
  it('prints the example as JSON', async () => {
    const result = await run(['--spc', example, '--json']);

    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({
      objects: [
        {
          fileName: 'piyopiyo',
          objectName: 'piyopiyo',
          objectType: 'ssmparameter',
          objectVersion: null,
          objectVersionLabel: null,
          filePermission: '0644',
          region: 'us-east-1',
          jmesPath: [],
        },
        {
          fileName: 'my-parameter',
          objectName: 'foobar',
          objectType: 'ssmparameter',
          objectVersion: null,
          objectVersionLabel: null,
          filePermission: '0644',
          region: 'us-east-1',
          jmesPath: [],
        },
      ],
      secretObjects: [
        {
          secretName: 'test-app-secret',
          type: 'Opaque',
          labels: {},
          annotations: {},
          data: [
            { key: 'PIYO', objectName: 'piyopiyo', fileName: 'piyopiyo' },
            { key: 'PARAMETER', objectName: 'my-parameter', fileName: 'my-parameter' },
          ],
        },
      ],
      warnings: [],
    });
  });

  it('prints a table by default', async () => {
    const result = await run(['--spc', example]);

    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')).toEqual([
      'default/test-app-secretstore: 2 objects, region us-east-1',
      '',
      'FILE NAME     TYPE          OBJECT NAME  SELECTOR  REGION',
      'piyopiyo      ssmparameter  piyopiyo     latest    us-east-1',
      'my-parameter  ssmparameter  foobar       latest    us-east-1',
      '',
    ]);
  });

  it('reads the options from KURA_ variables', async () => {
    const result = await run([], { KURA_SPC: example, KURA_VALIDATE_JSON: 'true' });

    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).objects).toHaveLength(2);
  });

  it('picks the SecretProviderClass by name', async () => {
    const result = await run([
      '--spc',
      'examples/kubernetes/app.yaml',
      '--spc-name',
      'test-app-secretstore',
    ]);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('my-parameter');
  });

  it('prints warnings with the table', async () => {
    const file = await writeManifest(
      [
        'apiVersion: secrets-store.csi.x-k8s.io/v1',
        'kind: SecretProviderClass',
        'metadata:',
        '  name: app',
        'spec:',
        '  provider: aws',
        '  parameters:',
        '    region: "us-east-1"',
        '    objects: |',
        '      - objectName: "db"',
        '        objectType: "secretsmanager"',
        '        objectAlais: "password"',
        '        jmesPath:',
        '          - path: "username"',
        '            objectAlias: "user"',
        '',
      ].join('\n'),
    );

    const result = await run(['--spc', file]);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      'user       jmesPath        username of db  latest    us-east-1',
    );
    expect(result.stdout).toContain(
      'warning: default/app: object 0 (db): spec.parameters.objects[0].objectAlais: unknown field objectAlais',
    );
  });

  it('prints one problem per line and exits 1', async () => {
    const file = await writeManifest(
      [
        'kind: SecretProviderClass',
        'metadata:',
        '  name: app',
        'spec:',
        '  provider: aws',
        '  parameters:',
        '    usePodIdentity: true',
        '    objects: |',
        '      - objectName: "db"',
        '        filePermission: 0600',
        '',
      ].join('\n'),
    );

    const result = await run(['--spc', file]);

    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toBe(
      `${file}: default/app: spec.parameters.usePodIdentity: usePodIdentity: true is read as the boolean true, and Kubernetes accepts only strings in spec.parameters; quote it: usePodIdentity: "true"`,
    );
    expect(lines[1]).toContain('spec.parameters.region');
    expect(lines[2]).toContain('object 0 (db): spec.parameters.objects[0].filePermission');
    expect(lines[3]).toContain('object 0 (db): spec.parameters.objects[0].objectType');
    expect(lines[4]).toContain(`${file}: warning: default/app: apiVersion`);
  });

  it('exits 2 with line and column for broken YAML', async () => {
    const file = await writeManifest('kind: SecretProviderClass\nmetadata:\n  name: [app\n');

    const result = await run(['--spc', file]);

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`^kura validate: ${file}:4:1: invalid YAML: `));
  });

  it('exits 2 for a missing file', async () => {
    const result = await run(['--spc', 'does-not-exist.yaml']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'does-not-exist.yaml: cannot read the SecretProviderClass file',
    );
  });

  it('exits 2 without --spc', async () => {
    const result = await run([]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--spc FILE is required (or set KURA_SPC)');
  });

  it('exits 2 for an unknown flag', async () => {
    const result = await run(['--spc', example, '--yaml']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Unknown option '--yaml'");
  });

  it('lists the KURA_ variables in its help', async () => {
    const stdout = new Buffered();
    const code = await main(['validate', '--help'], { stdout, stderr: new Buffered(), env: {} });

    expect(code).toBe(0);
    expect(stdout.text).toContain('KURA_SPC;');
    expect(stdout.text).toContain('KURA_SPC_NAME;');
    expect(stdout.text).toContain('KURA_VALIDATE_JSON');
  });
});

const typoManifest = [
  'apiVersion: secrets-store.csi.x-k8s.io/v1',
  'kind: SecretProviderClass',
  'metadata:',
  '  name: app',
  'spec:',
  '  provider: aws',
  '  parameters:',
  '    Region: "us-east-1"',
  '    objects: |',
  '      - objectName: first',
  '        objectTyp: ssmparameter',
  '',
].join('\n');

describe('kura validate on invalid files', () => {
  it('prints the warnings after the errors', async () => {
    const file = await writeManifest(typoManifest);

    const result = await run(['--spc', file]);

    expect(result.code).toBe(1);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines[0]).toContain('spec.parameters.region: no region');
    expect(lines[1]).toContain('objectType is missing');
    expect(lines[2]).toContain(`${file}: warning: `);
    expect(lines[2]).toContain('did you mean region?');
    expect(lines[3]).toContain('did you mean objectType?');
  });

  it('prints errors and warnings as JSON with --json', async () => {
    const file = await writeManifest(typoManifest);

    const result = await run(['--spc', file, '--json']);

    expect(result.code).toBe(1);
    const output = JSON.parse(result.stdout) as {
      errors: { field: string }[];
      warnings: { field: string }[];
    };
    expect(output.errors.map((error) => error.field)).toEqual([
      'spec.parameters.region',
      'spec.parameters.objects[0].objectType',
    ]);
    expect(output.warnings.map((warning) => warning.field)).toEqual([
      'spec.parameters.Region',
      'spec.parameters.objects[0].objectTyp',
    ]);
  });

  it('rejects a file and a directory of one name', async () => {
    const file = await writeManifest(
      typoManifest
        .replace('Region: "us-east-1"', 'region: "us-east-1"\n    pathTranslation: "False"')
        .replace(
          '        objectTyp: ssmparameter',
          '        objectType: ssmparameter\n      - objectName: /first/b\n        objectType: ssmparameter',
        ),
    );

    const result = await run(['--spc', file]);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('file name first/b needs a directory first');
  });

  it('escapes control characters in the table and in messages', async () => {
    const alias = String.raw`"evil\nwarning: all good\u001b[2J"`;
    const file = await writeManifest(
      typoManifest
        .replace('Region', 'region')
        .replace('objectTyp:', 'objectType:')
        .concat(`        objectAlias: ${alias}\n`),
    );

    const result = await run(['--spc', file]);

    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('\u001b');
    expect(result.stdout).toContain(String.raw`evil\nwarning: all good\u001b[2J`);
    expect(
      result.stdout.split('\n').filter((line) => line.startsWith('warning: all good')),
    ).toEqual([]);
  });

  it('picks a SecretProviderClass by namespace and name', async () => {
    const prod = typoManifest
      .replace('Region', 'region')
      .replace('objectTyp:', 'objectType:')
      .replace('  name: app', '  name: app\n  namespace: prod')
      .replace('objectName: first', 'objectName: second');
    const file = await writeManifest(
      `${typoManifest.replace('Region', 'region').replace('objectTyp:', 'objectType:')}---\n${prod}`,
    );

    const result = await run(['--spc', file, '--spc-name', 'prod/app']);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('prod/app: 1 object');
    expect(result.stdout).toContain('second');
  });
});

describe('kura validate as a process', () => {
  it('prints the example from the built CLI', async () => {
    // Runs the compiled CLI, so `npx tsc -b packages/sdk packages/sidecar` must have run first.
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['packages/sidecar/bin/kura.js', 'validate', '--spc', example, '--json'],
      { env: { PATH: process.env.PATH ?? '' } },
    );

    const result = JSON.parse(stdout) as { objects: { fileName: string }[] };
    expect(result.objects.map((object) => object.fileName)).toEqual(['piyopiyo', 'my-parameter']);
  });

  it('exits 1 from the built CLI for an invalid file', async () => {
    const file = await writeManifest(
      'kind: SecretProviderClass\nmetadata:\n  name: app\nspec:\n  provider: gcp\n',
    );

    const failure = await promisify(execFile)(
      process.execPath,
      ['packages/sidecar/bin/kura.js', 'validate', '--spc', file],
      { env: { PATH: process.env.PATH ?? '' } },
    ).catch((error: { code: number; stderr: string }) => error);

    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr).toContain('spec.provider');
  });
});
