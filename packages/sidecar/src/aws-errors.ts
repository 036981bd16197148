/**
 * Turns an error from the SDK's cache into the response the AWS Secrets Manager Agent sends:
 * AWS's own status and `{"__type": <AWS error code>, "message": <AWS message>}`, 504 for a
 * timeout and 502 for a connection failure.
 */
import {
  KuraAmbiguousNameError,
  KuraAwsError,
  KuraAwsTimeoutError,
  KuraAwsUnavailableError,
  KuraNotFoundError,
} from '@kura/sdk';
import { HttpError } from './http.js';

/** Returns the message AWS sent, when the error wraps an AWS SDK service exception. */
function awsMessage(error: KuraAwsError): string {
  const cause = error.cause;
  if (cause instanceof Error && cause.message !== '') {
    return cause.message;
  }
  return error.message;
}

export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) {
    return error;
  }
  if (error instanceof KuraAwsTimeoutError) {
    return new HttpError(504, 'TimeoutError', `the ${error.details.operation} call timed out`);
  }
  if (error instanceof KuraAwsError && error.details.httpStatus === undefined) {
    if (error instanceof KuraAwsUnavailableError || error.retryable) {
      return new HttpError(
        502,
        'ConnectionError',
        `the ${error.details.operation} call failed to connect (${error.details.awsCode})`,
      );
    }
  }
  if (error instanceof KuraAwsError && error.details.httpStatus !== undefined) {
    return new HttpError(error.details.httpStatus, error.details.awsCode, awsMessage(error));
  }
  if (error instanceof KuraNotFoundError) {
    return new HttpError(404, 'NotFoundException', error.message);
  }
  if (error instanceof KuraAmbiguousNameError) {
    return new HttpError(409, 'AmbiguousNameException', error.message);
  }
  return new HttpError(500, 'InternalFailure', 'internal error; see the kura log');
}
