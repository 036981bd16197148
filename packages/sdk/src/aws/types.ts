/**
 * Inputs and results of the AWS fetchers. The fetchers only fetch: caching, refresh and
 * backoff live in `cache/`.
 */

/** A GetSecretValue result with the SDK's names lowered to camel case. */
export interface SecretValue {
  arn: string;
  name: string;
  versionId: string;
  versionStages: string[];
  createdDate?: Date;
  /** Set for secrets stored as a string. */
  secretString?: string;
  /** Set for secrets stored as binary: the raw bytes, never base64. */
  secretBinary?: Uint8Array;
}

export interface GetSecretValueRequest {
  /** Name, partial ARN or full ARN, as given. */
  secretId: string;
  region: string;
  versionId?: string;
  versionStage?: string;
}

export interface DescribeSecretRequest {
  secretId: string;
  region: string;
}

export interface DescribeSecretResult {
  arn: string;
  name: string;
  /** Each version id with the stages attached to it (`AWSCURRENT`, `AWSPREVIOUS`, ...). */
  versionIdsToStages: Record<string, string[]>;
}

/** A GetParameter result with the SDK's names lowered to camel case. */
export interface ParameterValue {
  name: string;
  type: 'String' | 'StringList' | 'SecureString';
  value: string;
  version: number;
  arn: string;
  lastModifiedDate?: Date;
  dataType?: string;
  /** `:version` or `:label` suffix when one was asked for. */
  selector?: string;
}

export interface GetParameterRequest {
  /** Name or ARN, without a selector suffix. */
  name: string;
  region: string;
  /** Version number as a string, such as `"3"`. Exclusive with `label`. */
  version?: string;
  label?: string;
  withDecryption: boolean;
}

/** The outcome of one request inside a batched GetParameters call. */
export type ParameterOutcome =
  | { ok: true; value: ParameterValue }
  | { ok: false; error: import('../errors.js').KuraAwsError };

/** The AWS calls kura makes, one implementation per process and a mock in unit tests. */
export interface AwsSource {
  getSecretValue(request: GetSecretValueRequest): Promise<SecretValue>;
  describeSecret(request: DescribeSecretRequest): Promise<DescribeSecretResult>;
  /**
   * Reads many parameters with GetParameters, at most 10 names a call and never the same name
   * twice in one call. Resolves one outcome per request, in request order; rejects only when a
   * whole call failed (throttling, network).
   */
  getParameters(requests: readonly GetParameterRequest[]): Promise<ParameterOutcome[]>;
  /** Destroys the SDK clients. */
  close(): void;
}

/** One file a load produces: an object, or one jmesPath entry of an object. */
export interface LoadedFile {
  fileName: string;
  /** `objectName` of the object the file belongs to. */
  objectName: string;
  /** Index of that object in `objects`. */
  objectIndex: number;
  /** The jmesPath expression, for a jmesPath file. */
  jmesPath?: string;
  /** Exact bytes the mount file holds. */
  content: Uint8Array;
  /** Secrets Manager VersionId or Parameter Store version number; jmesPath files carry their parent's. */
  version: string;
  /** Mode bits, such as `0o644`. */
  filePermission: number;
}
