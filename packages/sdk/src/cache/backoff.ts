/** Exponential backoff with jitter for retryable refresh failures. */

/** How long to wait before retrying a refresh that failed with a retryable error. */
export interface BackoffPolicy {
  /** Delay before the first retry, in milliseconds. Default 1000 (1 s). */
  baseMs: number;
  /** Multiplier applied for each further consecutive failure. Default 2. */
  factor: number;
  /** Upper bound of the delay, in milliseconds. Default 300000 (300 s). */
  maxMs: number;
}

export const defaultBackoffPolicy: Readonly<BackoffPolicy> = Object.freeze({
  baseMs: 1_000,
  factor: 2,
  maxMs: 300_000,
});

/**
 * Computes the delay before retry number `failures` (1 after the first failure):
 * `min(maxMs, baseMs * factor^(failures - 1))`, shortened by a random part of up to half so
 * that pods failing together do not retry together. `random` returns a number in [0, 1).
 */
export function backoffDelayMs(
  policy: BackoffPolicy,
  failures: number,
  random: () => number,
): number {
  const exponent = Math.max(0, failures - 1);
  const full = Math.min(policy.maxMs, policy.baseMs * policy.factor ** exponent);
  return full * (1 - random() / 2);
}
