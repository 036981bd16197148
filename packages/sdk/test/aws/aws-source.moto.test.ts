/**
 * createAwsSource against moto_server, through the fault proxy so calls can be counted and
 * failed on purpose.
 */
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { applyMotoEnv, uniqueName } from '../../../../test/support/aws-env.js';
import { type FaultProxy, startFaultProxy } from '../../../../test/support/fault-proxy.js';
import { createSeeder, type Seeder } from '../../../../test/support/seed.js';
import { createAwsSource } from '../../src/aws/aws-source.js';
import type { AwsSource, GetParameterRequest } from '../../src/aws/types.js';
import {
  type KuraAwsError,
  KuraAwsNotFoundError,
  KuraAwsThrottledError,
  KuraAwsTimeoutError,
  KuraAwsUnavailableError,
  KuraConfigError,
} from '../../src/errors.js';

const getSecretValue = 'secretsmanager.GetSecretValue';
const getParameters = 'AmazonSSM.GetParameters';
const region = 'us-east-1';

let proxy: FaultProxy;
let seeder: Seeder;
let source: AwsSource;
let restoreEnv: () => void;

beforeAll(async () => {
  proxy = await startFaultProxy({ target: inject('motoEndpoint') });
  restoreEnv = applyMotoEnv(proxy.url);
  seeder = createSeeder(inject('motoEndpoint'));
  source = createAwsSource();
});

afterEach(() => {
  proxy.clearFaults();
  proxy.resetCounts();
});

afterAll(async () => {
  source.close();
  seeder.close();
  restoreEnv();
  await proxy.close();
});

function parameter(name: string, extra: Partial<GetParameterRequest> = {}): GetParameterRequest {
  return { name, region, withDecryption: true, ...extra };
}

describe('getSecretValue', () => {
  it('returns a string secret with its version', async () => {
    const name = uniqueName('source/string');
    const created = await seeder.createSecret(name, 'line1\nline2\n');

    const value = await source.getSecretValue({ secretId: name, region });

    expect(value.secretString).toBe('line1\nline2\n');
    expect(value.secretBinary).toBeUndefined();
    expect(value.versionId).toBe(created.versionId);
    expect(value.versionStages).toContain('AWSCURRENT');
    expect(value.arn).toBe(created.arn);
    expect(value.name).toBe(name);
  });

  it('returns binary bytes unchanged', async () => {
    const name = uniqueName('source/binary');
    const bytes = new Uint8Array([0x00, 0xff, 0xfe, 0x80, 0x0a, 0x41]);
    await seeder.createSecret(name, bytes);

    const value = await source.getSecretValue({ secretId: name, region });

    expect(value.secretString).toBeUndefined();
    expect(value.secretBinary).toEqual(bytes);
    expect(value.secretBinary?.byteLength).toBe(value.secretBinary?.buffer.byteLength);
  });

  it('reads pinned versions and stages', async () => {
    const name = uniqueName('source/stages');
    const first = await seeder.createSecret(name, 'one');
    const second = await seeder.putSecretValue(name, 'two');
    const third = await seeder.putSecretValue(name, 'three', ['CUSTOM']);

    const previous = await source.getSecretValue({
      secretId: name,
      region,
      versionStage: 'AWSPREVIOUS',
    });
    const current = await source.getSecretValue({
      secretId: name,
      region,
      versionStage: 'AWSCURRENT',
    });
    const custom = await source.getSecretValue({ secretId: name, region, versionStage: 'CUSTOM' });
    const byId = await source.getSecretValue({
      secretId: name,
      region,
      versionId: first.versionId,
    });

    expect(previous).toMatchObject({ secretString: 'one', versionId: first.versionId });
    expect(current).toMatchObject({ secretString: 'two', versionId: second });
    expect(custom).toMatchObject({ secretString: 'three', versionId: third });
    expect(byId.secretString).toBe('one');
  });

  it('reports a missing secret as not found', async () => {
    const name = uniqueName('source/missing');

    const error = await source
      .getSecretValue({ secretId: name, region })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(KuraAwsNotFoundError);
    expect((error as KuraAwsError).retryable).toBe(false);
    expect((error as KuraAwsError).details).toMatchObject({
      awsCode: 'ResourceNotFoundException',
      service: 'secretsmanager',
      operation: 'GetSecretValue',
      region,
      id: name,
    });
    expect((error as KuraAwsError).details.httpStatus).toBeGreaterThanOrEqual(400);
    expect((error as KuraAwsError).details.requestId).toBeTruthy();
  });

  it('reports throttling as retryable', async () => {
    const name = uniqueName('source/throttled');
    await seeder.createSecret(name, 'value');
    proxy.setFault(getSecretValue, { kind: 'throttle' }, { times: 1 });

    const error = await source
      .getSecretValue({ secretId: name, region })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(KuraAwsThrottledError);
    expect((error as KuraAwsError).retryable).toBe(true);
    expect((error as KuraAwsError).details.httpStatus).toBe(400);
    expect((error as Error).message).toContain('Rate exceeded');
    expect(proxy.counts(getSecretValue)).toBe(1);
  });

  it('does not retry inside the SDK', async () => {
    const name = uniqueName('source/no-retry');
    await seeder.createSecret(name, 'value');
    proxy.setFault(getSecretValue, { kind: 'status', status: 500 });

    const error = await source
      .getSecretValue({ secretId: name, region })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(KuraAwsUnavailableError);
    expect((error as KuraAwsError).details.httpStatus).toBe(500);
    expect(proxy.counts(getSecretValue)).toBe(1);
  });

  it('reports a reset connection as unavailable', async () => {
    const name = uniqueName('source/reset');
    await seeder.createSecret(name, 'value');
    proxy.setFault(getSecretValue, { kind: 'reset' }, { times: 1 });

    const error = await source
      .getSecretValue({ secretId: name, region })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(KuraAwsUnavailableError);
    expect((error as KuraAwsError).retryable).toBe(true);
    expect((error as KuraAwsError).details.httpStatus).toBeUndefined();
    expect((error as KuraAwsError).details.awsCode).toBe('ECONNRESET');
  });

  it('reports a slow response as a timeout', async () => {
    const name = uniqueName('source/slow');
    await seeder.createSecret(name, 'value');
    proxy.setFault(getSecretValue, { kind: 'delay', ms: 2_000 }, { times: 1 });
    const impatient = createAwsSource({ requestTimeoutMs: 200 });

    const error = await impatient
      .getSecretValue({ secretId: name, region })
      .catch((caught: unknown) => caught);
    impatient.close();

    expect(error).toBeInstanceOf(KuraAwsTimeoutError);
    expect((error as KuraAwsError).retryable).toBe(true);
    expect((error as KuraAwsError).details.httpStatus).toBeUndefined();
  });
});

describe('describeSecret', () => {
  it('maps version ids to stages', async () => {
    const name = uniqueName('source/describe');
    const first = await seeder.createSecret(name, 'one');
    const second = await seeder.putSecretValue(name, 'two');

    const result = await source.describeSecret({ secretId: name, region });

    expect(result.name).toBe(name);
    expect(result.versionIdsToStages[second]).toContain('AWSCURRENT');
    expect(result.versionIdsToStages[first.versionId]).toContain('AWSPREVIOUS');
  });
});

describe('getParameters', () => {
  it('reads 25 parameters in 3 calls', async () => {
    const prefix = uniqueName('/source/many');
    const names = Array.from({ length: 25 }, (_, i) => `${prefix}/p${i}`);
    await Promise.all(names.map((name, i) => seeder.putParameter(name, `v${i}`)));

    const outcomes = await source.getParameters(names.map((name) => parameter(name)));

    expect(outcomes.map((outcome) => (outcome.ok ? outcome.value.value : 'error'))).toEqual(
      names.map((_, i) => `v${i}`),
    );
    expect(proxy.counts(getParameters)).toBe(3);
  });

  it('reads one parameter with two selectors', async () => {
    const name = uniqueName('/source/selectors');
    await seeder.putParameter(name, '{"value":"Test 1"}');
    await seeder.putParameter(name, '{"value":"Test 2"}');
    await seeder.labelParameterVersion(name, 1, ['stable']);

    const outcomes = await source.getParameters([
      parameter(name, { label: 'stable' }),
      parameter(name),
      parameter(name, { version: '2' }),
    ]);

    expect(outcomes).toMatchObject([
      { ok: true, value: { value: '{"value":"Test 1"}', version: 1, selector: ':stable' } },
      { ok: true, value: { value: '{"value":"Test 2"}', version: 2 } },
      { ok: true, value: { value: '{"value":"Test 2"}', version: 2, selector: ':2' } },
    ]);
    expect(proxy.counts(getParameters)).toBe(3);
  });

  it('decrypts SecureString and keeps StringList as written', async () => {
    const secure = uniqueName('/source/secure');
    const list = uniqueName('/source/list');
    await seeder.putParameter(secure, 's3cr3t', 'SecureString');
    await seeder.putParameter(list, 'a,b,c', 'StringList');

    const outcomes = await source.getParameters([parameter(secure), parameter(list)]);

    expect(outcomes).toMatchObject([
      { ok: true, value: { value: 's3cr3t', type: 'SecureString' } },
      { ok: true, value: { value: 'a,b,c', type: 'StringList' } },
    ]);
  });

  it('names each missing parameter', async () => {
    const name = uniqueName('/source/versions');
    await seeder.putParameter(name, 'one');
    const missing = uniqueName('/source/missing');

    const outcomes = await source.getParameters([parameter(name), parameter(missing)]);
    const pinned = await source.getParameters([parameter(name, { version: '9' })]);

    expect(outcomes[0]).toMatchObject({ ok: true, value: { value: 'one' } });
    expect(outcomes[1]).toMatchObject({ ok: false });
    const error = (outcomes[1] as { error: KuraAwsError }).error;
    expect(error).toBeInstanceOf(KuraAwsNotFoundError);
    expect(error.details).toMatchObject({ awsCode: 'ParameterNotFound', id: missing });
    expect(error.message).toContain(missing);
    const pinnedError = (pinned[0] as { error: KuraAwsError }).error;
    expect(pinnedError.details).toMatchObject({
      awsCode: 'ParameterVersionNotFound',
      id: `${name}:9`,
    });
    expect(pinnedError.message).toContain(`${name}:9`);
  });

  it('rejects the call when AWS throttles it', async () => {
    const name = uniqueName('/source/throttled');
    await seeder.putParameter(name, 'v');
    proxy.setFault(getParameters, { kind: 'throttle' }, { times: 1 });

    const error = await source.getParameters([parameter(name)]).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(KuraAwsThrottledError);
    expect((error as KuraAwsError).details).toMatchObject({
      service: 'ssm',
      operation: 'GetParameters',
      id: name,
    });
  });
});

describe('createAwsSource', () => {
  it('uses AWS_ENDPOINT_URL_SECRETS_MANAGER over AWS_ENDPOINT_URL', async () => {
    const name = uniqueName('source/endpoint');
    await seeder.createSecret(name, 'via the service endpoint');
    const saved = process.env.AWS_ENDPOINT_URL;
    // Port 9 on 127.0.0.1 (discard) has no listener here, so a call sent there fails.
    process.env.AWS_ENDPOINT_URL = 'http://127.0.0.1:9';
    process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = proxy.url;
    const serviceSource = createAwsSource();

    try {
      const value = await serviceSource.getSecretValue({ secretId: name, region });
      expect(value.secretString).toBe('via the service endpoint');
    } finally {
      serviceSource.close();
      process.env.AWS_ENDPOINT_URL = saved;
      delete process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER;
    }
  });

  it('uses AWS_ENDPOINT_URL_SSM over AWS_ENDPOINT_URL', async () => {
    const name = uniqueName('/source/endpoint');
    await seeder.putParameter(name, 'via the service endpoint');
    const saved = process.env.AWS_ENDPOINT_URL;
    process.env.AWS_ENDPOINT_URL = 'http://127.0.0.1:9';
    process.env.AWS_ENDPOINT_URL_SSM = proxy.url;
    const serviceSource = createAwsSource();

    try {
      const [outcome] = await serviceSource.getParameters([parameter(name)]);
      expect(outcome).toMatchObject({ ok: true, value: { value: 'via the service endpoint' } });
    } finally {
      serviceSource.close();
      process.env.AWS_ENDPOINT_URL = saved;
      delete process.env.AWS_ENDPOINT_URL_SSM;
    }
  });

  it('rejects invalid options', () => {
    expect(() => createAwsSource({ maxAttempts: 0 })).toThrow(KuraConfigError);
    expect(() => createAwsSource({ requestTimeoutMs: 1.5 })).toThrow(KuraConfigError);
  });
});
