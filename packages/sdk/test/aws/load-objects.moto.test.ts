/**
 * loadObjects end to end: SecretProviderClass text parsed by the spec parser, objects fetched
 * from moto_server through the fault proxy, which counts the calls and injects failures.
 */
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { applyMotoEnv, uniqueName } from '../../../../test/support/aws-env.js';
import { type FaultProxy, startFaultProxy } from '../../../../test/support/fault-proxy.js';
import { startMoto } from '../../../../test/support/moto.js';
import { createSeeder, type Seeder } from '../../../../test/support/seed.js';
import { createAwsSource } from '../../src/aws/aws-source.js';
import { loadObjects } from '../../src/aws/load-objects.js';
import type { AwsSource, LoadedFile } from '../../src/aws/types.js';
import { type KuraAwsError, KuraAwsNotFoundError, KuraExtractError } from '../../src/errors.js';
import type { SecretProviderClass } from '../../src/spec/model.js';
import {
  parseSecretProviderClass,
  readSecretProviderClass,
} from '../../src/spec/parse-secret-provider-class.js';
import { text } from './build-spc.js';

const getSecretValue = 'secretsmanager.GetSecretValue';
const getParameters = 'AmazonSSM.GetParameters';

let proxy: FaultProxy;
let seeder: Seeder;
let westSeeder: Seeder;
let source: AwsSource;
let restoreEnv: () => void;

beforeAll(async () => {
  proxy = await startFaultProxy({ target: inject('motoEndpoint') });
  restoreEnv = applyMotoEnv(proxy.url);
  seeder = createSeeder(inject('motoEndpoint'));
  westSeeder = createSeeder(inject('motoEndpoint'), 'us-west-2');
  source = createAwsSource();
});

afterEach(() => {
  proxy.clearFaults();
  proxy.resetCounts();
});

afterAll(async () => {
  source.close();
  seeder.close();
  westSeeder.close();
  restoreEnv();
  await proxy.close();
});

/** Adds `objectType: secretsmanager` to every list item that sets no objectType. */
function defaultToSecrets(objects: string): string {
  const items = objects.trim().split(/\n(?=- )/);
  return items
    .map((item) => {
      if (/^\s*objectType:/m.test(item)) return item;
      const [first, ...rest] = item.split('\n');
      return [first, '  objectType: secretsmanager', ...rest].join('\n');
    })
    .join('\n');
}

/**
 * Parses a SecretProviderClass whose `objects` parameter is the given YAML list; items without
 * an objectType are Secrets Manager objects.
 */
function spc(objects: string, parameters: Record<string, string> = {}): SecretProviderClass {
  const indented = defaultToSecrets(objects)
    .split('\n')
    .map((line) => `      ${line}`)
    .join('\n');
  const extra = Object.entries(parameters)
    .map(([key, value]) => `    ${key}: "${value}"\n`)
    .join('');
  const manifest = `apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
metadata:
  name: load-test
spec:
  provider: aws
  parameters:
    region: "us-east-1"
${extra}    objects: |
${indented}
`;
  return parseSecretProviderClass(manifest, { env: {} });
}

function contents(files: LoadedFile[]): Record<string, string> {
  return Object.fromEntries(files.map((file) => [file.fileName, text(file.content)]));
}

async function loadError(model: SecretProviderClass): Promise<Error> {
  const result = await loadObjects(model, { source }).catch((caught: unknown) => caught);
  if (result instanceof Error) return result;
  throw new Error('the load succeeded');
}

describe('jmesPath extraction', () => {
  it('rejects a number and mounts to_string of it', async () => {
    const name = uniqueName('load/db');
    await seeder.createSecret(name, '{"username":"app","password":"pw","port":5432}');

    const error = await loadError(
      spc(`- objectName: "${name}"
  jmesPath:
    - path: username
      objectAlias: username
    - path: port
      objectAlias: port`),
    );
    const files = await loadObjects(
      spc(`- objectName: "${name}"
  objectAlias: db
  jmesPath:
    - path: to_string(port)
      objectAlias: port`),
      { source },
    );

    expect(error).toBeInstanceOf(KuraExtractError);
    expect(error.message).toContain('returned a number');
    expect(error.message).toContain('to_string(port)');
    expect(contents(files).port).toBe('5432');
  });

  it('reports a missing key and non-JSON content as extraction errors', async () => {
    const json = uniqueName('load/hello-secret');
    const plain = uniqueName('load/plain');
    await seeder.createSecret(json, '{"HELLO":"WORLD"}');
    await seeder.createSecret(plain, 'not-json');

    const missing = await loadError(
      spc(`- objectName: "${json}"
  objectAlias: hello-secret
  jmesPath:
    - path: hello
      objectAlias: hello`),
    );
    const notJson = await loadError(
      spc(`- objectName: "${plain}"
  objectAlias: plain
  jmesPath:
    - path: hello
      objectAlias: hello`),
    );

    expect(missing).toBeInstanceOf(KuraExtractError);
    expect(missing.message).toContain('jmesPath hello (objectAlias hello)');
    expect(missing.message).toContain('matched nothing');
    expect(missing.message).not.toContain('WORLD');
    expect(notJson).toBeInstanceOf(KuraExtractError);
    expect(notJson.message).toContain(`secret ${plain} is not JSON`);
    expect(notJson.message).not.toContain('not-json');
  });

  it('extracts beside an integer above 2^53', async () => {
    const name = uniqueName('load/big');
    await seeder.createSecret(name, '{"id":12345678901234567890,"user":"app"}');

    const files = await loadObjects(
      spc(`- objectName: "${name}"
  objectAlias: big
  jmesPath:
    - path: user
      objectAlias: user
    - path: to_string(id)
      objectAlias: id`),
      { source },
    );

    // The AWS provider decodes numbers as float64, so the integer rounds exactly as there.
    expect(contents(files)).toMatchObject({ user: 'app', id: '12345678901234567000' });
  });
});

describe('binary secrets', () => {
  it('mounts the exact bytes', async () => {
    const name = uniqueName('load/keystore');
    await seeder.createSecret(name, new Uint8Array([0x00, 0xff, 0xfe, 0x80, 0x0a, 0x41]));

    const [file] = await loadObjects(
      spc(`- objectName: "${name}"
  objectAlias: keystore.p12`),
      { source },
    );

    expect(file?.fileName).toBe('keystore.p12');
    expect(file?.content.byteLength).toBe(6);
    expect(
      createHash('sha256')
        .update(file?.content ?? new Uint8Array())
        .digest('hex'),
    ).toBe('f666f9c460f0f8ec5e17e6fc36540ce4438587c83d6c0ee44cecad4fe04368e9');
  });

  it('reports jmesPath on binary content as not JSON', async () => {
    const name = uniqueName('load/keystore-json');
    await seeder.createSecret(name, new Uint8Array([0x00, 0xff, 0xfe, 0x80, 0x0a, 0x41]));

    const error = await loadError(
      spc(`- objectName: "${name}"
  objectAlias: keystore.p12
  jmesPath:
    - path: a
      objectAlias: a`),
    );

    expect(error).toBeInstanceOf(KuraExtractError);
    expect(error.message).toContain('is not JSON');
  });
});

describe('Secrets Manager versions', () => {
  it('follows the current and previous version', async () => {
    const name = uniqueName('load/encryption-key');
    await seeder.createSecret(name, 'key-1');
    await seeder.putSecretValue(name, 'key-2');
    const model = spc(`- objectName: "${name}"
  objectAlias: encryption-key
  objectVersionLabel: AWSCURRENT
- objectName: "${name}"
  objectAlias: previous-encryption-key
  objectVersionLabel: AWSPREVIOUS`);

    const before = await loadObjects(model, { source });
    const rotatedVersion = await seeder.putSecretValue(name, 'key-3');
    const after = await loadObjects(model, { source });

    expect(contents(before)).toEqual({
      'encryption-key': 'key-2',
      'previous-encryption-key': 'key-1',
    });
    expect(contents(after)).toEqual({
      'encryption-key': 'key-3',
      'previous-encryption-key': 'key-2',
    });
    expect(after[0]?.version).toBe(rotatedVersion);
  });

  it('sends one GetSecretValue per object within the bound', async () => {
    const names = Array.from({ length: 50 }, () => uniqueName('load/many'));
    await Promise.all(names.map((name, i) => seeder.createSecret(name, `value-${i}`)));
    const model = spc(names.map((name) => `- objectName: "${name}"`).join('\n'));
    // A delay keeps calls in flight long enough for the bound to be reached.
    proxy.setFault(getSecretValue, { kind: 'delay', ms: 20 });

    const files = await loadObjects(model, { source, concurrency: 8 });

    expect(files).toHaveLength(50);
    expect(files.map((file) => text(file.content))).toEqual(names.map((_, i) => `value-${i}`));
    expect(proxy.counts(getSecretValue)).toBe(50);
    expect(proxy.counts('secretsmanager.BatchGetSecretValue')).toBe(0);
    expect(proxy.maxInFlight(getSecretValue)).toBeLessThanOrEqual(8);
    expect(proxy.maxInFlight(getSecretValue)).toBeGreaterThan(1);
  });
});

describe('Parameter Store', () => {
  it('reads eleven parameters in two calls', async () => {
    const prefix = uniqueName('/app');
    const names = Array.from(
      { length: 11 },
      (_, i) => `${prefix}/p${String(i + 1).padStart(2, '0')}`,
    );
    await Promise.all(
      names.map((name, i) => seeder.putParameter(name, `v${String(i + 1).padStart(2, '0')}`)),
    );
    const model = spc(
      names.map((name) => `- objectName: "${name}"\n  objectType: ssmparameter`).join('\n'),
    );

    const files = await loadObjects(model, { source });

    expect(proxy.counts(getParameters)).toBe(2);
    expect(files.map((file) => file.fileName)).toEqual(
      names.map((name) => name.replaceAll('/', '_')),
    );
    expect(files.map((file) => text(file.content))).toEqual(
      names.map((_, i) => `v${String(i + 1).padStart(2, '0')}`),
    );
    expect(files.every((file) => file.version === '1')).toBe(true);
  });

  it('reads 25 parameters in three calls', async () => {
    const prefix = uniqueName('/load/batch');
    const names = Array.from({ length: 25 }, (_, i) => `${prefix}/p${i}`);
    await Promise.all(names.map((name) => seeder.putParameter(name, 'v')));
    const model = spc(
      names.map((name) => `- objectName: "${name}"\n  objectType: ssmparameter`).join('\n'),
    );

    await loadObjects(model, { source });

    expect(proxy.counts(getParameters)).toBe(3);
  });

  it('lists the missing parameters', async () => {
    const prefix = uniqueName('/app');
    const present = `${prefix}/p01`;
    const missing = [`${prefix}/p12`, `${prefix}/p13`];
    await seeder.putParameter(present, 'v01');
    const model = spc(
      [present, ...missing]
        .map((name) => `- objectName: "${name}"\n  objectType: ssmparameter`)
        .join('\n'),
    );

    const error = await loadError(model);

    expect(error).toBeInstanceOf(KuraAwsNotFoundError);
    expect(error.message).toContain('2 parameters not found');
    for (const name of missing) expect(error.message).toContain(name);
    expect(error.message).not.toContain(`${present} (file`);
  });

  it('keeps a pinned version and names a missing one', async () => {
    const name = uniqueName('/kubernetes/test');
    await seeder.putParameter(name, '{"value":"Test 1"}');
    await seeder.putParameter(name, '{"value":"Test 2"}');
    await seeder.labelParameterVersion(name, 1, ['stable']);
    const model = spc(`- objectName: "${name}"
  objectType: ssmparameter
  objectVersion: "1"
  objectAlias: pinned
  jmesPath:
    - path: value
      objectAlias: pinned-value
- objectName: "${name}"
  objectType: ssmparameter
  objectVersionLabel: stable
  objectAlias: stable
- objectName: "${name}"
  objectType: ssmparameter
  objectAlias: latest`);

    const before = await loadObjects(model, { source });
    await seeder.putParameter(name, '{"value":"Test 3"}');
    const after = await loadObjects(model, { source });
    const callsForTwoLoads = proxy.counts(getParameters);
    const missingError = await loadError(
      spc(`- objectName: "${name}"
  objectType: ssmparameter
  objectVersion: "9"`),
    );

    expect(contents(before)).toEqual({
      pinned: '{"value":"Test 1"}',
      'pinned-value': 'Test 1',
      stable: '{"value":"Test 1"}',
      latest: '{"value":"Test 2"}',
    });
    expect(before.map((file) => file.version)).toEqual(['1', '1', '1', '2']);
    expect(contents(after)).toMatchObject({
      pinned: '{"value":"Test 1"}',
      'pinned-value': 'Test 1',
      latest: '{"value":"Test 3"}',
    });
    // One name with three selectors: three calls, so results are matched by name.
    expect(callsForTwoLoads).toBe(6);
    expect(missingError).toBeInstanceOf(KuraAwsNotFoundError);
    expect(missingError.message).toContain(`${name}:9`);
  });
});

describe('failover', () => {
  it('reads the failover region when the primary answers 500', async () => {
    const name = uniqueName('load/failover');
    const westName = uniqueName('load/failover-west');
    const parameter = uniqueName('/load/failover');
    await seeder.createSecret(name, 'primary');
    const west = await westSeeder.createSecret(name, 'west');
    await westSeeder.createSecret(westName, 'west-object');
    await seeder.putParameter(parameter, 'primary');
    await westSeeder.putParameter(parameter, 'west');
    proxy.setFault('*', { kind: 'status', status: 500 }, { region: 'us-east-1' });

    const files = await loadObjects(
      spc(
        `- objectName: "${name}"
  objectAlias: same-name
- objectName: "${name}"
  objectAlias: other-name
  failoverObject:
    objectName: "${westName}"
- objectName: "${parameter}"
  objectType: ssmparameter
  objectAlias: parameter`,
        { failoverRegion: 'us-west-2' },
      ),
      { source },
    );

    expect(contents(files)).toEqual({
      'same-name': 'west',
      'other-name': 'west-object',
      parameter: 'west',
    });
    expect(files[0]?.version).toBe(west.versionId);
    expect(proxy.counts(getSecretValue)).toBe(4);
    expect(proxy.counts(getParameters)).toBe(2);
  });

  it('does not mask a non-retryable primary error', async () => {
    const name = uniqueName('load/only-west');
    await westSeeder.createSecret(name, 'west');

    const error = await loadError(
      spc(
        `- objectName: "${name}"
  objectAlias: only-west`,
        { failoverRegion: 'us-west-2' },
      ),
    );

    expect(error).toBeInstanceOf(KuraAwsNotFoundError);
    expect((error as KuraAwsError).details).toMatchObject({
      region: 'us-east-1',
      fileName: 'only-west',
      objectName: name,
      awsCode: 'ResourceNotFoundException',
    });
    expect((error as KuraAwsError).details.requestId).toBeTruthy();
    expect(error.cause).toMatchObject({ name: 'ResourceNotFoundException' });
    expect(proxy.counts(getSecretValue)).toBe(1);
  });

  it('uses the primary region while it works', async () => {
    const name = uniqueName('load/both');
    await seeder.createSecret(name, 'primary');
    await westSeeder.createSecret(name, 'west');

    const files = await loadObjects(
      spc(
        `- objectName: "${name}"
  objectAlias: both`,
        { failoverRegion: 'us-west-2' },
      ),
      { source },
    );

    expect(contents(files)).toEqual({ both: 'primary' });
    expect(proxy.counts(getSecretValue)).toBe(1);
  });
});

describe('region', () => {
  it('falls back to AWS_DEFAULT_REGION', async () => {
    const name = uniqueName('load/default-region');
    await westSeeder.createSecret(name, 'west');
    const manifest = `apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
metadata:
  name: no-region
spec:
  provider: aws
  parameters:
    objects: |
      - objectName: "${name}"
        objectType: secretsmanager
        objectAlias: default-region
`;
    const model = parseSecretProviderClass(manifest, { env: { AWS_DEFAULT_REGION: 'us-west-2' } });

    const files = await loadObjects(model, { source });

    expect(model.region).toBe('us-west-2');
    expect(contents(files)).toEqual({ 'default-region': 'west' });
  });
});

describe('example SecretProviderClass', () => {
  it('loads end to end', async () => {
    // The example uses fixed names, so it gets a moto_server of its own.
    const moto = await startMoto();
    const exampleSeeder = createSeeder(moto.endpoint);
    const exampleSource = createAwsSource({ clientConfig: { endpoint: moto.endpoint } });
    try {
      await exampleSeeder.putParameter('piyopiyo', 'piyo-value');
      await exampleSeeder.putParameter('foobar', 'foobar-value');
      const example = fileURLToPath(
        new URL('../../../../examples/secretproviderclass.yaml', import.meta.url),
      );
      const model = await readSecretProviderClass(example, { env: {} });

      const files = await loadObjects(model, { source: exampleSource });

      expect(contents(files)).toEqual({ piyopiyo: 'piyo-value', 'my-parameter': 'foobar-value' });
      expect(files.map((file) => file.version)).toEqual(['1', '1']);
      expect(files.map((file) => file.filePermission)).toEqual([0o644, 0o644]);
    } finally {
      exampleSource.close();
      exampleSeeder.close();
      await moto.stop();
    }
  });
});
