/** Validates the options of `createSecretsCache` once and fills in the defaults. */

import type { AwsClientConfig } from '../aws/aws-source.js';
import type { AwsSource } from '../aws/types.js';
import { KuraConfigError } from '../errors.js';
import { type BackoffPolicy, defaultBackoffPolicy } from './backoff.js';
import { type Clock, systemClock } from './clock.js';
import { createDefaultSource } from './default-source.js';
import type { SecretsCacheOptions } from './types.js';

export const defaultRefreshIntervalMs = 300_000;
/** Node's largest timer delay; a longer one fires at once, which would refresh in a loop. */
const maxTimerDelayMs = 2_147_483_647;
export const defaultMaxEntries = 1_000;

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

export function resolveCacheOptions(
  options: SecretsCacheOptions,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedCacheOptions {
  const region = options.region ?? nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION);
  const refreshIntervalMs = options.refreshIntervalMs ?? defaultRefreshIntervalMs;
  requirePositive('refreshIntervalMs', refreshIntervalMs, 'such as 300000 for 5 minutes');

  const backoff = { ...defaultBackoffPolicy, ...options.backoff };
  requirePositive('backoff.baseMs', backoff.baseMs, 'such as 1000');
  if (!Number.isFinite(backoff.factor) || backoff.factor < 1) {
    throw new KuraConfigError(
      `invalid backoff.factor ${backoff.factor}: write a number of at least 1, such as 2`,
    );
  }
  requirePositive('backoff.maxMs', backoff.maxMs, 'such as 300000');
  if (backoff.maxMs < backoff.baseMs) {
    throw new KuraConfigError(
      `invalid backoff.maxMs ${backoff.maxMs}: it must be at least backoff.baseMs (${backoff.baseMs})`,
    );
  }

  const maxEntries = options.maxEntries ?? defaultMaxEntries;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) {
    throw new KuraConfigError(
      `invalid maxEntries ${maxEntries}: write a whole number of at least 1, such as 1000`,
    );
  }

  const clientConfig: AwsClientConfig = options.clientConfig ?? {};
  return Object.freeze({
    region,
    source: options.source,
    createSource: () => createDefaultSource(clientConfig),
    ownsSource: options.source === undefined,
    refreshIntervalMs,
    backoff: Object.freeze(backoff),
    maxEntries,
    clock: options.clock ?? systemClock,
  });
}

function requirePositive(field: string, value: number, example: string): void {
  if (!Number.isFinite(value) || value <= 0 || value > maxTimerDelayMs) {
    throw new KuraConfigError(
      `invalid ${field} ${value}: write a positive number of milliseconds up to ${maxTimerDelayMs} (about 24.8 days), ${example}`,
    );
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
