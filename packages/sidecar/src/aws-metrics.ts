/**
 * Counts and times the AWS calls the cache makes, by wrapping its `AwsSource`. Each HTTP request
 * runs in an AsyncLocalStorage scope, so a call made on behalf of a request marks that request
 * as a cache miss. A request that made no call was a hit.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import {
  type AwsSource,
  type DescribeSecretRequest,
  type GetParameterRequest,
  type GetSecretValueRequest,
  KuraAwsError,
} from '@kura/sdk';
import type { AwsService, Metrics } from './metrics.js';

/** AWS calls recorded for one request. */
export interface LookupScope {
  awsCalls: number;
}

export const lookupScope = new AsyncLocalStorage<LookupScope>();

function outcomeOf(error: unknown): string {
  if (error instanceof KuraAwsError) {
    return error.details.awsCode;
  }
  return 'error';
}

async function measure<T>(
  metrics: Metrics,
  service: AwsService,
  operation: string,
  call: () => Promise<T>,
): Promise<T> {
  const scope = lookupScope.getStore();
  if (scope !== undefined) {
    scope.awsCalls += 1;
  }
  const started = performance.now();
  try {
    const result = await call();
    metrics.awsCalls.inc({ service, operation, outcome: 'success' });
    return result;
  } catch (error) {
    metrics.awsCalls.inc({ service, operation, outcome: outcomeOf(error) });
    throw error;
  } finally {
    metrics.awsCallDuration.observe({ service, operation }, (performance.now() - started) / 1000);
  }
}

/** Wraps `source` so every call is counted by outcome and timed. */
export function instrumentAwsSource(source: AwsSource, metrics: Metrics): AwsSource {
  return {
    getSecretValue: (request: GetSecretValueRequest) =>
      measure(metrics, 'secretsmanager', 'GetSecretValue', () => source.getSecretValue(request)),
    describeSecret: (request: DescribeSecretRequest) =>
      measure(metrics, 'secretsmanager', 'DescribeSecret', () => source.describeSecret(request)),
    getParameters: (requests: readonly GetParameterRequest[]) =>
      measure(metrics, 'ssm', 'GetParameters', () => source.getParameters(requests)),
    close: () => source.close(),
  };
}
