/**
 * Prometheus metrics of one app, on a registry of its own (never prom-client's global one),
 * so two apps in one process (as in tests) do not share counters. No metric carries a value.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export type AwsService = 'secretsmanager' | 'ssm';

export interface Metrics {
  readonly registry: Registry;
  /** HTTP requests by route (the route pattern, never the id) and status code. */
  readonly httpRequests: Counter<'route' | 'status'>;
  /** AWS calls by service, operation and outcome (`success` or the AWS error code). */
  readonly awsCalls: Counter<'service' | 'operation' | 'outcome'>;
  readonly awsCallDuration: Histogram<'service' | 'operation'>;
  /** Reads of the Agent and Lambda endpoints served from memory (`hit`) or with an AWS call (`miss`). */
  readonly cacheLookups: Counter<'result'>;
  /** Failed refreshes of SPC objects, by error code. */
  readonly refreshFailures: Counter<'code'>;
  /** Number of SPC objects served from their last good value after a failed refresh. */
  readonly staleObjects: Gauge;
  /** Sets the function the stale-object gauge reads when scraped. */
  setStaleCounter(count: () => number): void;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'kura_process_' });

  let countStale: () => number = () => 0;

  const httpRequests = new Counter({
    name: 'kura_http_requests_total',
    help: 'HTTP requests by route and status code.',
    labelNames: ['route', 'status'] as const,
    registers: [registry],
  });
  const awsCalls = new Counter({
    name: 'kura_aws_calls_total',
    help: 'AWS API calls by service, operation and outcome (success or the AWS error code).',
    labelNames: ['service', 'operation', 'outcome'] as const,
    registers: [registry],
  });
  const awsCallDuration = new Histogram({
    name: 'kura_aws_call_duration_seconds',
    help: 'Latency of AWS API calls, in seconds, from request sent to response read.',
    labelNames: ['service', 'operation'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const cacheLookups = new Counter({
    name: 'kura_cache_lookups_total',
    help: 'Cache reads of the Agent and Lambda endpoints by result: hit (no AWS call) or miss (an AWS call).',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  const refreshFailures = new Counter({
    name: 'kura_refresh_failures_total',
    help: 'Failed refreshes of SecretProviderClass objects, by kura error code.',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  const staleObjects = new Gauge({
    name: 'kura_stale_objects',
    help: 'SecretProviderClass objects served from their last good value after a failed refresh.',
    registers: [registry],
    collect() {
      this.set(countStale());
    },
  });

  return {
    registry,
    httpRequests,
    awsCalls,
    awsCallDuration,
    cacheLookups,
    refreshFailures,
    staleObjects,
    setStaleCounter(count) {
      countStale = count;
    },
  };
}
