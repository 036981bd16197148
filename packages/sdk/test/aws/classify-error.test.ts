import { ResourceNotFoundException } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { type AwsCallContext, toKuraAwsError } from '../../src/aws/classify-error.js';
import {
  KuraAwsAccessDeniedError,
  KuraAwsError,
  KuraAwsNotFoundError,
  KuraAwsThrottledError,
  KuraAwsTimeoutError,
  KuraAwsUnavailableError,
} from '../../src/errors.js';

const context: AwsCallContext = {
  service: 'secretsmanager',
  operation: 'GetSecretValue',
  region: 'us-east-1',
  id: 'prod/db',
};

function serviceError(name: string, status: number, message = `${name} from AWS`): Error {
  return Object.assign(new Error(message), {
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status, requestId: 'request-1', attempts: 1 },
  });
}

function networkError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:9`), {
    code,
    $metadata: { attempts: 1 },
  });
}

describe('toKuraAwsError', () => {
  const cases: [string, unknown, typeof KuraAwsError, boolean][] = [
    ['ThrottlingException', serviceError('ThrottlingException', 400), KuraAwsThrottledError, true],
    [
      'TooManyRequestsException',
      serviceError('TooManyRequestsException', 429),
      KuraAwsThrottledError,
      true,
    ],
    [
      'ResourceNotFoundException',
      serviceError('ResourceNotFoundException', 400),
      KuraAwsNotFoundError,
      false,
    ],
    ['ParameterNotFound', serviceError('ParameterNotFound', 400), KuraAwsNotFoundError, false],
    [
      'AccessDeniedException',
      serviceError('AccessDeniedException', 400),
      KuraAwsAccessDeniedError,
      false,
    ],
    ['DecryptionFailure', serviceError('DecryptionFailure', 400), KuraAwsAccessDeniedError, false],
    [
      'InvalidParameterException',
      serviceError('InvalidParameterException', 400),
      KuraAwsError,
      false,
    ],
    ['InvalidRequestException', serviceError('InvalidRequestException', 400), KuraAwsError, false],
    [
      'InternalServiceError',
      serviceError('InternalServiceError', 500),
      KuraAwsUnavailableError,
      true,
    ],
    ['an unknown 503', serviceError('SomethingNew', 503), KuraAwsUnavailableError, true],
    ['an unknown 400', serviceError('SomethingNew', 400), KuraAwsError, false],
    ['ECONNREFUSED', networkError('ECONNREFUSED'), KuraAwsUnavailableError, true],
    ['ECONNRESET', networkError('ECONNRESET'), KuraAwsUnavailableError, true],
    [
      'a reset the SDK names TimeoutError',
      Object.assign(new Error('socket hang up'), { name: 'TimeoutError', code: 'ECONNRESET' }),
      KuraAwsUnavailableError,
      true,
    ],
    [
      'TimeoutError',
      Object.assign(new Error('timed out'), { name: 'TimeoutError' }),
      KuraAwsTimeoutError,
      true,
    ],
  ];

  it.each(cases)('classifies %s', (_label, sdkError, expectedClass, retryable) => {
    const error = toKuraAwsError(sdkError, context);

    expect(error.constructor).toBe(expectedClass);
    expect(error.retryable).toBe(retryable);
    expect(error.cause).toBe(sdkError);
  });

  it('keeps the code, status and request id', () => {
    const error = toKuraAwsError(
      serviceError('ThrottlingException', 400, 'Rate exceeded'),
      context,
    );

    expect(error.details).toMatchObject({
      awsCode: 'ThrottlingException',
      httpStatus: 400,
      requestId: 'request-1',
      service: 'secretsmanager',
      operation: 'GetSecretValue',
      region: 'us-east-1',
      id: 'prod/db',
    });
    expect(error.code).toBe('KURA_AWS_THROTTLED');
    expect(error.message).toContain('GetSecretValue of secret prod/db in us-east-1');
    expect(error.message).toContain('ThrottlingException');
    expect(error.message).toContain('request id request-1');
    expect(error.message).toContain('Rate exceeded');
  });

  it('wraps a modeled SDK exception', () => {
    const sdkError = new ResourceNotFoundException({
      message: "Secrets Manager can't find the specified secret.",
      $metadata: { httpStatusCode: 400, requestId: 'request-2' },
    });

    const error = toKuraAwsError(sdkError, context);

    expect(error).toBeInstanceOf(KuraAwsNotFoundError);
    expect(error.details.awsCode).toBe('ResourceNotFoundException');
    expect(error.details.requestId).toBe('request-2');
  });

  it('joins the AWS message and the advice with one period', () => {
    const sdkError = new ResourceNotFoundException({
      message: "Secrets Manager can't find the specified secret.",
      $metadata: { httpStatusCode: 400, requestId: 'request-3' },
    });

    const error = toKuraAwsError(sdkError, context);

    expect(error.message).toContain('the specified secret. Check the name');
    expect(error.message).not.toContain('..');
    expect(error.message).not.toContain('  ');
  });

  it('leaves out a parse error of a 2xx response', () => {
    const secret = 'hunter2-do-not-leak';
    const parseError = Object.assign(
      new SyntaxError(`Unexpected token in JSON: "{\\"SecretString\\":\\"${secret}`),
      { $metadata: { httpStatusCode: 200, requestId: 'request-3' } },
    );

    const error = toKuraAwsError(parseError, context);

    expect(error.message).not.toContain(secret);
    expect(error.cause).toBeUndefined();
    expect(error.retryable).toBe(false);
  });

  it('returns a KuraAwsError unchanged', () => {
    const original = toKuraAwsError(serviceError('ThrottlingException', 400), context);

    expect(toKuraAwsError(original, context)).toBe(original);
  });
});
