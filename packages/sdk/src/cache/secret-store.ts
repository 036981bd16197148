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
 * An object whose regions both fail with a retryable error at start is retried with the
 * cache's backoff until it loads or `firstLoadTimeoutMs` runs out, and objects already loaded
 * are not fetched again. A non-retryable error rejects at once.
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
   * The `failoverObject` entry, held only while the primary region fails with a retryable
   * error (at start or on a refresh). The primary entry keeps retrying with backoff, and its
   * first success releases this entry.
   */
  failover?: CacheEntry;
  /** True while the files contain the failover entry's value. */
  servingFailover: boolean;
  /** While the store opens, receives the outcome of each fetch of the object's entries. */
  loadWaiter?: (entry: CacheEntry, error?: KuraError) => void;
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
  /** Callbacks that end the first load's waits for a retry, so that `close` can end them. */
  readonly #pendingLoadWaits = new Set<() => void>();
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
      const binding: ObjectBinding = {
        object,
        fileNames,
        listener: this.#listenerFor(object),
        servingFailover: false,
      };
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
    for (const endWait of [...this.#pendingLoadWaits]) {
      endWait();
    }
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
    const deadline = this.#cache.options.clock.now() + this.#options.firstLoadTimeoutMs;
    // Promise.all rejects with the first error without waiting for objects still retrying;
    // openSecretStore then closes the store, which ends their waits.
    await Promise.all(this.#bindings.map((binding) => this.#loadObject(binding, deadline)));
  }

  /**
   * Loads one object at start: the primary region, then on a retryable error the failover
   * region, then under `auto` the mount dir's files. When none of them has a value, it waits
   * for the cache's backoff retries of both regions until `deadline`. A non-retryable error
   * (not found, access denied, an extraction error) is thrown, never masked by a fallback.
   */
  async #loadObject(binding: ObjectBinding, deadline: number): Promise<void> {
    const primary = binding.primary as CacheEntry;
    let primaryError: KuraError;
    try {
      await this.#loadEntry(binding, primary);
      return;
    } catch (error) {
      if (!isRetryable(error)) {
        throw error;
      }
      primaryError = error as KuraError;
    }
    this.#assertOpen();

    const failover = failoverRequest(this.#options.spc, binding.object);
    if (failover !== undefined) {
      binding.failover = this.#cache.hold(failover, binding.listener);
      try {
        await this.#loadEntry(binding, binding.failover);
        binding.servingFailover = true;
        return;
      } catch (error) {
        if (!isRetryable(error)) {
          throw error;
        }
      }
      this.#assertOpen();
    }

    if (this.#options.policy === 'auto' && this.#applyFilesOf(binding)) {
      this.#records.markStale(binding.fileNames, primaryError);
      return;
    }
    await this.#retryLoad(binding, deadline, primaryError);
  }

  /**
   * Waits for the retries that the cache schedules with its backoff policy for the object's
   * entries, and applies the first value either region returns. Throws a non-retryable error
   * at once, and the last primary error when `deadline` passes first.
   */
  async #retryLoad(binding: ObjectBinding, deadline: number, firstError: KuraError): Promise<void> {
    let lastError = firstError;
    for (;;) {
      // A fetch that finished between two waits reached no waiter, so its value is looked up.
      const filled = [binding.primary, binding.failover].find(
        (entry) => entry?.value !== undefined,
      );
      const outcome =
        filled === undefined
          ? await this.#nextFetchOutcome(binding, deadline)
          : { entry: filled, error: undefined };
      this.#assertOpen();
      if (outcome === undefined) {
        throw lastError;
      }
      const { entry, error } = outcome;
      if (error === undefined) {
        this.#applyEntry(binding, entry);
        if (entry === binding.primary) {
          this.#releaseFailover(binding);
        } else {
          binding.servingFailover = true;
        }
        return;
      }
      if (!isRetryable(error)) {
        throw error;
      }
      if (entry === binding.primary) {
        lastError = error;
      }
    }
  }

  /**
   * Resolves with the next fetch of the object's entries and its error (undefined after a
   * success), or with undefined once `deadline` passes or the store closes.
   */
  #nextFetchOutcome(
    binding: ObjectBinding,
    deadline: number,
  ): Promise<{ entry: CacheEntry; error?: KuraError } | undefined> {
    const clock = this.#cache.options.clock;
    const remainingMs = deadline - clock.now();
    if (remainingMs <= 0) {
      return Promise.resolve(undefined);
    }
    return new Promise((resolve) => {
      const finish = (outcome: { entry: CacheEntry; error?: KuraError } | undefined) => {
        clock.clearTimeout(timer);
        this.#pendingLoadWaits.delete(endWait);
        binding.loadWaiter = undefined;
        resolve(outcome);
      };
      const endWait = () => finish(undefined);
      const timer = clock.setTimeout(endWait, remainingMs);
      this.#pendingLoadWaits.add(endWait);
      binding.loadWaiter = (entry, error) =>
        finish(error === undefined ? { entry } : { entry, error });
    });
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
   * Fetches one object now and resolves once every file of it contains the fetched value.
   * Rejects with the fetch's error, or with the error that kept the files from taking the value,
   * such as a jmesPath extraction failure. The files then keep their last values.
   */
  async #refreshBinding(binding: ObjectBinding): Promise<void> {
    const primary = binding.primary as CacheEntry;
    binding.applyError = undefined;
    try {
      await this.#cache.refetch(primary);
    } catch (error) {
      if (binding.failover === undefined || !isRetryable(error)) {
        throw error;
      }
      await this.#cache.refetch(binding.failover);
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
        if (this.#closed) {
          return;
        }
        if (!this.#ready) {
          binding.loadWaiter?.(entry);
          return;
        }
        if (entry === binding.primary) {
          if (this.#serveEntry(binding, entry)) {
            // The primary region is back: stop refreshing the failover region.
            this.#releaseFailover(binding);
          }
        } else if (entry === binding.failover && this.#serveEntry(binding, entry)) {
          binding.servingFailover = true;
        }
      },
      onError: (entry, error) => {
        const binding = this.#bindingByFileName.get(object.fileName) as ObjectBinding;
        if (this.#closed) {
          return;
        }
        if (!this.#ready) {
          binding.loadWaiter?.(entry, error);
          return;
        }
        if (entry === binding.primary) {
          this.#onPrimaryError(binding, error);
        } else if (entry === binding.failover) {
          // Both regions failed, so the files keep their last good values.
          this.#reportFailure(binding, error);
        }
      },
    };
  }

  /** Puts an entry's value into the object's files; false when deriving them failed. */
  #serveEntry(binding: ObjectBinding, entry: CacheEntry): boolean {
    try {
      this.#applyEntry(binding, entry);
      binding.applyError = undefined;
      return true;
    } catch (error) {
      binding.applyError = error as KuraError;
      this.#reportFailure(binding, error as KuraError);
      return false;
    }
  }

  /**
   * Handles a failed fetch of the primary region after start. A retryable error moves the
   * object to the failover region, when the SPC has one, while the primary entry keeps
   * retrying with backoff. Otherwise the files keep their last values and turn stale.
   */
  #onPrimaryError(binding: ObjectBinding, error: KuraError): void {
    if (!isRetryable(error)) {
      // Not found or access denied in the primary region is reported, not masked by failover.
      this.#releaseFailover(binding);
      this.#reportFailure(binding, error);
      return;
    }
    if (binding.failover === undefined) {
      const request = failoverRequest(this.#options.spc, binding.object);
      if (request === undefined) {
        this.#reportFailure(binding, error);
        return;
      }
      this.#emitError(binding, error);
      binding.failover = this.#cache.hold(request, binding.listener);
      // The listener applies the failover value, or marks the files stale when it fails too.
      this.#cache.fetch(binding.failover).catch(() => {});
      return;
    }
    if (binding.servingFailover && binding.failover.lastError === undefined) {
      // The files contain a fresh failover value, so only the failed primary retry is reported.
      this.#emitError(binding, error);
      return;
    }
    this.#reportFailure(binding, error);
  }

  /** Releases the failover entry and drops it from the cache, so it stops refreshing. */
  #releaseFailover(binding: ObjectBinding): void {
    binding.servingFailover = false;
    if (binding.failover !== undefined) {
      this.#cache.release(binding.failover, binding.listener, false);
      binding.failover = undefined;
    }
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
      this.#records.set(
        file.fileName,
        file.content,
        version,
        'aws',
        refreshedAtWall,
        entry.request.region,
      );
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
    this.#emitError(binding, error);
  }

  #emitError(binding: ObjectBinding, error: KuraError): void {
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
    this.#releaseFailover(binding);
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
