/**
 * The public shapes of the in-memory store (`openSecretStore`) and the lazy cache
 * (`createSecretsCache`). The sidecar builds on these.
 */
import type { ParameterValue, SecretValue } from '../aws/types.js';
import type { KuraError } from '../errors.js';
import type { ObjectType } from '../spec/model.js';

/** Where an object's current value came from. */
export type ValueSource = 'aws' | 'files';

/** `aws`: fetch only. `files`: the mount dir only. `auto`: AWS first, files as fallback. */
export type SourcePolicy = 'aws' | 'files' | 'auto';

/** Status of one object (or jmesPath file) of the store. Never holds a value. */
export interface ObjectStatus {
  fileName: string;
  objectName: string;
  objectType: ObjectType;
  /** Secrets Manager VersionId or Parameter Store version number; from files: the content hash. */
  version: string;
  /** Hex SHA-256 of the current content. */
  hash: string;
  /** Wall-clock time of the last successful refresh, ISO 8601. */
  lastRefreshAt: string;
  /** True while the last refresh failed and the value shown is the last good one. */
  stale: boolean;
  source: ValueSource;
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
  versionId?: string;
  versionStage?: string;
  /** Skip the cached value and fetch now; the fetched value replaces the cached one. */
  refreshNow?: boolean;
}

export interface GetParameterInput {
  /** Name or ARN, without a selector suffix. */
  name: string;
  /** Version number. Exclusive with `label`. */
  version?: string;
  label?: string;
  /** Default false, as in GetParameter. */
  withDecryption?: boolean;
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
  /** Content decoded as UTF-8, by file name or objectName. Throws `KuraNotFoundError`. */
  get(name: string): string;
  /** Content as raw bytes. The returned array must not be modified. */
  getBytes(name: string): Uint8Array;
  /** Content parsed as JSON. */
  getJson<T = unknown>(name: string): T;
  /** Status of one object by file name or objectName, with its content hash. */
  status(name: string): ObjectStatus;
  objects(): ObjectStatus[];
  on<E extends keyof SecretStoreEvents>(event: E, listener: SecretStoreEvents[E]): this;
  off<E extends keyof SecretStoreEvents>(event: E, listener: SecretStoreEvents[E]): this;
  /** Fetches one object (by file name or objectName), or every object, now. */
  refresh(name?: string): Promise<void>;
  /** The cache the store reads through; ids the SPC loaded cost no second AWS call. */
  readonly cache: SecretsCache;
  /** Stops every timer and watcher. */
  close(): Promise<void>;
}
