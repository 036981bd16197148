/**
 * The SDK's error hierarchy. Every class has a stable `code` (also on the class as a static
 * field), keeps the foreign error it wraps as `cause`, and names its subject in the message.
 * docs/errors.md lists every code; test/errors-doc.test.ts keeps the two in step.
 */

export interface KuraErrorOptions {
  cause?: unknown;
}

/** Base class of every error the SDK throws. */
export class KuraError extends Error {
  static readonly code: string = 'KURA_ERROR';
  readonly code: string;

  constructor(message: string, options?: KuraErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = (new.target as typeof KuraError).code;
  }
}

/** One rejected rule of a SecretProviderClass, located as precisely as the input allows. */
export interface SpecProblem {
  /** The SecretProviderClass (`namespace/name`) or the document index when it has no name. */
  document: string;
  /** Index of the entry in `objects`, when the problem is inside one. */
  objectIndex?: number;
  /** The entry's `objectName`, when known. */
  objectName?: string;
  /** Dotted path of the field, such as `spec.parameters.objects[2].filePermission`. */
  field: string;
  /** The problem and the fix to write instead. */
  message: string;
}

/** Formats a problem as one line: where it is, then what is wrong and what to write. */
export function formatSpecProblem(problem: SpecProblem): string {
  const where = [problem.document];
  if (problem.objectIndex !== undefined) {
    const name = problem.objectName === undefined ? '' : ` (${problem.objectName})`;
    where.push(`object ${problem.objectIndex}${name}`);
  }
  where.push(problem.field);
  return `${where.join(': ')}: ${problem.message}`;
}

/**
 * The SecretProviderClass breaks one or more rules, and `problems` lists every one. `warnings`
 * lists what the parser also warns about, because a warning often explains an error, such as
 * a misspelt parameter name beside a missing parameter.
 */
export class KuraSpecError extends KuraError {
  static override readonly code = 'KURA_SPEC_INVALID';
  readonly problems: readonly SpecProblem[];
  readonly warnings: readonly SpecProblem[];

  constructor(
    problems: readonly SpecProblem[],
    options?: KuraErrorOptions & { warnings?: readonly SpecProblem[] },
  ) {
    const lines = problems.map(formatSpecProblem);
    const summary =
      lines.length === 1
        ? `invalid SecretProviderClass: ${lines[0]}`
        : `invalid SecretProviderClass (${lines.length} problems):\n${lines.join('\n')}`;
    super(summary, options);
    this.problems = problems;
    this.warnings = options?.warnings ?? [];
  }
}

/** The manifest could not be read, or is not valid YAML. */
export class KuraSpecReadError extends KuraError {
  static override readonly code = 'KURA_SPEC_UNREADABLE';
  /** The file, or `<string>` for inline input. */
  readonly source: string;
  /** 1-based line and column of a YAML syntax error. */
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(
    message: string,
    details: { source: string; line?: number; column?: number },
    options?: KuraErrorOptions,
  ) {
    super(message, options);
    this.source = details.source;
    this.line = details.line;
    this.column = details.column;
  }
}

/** An option passed to the SDK or the CLI is invalid. */
export class KuraConfigError extends KuraError {
  static override readonly code = 'KURA_CONFIG_INVALID';
}

/** Fields that locate an AWS failure: which object, which call, which request. */
export interface AwsErrorDetails {
  /** AWS error code (`ThrottlingException`, `ResourceNotFoundException`, ...), or the Node error code for a network failure. */
  awsCode: string;
  /** HTTP status of AWS's response; undefined for network failures and timeouts. */
  httpStatus?: number;
  /** AWS request id, when the service responded. */
  requestId?: string;
  /** `secretsmanager` or `ssm`. */
  service: 'secretsmanager' | 'ssm';
  /** API operation, such as `GetSecretValue`. */
  operation: string;
  region: string;
  /** The secret id or parameter name sent, with its selector. */
  id: string;
  /** The object's file name, when the call was for an object of a SecretProviderClass. */
  fileName?: string;
  objectName?: string;
}

/**
 * A call to AWS failed. `retryable` decides whether the cache backs off and retries
 * (throttling, 5xx, timeouts, connection errors) or reports and waits for the next refresh.
 */
export class KuraAwsError extends KuraError {
  static override readonly code: string = 'KURA_AWS_REQUEST_FAILED';
  readonly details: AwsErrorDetails;
  readonly retryable: boolean;

  constructor(
    message: string,
    details: AwsErrorDetails,
    retryable: boolean,
    options?: KuraErrorOptions,
  ) {
    super(message, options);
    this.details = details;
    this.retryable = retryable;
  }
}

/** AWS throttled the call (`ThrottlingException`, `TooManyRequestsException`). Retryable. */
export class KuraAwsThrottledError extends KuraAwsError {
  static override readonly code = 'KURA_AWS_THROTTLED';
}

/** The secret, parameter or version does not exist. Not retryable. */
export class KuraAwsNotFoundError extends KuraAwsError {
  static override readonly code = 'KURA_AWS_NOT_FOUND';
}

/** The credentials may not read the resource or decrypt it. Not retryable. */
export class KuraAwsAccessDeniedError extends KuraAwsError {
  static override readonly code = 'KURA_AWS_ACCESS_DENIED';
}

/** AWS returned a 5xx status, or the connection failed. Retryable. */
export class KuraAwsUnavailableError extends KuraAwsError {
  static override readonly code = 'KURA_AWS_UNAVAILABLE';
}

/** The call timed out. Retryable. */
export class KuraAwsTimeoutError extends KuraAwsError {
  static override readonly code = 'KURA_AWS_TIMEOUT';
}

/** A jmesPath expression could not be applied to an object's content. */
export class KuraExtractError extends KuraError {
  static override readonly code = 'KURA_EXTRACT_FAILED';
}

/** No object of the store has this file name or objectName. */
export class KuraNotFoundError extends KuraError {
  static override readonly code = 'KURA_NOT_FOUND';
}

/** An objectName maps to several objects; ask by file name instead. */
export class KuraAmbiguousNameError extends KuraError {
  static override readonly code = 'KURA_AMBIGUOUS_NAME';
}

/** A value read with `getJson` is not valid JSON. The message never quotes the value. */
export class KuraNotJsonError extends KuraError {
  static override readonly code = 'KURA_VALUE_NOT_JSON';
}

/** Writing or reading a mount dir failed. */
export class KuraMountError extends KuraError {
  static override readonly code = 'KURA_MOUNT_FAILED';
  /** The file name the failure is about, when it is about one file. */
  readonly fileName: string | undefined;

  constructor(message: string, options?: KuraErrorOptions & { fileName?: string }) {
    super(message, options);
    this.fileName = options?.fileName;
  }
}

/** The store or cache was used after `close()`. */
export class KuraClosedError extends KuraError {
  static override readonly code = 'KURA_CLOSED';
}

/** Location of a `secretObjects` problem: the Secret, the data key and the object it reads. */
export interface SecretObjectErrorDetails {
  secretName: string;
  /** The `data[].key`, when the problem is in one data item. */
  key?: string;
  /** The data item's `objectName` as written. */
  objectName?: string;
  /** The file name that `objectName` resolved to. */
  fileName?: string;
}

/**
 * A `secretObjects` entry cannot become the Kubernetes Secret the CSI driver would create: a
 * key the API server rejects, or a `kubernetes.io/tls` object without a certificate or key.
 */
export class KuraSecretObjectError extends KuraError {
  static override readonly code = 'KURA_SECRET_OBJECT_INVALID';
  readonly details: SecretObjectErrorDetails;

  constructor(message: string, details: SecretObjectErrorDetails, options?: KuraErrorOptions) {
    super(message, options);
    this.details = details;
  }
}

/**
 * A `secretObjects` data item cannot become an environment variable: the key is not a valid
 * variable name, the content contains a NUL byte or is not UTF-8, or two items set one name.
 */
export class KuraEnvError extends KuraError {
  static override readonly code = 'KURA_ENV_INVALID';
  readonly details: SecretObjectErrorDetails;

  constructor(message: string, details: SecretObjectErrorDetails, options?: KuraErrorOptions) {
    super(message, options);
    this.details = details;
  }
}
