/**
 * Turns an error thrown by the AWS SDK into one of the SDK's `KuraAwsError` classes, chosen by
 * AWS error code rather than HTTP status. AWS sends both `ThrottlingException` and
 * `ResourceNotFoundException` with status 400, but only the first may be retried.
 */
import {
  type AwsErrorDetails,
  KuraAwsAccessDeniedError,
  KuraAwsError,
  KuraAwsNotFoundError,
  KuraAwsThrottledError,
  KuraAwsTimeoutError,
  KuraAwsUnavailableError,
} from '../errors.js';

/** The subject of a failed call: the fields of `AwsErrorDetails` that the SDK error lacks. */
export type AwsCallContext = Omit<AwsErrorDetails, 'awsCode' | 'httpStatus' | 'requestId'>;

const throttlingCodes = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
]);

const notFoundCodes = new Set([
  'ResourceNotFoundException',
  'ParameterNotFound',
  'ParameterVersionNotFound',
  'ParameterVersionLabelNotFound',
]);

/** Codes for a principal that may not read or decrypt the resource, or has no valid credentials. */
const accessDeniedCodes = new Set([
  'AccessDeniedException',
  'AccessDenied',
  'DecryptionFailure',
  'KMSAccessDeniedException',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'ExpiredTokenException',
  'ExpiredToken',
  'MissingAuthenticationToken',
]);

const unavailableCodes = new Set([
  'InternalServiceError',
  'InternalServerError',
  'InternalFailure',
  'InternalError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
]);

const timeoutCodes = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
]);

/** Node error codes of a connection that failed before AWS responded. All are retryable. */
const connectionCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

interface SdkErrorFields {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: unknown; requestId?: unknown };
}

interface ReadFields {
  awsCode: string;
  httpStatus: number | undefined;
  requestId: string | undefined;
  message: string;
}

function readFields(error: unknown): ReadFields {
  const fields = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorFields;
  const status = fields.$metadata?.httpStatusCode;
  const requestId = fields.$metadata?.requestId;
  const nodeCode = typeof fields.code === 'string' ? fields.code : undefined;
  const name = typeof fields.name === 'string' ? fields.name : undefined;

  // A service error carries the AWS code as its name. A network error carries a Node code
  // (ECONNRESET), and the SDK (@smithy/node-http-handler 4) renames a reset connection to
  // `TimeoutError`, so a known Node code wins over the name.
  const knownNodeCode =
    nodeCode !== undefined && (connectionCodes.has(nodeCode) || timeoutCodes.has(nodeCode));
  const awsCode =
    nodeCode !== undefined && (knownNodeCode || name === undefined || name === 'Error')
      ? nodeCode
      : (name ?? nodeCode ?? 'UnknownError');

  return {
    awsCode,
    httpStatus: typeof status === 'number' ? status : undefined,
    requestId: typeof requestId === 'string' && requestId !== '' ? requestId : undefined,
    message: typeof fields.message === 'string' ? fields.message : '',
  };
}

type AwsErrorClass = new (
  message: string,
  details: AwsErrorDetails,
  retryable: boolean,
  options?: { cause?: unknown },
) => KuraAwsError;

function chooseClass(fields: ReadFields): { errorClass: AwsErrorClass; retryable: boolean } {
  const { awsCode, httpStatus } = fields;
  if (throttlingCodes.has(awsCode)) return { errorClass: KuraAwsThrottledError, retryable: true };
  if (notFoundCodes.has(awsCode)) return { errorClass: KuraAwsNotFoundError, retryable: false };
  if (accessDeniedCodes.has(awsCode)) {
    return { errorClass: KuraAwsAccessDeniedError, retryable: false };
  }
  if (timeoutCodes.has(awsCode)) return { errorClass: KuraAwsTimeoutError, retryable: true };
  if (unavailableCodes.has(awsCode) || connectionCodes.has(awsCode)) {
    return { errorClass: KuraAwsUnavailableError, retryable: true };
  }
  if (httpStatus !== undefined && httpStatus >= 500) {
    return { errorClass: KuraAwsUnavailableError, retryable: true };
  }
  // The credential chain found nothing, or an endpoint it calls (the Pod Identity agent, IMDS)
  // did not respond yet. A pod that starts before its agent recovers on a retry.
  if (awsCode === 'CredentialsProviderError') {
    return { errorClass: KuraAwsError, retryable: true };
  }
  // InvalidParameterException, InvalidRequestException, ValidationException and every code
  // not listed above: retrying the same request cannot succeed.
  return { errorClass: KuraAwsError, retryable: false };
}

/**
 * Returns the SDK error's own message when it cannot hold secret content, else undefined.
 * AWS error responses (status 400 and up), network failures and credential-chain failures
 * never contain a value. A 2xx response that failed to parse may, because V8's JSON errors
 * quote the text they failed on.
 */
function safeForeignMessage(fields: ReadFields): string | undefined {
  if (fields.httpStatus !== undefined) {
    return fields.httpStatus >= 400 ? fields.message : undefined;
  }
  const { awsCode } = fields;
  if (connectionCodes.has(awsCode) || timeoutCodes.has(awsCode)) return fields.message;
  if (awsCode === 'CredentialsProviderError') return fields.message;
  return undefined;
}

function describeSubject(context: AwsCallContext): string {
  const noun = context.service === 'secretsmanager' ? 'secret' : 'parameter';
  const object =
    context.fileName === undefined ? '' : ` for file ${context.fileName} (${context.objectName})`;
  return `${context.operation} of ${noun} ${context.id}${object} in ${context.region}`;
}

function adviceFor(errorClass: AwsErrorClass, context: AwsCallContext): string {
  if (errorClass === KuraAwsThrottledError)
    return 'AWS throttled the call; it is retried with backoff.';
  if (errorClass === KuraAwsNotFoundError) {
    return `Check the name, version and region of the ${context.service === 'ssm' ? 'parameter' : 'secret'}.`;
  }
  if (errorClass === KuraAwsAccessDeniedError) {
    return 'Grant the role read access to it (and kms:Decrypt on its key), or fix the credentials.';
  }
  if (errorClass === KuraAwsTimeoutError || errorClass === KuraAwsUnavailableError) {
    return 'AWS or the network is unavailable; the call is retried with backoff.';
  }
  return '';
}

/**
 * Wraps an error thrown by an AWS SDK call in the `KuraAwsError` subclass its AWS error code
 * calls for. The result keeps AWS's code, status and request id, and the SDK error as `cause`.
 * The exception is an error whose message may quote response content (a 2xx response that
 * failed to parse, or an unknown error), so neither its message nor the error itself is kept.
 */
export function toKuraAwsError(error: unknown, context: AwsCallContext): KuraAwsError {
  if (error instanceof KuraAwsError) return error;

  const fields = readFields(error);
  const { errorClass, retryable } = chooseClass(fields);
  const foreignMessage = safeForeignMessage(fields);

  const status = fields.httpStatus === undefined ? '' : `, HTTP ${fields.httpStatus}`;
  const requestId = fields.requestId === undefined ? '' : `, request id ${fields.requestId}`;
  // AWS messages often end with a period; drop it so the advice does not follow "..".
  const reason = foreignMessage ? `: ${foreignMessage.trim().replace(/\.+$/, '')}` : '';
  const advice = adviceFor(errorClass, context);
  const message =
    `${describeSubject(context)} failed with ${fields.awsCode}${status}${requestId}${reason}` +
    (advice === '' ? '' : `. ${advice}`);

  const details: AwsErrorDetails = {
    ...context,
    awsCode: fields.awsCode,
    ...(fields.httpStatus === undefined ? {} : { httpStatus: fields.httpStatus }),
    ...(fields.requestId === undefined ? {} : { requestId: fields.requestId }),
  };
  const options = foreignMessage === undefined ? {} : { cause: error };
  return new errorClass(message, details, retryable, options);
}
