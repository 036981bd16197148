/** Validates the options of `createSecretsCache` once and fills in the defaults. */

import type { AwsClientConfig } from '../aws/aws-source.js';
import type { AwsSource } from '../aws/types.js';
import { KuraConfigError } from '../errors.js';
import { type BackoffPolicy, defaultBackoffPolicy } from './backoff.js';
import {
  invalidField,
  optionalDurationMs,
  optionalMethods,
  optionalPlainObject,
  optionalString,
  requireObjectWithNames,
} from './check-options.js';
import { type Clock, systemClock } from './clock.js';
import { createDefaultSource } from './default-source.js';
import type { SecretsCacheOptions } from './types.js';

export const defaultRefreshIntervalMs = 300_000;
export const defaultMaxEntries = 1_000;

/** Option names of `createSecretsCache`. */
export const cacheOptionNames = [
  'region',
  'source',
  'clientConfig',
  'refreshIntervalMs',
  'backoff',
  'maxEntries',
  'clock',
] as const;

/** Methods an `AwsSource` must have. */
export const awsSourceMethods = ['getSecretValue', 'describeSecret', 'getParameters', 'close'];
/** Methods a `Clock` must have. */
export const clockMethods = ['now', 'wallNow', 'setTimeout', 'clearTimeout', 'random'];

const backoffFieldNames = ['baseMs', 'factor', 'maxMs'] as const;

export interface ResolvedCacheOptions {
  readonly region: string | undefined;
  /** The source given by the caller, if any. */
  readonly source: AwsSource | undefined;
  /** Creates the default source on first use. */
  readonly createSource: () => AwsSource;
  /** True when the cache created the source and must close it. */
  readonly ownsSource: boolean;
  readonly refreshIntervalMs: number;
  readonly backoff: Readonly<BackoffPolicy>;
  readonly maxEntries: number;
  readonly clock: Clock;
}

/**
 * Validates `options` and fills in the defaults. `caller` names the public function in
 * messages, because `openSecretStore` passes its cache options through here.
 */
export function resolveCacheOptions(
  rawOptions: unknown,
  env: NodeJS.ProcessEnv = process.env,
  caller = 'createSecretsCache',
): ResolvedCacheOptions {
  const options = requireObjectWithNames(
    caller,
    { object: 'options', field: 'option' },
    rawOptions === undefined ? {} : rawOptions,
    cacheOptionNames,
    "{ region: 'eu-west-1' }",
  ) as SecretsCacheOptions;

  const region =
    optionalString(caller, 'region', options.region, "'eu-west-1'") ??
    nonEmpty(env.AWS_REGION) ??
    nonEmpty(env.AWS_DEFAULT_REGION);
  const source = optionalMethods<AwsSource>(
    caller,
    'source',
    options.source,
    awsSourceMethods,
    'an AwsSource',
  );
  const clientConfig = (optionalPlainObject(
    caller,
    'clientConfig',
    options.clientConfig,
    'an AWS SDK client configuration object such as { endpoint: "http://127.0.0.1:5000" }',
  ) ?? {}) as AwsClientConfig;
  const refreshIntervalMs =
    optionalDurationMs(
      caller,
      'refreshIntervalMs',
      options.refreshIntervalMs,
      1,
      '300000 for 5 minutes',
    ) ?? defaultRefreshIntervalMs;
  const backoff = resolveBackoff(caller, options.backoff);
  const maxEntries = options.maxEntries ?? defaultMaxEntries;
  if (typeof maxEntries !== 'number' || !Number.isSafeInteger(maxEntries) || maxEntries < 1) {
    throw invalidField(
      caller,
      'maxEntries',
      'a whole number of at least 1, such as 1000',
      maxEntries,
    );
  }
  const clock =
    optionalMethods<Clock>(caller, 'clock', options.clock, clockMethods, 'a Clock') ?? systemClock;

  return Object.freeze({
    region,
    source,
    createSource: () => createDefaultSource(clientConfig),
    ownsSource: source === undefined,
    refreshIntervalMs,
    backoff,
    maxEntries,
    clock,
  });
}

function resolveBackoff(caller: string, rawBackoff: unknown): Readonly<BackoffPolicy> {
  if (rawBackoff === undefined) {
    return defaultBackoffPolicy;
  }
  const backoff = requireObjectWithNames(
    caller,
    { object: 'backoff', field: 'backoff field' },
    rawBackoff,
    backoffFieldNames,
    '{ baseMs: 1000, factor: 2, maxMs: 300000 }',
  ) as Partial<BackoffPolicy>;
  const baseMs =
    optionalDurationMs(caller, 'backoff.baseMs', backoff.baseMs, 1, '1000') ??
    defaultBackoffPolicy.baseMs;
  const maxMs =
    optionalDurationMs(caller, 'backoff.maxMs', backoff.maxMs, 1, '300000') ??
    defaultBackoffPolicy.maxMs;
  const factor = backoff.factor ?? defaultBackoffPolicy.factor;
  if (typeof factor !== 'number' || !Number.isFinite(factor) || factor < 1) {
    throw invalidField(caller, 'backoff.factor', 'a number of at least 1, such as 2', factor);
  }
  if (maxMs < baseMs) {
    throw new KuraConfigError(
      `${caller}: invalid backoff.maxMs ${maxMs}: it must be at least backoff.baseMs (${baseMs})`,
    );
  }
  return Object.freeze({ baseMs, factor, maxMs });
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
