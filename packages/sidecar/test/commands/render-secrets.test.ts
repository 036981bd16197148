import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { createCertificatePem } from '../../../sdk/test/secret-objects/fixtures.js';
import { main } from '../../src/cli.js';
import { kuraEnvironment, repoRoot, runKura } from './run-kura.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kura-render-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function buffer(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      text += String(chunk);
      callback();
    },
  });
  return { stream, text: () => text };
}

async function render(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = buffer();
  const stderr = buffer();
  const code = await main(['render-secrets', ...args], {
    stdout: stdout.stream,
    stderr: stderr.stream,
    env: kuraEnvironment(),
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

const exampleArgs = [
  '--spc',
  join(repoRoot, 'examples/secretproviderclass.yaml'),
  '--source',
  'files',
  '--mount-dir',
  join(repoRoot, 'examples/mnt/secrets-store'),
];

const exampleSecret = {
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: {
    name: 'test-app-secret',
    namespace: 'default',
    labels: { 'secrets-store.csi.k8s.io/managed': 'true' },
    annotations: {},
  },
  type: 'Opaque',
  data: {
    PARAMETER: Buffer.from('foobar-value').toString('base64'),
    PIYO: Buffer.from('1234567').toString('base64'),
  },
};

function writeTlsSpc(): string {
  const file = join(dir, 'spc.yaml');
  writeFileSync(
    file,
    `apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
metadata:
  name: render-test
  namespace: shop
spec:
  provider: aws
  parameters:
    region: "us-east-1"
    objects: |
      - objectName: "server-bundle"
        objectType: "secretsmanager"
      - objectName: "api-key"
        objectType: "secretsmanager"
  secretObjects:
    - secretName: server-tls
      type: kubernetes.io/tls
      labels:
        app: shop
      annotations:
        example.com/rotated-by: kura
      data:
        - key: tls.crt
          objectName: server-bundle
        - key: tls.key
          objectName: server-bundle
    - secretName: api
      type: Opaque
      data:
        - key: API_KEY
          objectName: api-key
`,
  );
  return file;
}

describe('kura render-secrets', () => {
  it('prints the example Secret as YAML', async () => {
    const result = await render(exampleArgs);

    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(parseAllDocuments(result.stdout).map((document) => document.toJS())).toEqual([
      exampleSecret,
    ]);
    expect(result.stdout).toContain('secrets-store.csi.k8s.io/managed: "true"');
  });

  it('prints a YAML stream with the TLS split', async () => {
    const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const certificate = createCertificatePem('shop.example', key);
    const mountDir = join(dir, 'mnt');
    mkdirSync(mountDir);
    writeFileSync(
      join(mountDir, 'server-bundle'),
      `${certificate}${key.export({ type: 'pkcs8', format: 'pem' })}`,
    );
    writeFileSync(join(mountDir, 'api-key'), 'k-123');

    const result = await render([
      '--spc',
      writeTlsSpc(),
      '--source',
      'files',
      '--mount-dir',
      mountDir,
    ]);

    expect(result.code).toBe(0);
    const documents = parseAllDocuments(result.stdout).map((document) => document.toJS());
    expect(documents).toHaveLength(2);
    expect(documents[0]).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'server-tls',
        namespace: 'shop',
        labels: { app: 'shop', 'secrets-store.csi.k8s.io/managed': 'true' },
        annotations: { 'example.com/rotated-by': 'kura' },
      },
      type: 'kubernetes.io/tls',
      data: {
        'tls.crt': Buffer.from(certificate).toString('base64'),
        'tls.key': Buffer.from(key.export({ type: 'pkcs1', format: 'pem' })).toString('base64'),
      },
    });
    expect(documents[1]).toMatchObject({
      metadata: { name: 'api' },
      data: { API_KEY: Buffer.from('k-123').toString('base64') },
    });
  });

  it('trims keys and objectNames like the driver', async () => {
    const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const certificate = createCertificatePem('shop.example', key);
    const mountDir = join(dir, 'mnt');
    mkdirSync(mountDir);
    writeFileSync(
      join(mountDir, 'pfx'),
      `${key.export({ type: 'pkcs8', format: 'pem' })}${certificate}`,
    );
    const spc = join(dir, 'padded.yaml');
    writeFileSync(
      spc,
      `apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
metadata:
  name: padded
spec:
  provider: aws
  parameters:
    region: "us-east-1"
    objects: |
      - objectName: "server-bundle"
        objectType: "secretsmanager"
        objectAlias: "pfx"
  secretObjects:
    - secretName: " server-tls"
      type: "kubernetes.io/tls "
      data:
        - key: "tls.crt "
          objectName: " pfx"
        - key: "\\ttls.key"
          objectName: "pfx\\n"
`,
    );

    const result = await render(['--spc', spc, '--source', 'files', '--mount-dir', mountDir]);

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const [secret] = parseAllDocuments(result.stdout).map((document) => document.toJS());
    expect(secret.metadata.name).toBe('server-tls');
    expect(secret.type).toBe('kubernetes.io/tls');
    expect(secret.data).toEqual({
      'tls.crt': Buffer.from(certificate).toString('base64'),
      'tls.key': Buffer.from(key.export({ type: 'sec1', format: 'pem' })).toString('base64'),
    });
  });

  it('exits 1 naming the object when the TLS split fails', async () => {
    const mountDir = join(dir, 'mnt');
    mkdirSync(mountDir);
    writeFileSync(join(mountDir, 'server-bundle'), 'not a PEM bundle');
    writeFileSync(join(mountDir, 'api-key'), 'k-123');

    const result = await render([
      '--spc',
      writeTlsSpc(),
      '--source',
      'files',
      '--mount-dir',
      mountDir,
    ]);

    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      'secretObjects "server-tls" key "tls.crt" (objectName "server-bundle")',
    );
    expect(result.stderr).toContain('KURA_SECRET_OBJECT_INVALID');
  });

  it('exits 1 when an object cannot be loaded', async () => {
    const mountDir = join(dir, 'mnt');
    mkdirSync(mountDir);

    const result = await render([
      '--spc',
      writeTlsSpc(),
      '--source',
      'files',
      '--mount-dir',
      mountDir,
    ]);

    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
  });

  it('exits 2 for an unknown option', async () => {
    const result = await render([...exampleArgs, '--restart-on-change']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown argument "--restart-on-change"');
  });

  it('exits 2 without --spc', async () => {
    const result = await render([]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--spc: missing');
  });

  it('exits 2 for a file that does not exist', async () => {
    const result = await render(['--spc', join(dir, 'missing.yaml'), '--source', 'aws']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('missing.yaml');
  });

  it('lists its options with their variables in --help', async () => {
    const stdout = buffer();
    const code = await main(['render-secrets', '--help'], {
      stdout: stdout.stream,
      stderr: buffer().stream,
      env: {},
    });

    expect(code).toBe(0);
    for (const variable of ['KURA_SPC', 'KURA_SPC_NAME', 'KURA_SOURCE', 'KURA_MOUNT_DIR']) {
      expect(stdout.text()).toContain(variable);
    }
    expect(stdout.text()).not.toContain('KURA_RESTART_ON_CHANGE');
  });

  it('runs as a process', async () => {
    const result = await runKura(['render-secrets', ...exampleArgs]);

    expect(result.code).toBe(0);
    expect(parseAllDocuments(result.stdout).map((document) => document.toJS())).toEqual([
      exampleSecret,
    ]);
  });
});
