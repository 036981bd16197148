/**
 * `kura serve` as a process against moto_server, over real HTTP on 127.0.0.1: every endpoint
 * with real AWS responses, the token, limits, readiness, throttling and a graceful stop.
 */

import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { motoEnvironment, uniqueName } from '../../../../test/support/aws-env.js';
import { type FaultProxy, startFaultProxy } from '../../../../test/support/fault-proxy.js';
import { createSeeder } from '../../../../test/support/seed.js';
import {
  runServe,
  runServeToExit,
  type ServeProcess,
  waitUntilReady,
} from '../support/run-serve.js';
import { asJson } from '../support/serve-app.js';

const motoEndpoint = inject('motoEndpoint');
const seeder = createSeeder(motoEndpoint);
const exampleMountDir = fileURLToPath(
  new URL('../../../../examples/mnt/secrets-store', import.meta.url),
);
const exampleSpc = fileURLToPath(
  new URL('../../../../examples/secretproviderclass.yaml', import.meta.url),
);

/** Output of every process this file ran; the last test checks it contains no seeded value. */
const outputs: string[] = [];
/** Every value seeded by this file, as text. */
const seededValues: string[] = [];

const binaryContent = new Uint8Array([0x00, 0xff, 0xfe, 0x80, 0x0a, 0x41]);
const binarySha256 = 'f666f9c460f0f8ec5e17e6fc36540ce4438587c83d6c0ee44cecad4fe04368e9';

let dir: string;
let proxy: FaultProxy;

function seededValue(label: string): string {
  const value = `${label}-${randomBytes(6).toString('hex')}`;
  seededValues.push(value);
  return value;
}

async function stopAndKeepOutput(serve: ServeProcess | undefined): Promise<number | null> {
  if (serve === undefined) {
    return null;
  }
  const code = await serve.stop();
  outputs.push(serve.stdout(), serve.stderr());
  return code;
}

function spcYaml(region: string, objects: string): string {
  return [
    'apiVersion: secrets-store.csi.x-k8s.io/v1',
    'kind: SecretProviderClass',
    'metadata:',
    '  name: serve-test',
    'spec:',
    '  provider: aws',
    '  parameters:',
    `    region: "${region}"`,
    '    objects: |',
    ...objects.split('\n').map((line) => `      ${line}`),
    '',
  ].join('\n');
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kura-serve-'));
  proxy = await startFaultProxy({ target: motoEndpoint });
});

afterAll(async () => {
  await proxy.close();
  seeder.close();
  await rm(dir, { recursive: true, force: true });
});

describe('kura serve with an SPC', () => {
  let serve: ServeProcess | undefined;
  let tokenFile: string;
  let secretName: string;
  let secretValue: string;
  let parameterName: string;
  let parameterValue: string;
  let secretArn: string;

  const get = async (path: string, init: RequestInit = {}) => {
    const token = await readFile(tokenFile, 'utf8');
    const headers = new Headers(init.headers);
    if (!headers.has('x-aws-parameters-secrets-token')) {
      headers.set('x-aws-parameters-secrets-token', token);
    }
    return fetch(`${serve?.url}${path}`, { ...init, headers });
  };

  beforeAll(async () => {
    secretName = uniqueName('kura-serve-secret');
    secretValue = seededValue('secret');
    secretArn = (await seeder.createSecret(secretName, secretValue)).arn;
    const binaryName = uniqueName('kura-serve-binary');
    await seeder.createSecret(binaryName, binaryContent);
    parameterName = `/kura-serve/${uniqueName('param')}`;
    parameterValue = seededValue('param');
    await seeder.putParameter(parameterName, parameterValue, 'SecureString');

    const spcPath = join(dir, 'spc.yaml');
    await writeFile(
      spcPath,
      spcYaml(
        'us-east-1',
        [
          `- objectName: "${secretName}"`,
          '  objectType: "secretsmanager"',
          '  objectAlias: "app-secret"',
          `- objectName: "${binaryName}"`,
          '  objectType: "secretsmanager"',
          '  objectAlias: "keystore.p12"',
          `- objectName: "${parameterName}"`,
          '  objectType: "ssmparameter"',
        ].join('\n'),
      ),
    );
    tokenFile = join(dir, 'shared', 'token');
    serve = await runServe(
      ['--spc', spcPath, '--token-file', tokenFile, '--log-level', 'debug'],
      motoEnvironment(proxy.url),
    );
    await waitUntilReady(serve.url);
  });

  afterAll(async () => {
    await stopAndKeepOutput(serve);
  });

  it('creates the token file and lists objects', async () => {
    expect(await readFile(tokenFile, 'utf8')).toMatch(/^[0-9a-f]{64}$/);
    const body = await (await get('/objects')).json().then(asJson);
    expect(body.objects.map((object: { fileName: string }) => object.fileName)).toEqual([
      'app-secret',
      'keystore.p12',
      parameterName.replaceAll('/', '_'),
    ]);
  });

  it('serves an object as bytes', async () => {
    const response = await get('/objects/app-secret');
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(secretValue);
  });

  it('serves the binary object byte for byte', async () => {
    const response = await get('/objects/keystore.p12');
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(binarySha256);
    const etag = response.headers.get('etag') ?? '';
    const again = await get('/objects/keystore.p12', { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
  });

  it('answers the Agent endpoint as AWS answers GetSecretValue', async () => {
    const client = new SecretsManagerClient({
      endpoint: motoEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
    const direct = await client.send(new GetSecretValueCommand({ SecretId: secretName }));
    client.destroy();

    const response = await get(`/secretsmanager/get?secretId=${secretName}`);
    expect(response.status).toBe(200);
    const body = await response.json().then(asJson);
    expect(body).toEqual({
      ARN: direct.ARN,
      Name: direct.Name,
      VersionId: direct.VersionId,
      SecretString: secretValue,
      VersionStages: direct.VersionStages,
      CreatedDate: String((direct.CreatedDate as Date).getTime() / 1000),
    });
  });

  it('returns a non-UTF-8 secret as base64 SecretBinary', async () => {
    const body = await (await get('/secretsmanager/get?secretId=keystore.p12')).json().then(asJson);
    expect(body.SecretBinary).toBe('AP/+gApB');
    expect(body).not.toHaveProperty('SecretString');
  });

  it('reads listed ids without a second AWS call', async () => {
    proxy.resetCounts();
    for (const id of [secretName, 'app-secret', secretArn]) {
      const response = await get(`/secretsmanager/get?secretId=${encodeURIComponent(id)}`);
      expect(response.status).toBe(200);
    }
    const parameter = await get(
      `/systemsmanager/parameters/get?name=${encodeURIComponent(parameterName)}`,
    );
    expect(parameter.status).toBe(200);
    expect(proxy.counts('secretsmanager.GetSecretValue')).toBe(0);
    expect(proxy.counts('AmazonSSM.GetParameters')).toBe(0);
    expect(proxy.counts('AmazonSSM.GetParameter')).toBe(0);
  });

  it('answers the Lambda endpoint with the parameter', async () => {
    const response = await get(
      `/systemsmanager/parameters/get?name=${encodeURIComponent(parameterName)}&withDecryption=true`,
    );
    const body = await response.json().then(asJson);
    expect(body.Parameter).toMatchObject({
      Name: parameterName,
      Type: 'SecureString',
      Value: parameterValue,
      Version: 1,
    });
  });

  it('rejects an unlisted id with 403 naming the flag', async () => {
    const response = await get('/secretsmanager/get?secretId=not-in-the-spc');
    expect(response.status).toBe(403);
    const body = await response.json().then(asJson);
    expect(body.id).toBe('not-in-the-spc');
    expect(body.message).toContain('--allow-unlisted');
  });

  it('rejects a missing or wrong token with 403', async () => {
    expect((await fetch(`${serve?.url}/objects`)).status).toBe(403);
    const wrong = await get('/objects', { headers: { 'x-aws-parameters-secrets-token': 'nope' } });
    expect(wrong.status).toBe(403);
  });

  it('accepts a rotated token at once', async () => {
    const old = await readFile(tokenFile, 'utf8');
    await writeFile(tokenFile, 'rotated-token-for-this-test');
    const withOld = await get('/objects', { headers: { 'x-aws-parameters-secrets-token': old } });
    expect(withOld.status).toBe(403);
    expect((await get('/objects')).status).toBe(200);
  });

  it('rejects X-Forwarded-For with 400', async () => {
    const response = await get('/objects', { headers: { 'x-forwarded-for': '192.0.2.1' } });
    expect(response.status).toBe(400);
  });

  it('rejects unknown parameters and methods', async () => {
    expect((await get('/secretsmanager/get?secretId=x&VersionStage=y')).status).toBe(400);
    expect((await get('/objects', { method: 'DELETE' })).status).toBe(405);
  });

  it('counts AWS calls and requests in /metrics', async () => {
    const text = await (await fetch(`${serve?.url}/metrics`)).text();
    expect(text).toMatch(
      /kura_aws_calls_total\{service="secretsmanager",operation="GetSecretValue",outcome="success"\} [1-9]/,
    );
    expect(text).toMatch(/kura_http_requests_total\{route="object",status="200"\} [1-9]/);
    expect(text).toContain('kura_cache_lookups_total{result="hit"}');
  });
});

describe('kura serve on the bundled example', () => {
  it('serves my-parameter as foobar-value', async () => {
    await seeder.putParameter('piyopiyo', '1234567');
    await seeder.putParameter('foobar', 'foobar-value');
    const tokenFile = join(dir, 'example-token');
    const serve = await runServe(
      ['--spc', exampleSpc, '--token-file', tokenFile],
      motoEnvironment(motoEndpoint),
    );
    try {
      await expect
        .poll(async () => (await fetch(`${serve.url}/readyz`)).status, { timeout: 15_000 })
        .toBe(200);
      const token = await readFile(tokenFile, 'utf8');
      const response = await fetch(`${serve.url}/objects/my-parameter`, {
        headers: { 'X-Aws-Parameters-Secrets-Token': token },
      });
      expect(await response.text()).toBe('foobar-value');
    } finally {
      await stopAndKeepOutput(serve);
    }
  });
});

describe('kura serve as npm start runs it', () => {
  it('serves the example mount dir without AWS', async () => {
    const tokenFile = join(dir, 'start', 'token');
    const serve = await runServe(
      [
        '--spc',
        exampleSpc,
        '--source',
        'files',
        '--mount-dir',
        exampleMountDir,
        '--token-file',
        tokenFile,
      ],
      // No endpoint and no credentials: nothing may call AWS.
      { AWS_EC2_METADATA_DISABLED: 'true' },
    );
    try {
      await waitUntilReady(serve.url);
      const headers = { 'X-Aws-Parameters-Secrets-Token': await readFile(tokenFile, 'utf8') };
      const parameter = await fetch(`${serve.url}/objects/my-parameter`, { headers });
      expect(await parameter.text()).toBe('foobar-value');
      const piyo = await fetch(`${serve.url}/objects/piyopiyo`, { headers });
      expect(await piyo.text()).toBe('1234567');
      expect(serve.stderr()).toContain(`token file ${tokenFile}`);
    } finally {
      await stopAndKeepOutput(serve);
    }
  });
});

describe('kura serve on a secret listed twice', () => {
  let secretName: string;
  let current: string;
  let previous: string;
  let spcPath: string;

  beforeAll(async () => {
    secretName = uniqueName('kura-serve-twice');
    previous = seededValue('previous');
    current = seededValue('current');
    await seeder.createSecret(secretName, previous);
    // PutSecretValue moves AWSCURRENT to the new version and AWSPREVIOUS to the old one.
    await seeder.putSecretValue(secretName, current);
    spcPath = join(dir, 'twice.yaml');
    await writeFile(
      spcPath,
      spcYaml(
        'us-east-1',
        [
          `- objectName: "${secretName}"`,
          '  objectType: "secretsmanager"',
          '  objectAlias: "db-pass"',
          `- objectName: "${secretName}"`,
          '  objectType: "secretsmanager"',
          '  objectAlias: "db-pass-prev"',
          '  objectVersionLabel: "AWSPREVIOUS"',
        ].join('\n'),
      ),
    );
  });

  async function readAll(url: string, token: string) {
    const headers = { 'x-aws-parameters-secrets-token': token };
    const agent = async (query: string) => {
      const response = await fetch(`${url}/secretsmanager/get?${query}`, { headers });
      return { status: response.status, body: await response.json().then(asJson) };
    };
    return {
      byFileName: await agent('secretId=db-pass-prev'),
      byName: await agent(`secretId=${secretName}`),
      byStage: await agent(`secretId=${secretName}&versionStage=AWSPREVIOUS`),
      unlistedVersion: await agent(`secretId=${secretName}&versionId=nonexistent`),
      previousFile: await (await fetch(`${url}/objects/db-pass-prev`, { headers })).text(),
    };
  }

  it('returns each version under --source aws', async () => {
    const serve = await runServe(['--spc', spcPath], {
      ...motoEnvironment(motoEndpoint),
      KURA_TOKEN: 'twice-aws-token',
    });
    try {
      await waitUntilReady(serve.url);
      const read = await readAll(serve.url, 'twice-aws-token');
      expect(read.previousFile).toBe(previous);
      expect(read.byFileName.body.SecretString).toBe(previous);
      expect(read.byFileName.body.VersionStages).toEqual(['AWSPREVIOUS']);
      expect(read.byName.body.SecretString).toBe(current);
      expect(read.byStage.body.SecretString).toBe(previous);
      expect(read.unlistedVersion.status).toBe(403);
    } finally {
      await stopAndKeepOutput(serve);
    }
  });

  it('returns each version under --source files', async () => {
    const mountDir = join(dir, 'twice-mount');
    await mkdir(mountDir, { recursive: true });
    await writeFile(join(mountDir, 'db-pass'), current);
    await writeFile(join(mountDir, 'db-pass-prev'), previous);
    const serve = await runServe(['--spc', spcPath, '--source', 'files', '--mount-dir', mountDir], {
      AWS_EC2_METADATA_DISABLED: 'true',
      KURA_TOKEN: 'twice-files-token',
    });
    try {
      await waitUntilReady(serve.url);
      const read = await readAll(serve.url, 'twice-files-token');
      expect(read.previousFile).toBe(previous);
      expect(read.byFileName.body.SecretString).toBe(previous);
      expect(read.byFileName.body.VersionStages).toEqual(['AWSPREVIOUS']);
      expect(read.byName.body.SecretString).toBe(current);
      expect(read.byName.body.VersionStages).toEqual(['AWSCURRENT']);
      expect(read.byStage.body.SecretString).toBe(previous);
      expect(read.unlistedVersion.status).toBe(400);
      expect(read.unlistedVersion.body.__type).toBe('ResourceNotFoundException');
      const plainSha256 = createHash('sha256').update(current).digest('hex');
      expect(read.byName.body.VersionId).not.toBe(plainSha256);
    } finally {
      await stopAndKeepOutput(serve);
    }
  });
});

describe('kura serve events', () => {
  it('sends a change event after a rotation', async () => {
    const secretName = uniqueName('kura-serve-rotating');
    await seeder.createSecret(secretName, seededValue('before'));
    const spcPath = join(dir, 'rotating.yaml');
    await writeFile(
      spcPath,
      spcYaml('us-east-1', `- objectName: "${secretName}"\n  objectType: "secretsmanager"`),
    );
    const tokenFile = join(dir, 'rotating-token');
    const serve = await runServe(
      ['--spc', spcPath, '--token-file', tokenFile, '--refresh-interval-ms', '1000'],
      motoEnvironment(motoEndpoint),
    );
    const controller = new AbortController();
    try {
      await waitUntilReady(serve.url);
      const headers = { 'x-aws-parameters-secrets-token': await readFile(tokenFile, 'utf8') };
      const stream = await fetch(`${serve.url}/events`, { headers, signal: controller.signal });
      expect(stream.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');

      const rotated = seededValue('after');
      await seeder.putSecretValue(secretName, rotated);
      const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
      const decoder = new TextDecoder();
      let text = '';
      while (!text.includes('event: change')) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
      expect(text).toContain(`"fileName":"${secretName}"`);
      expect(text).not.toContain(rotated);

      const object = await fetch(`${serve.url}/objects/${secretName}`, { headers });
      expect(await object.text()).toBe(rotated);
    } finally {
      controller.abort();
      await stopAndKeepOutput(serve);
    }
  });
});

describe('kura serve readiness', () => {
  it('answers 503 until the first load succeeds', async () => {
    const secretName = uniqueName('kura-serve-late');
    const spcPath = join(dir, 'late.yaml');
    await writeFile(
      spcPath,
      spcYaml('us-east-1', `- objectName: "${secretName}"\n  objectType: "secretsmanager"`),
    );
    const serve = await runServe(
      ['--spc', spcPath, '--token-file', join(dir, 'late-token')],
      motoEnvironment(motoEndpoint),
    );
    try {
      expect((await fetch(`${serve.url}/readyz`)).status).toBe(503);
      expect((await fetch(`${serve.url}/ping`)).status).toBe(200);

      await seeder.createSecret(secretName, seededValue('late'));
      await expect
        .poll(async () => (await fetch(`${serve.url}/readyz`)).status, { timeout: 20_000 })
        .toBe(200);
    } finally {
      await stopAndKeepOutput(serve);
    }
  });
});

describe('kura serve without an SPC', () => {
  it('passes throttling through when nothing is cached', async () => {
    const secretName = uniqueName('kura-serve-throttled');
    await seeder.createSecret(secretName, seededValue('throttled'));
    proxy.setFault('secretsmanager.GetSecretValue', { kind: 'throttle' }, { times: 3 });
    const serve = await runServe([], { ...motoEnvironment(proxy.url), KURA_TOKEN: 'c12-token' });
    const headers = { 'x-aws-parameters-secrets-token': 'c12-token' };
    try {
      const response = await fetch(`${serve.url}/secretsmanager/get?secretId=${secretName}`, {
        headers,
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        __type: 'ThrottlingException',
        message: 'Rate exceeded',
      });

      proxy.clearFaults();
      await expect
        .poll(
          async () =>
            (await fetch(`${serve.url}/secretsmanager/get?secretId=${secretName}`, { headers }))
              .status,
          {
            timeout: 20_000,
          },
        )
        .toBe(200);
    } finally {
      proxy.clearFaults();
      await stopAndKeepOutput(serve);
    }
  });

  it('answers 502 when the connection to AWS fails', async () => {
    const secretName = uniqueName('kura-serve-reset');
    await seeder.createSecret(secretName, seededValue('reset'));
    proxy.setFault('secretsmanager.GetSecretValue', { kind: 'reset' }, { times: 1 });
    const serve = await runServe([], { ...motoEnvironment(proxy.url), KURA_TOKEN: 'reset-token' });
    try {
      const response = await fetch(`${serve.url}/secretsmanager/get?secretId=${secretName}`, {
        headers: { 'x-aws-parameters-secrets-token': 'reset-token' },
      });
      expect(response.status).toBe(502);
      expect((await response.json().then(asJson)).__type).toBe('ConnectionError');
    } finally {
      proxy.clearFaults();
      await stopAndKeepOutput(serve);
    }
  });

  it('answers 504 when the AWS call times out', async () => {
    const secretName = uniqueName('kura-serve-timeout');
    await seeder.createSecret(secretName, seededValue('timeout'));
    proxy.setFault('secretsmanager.GetSecretValue', { kind: 'delay', ms: 3_000 }, { times: 1 });
    const serve = await runServe(['--aws-timeout-ms', '300'], {
      ...motoEnvironment(proxy.url),
      KURA_TOKEN: 'timeout-token',
    });
    try {
      const response = await fetch(`${serve.url}/secretsmanager/get?secretId=${secretName}`, {
        headers: { 'x-aws-parameters-secrets-token': 'timeout-token' },
      });
      expect(response.status).toBe(504);
      expect((await response.json().then(asJson)).__type).toBe('TimeoutError');
    } finally {
      proxy.clearFaults();
      await stopAndKeepOutput(serve);
    }
  });

  it('answers 429 past the connection limit', async () => {
    const serve = await runServe(['--max-connections', '1'], {
      ...motoEnvironment(motoEndpoint),
      KURA_TOKEN: 'limit-token',
    });
    const held: Socket = await new Promise((resolve) => {
      const socket = connect({ host: '127.0.0.1', port: Number(new URL(serve.url).port) }, () =>
        resolve(socket),
      );
    });
    try {
      const response = await fetch(`${serve.url}/metrics`);
      expect(response.status).toBe(429);
      // Health checks keep a little headroom past the limit.
      const ping = await fetch(`${serve.url}/ping`, { headers: { connection: 'close' } });
      expect(ping.status).toBe(200);
    } finally {
      held.destroy();
      await stopAndKeepOutput(serve);
    }
  });

  it('finishes in-flight requests on SIGTERM and exits 0', async () => {
    const secretName = uniqueName('kura-serve-slow');
    const value = seededValue('slow');
    await seeder.createSecret(secretName, value);
    proxy.resetCounts();
    proxy.setFault('secretsmanager.GetSecretValue', { kind: 'delay', ms: 1_500 }, { times: 1 });
    const serve = await runServe([], { ...motoEnvironment(proxy.url), KURA_TOKEN: 'stop-token' });
    try {
      const inFlight = fetch(`${serve.url}/secretsmanager/get?secretId=${secretName}`, {
        headers: { 'x-aws-parameters-secrets-token': 'stop-token' },
      });
      await expect.poll(() => proxy.counts('secretsmanager.GetSecretValue')).toBe(1);
      serve.child.kill('SIGTERM');

      const response = await inFlight;
      expect(response.status).toBe(200);
      expect((await response.json().then(asJson)).SecretString).toBe(value);
      expect(await serve.exited).toBe(0);
      expect(serve.stdout()).toContain('kura serve stopped');
    } finally {
      proxy.clearFaults();
      await stopAndKeepOutput(serve);
    }
  });

  it('aborts a stuck AWS call on SIGTERM and exits 0', async () => {
    const secretName = uniqueName('kura-serve-stuck');
    await seeder.createSecret(secretName, seededValue('stuck'));
    proxy.resetCounts();
    // The AWS call would wait far past the shutdown timeout without the abort.
    proxy.setFault('secretsmanager.GetSecretValue', { kind: 'delay', ms: 25_000 }, { times: 1 });
    const serve = await runServe(['--aws-timeout-ms', '60000', '--shutdown-timeout-ms', '300'], {
      ...motoEnvironment(proxy.url),
      KURA_TOKEN: 'stuck-token',
    });
    try {
      const inFlight = fetch(`${serve.url}/secretsmanager/get?secretId=${secretName}`, {
        headers: { 'x-aws-parameters-secrets-token': 'stuck-token' },
      }).catch((error: unknown) => error);
      await expect.poll(() => proxy.counts('secretsmanager.GetSecretValue')).toBe(1);
      serve.child.kill('SIGTERM');

      expect(await serve.exited).toBe(0);
      expect(await inFlight).toBeInstanceOf(Error);
      const lines = serve.stdout().trim().split('\n');
      expect(lines.at(-1)).toContain('kura serve stopped');
      expect(serve.stdout()).toContain('closing connections still open');
      expect(serve.stdout()).not.toContain('AWS call failed');
    } finally {
      proxy.clearFaults();
      await stopAndKeepOutput(serve);
    }
  });

  it('exits 1 on an invalid SecretProviderClass', async () => {
    const spcPath = join(dir, 'invalid.yaml');
    await writeFile(spcPath, spcYaml('us-east-1', '- objectName: "x"\n  objectType: "ssm"'));
    const result = await runServeToExit(
      ['--spc', spcPath, '--token-file', join(dir, 'invalid-token')],
      motoEnvironment(motoEndpoint),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('objectType');
  });

  it('exits 2 without a token source', async () => {
    const result = await runServeToExit([], motoEnvironment(motoEndpoint));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no token configured');
  });

  it('exits 2 on a token variable with surrounding whitespace', async () => {
    const result = await runServeToExit([], {
      ...motoEnvironment(motoEndpoint),
      KURA_TOKEN: ' padded-token ',
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('KURA_TOKEN: the value has leading or trailing whitespace');
    expect(result.stderr).not.toContain('padded-token');
  });

  it('exits 2 on conflicting timeouts', async () => {
    const result = await runServeToExit(
      ['--request-timeout-ms', '100', '--headers-timeout-ms', '5000'],
      { ...motoEnvironment(motoEndpoint), KURA_TOKEN: 'unused-token' },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--headers-timeout-ms');
    expect(result.stderr).toContain('--request-timeout-ms');
  });

  it('exits 2 on an invalid option', async () => {
    const result = await runServeToExit(['--port', 'http'], motoEnvironment(motoEndpoint));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--port: invalid value "http"');
  });
});

describe('kura serve logs', () => {
  it('contain no seeded value and no token', () => {
    const all = outputs.join('\n');
    expect(all).toContain('kura serve started');
    for (const value of seededValues) {
      expect(all.includes(value), 'a seeded value appears in the logs').toBe(false);
    }
    expect(all.includes('foobar-value')).toBe(false);
    expect(all.includes('rotated-token-for-this-test')).toBe(false);
    expect(all.includes('c12-token')).toBe(false);
  });
});
