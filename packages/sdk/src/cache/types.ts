/**
 * The public shapes of the in-memory store (`openSecretStore`) and the lazy cache
 * (`createSecretsCache`). The sidecar builds on these.
 */
import type { AwsClientConfig } from '../aws/aws-source.js';
import type { AwsSource, ParameterValue, SecretValue } from '../aws/types.js';
import type { KuraError } from '../errors.js';
import type { ObjectType, SecretProviderClass } from '../spec/model.js';
import type { BackoffPolicy } from './backoff.js';
import type { Clock } from './clock.js';

/** The source of an object's current value. */
export type ValueSource = 'aws' | 'files';

/** `aws`: fetch only. `files`: the mount dir only. `auto`: AWS first, files as fallback. */
export type SourcePolicy = 'aws' | 'files' | 'auto';

/** Status of one object (or jmesPath file) of the store. It never contains a value. */
export interface ObjectStatus {
  fileName: string;
  objectName: string;
  objectType: ObjectType;
  /** Secrets Manager VersionId or Parameter Store version number; from files: the content `hash`. */
  version: string;
  /**
   * Keyed hash of the current content (HMAC-SHA-256 under a random key made once per process),
   * so it reveals nothing about the value. Comparable within one process only.
   */
  hash: string;
  /** Wall-clock time of the last successful refresh, ISO 8601. */
  lastRefreshAt: string;
  /** True while the last refresh failed and the value shown is the last good one. */
  stale: boolean;
  source: ValueSource;
  /**
   * AWS region the value was read from: the SPC's `region`, or its `failoverRegion` while the
   * primary region fails with a retryable error. Absent when the value came from the mount dir.
   */
  region?: string;
  /** `code` of the last refresh error, until a refresh succeeds. */
  lastErrorCode?: string;
}

/** Emitted once per real change of content. */
export interface ChangeEvent {
  fileName: string;
  objectName: string;
  version: string;
  hash: string;
  source: ValueSource;
}

/** Emitted when a refresh fails and the store keeps serving the last good value. */
export interface StaleEvent {
  fileName: string;
  objectName: string;
  error: KuraError;
}

/** Emitted for every failed refresh and every failure the store handles without a caller. */
export interface ErrorEvent {
  fileName?: string;
  objectName?: string;
  error: KuraError;
}

export interface SecretStoreEvents {
  change: (event: ChangeEvent) => void;
  stale: (event: StaleEvent) => void;
  error: (event: ErrorEvent) => void;
}

export interface GetSecretValueInput {
  /** Name, partial ARN or full ARN. */
  secretId: string;
  /** Region to read from. Default: the cache's `region`. */
  region?: string;
  /** A version id; such a read is never refreshed, because the version's content never changes. Default: none. */
  versionId?: string;
  /** A staging label such as `AWSPREVIOUS`. Default: none, which AWS reads as `AWSCURRENT` but kura caches apart. */
  versionStage?: string;
  /**
   * Skips the cached value and returns a fetch that started after this call; the fetched value
   * replaces the cached one. A read with `versionId` fetches again too, because the version's
   * stages can move. Default false.
   */
  refreshNow?: boolean;
}

export interface GetParameterInput {
  /** Name or ARN, without a `:version` or `:label` suffix, which is rejected before any call. */
  name: string;
  /** Region to read from. Default: the cache's `region`. */
  region?: string;
  /** Version number, such as `3` or `'3'`. Exclusive with `label`. Default: the latest version. */
  version?: string | number;
  /** A parameter label. Exclusive with `version`. Default: none. */
  label?: string;
  /** Decrypts a SecureString. Default false, as in GetParameter; true and false are cached apart. */
  withDecryption?: boolean;
  /**
   * Skips the cached value and returns a fetch that started after this call, also for a read
   * with `version`. Default false.
   */
  refreshNow?: boolean;
}

/** Lazy, cached, single-flight reads of any id. */
export interface SecretsCache {
  getSecretValue(input: GetSecretValueInput): Promise<SecretValue>;
  getParameter(input: GetParameterInput): Promise<ParameterValue>;
  /** Stops every refresh timer. */
  close(): void;
}

/** Values of one SecretProviderClass, kept in memory and fresh. */
export interface SecretStore {
  /**
   * Returns the content decoded as UTF-8, by file name or objectName. Throws
   * `KuraNotFoundError` for an unknown name and `KuraAmbiguousNameError` for an objectName of
   * several objects. Read it at the point of use: a copy kept in a variable misses rotations.
   */
  get(name: string): string;
  /** Content as raw bytes. The returned array must not be modified. */
  getBytes(name: string): Uint8Array;
  /** Returns the content parsed as JSON. Throws `KuraNotJsonError` when it is not JSON. */
  getJson<T = unknown>(name: string): T;
  /** Status of one object by file name or objectName, with its keyed content hash. */
  status(name: string): ObjectStatus;
  /** Returns the status of every file, in SPC order, each object followed by its jmesPath files. Never a value. */
  objects(): ObjectStatus[];
  /**
   * Adds a listener. Throws `KuraConfigError` for an unknown event or a listener that is not a
   * function, and `KuraClosedError` after `close()`. A listener that throws is caught and
   * reported as a `KuraListenerWarning` process warning, and the other listeners still run.
   */
  on<E extends keyof SecretStoreEvents>(event: E, listener: SecretStoreEvents[E]): this;
  /** Removes a listener added with `on`. */
  off<E extends keyof SecretStoreEvents>(event: E, listener: SecretStoreEvents[E]): this;
  /**
   * Fetches one object (by file name or objectName), or every object, now; under `files` it
   * rereads the mount dir. Resolves once every file it covers, jmesPath files included,
   * contains the fetched value. Rejects with the first error otherwise (a failed fetch, a failed
   * extraction, a missing mount file), and those files keep their last values.
   */
  refresh(name?: string): Promise<void>;
  /** The cache the store reads through; ids the SPC loaded cost no second AWS call. */
  readonly cache: SecretsCache;
  /** Stops every timer and watcher, and closes the store's own cache. Reads after it throw `KuraClosedError`. */
  close(): Promise<void>;
}

/** Options of `createSecretsCache`. */
export interface SecretsCacheOptions {
  /** Region of reads that name none. Default: `AWS_REGION`, then `AWS_DEFAULT_REGION`; reads fail without one. */
  region?: string;
  /** The AWS calls. Default: `createAwsSource({ clientConfig })`, created on the first fetch and closed with the cache. */
  source?: AwsSource;
  /** Settings of the AWS SDK clients; used only when `source` is not given. Default: none. */
  clientConfig?: AwsClientConfig;
  /** Time between background refreshes of an entry, in milliseconds; each runs at a random point between 80% and 100% of it. Default 300000 (300 s). */
  refreshIntervalMs?: number;
  /** Backoff after retryable failures, in milliseconds. Default `{ baseMs: 1000, factor: 2, maxMs: 300000 }`. */
  backoff?: Partial<BackoffPolicy>;
  /** Maximum number of entries that no store holds; the least recently read is dropped first. Default 1000. */
  maxEntries?: number;
  /** Monotonic time, timers and randomness. Default: the system clock, with unref'ed timers. */
  clock?: Clock;
}

/** Options of `openSecretStore`. */
export interface SecretStoreOptions {
  /** Path of a manifest holding the SecretProviderClass, or one already parsed by `parseSecretProviderClass`. */
  spc: string | SecretProviderClass;
  /** Name of the SecretProviderClass to use when the manifest contains several. Default: the only one. */
  spcName?: string;
  /** A CSI mount dir (such as `/mnt/secrets-store`) to read values from or fall back to. Default: none. */
  mountDir?: string;
  /** The source of values: `aws`, `files` or `auto`. Default `auto` when `mountDir` is set, else `aws`. */
  source?: SourcePolicy;
  /** A cache to share with other stores or with the sidecar's endpoints. Default: a cache of its own, closed with the store. */
  cache?: SecretsCache;
  /** The AWS calls, for a cache of its own. Default: `createAwsSource({ clientConfig })`. Not allowed with `cache`. */
  awsSource?: AwsSource;
  /** Settings of the AWS SDK clients, for a cache of its own. Default: none. Not allowed with `cache`. */
  clientConfig?: AwsClientConfig;
  /** Time between background refreshes, in milliseconds (80–100% of it, at random). Default 300000 (300 s). Not allowed with `cache`. */
  refreshIntervalMs?: number;
  /** Backoff after retryable failures, in milliseconds. Default `{ baseMs: 1000, factor: 2, maxMs: 300000 }`. Not allowed with `cache`. */
  backoff?: Partial<BackoffPolicy>;
  /** Monotonic time, timers and randomness. Default: the system clock. Not allowed with `cache`, whose clock the store uses. */
  clock?: Clock;
  /** Time a mount file must read the same before it is published, in milliseconds. Default: the mount watcher's. */
  settleMs?: number;
  /**
   * Time the first load may spend retrying objects that fail with a retryable error
   * (throttling, 5xx, timeout, network), in milliseconds, using the cache's `backoff`. An object
   * still failing then rejects the load with its last error. 0 rejects on the first failure.
   * Default 30000 (30 s).
   */
  firstLoadTimeoutMs?: number;
}
