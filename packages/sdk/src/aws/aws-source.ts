/**
 * The `AwsSource` that calls AWS: AWS SDK for JavaScript v3 clients, one SecretsManagerClient
 * and one SSMClient per region, created on first use. The SDK's default credential chain
 * (environment, SSO and profiles, EKS Pod Identity and ECS container credentials, IRSA web
 * identity, instance roles) and its endpoint variables (`AWS_ENDPOINT_URL`,
 * `AWS_ENDPOINT_URL_SECRETS_MANAGER`, `AWS_ENDPOINT_URL_SSM`) apply with no code here.
 *
 * NOTE: the SecretProviderClass's `preferredAddressType` is not applied. The SDK reaches the
 * EKS Pod Identity agent at the `AWS_CONTAINER_CREDENTIALS_FULL_URI` that EKS sets in the pod.
 */
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
  type SecretsManagerClientConfig,
} from '@aws-sdk/client-secrets-manager';
import {
  GetParametersCommand,
  type GetParametersCommandOutput,
  type Parameter,
  SSMClient,
  type SSMClientConfig,
} from '@aws-sdk/client-ssm';
import { KuraAwsNotFoundError, KuraConfigError } from '../errors.js';
import { type AwsCallContext, toKuraAwsError } from './classify-error.js';
import { mapWithConcurrency } from './concurrency.js';
import { parameterKey, planParameterBatches, selectorName } from './parameter-batches.js';
import type {
  AwsSource,
  DescribeSecretRequest,
  DescribeSecretResult,
  GetParameterRequest,
  GetSecretValueRequest,
  ParameterOutcome,
  ParameterValue,
  SecretValue,
} from './types.js';

/**
 * Settings of the SDK clients, such as `endpoint`, `credentials` or `requestHandler`. They are
 * passed to both clients; `region` is set per call and cannot be set here.
 */
export type AwsClientConfig = Omit<SecretsManagerClientConfig & SSMClientConfig, 'region'>;

export interface AwsSourceOptions {
  /** Settings merged into every client; they override the defaults below. Default: none. */
  clientConfig?: AwsClientConfig;
  /**
   * Attempts per call made by the SDK itself. Default 1, so the SDK does not retry: the cache
   * retries with exponential backoff and jitter in seconds, and SDK retries on top would
   * multiply the calls a throttled fleet sends exactly when AWS throttles it.
   */
  maxAttempts?: number;
  /** Time allowed to open a connection, in milliseconds. Default 5000. */
  connectionTimeoutMs?: number;
  /**
   * Time allowed from sending a request until the response starts, and the maximum pause
   * while the response body arrives, in milliseconds. Default 10000.
   */
  requestTimeoutMs?: number;
  /**
   * The maximum number of GetParameters calls in progress for one `getParameters` request.
   * Default 4. Parameter Store allows 40 calls per second per account and region in total, so
   * one pod does not send all its calls at once.
   */
  maxConcurrentParameterCalls?: number;
}

const defaultOptions = {
  maxAttempts: 1,
  connectionTimeoutMs: 5_000,
  requestTimeoutMs: 10_000,
  maxConcurrentParameterCalls: 4,
};

function checkPositiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new KuraConfigError(
      `createAwsSource: ${name} must be a positive integer, got ${value}. Omit it for the default.`,
    );
  }
}

function describeSecretSelector(request: GetSecretValueRequest): string {
  const parts: string[] = [];
  if (request.versionId !== undefined) parts.push(`VersionId ${request.versionId}`);
  if (request.versionStage !== undefined) parts.push(`VersionStage ${request.versionStage}`);
  return parts.length === 0 ? request.secretId : `${request.secretId} (${parts.join(', ')})`;
}

function toParameterValue(parameter: Parameter, request: GetParameterRequest): ParameterValue {
  const suffix = selectorName(request).slice(request.name.length);
  const selector = parameter.Selector ?? (suffix === '' ? undefined : suffix);
  return {
    name: parameter.Name ?? request.name,
    type: (parameter.Type ?? 'String') as ParameterValue['type'],
    value: parameter.Value ?? '',
    version: parameter.Version ?? 0,
    arn: parameter.ARN ?? '',
    ...(parameter.LastModifiedDate ? { lastModifiedDate: parameter.LastModifiedDate } : {}),
    ...(parameter.DataType ? { dataType: parameter.DataType } : {}),
    ...(selector === undefined ? {} : { selector }),
  };
}

/** Finds the result for a request; names are unique within a call, so the name decides. */
function findParameter(
  parameters: Parameter[],
  request: GetParameterRequest,
): Parameter | undefined {
  const key = parameterKey(request.name);
  return parameters.find(
    (parameter) =>
      parameter.Name === request.name ||
      parameter.ARN === request.name ||
      (parameter.Name !== undefined && parameterKey(parameter.Name) === key),
  );
}

function missingParameterError(
  request: GetParameterRequest,
  region: string,
  requestId: string | undefined,
): KuraAwsNotFoundError {
  const id = selectorName(request);
  const pinned = request.version !== undefined || request.label !== undefined;
  const awsCode = pinned ? 'ParameterVersionNotFound' : 'ParameterNotFound';
  const what = pinned ? 'the parameter or the version or label requested' : 'the parameter';
  return new KuraAwsNotFoundError(
    `GetParameters of parameter ${id} in ${region} returned no value (AWS lists it in ` +
      `InvalidParameters): ${what} does not exist. Check the name, version, label and region.`,
    {
      awsCode,
      httpStatus: 400,
      ...(requestId === undefined ? {} : { requestId }),
      service: 'ssm',
      operation: 'GetParameters',
      region,
      id,
    },
    false,
  );
}

/**
 * Creates the `AwsSource` that calls AWS. Clients are created on the first call for a region
 * and destroyed by `close()`.
 */
export function createAwsSource(options: AwsSourceOptions = {}): AwsSource {
  const settings = { ...defaultOptions, ...dropUndefined(options) };
  checkPositiveInteger('maxAttempts', settings.maxAttempts);
  checkPositiveInteger('connectionTimeoutMs', settings.connectionTimeoutMs);
  checkPositiveInteger('requestTimeoutMs', settings.requestTimeoutMs);
  checkPositiveInteger('maxConcurrentParameterCalls', settings.maxConcurrentParameterCalls);

  const baseConfig = {
    maxAttempts: settings.maxAttempts,
    // @smithy/node-http-handler 4 only logs a warning when requestTimeout passes, unless
    // throwOnRequestTimeout is set. socketTimeout also bounds a stalled response body.
    requestHandler: {
      connectionTimeout: settings.connectionTimeoutMs,
      requestTimeout: settings.requestTimeoutMs,
      throwOnRequestTimeout: true,
      socketTimeout: settings.requestTimeoutMs,
    },
    ...options.clientConfig,
  };
  const secretsClients = new Map<string, SecretsManagerClient>();
  const ssmClients = new Map<string, SSMClient>();

  function secretsClient(region: string): SecretsManagerClient {
    let client = secretsClients.get(region);
    if (client === undefined) {
      client = new SecretsManagerClient({ ...baseConfig, region } as SecretsManagerClientConfig);
      secretsClients.set(region, client);
    }
    return client;
  }

  function ssmClient(region: string): SSMClient {
    let client = ssmClients.get(region);
    if (client === undefined) {
      client = new SSMClient({ ...baseConfig, region } as SSMClientConfig);
      ssmClients.set(region, client);
    }
    return client;
  }

  async function getSecretValue(request: GetSecretValueRequest): Promise<SecretValue> {
    const context: AwsCallContext = {
      service: 'secretsmanager',
      operation: 'GetSecretValue',
      region: request.region,
      id: describeSecretSelector(request),
    };
    try {
      const output = await secretsClient(request.region).send(
        new GetSecretValueCommand({
          SecretId: request.secretId,
          ...(request.versionId === undefined ? {} : { VersionId: request.versionId }),
          ...(request.versionStage === undefined ? {} : { VersionStage: request.versionStage }),
        }),
      );
      return {
        arn: output.ARN ?? '',
        name: output.Name ?? request.secretId,
        versionId: output.VersionId ?? '',
        versionStages: output.VersionStages ?? [],
        ...(output.CreatedDate ? { createdDate: output.CreatedDate } : {}),
        ...(output.SecretString === undefined ? {} : { secretString: output.SecretString }),
        // A copy, because the SDK's array may be a view into Node's shared Buffer pool.
        ...(output.SecretBinary === undefined
          ? {}
          : { secretBinary: Uint8Array.from(output.SecretBinary) }),
      };
    } catch (error) {
      throw toKuraAwsError(error, context);
    }
  }

  async function describeSecret(request: DescribeSecretRequest): Promise<DescribeSecretResult> {
    const context: AwsCallContext = {
      service: 'secretsmanager',
      operation: 'DescribeSecret',
      region: request.region,
      id: request.secretId,
    };
    try {
      const output = await secretsClient(request.region).send(
        new DescribeSecretCommand({ SecretId: request.secretId }),
      );
      return {
        arn: output.ARN ?? '',
        name: output.Name ?? request.secretId,
        versionIdsToStages: output.VersionIdsToStages ?? {},
      };
    } catch (error) {
      throw toKuraAwsError(error, context);
    }
  }

  /** Sends one GetParameters call for requests of one region and one `withDecryption`. */
  async function getParameterBatch(
    region: string,
    requests: GetParameterRequest[],
  ): Promise<ParameterOutcome[]> {
    const names = requests.map(selectorName);
    const context: AwsCallContext = {
      service: 'ssm',
      operation: 'GetParameters',
      region,
      id: names.join(', '),
    };

    let output: GetParametersCommandOutput;
    try {
      output = await ssmClient(region).send(
        new GetParametersCommand({
          Names: names,
          WithDecryption: requests[0]?.withDecryption ?? false,
        }),
      );
    } catch (error) {
      throw toKuraAwsError(error, context);
    }

    const parameters = output.Parameters ?? [];
    const requestId = output.$metadata.requestId;
    return requests.map((request) => {
      const parameter = findParameter(parameters, request);
      if (parameter === undefined) {
        return { ok: false, error: missingParameterError(request, region, requestId) };
      }
      return { ok: true, value: toParameterValue(parameter, request) };
    });
  }

  async function getParameters(
    requests: readonly GetParameterRequest[],
  ): Promise<ParameterOutcome[]> {
    const outcomes = new Array<ParameterOutcome>(requests.length);

    const byRegion = new Map<string, number[]>();
    requests.forEach((request, index) => {
      const indexes = byRegion.get(request.region) ?? [];
      indexes.push(index);
      byRegion.set(request.region, indexes);
    });

    const calls: { region: string; indexes: number[] }[] = [];
    for (const [region, regionIndexes] of byRegion) {
      const regionRequests = regionIndexes.map((index) => requests[index] as GetParameterRequest);
      for (const batch of planParameterBatches(regionRequests)) {
        calls.push({ region, indexes: batch.map((position) => regionIndexes[position] as number) });
      }
    }

    await mapWithConcurrency(calls, settings.maxConcurrentParameterCalls, async (call) => {
      const batchRequests = call.indexes.map((index) => requests[index] as GetParameterRequest);
      const batchOutcomes = await getParameterBatch(call.region, batchRequests);
      call.indexes.forEach((index, position) => {
        outcomes[index] = batchOutcomes[position] as ParameterOutcome;
      });
    });
    return outcomes;
  }

  return {
    getSecretValue,
    describeSecret,
    getParameters,
    close() {
      for (const client of secretsClients.values()) client.destroy();
      for (const client of ssmClients.values()) client.destroy();
      secretsClients.clear();
      ssmClients.clear();
    },
  };
}

function dropUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, entry]) => entry !== undefined),
  ) as Partial<T>;
}
