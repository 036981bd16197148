/**
 * Counts and times the AWS calls the cache makes, by wrapping its `AwsSource`. Each Agent or
 * Lambda request runs in an AsyncLocalStorage scope, which records whether the request read the
 * cache and whether an AWS call was made on its behalf (a miss) or not (a hit).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import {
  type AwsSource,
  type DescribeSecretRequest,
  type GetParameterRequest,
  type GetSecretValueRequest,
  KuraAwsError,
  KuraClosedError,
  KuraConfigError,
  type SecretsCache,
} from '@kura/sdk';
import type { AwsService, Metrics } from './metrics.js';

/** The cache reads and AWS calls of one request. */
export interface LookupScope {
  awsCalls: number;
  /** True once a read reached a cache entry, whether it resolved or failed with an AWS error. */
  cacheRead: boolean;
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

/**
 * Wraps the cache of the Agent and Lambda routes so the request's lookup scope records each
 * read that reached a cache entry. A read rejected before that (invalid input, no region, a
 * closed cache) records nothing.
 */
export function trackCacheReads(cache: SecretsCache): SecretsCache {
  return {
    getSecretValue: (input) => recordCacheRead(cache.getSecretValue(input)),
    getParameter: (input) => recordCacheRead(cache.getParameter(input)),
    close: () => cache.close(),
  };
}

function recordCacheRead<T>(read: Promise<T>): Promise<T> {
  const scope = lookupScope.getStore();
  if (scope === undefined) {
    return read;
  }
  return read.then(
    (value) => {
      scope.cacheRead = true;
      return value;
    },
    (error: unknown) => {
      if (!(error instanceof KuraConfigError || error instanceof KuraClosedError)) {
        scope.cacheRead = true;
      }
      throw error;
    },
  );
}
