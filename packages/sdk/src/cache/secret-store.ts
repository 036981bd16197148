/**
 * The store of one SecretProviderClass: a synchronous view over the shared cache, plus the
 * mount dir for `source: 'files' | 'auto'`.
 */
import type { ParameterValue, SecretValue } from '../aws/types.js';
import {
  KuraAwsError,
  KuraClosedError,
  KuraConfigError,
  KuraError,
  KuraExtractError,
  KuraMountError,
  KuraNotJsonError,
} from '../errors.js';
import { readMountDir } from '../mount/read-mount-dir.js';
import type { MountFile, MountWatcher } from '../mount/types.js';
import { watchMountDir } from '../mount/watch-mount-dir.js';
import type { SpcObject } from '../spec/model.js';
import { describeValue } from './check-options.js';
import { deriveFiles } from './derive-files.js';
import type { CacheEntry, EntryListener } from './entry.js';
import { FileRecords } from './file-records.js';
import { NameIndex } from './name-index.js';
import { failoverRequest, primaryRequest } from './object-requests.js';
import { type ResolvedStoreOptions, resolveStoreOptions } from './resolve-store-options.js';
import type { SharedSecretsCache } from './secrets-cache.js';
import { StoreEvents } from './store-events.js';
import type { ObjectStatus, SecretStore, SecretStoreEvents, SecretStoreOptions } from './types.js';

/**
 * Opens a store over the objects of a SecretProviderClass. Resolves once every object (and
 * every jmesPath file) has a value; rejects with the first load error otherwise, after
 * stopping everything it started.
 *
 * With `source: 'aws'` every value comes from AWS through the cache. With `files`, every value
 * comes from the mount dir and no AWS call is made. With `auto`, AWS comes first. An object
 * that AWS cannot serve at start with a retryable error (throttling, 5xx, timeout, network)
 * takes its files' content. A changed file triggers an immediate refresh of its object from
 * AWS, and when that refresh fails the store serves the changed file.
 */
export async function openSecretStore(options: SecretStoreOptions): Promise<SecretStore> {
  const resolved = await resolveStoreOptions(options);
  const store = new SpcSecretStore(resolved);
  try {
    await store.start();
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

/** One SPC object, the cache entries that feed it, and its files. */
interface ObjectBinding {
  readonly object: SpcObject;
  /** The object's own file name, then its jmesPath files' names. */
  readonly fileNames: readonly string[];
  readonly listener: EntryListener;
  primary?: CacheEntry;
  /**
   * The `failoverObject` entry, held only while the primary region has no value.
   * NOTE: a primary value that later fails to refresh stays (stale) rather than switching here.
   */
  failover?: CacheEntry;
  /**
   * The error of the last attempt to derive the object's files from a fetched value, such as
   * a jmesPath extraction failure; undefined after a success. `refresh` rejects with it.
   */
  applyError?: KuraError;
}

class SpcSecretStore implements SecretStore {
  readonly #options: ResolvedStoreOptions;
  readonly #cache: SharedSecretsCache;
  readonly #names: NameIndex;
  readonly #records: FileRecords;
  readonly #bindings: ObjectBinding[] = [];
  readonly #bindingByFileName = new Map<string, ObjectBinding>();
  readonly #events = new StoreEvents();
  #watcher: MountWatcher | undefined;
  /** False until `start` resolved: the first load applies values itself and emits nothing. */
  #ready = false;
  #closed = false;

  constructor(options: ResolvedStoreOptions) {
    this.#options = options;
    this.#cache = options.cache;
    this.#names = new NameIndex(options.spc);
    this.#records = new FileRecords(this.#events);

    for (const object of options.spc.objects) {
      const fileNames = [object.fileName, ...object.jmesPath.map((entry) => entry.fileName)];
      const binding: ObjectBinding = { object, fileNames, listener: this.#listenerFor(object) };
      this.#bindings.push(binding);
      for (const fileName of fileNames) {
        this.#bindingByFileName.set(fileName, binding);
        this.#records.add(fileName, object);
      }
    }
  }

  get cache(): SharedSecretsCache {
    return this.#cache;
  }

  async start(): Promise<void> {
    if (this.#options.policy !== 'aws') {
      await this.#startWatcher();
    }
    if (this.#options.policy === 'files') {
      this.#loadFromFiles();
    } else {
      await this.#loadFromAws();
    }
    this.#ready = true;
    this.#records.emitting = true;
  }

  get(name: string): string {
    return this.#records.text(this.#fileNameOf(name, 'get'));
  }

  getBytes(name: string): Uint8Array {
    return this.#records.content(this.#fileNameOf(name, 'getBytes'));
  }

  getJson<T = unknown>(name: string): T {
    const text = this.#records.text(this.#fileNameOf(name, 'getJson'));
    try {
      return JSON.parse(text) as T;
    } catch {
      // The parser's message quotes the input, which is a secret, so it is not kept as cause.
      throw new KuraNotJsonError(
        `the value of ${name} is not valid JSON; read it with get() or getBytes() instead`,
      );
    }
  }

  status(name: string): ObjectStatus {
    return this.#records.status(this.#fileNameOf(name, 'status'));
  }

  objects(): ObjectStatus[] {
    this.#assertOpen();
    return this.#records.statuses();
  }

  on<E extends keyof SecretStoreEvents>(event: E, listener: SecretStoreEvents[E]): this {
    this.#assertOpen();
    this.#events.on(event, listener);
    return this;
  }

  off<E extends keyof SecretStoreEvents>(event: E, listener: SecretStoreEvents[E]): this {
    this.#events.off(event, listener);
    return this;
  }

  async refresh(name?: string): Promise<void> {
    const bindings =
      name === undefined
        ? this.#bindings
        : [this.#bindingByFileName.get(this.#fileNameOf(name, 'refresh')) as ObjectBinding];
    this.#assertOpen();

    if (this.#options.policy === 'files') {
      await this.#refreshFromFiles(bindings);
      return;
    }
    const results = await Promise.allSettled(
      bindings.map((binding) => this.#refreshBinding(binding)),
    );
    throwFirstRejection(results);
  }

  async close(): Promise<void> {
    if (this.#closed) {
      return;
    }
    this.#closed = true;
    this.#events.clear();
    await this.#watcher?.close();
    for (const binding of this.#bindings) {
      this.#releaseEntries(binding);
    }
    if (this.#options.ownsCache) {
      this.#cache.close();
    }
  }

  // --- loading -------------------------------------------------------------------------------

  async #startWatcher(): Promise<void> {
    const mountDir = this.#options.mountDir as string;
    this.#watcher = await watchMountDir(mountDir, {
      fileNames: this.#records.fileNames(),
      ...(this.#options.settleMs === undefined ? {} : { settleMs: this.#options.settleMs }),
      onChange: (file) => this.#onFileChange(file),
      onRemove: (fileName) => this.#onFileRemove(fileName),
      onError: (error) => this.#events.emit('error', { error }),
    });
  }

  #loadFromFiles(): void {
    const current = this.#watcher?.current() ?? new Map<string, MountFile>();
    const missing = this.#records.fileNames().filter((fileName) => !current.has(fileName));
    if (missing.length > 0) {
      throw this.#missingFilesError(missing);
    }
    for (const file of current.values()) {
      this.#applyMountFile(file);
    }
  }

  async #loadFromAws(): Promise<void> {
    for (const binding of this.#bindings) {
      binding.primary = this.#cache.hold(
        primaryRequest(this.#options.spc, binding.object),
        binding.listener,
      );
    }
    const results = await Promise.allSettled(
      this.#bindings.map((binding) => this.#loadObject(binding)),
    );
    throwFirstRejection(results);
  }

  /**
   * Loads one object at start: the primary region, then on a retryable error the failover
   * region, then under `auto` the mount dir's files. A non-retryable error (not found, access
   * denied, an extraction error) is thrown, never masked by a fallback.
   */
  async #loadObject(binding: ObjectBinding): Promise<void> {
    const primary = binding.primary as CacheEntry;
    let primaryError: unknown;
    try {
      await this.#loadEntry(binding, primary);
      return;
    } catch (error) {
      if (!isRetryable(error)) {
        throw error;
      }
      primaryError = error;
    }

    const failover = failoverRequest(this.#options.spc, binding.object);
    if (failover !== undefined) {
      binding.failover = this.#cache.hold(failover, binding.listener);
      try {
        await this.#loadEntry(binding, binding.failover);
        return;
      } catch (error) {
        if (!isRetryable(error)) {
          throw error;
        }
      }
    }

    if (this.#options.policy === 'auto' && this.#applyFilesOf(binding)) {
      this.#records.markStale(binding.fileNames, primaryError as KuraError);
      return;
    }
    throw primaryError;
  }

  async #loadEntry(binding: ObjectBinding, entry: CacheEntry): Promise<void> {
    // An entry another store or a lazy read already filled costs no AWS call.
    if (entry.value === undefined) {
      await this.#cache.fetch(entry);
    }
    this.#applyEntry(binding, entry);
  }

  /** Uses the mount dir's files for every file of an object; false when one is missing. */
  #applyFilesOf(binding: ObjectBinding): boolean {
    const current = this.#watcher?.current();
    const files = binding.fileNames.map((fileName) => current?.get(fileName));
    if (files.some((file) => file === undefined)) {
      return false;
    }
    for (const file of files as MountFile[]) {
      this.#applyMountFile(file);
    }
    return true;
  }

  // --- refreshing ----------------------------------------------------------------------------

  /**
   * Fetches one object now and resolves once every file of it contains the fetched value. Rejects
   * with the fetch's error, or with the error that kept the files from taking the value (a
   * jmesPath extraction failure); the files then keep their last values.
   */
  async #refreshBinding(binding: ObjectBinding): Promise<void> {
    const primary = binding.primary as CacheEntry;
    binding.applyError = undefined;
    try {
      await this.#cache.fetch(primary);
    } catch (error) {
      if (binding.failover === undefined || !isRetryable(error)) {
        throw error;
      }
      await this.#cache.fetch(binding.failover);
    }
    // The entry's listener applied the value before the fetch resolved.
    if (binding.applyError !== undefined) {
      throw binding.applyError;
    }
  }

  async #refreshFromFiles(bindings: readonly ObjectBinding[]): Promise<void> {
    const fileNames = bindings.flatMap((binding) => binding.fileNames);
    const files = await readMountDir(this.#options.mountDir as string, {
      fileNames,
      ...(this.#options.settleMs === undefined ? {} : { settleMs: this.#options.settleMs }),
    });
    const missing = fileNames.filter((fileName) => !files.has(fileName));
    for (const file of files.values()) {
      this.#applyMountFile(file);
    }
    if (missing.length > 0) {
      // The watcher emits the `error` event of a removed file, so only the status changes here.
      const error = this.#missingFilesError(missing);
      this.#records.markStale(missing, error);
      throw error;
    }
  }

  #listenerFor(object: SpcObject): EntryListener {
    return {
      onValue: (entry) => {
        const binding = this.#bindingByFileName.get(object.fileName) as ObjectBinding;
        if (!this.#ready || this.#closed || this.#servingEntry(binding) !== entry) {
          return;
        }
        try {
          this.#applyEntry(binding, entry);
          binding.applyError = undefined;
        } catch (error) {
          binding.applyError = error as KuraError;
          this.#reportFailure(binding, error as KuraError);
          return;
        }
        if (entry === binding.primary && binding.failover !== undefined) {
          // The primary region is back: stop refreshing the failover region.
          this.#cache.release(binding.failover, binding.listener);
          binding.failover = undefined;
        }
      },
      onError: (entry, error) => {
        const binding = this.#bindingByFileName.get(object.fileName) as ObjectBinding;
        if (!this.#ready || this.#closed) {
          return;
        }
        const serving = this.#servingEntry(binding);
        if (serving === undefined || serving === entry) {
          this.#reportFailure(binding, error);
        } else {
          this.#events.emit('error', {
            fileName: object.fileName,
            objectName: object.objectName,
            error,
          });
        }
      },
    };
  }

  /** The entry whose value the object shows: the primary region's, else the failover region's. */
  #servingEntry(binding: ObjectBinding): CacheEntry | undefined {
    if (binding.primary?.value !== undefined) {
      return binding.primary;
    }
    return binding.failover?.value === undefined ? undefined : binding.failover;
  }

  #onFileChange(file: MountFile): void {
    if (!this.#ready || this.#closed) {
      return;
    }
    if (this.#options.policy === 'files') {
      this.#applyMountFile(file);
      return;
    }
    // Under `auto` a changed file is a rotation signal: fetch the object from AWS now, and
    // serve the file when AWS cannot be read.
    const binding = this.#bindingByFileName.get(file.fileName);
    if (binding === undefined) {
      return;
    }
    this.#refreshBinding(binding).catch(() => {
      if (!this.#closed) {
        this.#applyMountFile(file);
      }
    });
  }

  #onFileRemove(fileName: string): void {
    const binding = this.#bindingByFileName.get(fileName);
    if (!this.#ready || this.#closed || this.#options.policy !== 'files' || binding === undefined) {
      return;
    }
    const error = new KuraMountError(
      `${fileName} was removed from mount dir ${this.#options.mountDir}; the store keeps serving its last value`,
      { fileName },
    );
    this.#records.markStale([fileName], error);
    this.#events.emit('error', { fileName, objectName: binding.object.objectName, error });
  }

  // --- records -------------------------------------------------------------------------------

  #applyEntry(binding: ObjectBinding, entry: CacheEntry): void {
    const value = entry.value as SecretValue | ParameterValue;
    const version = 'versionId' in value ? value.versionId : String(value.version);
    let files: ReturnType<typeof deriveFiles>;
    try {
      files = deriveFiles(binding.object, entry.content as Uint8Array);
    } catch (error) {
      throw toExtractError(binding.object, error);
    }
    const refreshedAtWall = entry.refreshedAtWall ?? this.#cache.options.clock.wallNow();
    for (const file of files) {
      this.#records.set(file.fileName, file.content, version, 'aws', refreshedAtWall);
    }
  }

  #applyMountFile(file: MountFile): void {
    this.#records.set(
      file.fileName,
      file.content,
      file.hash,
      'files',
      this.#cache.options.clock.wallNow(),
    );
  }

  #reportFailure(binding: ObjectBinding, error: KuraError): void {
    this.#records.markStale(binding.fileNames, error);
    this.#events.emit('error', {
      fileName: binding.object.fileName,
      objectName: binding.object.objectName,
      error,
    });
  }

  #missingFilesError(missing: readonly string[]): KuraMountError {
    const spc = this.#options.spc;
    return new KuraMountError(
      `mount dir ${this.#options.mountDir} lacks ${missing.join(', ')} of SecretProviderClass ${spc.namespace}/${spc.name}; check mountDir and that the CSI driver mounted this SecretProviderClass`,
      missing.length === 1 ? { fileName: missing[0] as string } : {},
    );
  }

  #releaseEntries(binding: ObjectBinding): void {
    if (binding.primary !== undefined) {
      this.#cache.release(binding.primary, binding.listener);
      binding.primary = undefined;
    }
    if (binding.failover !== undefined) {
      this.#cache.release(binding.failover, binding.listener);
      binding.failover = undefined;
    }
  }

  #fileNameOf(name: unknown, method: string): string {
    this.#assertOpen();
    if (typeof name !== 'string') {
      throw new KuraConfigError(
        `store.${method}: invalid name: expected a file name or objectName as a string, but got ${describeValue(name)}`,
      );
    }
    return this.#names.resolve(name);
  }

  #assertOpen(): void {
    if (this.#closed) {
      throw new KuraClosedError('the secret store is closed; open a new one with openSecretStore');
    }
  }
}

/**
 * Keeps a KuraError as it is and wraps anything else that deriving the files threw, so that
 * listeners and `refresh` always get a KuraError. The foreign message stays in `cause` only,
 * because it could quote content.
 */
function toExtractError(object: SpcObject, error: unknown): KuraError {
  if (error instanceof KuraError) {
    return error;
  }
  return new KuraExtractError(
    `the jmesPath files of ${object.objectName} could not be derived from its new value: ${error instanceof Error ? error.name : 'an unknown error'}; see cause`,
    { cause: error },
  );
}

function isRetryable(error: unknown): boolean {
  return error instanceof KuraAwsError && error.retryable;
}

function throwFirstRejection(results: readonly PromiseSettledResult<void>[]): void {
  for (const result of results) {
    if (result.status === 'rejected') {
      throw result.reason;
    }
  }
}
