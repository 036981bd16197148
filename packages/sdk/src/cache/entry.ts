/** One cached value and the state of its refresh. */
import type { ParameterValue, SecretValue } from '../aws/types.js';
import type { KuraError } from '../errors.js';
import type { TimerHandle } from './clock.js';
import type { CacheRequest } from './keys.js';

/** Callbacks through which a store learns about an entry it holds. */
export interface EntryListener {
  /** A fetch succeeded. `changed` is true when the content hash differs from the previous value (always on the first). */
  onValue(entry: CacheEntry, changed: boolean): void;
  /** A fetch failed; the entry keeps its last value, if it has one. */
  onError(entry: CacheEntry, error: KuraError): void;
}

/** A cache entry. Only the cache changes it; stores read it. */
export interface CacheEntry {
  readonly key: string;
  readonly request: CacheRequest;
  /** True when the request names a VersionId or version number, so the value never changes. */
  readonly pinned: boolean;
  /** The last value fetched successfully. */
  value?: SecretValue | ParameterValue;
  /** Bytes of `value`. */
  content?: Uint8Array;
  /** Hex SHA-256 of `content`. */
  hash?: string;
  /** Monotonic time of the last successful fetch, in milliseconds. */
  refreshedAt?: number;
  /** Wall-clock time of the last successful fetch, in milliseconds since the epoch. */
  refreshedAtWall?: number;
  /** True while the last fetch failed and `value` is the last good one. */
  stale: boolean;
  /** The error of the last fetch, until one succeeds. */
  lastError?: KuraError;
  /** Consecutive failures with a retryable error; sets the backoff delay. */
  retryableFailures: number;
  /** The fetch running now; concurrent callers share it (single-flight). */
  inflight?: Promise<void>;
  /** The fetch that forced reads wait for while `inflight` runs; it starts once that settles. */
  queuedRefetch?: Promise<void>;
  /** The next background refresh or retry. */
  timer?: TimerHandle;
  /** Set once DescribeSecret was denied for this secret; refreshes then call GetSecretValue. */
  describeDenied: boolean;
  /** Number of stores holding the entry; held entries are kept outside the LRU bound. */
  holders: number;
  /** False once the entry was evicted, deleted or the cache closed: it must schedule nothing. */
  attached: boolean;
  readonly listeners: Set<EntryListener>;
}

export function createEntry(key: string, request: CacheRequest, pinned: boolean): CacheEntry {
  return {
    key,
    request,
    pinned,
    stale: false,
    retryableFailures: 0,
    describeDenied: false,
    holders: 0,
    attached: true,
    listeners: new Set(),
  };
}
