import { describe, expect, it } from 'vitest';
import { loadObjects } from '../../src/aws/load-objects.js';
import type {
  AwsSource,
  GetParameterRequest,
  GetSecretValueRequest,
  ParameterOutcome,
  SecretValue,
} from '../../src/aws/types.js';
import {
  type KuraAwsError,
  KuraAwsNotFoundError,
  KuraAwsThrottledError,
  KuraAwsUnavailableError,
  KuraConfigError,
  KuraExtractError,
} from '../../src/errors.js';
import { buildSpc, text } from './build-spc.js';

type SecretHandler = (request: GetSecretValueRequest) => Promise<SecretValue> | SecretValue;
type ParameterHandler = (
  requests: readonly GetParameterRequest[],
) => Promise<ParameterOutcome[]> | ParameterOutcome[];

/** Returns an AwsSource that records every call and returns what the handlers return. */
function fakeSource(handlers: { secret?: SecretHandler; parameters?: ParameterHandler }) {
  const secretCalls: GetSecretValueRequest[] = [];
  const parameterCalls: (readonly GetParameterRequest[])[] = [];
  const source: AwsSource = {
    async getSecretValue(request) {
      secretCalls.push(request);
      if (!handlers.secret) throw new Error('unexpected GetSecretValue');
      return handlers.secret(request);
    },
    async describeSecret() {
      throw new Error('unexpected DescribeSecret');
    },
    async getParameters(requests) {
      parameterCalls.push(requests);
      if (!handlers.parameters) throw new Error('unexpected GetParameters');
      return handlers.parameters(requests);
    },
    close() {},
  };
  return { source, secretCalls, parameterCalls };
}

function secretValue(request: GetSecretValueRequest, content: string | Uint8Array): SecretValue {
  return {
    arn: `arn:aws:secretsmanager:${request.region}:111122223333:secret:${request.secretId}-AbCdEf`,
    name: request.secretId,
    versionId: `version-of-${request.secretId}-in-${request.region}`,
    versionStages: ['AWSCURRENT'],
    ...(typeof content === 'string' ? { secretString: content } : { secretBinary: content }),
  };
}

function awsError(
  errorClass: typeof KuraAwsError,
  awsCode: string,
  region: string,
  retryable: boolean,
): KuraAwsError {
  return new errorClass(
    `GetSecretValue failed with ${awsCode}`,
    {
      awsCode,
      httpStatus: awsCode === 'InternalFailure' ? 500 : 400,
      requestId: 'request-1',
      service: 'secretsmanager',
      operation: 'GetSecretValue',
      region,
      id: 'db',
    },
    retryable,
    { cause: new Error(awsCode) },
  );
}

describe('loadObjects', () => {
  it('returns each object, then its jmesPath files, with versions', async () => {
    const spc = buildSpc([
      {
        objectName: 'prod/db',
        jmesPath: [
          { path: 'username', objectAlias: 'db-user' },
          { path: 'password', objectAlias: 'db-password', filePermission: 0o600 },
        ],
      },
      { objectName: '/app/flag', objectType: 'ssmparameter' },
    ]);
    const { source } = fakeSource({
      secret: (request) => secretValue(request, '{"username":"app","password":"pw"}'),
      parameters: (requests) =>
        requests.map((request) => ({
          ok: true,
          value: { name: request.name, type: 'String', value: 'on', version: 7, arn: 'arn' },
        })),
    });

    const files = await loadObjects(spc, { source });

    expect(files.map((file) => file.fileName)).toEqual([
      'prod_db',
      'db-user',
      'db-password',
      '_app_flag',
    ]);
    expect(files.map((file) => text(file.content))).toEqual([
      '{"username":"app","password":"pw"}',
      'app',
      'pw',
      'on',
    ]);
    expect(files.map((file) => file.version)).toEqual([
      'version-of-prod/db-in-us-east-1',
      'version-of-prod/db-in-us-east-1',
      'version-of-prod/db-in-us-east-1',
      '7',
    ]);
    expect(files.map((file) => file.filePermission)).toEqual([0o644, 0o644, 0o600, 0o644]);
    expect(files[1]).toMatchObject({ objectName: 'prod/db', objectIndex: 0, jmesPath: 'username' });
    expect(files[3]).toMatchObject({ objectName: '/app/flag', objectIndex: 1 });
  });

  it('sends selectors for pinned objects', async () => {
    const spc = buildSpc([
      {
        objectName: 'key',
        objectAlias: 'current',
        selector: { kind: 'versionStage', versionStage: 'AWSCURRENT' },
      },
      {
        objectName: 'key',
        objectAlias: 'pinned',
        selector: { kind: 'versionId', versionId: 'v-1' },
      },
      {
        objectName: '/p',
        objectType: 'ssmparameter',
        objectAlias: 'p1',
        selector: { kind: 'ssmVersion', version: '1' },
      },
      {
        objectName: '/p',
        objectType: 'ssmparameter',
        objectAlias: 'p2',
        selector: { kind: 'ssmLabel', label: 'stable' },
      },
    ]);
    const { source, secretCalls, parameterCalls } = fakeSource({
      secret: (request) => secretValue(request, 'x'),
      parameters: (requests) =>
        requests.map((request) => ({
          ok: true,
          value: { name: request.name, type: 'String', value: 'y', version: 1, arn: 'arn' },
        })),
    });

    await loadObjects(spc, { source });

    expect(secretCalls).toEqual([
      { secretId: 'key', region: 'us-east-1', versionStage: 'AWSCURRENT' },
      { secretId: 'key', region: 'us-east-1', versionId: 'v-1' },
    ]);
    expect(parameterCalls).toEqual([
      [
        { name: '/p', region: 'us-east-1', version: '1', withDecryption: true },
        { name: '/p', region: 'us-east-1', label: 'stable', withDecryption: true },
      ],
    ]);
  });

  it('passes binary content through unchanged', async () => {
    const bytes = new Uint8Array([0x00, 0xff, 0xfe, 0x80, 0x0a, 0x41]);
    const { source } = fakeSource({ secret: (request) => secretValue(request, bytes) });

    const [file] = await loadObjects(
      buildSpc([{ objectName: 'ks', objectAlias: 'keystore.p12' }]),
      {
        source,
      },
    );

    expect(file?.content).toEqual(bytes);
  });

  it('reads the failover region after a retryable error', async () => {
    const spc = buildSpc(
      [
        {
          objectName: 'db',
          objectAlias: 'db',
          failoverObject: {
            objectName: 'db-replica',
            objectVersionLabel: 'AWSCURRENT',
            selector: { kind: 'versionStage', versionStage: 'AWSCURRENT' },
          },
        },
        { objectName: 'plain' },
      ],
      { failoverRegion: 'us-west-2' },
    );
    const { source, secretCalls } = fakeSource({
      secret: (request) => {
        if (request.region === 'us-east-1') {
          throw awsError(KuraAwsUnavailableError, 'InternalFailure', request.region, true);
        }
        return secretValue(request, `from ${request.region}`);
      },
    });

    const files = await loadObjects(spc, { source });

    expect(files.map((file) => text(file.content))).toEqual(['from us-west-2', 'from us-west-2']);
    expect(files[0]?.version).toBe('version-of-db-replica-in-us-west-2');
    expect(secretCalls).toContainEqual({
      secretId: 'db-replica',
      region: 'us-west-2',
      versionStage: 'AWSCURRENT',
    });
    expect(secretCalls).toContainEqual({ secretId: 'plain', region: 'us-west-2' });
  });

  it('reports a non-retryable error without failover', async () => {
    const spc = buildSpc([{ objectName: 'db', objectAlias: 'db-file' }], {
      failoverRegion: 'us-west-2',
    });
    const { source, secretCalls } = fakeSource({
      secret: (request) => {
        throw awsError(KuraAwsNotFoundError, 'ResourceNotFoundException', request.region, false);
      },
    });

    const error = await loadObjects(spc, { source }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(KuraAwsNotFoundError);
    expect((error as KuraAwsError).details).toMatchObject({
      awsCode: 'ResourceNotFoundException',
      requestId: 'request-1',
      region: 'us-east-1',
      fileName: 'db-file',
      objectName: 'db',
    });
    expect((error as Error).message).toContain('file db-file');
    expect((error as Error).cause).toBeInstanceOf(Error);
    expect(secretCalls).toHaveLength(1);
  });

  it('reports both regions when failover fails too', async () => {
    const spc = buildSpc([{ objectName: 'db' }], { failoverRegion: 'us-west-2' });
    const { source } = fakeSource({
      secret: (request) => {
        throw awsError(KuraAwsThrottledError, 'ThrottlingException', request.region, true);
      },
    });

    const error = await loadObjects(spc, { source }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(KuraAwsThrottledError);
    expect((error as KuraAwsError).details.region).toBe('us-west-2');
    expect((error as Error).message).toContain('failoverRegion us-west-2');
    expect((error as Error).message).toContain('us-east-1 failed with ThrottlingException');
  });

  it('does not fail over without failoverRegion', async () => {
    const { source, secretCalls } = fakeSource({
      secret: (request) => {
        throw awsError(KuraAwsUnavailableError, 'InternalFailure', request.region, true);
      },
    });

    await expect(loadObjects(buildSpc([{ objectName: 'db' }]), { source })).rejects.toThrow(
      KuraAwsUnavailableError,
    );
    expect(secretCalls).toHaveLength(1);
  });

  it('fails the whole load when one object fails', async () => {
    const spc = buildSpc([{ objectName: 'a' }, { objectName: 'b' }, { objectName: 'c' }]);
    const { source } = fakeSource({
      secret: (request) => {
        if (request.secretId === 'b') {
          throw awsError(KuraAwsNotFoundError, 'ResourceNotFoundException', request.region, false);
        }
        return secretValue(request, 'ok');
      },
    });

    await expect(loadObjects(spc, { source })).rejects.toThrow(KuraAwsNotFoundError);
  });

  it('fails the load on an extraction error', async () => {
    const spc = buildSpc([{ objectName: 'db', jmesPath: [{ path: 'port', objectAlias: 'port' }] }]);
    const { source } = fakeSource({
      secret: (request) => secretValue(request, '{"port":5432}'),
    });

    await expect(loadObjects(spc, { source })).rejects.toThrow(KuraExtractError);
  });

  it('lists every missing parameter in one error', async () => {
    const spc = buildSpc([
      { objectName: '/app/ok', objectType: 'ssmparameter' },
      { objectName: '/app/gone1', objectType: 'ssmparameter' },
      {
        objectName: '/app/gone2',
        objectType: 'ssmparameter',
        selector: { kind: 'ssmVersion', version: '9' },
      },
    ]);
    const { source } = fakeSource({
      parameters: (requests) =>
        requests.map((request) => {
          if (request.name === '/app/ok') {
            return {
              ok: true,
              value: { name: request.name, type: 'String', value: 'v', version: 1, arn: 'arn' },
            };
          }
          const id = request.version ? `${request.name}:${request.version}` : request.name;
          return {
            ok: false,
            error: new KuraAwsNotFoundError(
              `${id} not found`,
              {
                awsCode: 'ParameterNotFound',
                httpStatus: 400,
                service: 'ssm',
                operation: 'GetParameters',
                region: 'us-east-1',
                id,
              },
              false,
            ),
          };
        }),
    });

    const error = await loadObjects(spc, { source }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(KuraAwsNotFoundError);
    expect((error as Error).message).toContain('2 parameters not found in us-east-1');
    expect((error as Error).message).toContain('/app/gone1 (file _app_gone1)');
    expect((error as Error).message).toContain('/app/gone2:9 (file _app_gone2)');
    expect((error as KuraAwsError).details.id).toBe('/app/gone1, /app/gone2:9');
  });

  it('fails Parameter Store over as a whole call', async () => {
    const spc = buildSpc(
      [
        { objectName: '/app/a', objectType: 'ssmparameter' },
        {
          objectName: '/app/b',
          objectType: 'ssmparameter',
          objectAlias: 'b',
          failoverObject: {
            objectName: '/app/b-west',
            objectVersion: '2',
            selector: { kind: 'ssmVersion', version: '2' },
          },
        },
      ],
      { failoverRegion: 'us-west-2' },
    );
    const { source, parameterCalls } = fakeSource({
      parameters: (requests) => {
        if (requests[0]?.region === 'us-east-1') {
          throw awsError(KuraAwsThrottledError, 'ThrottlingException', 'us-east-1', true);
        }
        return requests.map((request) => ({
          ok: true,
          value: {
            name: request.name,
            type: 'String',
            value: `${request.name} in ${request.region}`,
            version: 2,
            arn: 'arn',
          },
        }));
      },
    });

    const files = await loadObjects(spc, { source });

    expect(files.map((file) => text(file.content))).toEqual([
      '/app/a in us-west-2',
      '/app/b-west in us-west-2',
    ]);
    expect(parameterCalls[1]).toEqual([
      { name: '/app/a', region: 'us-west-2', withDecryption: true },
      { name: '/app/b-west', region: 'us-west-2', version: '2', withDecryption: true },
    ]);
  });

  it('keeps at most the concurrency in flight', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const spc = buildSpc(Array.from({ length: 20 }, (_, i) => ({ objectName: `s${i}` })));
    const { source } = fakeSource({
      secret: async (request) => {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((resolve) => setImmediate(resolve));
        inFlight -= 1;
        return secretValue(request, 'v');
      },
    });

    await loadObjects(spc, { source, concurrency: 3 });

    expect(maxInFlight).toBe(3);
  });

  it('rejects an invalid concurrency', async () => {
    const { source } = fakeSource({});

    await expect(loadObjects(buildSpc([]), { source, concurrency: 0 })).rejects.toThrow(
      KuraConfigError,
    );
  });

  it('rejects a Parameter Store selector on a secret', async () => {
    const spc = buildSpc([{ objectName: 'db', selector: { kind: 'ssmVersion', version: '1' } }]);
    const { source } = fakeSource({ secret: (request) => secretValue(request, 'x') });

    await expect(loadObjects(spc, { source })).rejects.toThrow(KuraConfigError);
  });
});
