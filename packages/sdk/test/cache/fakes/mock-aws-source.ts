/** An in-memory AwsSource that counts its calls and fails on request. */
import type {
  AwsSource,
  DescribeSecretRequest,
  DescribeSecretResult,
  GetParameterRequest,
  GetSecretValueRequest,
  ParameterOutcome,
  ParameterValue,
  SecretValue,
} from '../../../src/aws/types.js';
import {
  KuraAwsAccessDeniedError,
  type KuraAwsError,
  KuraAwsNotFoundError,
  KuraAwsThrottledError,
  KuraAwsUnavailableError,
} from '../../../src/errors.js';

type Operation = 'GetSecretValue' | 'DescribeSecret' | 'GetParameters';

interface SecretVersion {
  versionId: string;
  content: string | Uint8Array;
  stages: string[];
}

interface ParameterVersion {
  version: number;
  value: string;
  labels: string[];
}

interface StoredParameter {
  type: ParameterValue['type'];
  versions: ParameterVersion[];
}

export type FaultKind = 'throttle' | 'unavailable' | 'notFound' | 'accessDenied';

export class MockAwsSource implements AwsSource {
  readonly calls: Record<Operation, number> = {
    GetSecretValue: 0,
    DescribeSecret: 0,
    GetParameters: 0,
  };
  /** The requests of every GetParameters call, in call order. */
  readonly parameterCalls: GetParameterRequest[][] = [];
  readonly #secrets = new Map<string, SecretVersion[]>();
  readonly #parameters = new Map<string, StoredParameter>();
  readonly #faults: Record<Operation, FaultKind[]> = {
    GetSecretValue: [],
    DescribeSecret: [],
    GetParameters: [],
  };
  /** When set, GetSecretValue waits for it before it returns. */
  readonly #regionFaults = new Map<string, FaultKind>();
  /** Calls per region, of every operation. */
  readonly callsByRegion = new Map<string, number>();
  gate: Promise<void> | undefined;
  /** When set, DescribeSecret reads the stages, then waits for it before returning them. */
  describeGate: Promise<void> | undefined;
  closed = false;
  #versionCounter = 0;

  /** Stores a new version of a secret as AWSCURRENT; the previous current becomes AWSPREVIOUS. */
  putSecret(secretId: string, content: string | Uint8Array): string {
    const versions = this.#secrets.get(secretId) ?? [];
    for (const version of versions) {
      version.stages = version.stages.filter((stage) => stage !== 'AWSPREVIOUS');
      if (version.stages.includes('AWSCURRENT')) {
        version.stages = version.stages.filter((stage) => stage !== 'AWSCURRENT');
        version.stages.push('AWSPREVIOUS');
      }
    }
    this.#versionCounter += 1;
    const versionId = `v${String(this.#versionCounter).padStart(4, '0')}`;
    versions.push({ versionId, content, stages: ['AWSCURRENT'] });
    this.#secrets.set(secretId, versions);
    return versionId;
  }

  /** Stores a new version of a parameter and returns its number. */
  putParameter(name: string, value: string, type: ParameterValue['type'] = 'String'): number {
    const parameter = this.#parameters.get(name) ?? { type, versions: [] };
    const version = parameter.versions.length + 1;
    parameter.versions.push({ version, value, labels: [] });
    this.#parameters.set(name, parameter);
    return version;
  }

  labelParameter(name: string, version: number, label: string): void {
    const parameter = this.#parameters.get(name);
    for (const stored of parameter?.versions ?? []) {
      stored.labels = stored.labels.filter((existing) => existing !== label);
      if (stored.version === version) {
        stored.labels.push(label);
      }
    }
  }

  /** Makes the next `times` calls of `operation` fail with `kind`. */
  failNext(operation: Operation, kind: FaultKind, times = 1): void {
    for (let index = 0; index < times; index += 1) {
      this.#faults[operation].push(kind);
    }
  }

  /** Makes every call of `operation` fail with `kind` until `clearFaults`. */
  failAlways(operation: Operation, kind: FaultKind): void {
    this.#faults[operation] = new Array(1_000_000).fill(kind);
  }

  /** Makes every call signed for `region` fail with `kind` until `clearFaults`. */
  failRegion(region: string, kind: FaultKind): void {
    this.#regionFaults.set(region, kind);
  }

  clearFaults(): void {
    for (const operation of Object.keys(this.#faults) as Operation[]) {
      this.#faults[operation] = [];
    }
    this.#regionFaults.clear();
  }

  async getSecretValue(request: GetSecretValueRequest): Promise<SecretValue> {
    this.calls.GetSecretValue += 1;
    await this.gate;
    this.#throwFault('GetSecretValue', request.secretId, request.region);
    const versions = this.#secrets.get(request.secretId) ?? [];
    const requestedStage =
      request.versionStage ?? (request.versionId === undefined ? 'AWSCURRENT' : undefined);
    const version = versions.find(
      (candidate) =>
        (request.versionId === undefined || candidate.versionId === request.versionId) &&
        (requestedStage === undefined || candidate.stages.includes(requestedStage)),
    );
    if (version === undefined) {
      throw fault('notFound', 'GetSecretValue', request.secretId, request.region);
    }
    return {
      arn: `arn:aws:secretsmanager:${request.region}:111122223333:secret:${request.secretId}-AbCdEf`,
      name: request.secretId,
      versionId: version.versionId,
      versionStages: [...version.stages],
      ...(typeof version.content === 'string'
        ? { secretString: version.content }
        : { secretBinary: version.content }),
    };
  }

  async describeSecret(request: DescribeSecretRequest): Promise<DescribeSecretResult> {
    this.calls.DescribeSecret += 1;
    this.#throwFault('DescribeSecret', request.secretId, request.region);
    const versions = this.#secrets.get(request.secretId);
    if (versions === undefined) {
      throw fault('notFound', 'DescribeSecret', request.secretId, request.region);
    }
    const result = {
      arn: `arn:aws:secretsmanager:${request.region}:111122223333:secret:${request.secretId}-AbCdEf`,
      name: request.secretId,
      versionIdsToStages: Object.fromEntries(
        versions
          .filter((version) => version.stages.length > 0)
          .map((version) => [version.versionId, [...version.stages]]),
      ),
    };
    await this.describeGate;
    return result;
  }

  async getParameters(requests: readonly GetParameterRequest[]): Promise<ParameterOutcome[]> {
    this.calls.GetParameters += 1;
    this.parameterCalls.push([...requests]);
    this.#throwFault('GetParameters', requests[0]?.name ?? '', requests[0]?.region ?? '');
    return requests.map((request) => this.#readParameter(request));
  }

  close(): void {
    this.closed = true;
  }

  #readParameter(request: GetParameterRequest): ParameterOutcome {
    const parameter = this.#parameters.get(request.name);
    const version = parameter?.versions.find((candidate) =>
      request.version !== undefined
        ? String(candidate.version) === request.version
        : request.label !== undefined
          ? candidate.labels.includes(request.label)
          : candidate === parameter.versions.at(-1),
    );
    if (parameter === undefined || version === undefined) {
      return { ok: false, error: fault('notFound', 'GetParameters', request.name, request.region) };
    }
    const hidden = parameter.type === 'SecureString' && !request.withDecryption;
    const suffix = request.version ?? request.label;
    return {
      ok: true,
      value: {
        name: request.name,
        type: parameter.type,
        value: hidden ? `encrypted:${version.version}` : version.value,
        version: version.version,
        arn: `arn:aws:ssm:${request.region}:111122223333:parameter/${request.name.replace(/^\//, '')}`,
        ...(suffix === undefined ? {} : { selector: `:${suffix}` }),
      },
    };
  }

  #throwFault(operation: Operation, id: string, region: string): void {
    this.callsByRegion.set(region, (this.callsByRegion.get(region) ?? 0) + 1);
    const kind = this.#regionFaults.get(region) ?? this.#faults[operation].shift();
    if (kind !== undefined) {
      throw fault(kind, operation, id, region);
    }
  }
}

function fault(kind: FaultKind, operation: Operation, id: string, region: string): KuraAwsError {
  const service = operation === 'GetParameters' ? 'ssm' : 'secretsmanager';
  const base = { service, operation, region, id } as const;
  switch (kind) {
    case 'throttle':
      return new KuraAwsThrottledError(
        `${operation} ${id} was throttled`,
        { ...base, awsCode: 'ThrottlingException', httpStatus: 400 },
        true,
      );
    case 'unavailable':
      return new KuraAwsUnavailableError(
        `${operation} ${id} failed with 500`,
        { ...base, awsCode: 'InternalServiceError', httpStatus: 500 },
        true,
      );
    case 'notFound':
      return new KuraAwsNotFoundError(
        `${operation} ${id} not found`,
        { ...base, awsCode: 'ResourceNotFoundException', httpStatus: 400 },
        false,
      );
    case 'accessDenied':
      return new KuraAwsAccessDeniedError(
        `${operation} ${id} access denied`,
        { ...base, awsCode: 'AccessDeniedException', httpStatus: 400 },
        false,
      );
  }
}
