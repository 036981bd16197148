/**
 * The shared in-memory cache: one entry per key (see keys.ts), bounded with lru-cache,
 * refreshed ahead of time in the background, single-flight, stale-if-error with backoff.
 */
import { LRUCache } from 'lru-cache';
import type { AwsSource, ParameterValue, SecretValue } from '../aws/types.js';
import {
  KuraAwsAccessDeniedError,
  KuraAwsError,
  KuraClosedError,
  KuraConfigError,
  KuraError,
} from '../errors.js';
import { backoffDelayMs } from './backoff.js';
import { contentOf, hashContent } from './content.js';
import { type CacheEntry, createEntry, type EntryListener } from './entry.js';
import {
  type CacheRequest,
  cacheKey,
  describeRequest,
  isPinned,
  type ParameterRequest,
  PlainReadKeys,
  parameterKey,
  type SecretRequest,
  secretKey,
} from './keys.js';
import { ParameterBatcher } from './parameter-batcher.js';
import {
  checkParameterInput,
  checkSecretInput,
  type ParameterReadInput,
  type SecretReadInput,
} from './read-inputs.js';
import { refreshDelayMs, refreshWindowStart } from './refresh-delay.js';
import { type ResolvedCacheOptions, resolveCacheOptions } from './resolve-cache-options.js';
import type {
  GetParameterInput,
  GetSecretValueInput,
  SecretsCache,
  SecretsCacheOptions,
} from './types.js';

/** The stage a Secrets Manager read without VersionStage or VersionId returns. */
const currentStage = 'AWSCURRENT';

/**
 * Creates a lazy cache of Secrets Manager and Parameter Store reads. Nothing is fetched until
 * the first read of a key. Later reads of that key are served from memory while the entry
 * refreshes in the background.
 */
export function createSecretsCache(options: SecretsCacheOptions = {}): SecretsCache {
  return new SharedSecretsCache(resolveCacheOptions(options));
}

/** The cache behind `createSecretsCache`; stores use its `hold`/`release`/`fetch` methods. */
export class SharedSecretsCache implements SecretsCache {
  readonly options: ResolvedCacheOptions;
  /** Entries that no store holds, bounded; evicted ones stop refreshing. */
  readonly #unheld: LRUCache<string, CacheEntry>;
  /** Entries held by at least one store; never evicted while held. */
  readonly #held = new Map<string, CacheEntry>();
  readonly #batcher: ParameterBatcher;
  /** Keys of plain reads by kind, so a warm read hashes no new string (see PlainReadKeys). */
  readonly #plainSecretKeys: PlainReadKeys;
  readonly #plainParameterKeys: PlainReadKeys;
  readonly #plainDecryptedParameterKeys: PlainReadKeys;
  #source: AwsSource | undefined;
  #closed = false;

  constructor(options: ResolvedCacheOptions) {
    this.options = options;
    this.#source = options.source;
    this.#unheld = new LRUCache<string, CacheEntry>({
      max: options.maxEntries,
      dispose: (entry, _key, reason) => {
        if (reason === 'evict') {
          this.#detach(entry);
        }
      },
    });
    this.#batcher = new ParameterBatcher(() => this.#getSource());
    this.#plainSecretKeys = new PlainReadKeys(options.maxEntries, (region, id) =>
      secretKey(region, id, undefined, undefined),
    );
    this.#plainParameterKeys = new PlainReadKeys(options.maxEntries, (region, id) =>
      parameterKey(region, id, undefined, undefined, false),
    );
    this.#plainDecryptedParameterKeys = new PlainReadKeys(options.maxEntries, (region, id) =>
      parameterKey(region, id, undefined, undefined, true),
    );
  }

  /**
   * Reads a secret. Applications make this call per request, so a warm read costs only a key
   * lookup and one resolved promise, and this is not an async function. Invalid input and a
   * closed cache still reject the returned promise instead of throwing.
   */
  getSecretValue(input: GetSecretValueInput): Promise<SecretValue> {
    let request: SecretRequest;
    let key: string;
    let refreshNow: boolean;
    try {
      const checked = checkSecretInput(input);
      const region = this.#regionOf(checked.region, 'secretId', checked.secretId);
      key = this.#secretKeyOf(region, checked);
      const cached = this.#cachedValue(key, checked.refreshNow);
      if (cached !== undefined) {
        return Promise.resolve(cached as SecretValue);
      }
      refreshNow = checked.refreshNow;
      request = {
        service: 'secretsmanager',
        region,
        secretId: checked.secretId,
        ...(checked.versionId === undefined ? {} : { versionId: checked.versionId }),
        ...(checked.versionStage === undefined ? {} : { versionStage: checked.versionStage }),
      };
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#read(key, request, refreshNow).then((entry) => entry.value as SecretValue);
  }

  /** Reads a parameter, with the same warm path as `getSecretValue`. */
  getParameter(input: GetParameterInput): Promise<ParameterValue> {
    let request: ParameterRequest;
    let key: string;
    let refreshNow: boolean;
    try {
      const checked = checkParameterInput(input);
      const region = this.#regionOf(checked.region, 'name', checked.name);
      key = this.#parameterKeyOf(region, checked);
      const cached = this.#cachedValue(key, checked.refreshNow);
      if (cached !== undefined) {
        return Promise.resolve(cached as ParameterValue);
      }
      refreshNow = checked.refreshNow;
      request = {
        service: 'ssm',
        region,
        name: checked.name,
        ...(checked.version === undefined ? {} : { version: checked.version }),
        ...(checked.label === undefined ? {} : { label: checked.label }),
        withDecryption: checked.withDecryption,
      };
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#read(key, request, refreshNow).then((entry) => entry.value as ParameterValue);
  }

  close(): void {
    if (this.#closed) {
      return;
    }
    this.#closed = true;
    for (const entry of [...this.#held.values(), ...this.#unheld.values()]) {
      this.#detach(entry);
    }
    this.#held.clear();
    this.#unheld.clear();
    if (this.options.ownsSource) {
      this.#source?.close();
    }
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Holds the entry of `request` for a store: it is kept outside the LRU bound and reports
   * every fetch to `listener` until `release`. Creates the entry without fetching it.
   */
  hold(request: CacheRequest, listener: EntryListener): CacheEntry {
    this.#assertOpen();
    const key = cacheKey(request);
    let entry = this.#held.get(key);
    if (entry === undefined) {
      entry = this.#unheld.peek(key) ?? createEntry(key, request, isPinned(request));
      this.#unheld.delete(key);
      this.#held.set(key, entry);
    }
    entry.holders += 1;
    entry.listeners.add(listener);
    return entry;
  }

  /**
   * Ends a `hold`. When no store is left, the entry goes back under the LRU bound, or is
   * dropped if it has no value or `keepUnheld` is false. A dropped entry stops refreshing, and
   * a later read of its key fetches again.
   */
  release(entry: CacheEntry, listener: EntryListener, keepUnheld = true): void {
    entry.listeners.delete(listener);
    entry.holders -= 1;
    if (entry.holders > 0 || this.#closed) {
      return;
    }
    this.#held.delete(entry.key);
    if (entry.value === undefined || !keepUnheld) {
      this.#detach(entry);
    } else {
      this.#unheld.set(entry.key, entry);
    }
  }

  /**
   * Fetches an entry now, or joins the fetch already running (single-flight). Resolves when
   * the entry has a fresh value. Rejects with the fetch's error and keeps the last good value.
   * A pinned entry that has a value is not fetched again; use `refetch` for that.
   */
  fetch(entry: CacheEntry): Promise<void> {
    this.#assertOpen();
    return entry.inflight ?? this.#startFetch(entry, false);
  }

  /**
   * Fetches an entry with a fetch that starts after this call, for forced reads such as
   * `refreshNow` and `store.refresh(name)`. A fetch already in flight may have read AWS before
   * a rotation, so its outcome is ignored: once it settles, one new fetch starts and every
   * `refetch` that arrived meanwhile shares it. Pinned entries are fetched too, because the
   * stages of a VersionId change even though its content does not.
   */
  refetch(entry: CacheEntry): Promise<void> {
    this.#assertOpen();
    if (entry.inflight === undefined) {
      return this.#startFetch(entry, true);
    }
    entry.queuedRefetch ??= entry.inflight
      .catch(() => {})
      .then(() => {
        entry.queuedRefetch = undefined;
        this.#assertOpen();
        // A fetch started since the old one settled also began after every queued caller asked.
        return entry.inflight ?? this.#startFetch(entry, true);
      });
    return entry.queuedRefetch;
  }

  #startFetch(entry: CacheEntry, forced: boolean): Promise<void> {
    this.#clearTimer(entry);
    const flight = this.#runFetch(entry, forced).finally(() => {
      entry.inflight = undefined;
    });
    entry.inflight = flight;
    return flight;
  }

  #secretKeyOf(region: string, checked: SecretReadInput): string {
    if (checked.versionId === undefined && checked.versionStage === undefined) {
      return this.#plainSecretKeys.get(region, checked.secretId);
    }
    return secretKey(region, checked.secretId, checked.versionId, checked.versionStage);
  }

  #parameterKeyOf(region: string, checked: ParameterReadInput): string {
    if (checked.version === undefined && checked.label === undefined) {
      const keys = checked.withDecryption
        ? this.#plainDecryptedParameterKeys
        : this.#plainParameterKeys;
      return keys.get(region, checked.name);
    }
    return parameterKey(
      region,
      checked.name,
      checked.version,
      checked.label,
      checked.withDecryption,
    );
  }

  /**
   * Returns the value of the entry under `key` when a read can be served from memory: the
   * cache is open, the entry has a value, and no refresh was requested. Throws when closed.
   */
  #cachedValue(key: string, refreshNow: boolean): SecretValue | ParameterValue | undefined {
    this.#assertOpen();
    if (refreshNow) {
      return undefined;
    }
    return (this.#held.get(key) ?? this.#unheld.get(key))?.value;
  }

  async #read(key: string, request: CacheRequest, refreshNow: boolean): Promise<CacheEntry> {
    this.#assertOpen();
    let entry = this.#held.get(key) ?? this.#unheld.get(key);
    if (entry === undefined) {
      entry = createEntry(key, request, isPinned(request));
      this.#unheld.set(key, entry);
    }
    if (refreshNow) {
      await this.refetch(entry);
    } else if (entry.value === undefined) {
      await this.fetch(entry);
    }
    return entry;
  }

  async #runFetch(entry: CacheEntry, forced: boolean): Promise<void> {
    let fetched: SecretValue | ParameterValue | undefined;
    try {
      fetched = await this.#fetchValue(entry, forced);
    } catch (error) {
      const failure = toKuraError(error, entry.request);
      this.#recordFailure(entry, failure);
      throw failure;
    }
    this.#recordValue(entry, fetched);
  }

  /**
   * Fetches the entry's value. Resolves to undefined when there is nothing new: DescribeSecret
   * shows the value unchanged, or the entry is pinned, has a value and the fetch is not forced.
   */
  async #fetchValue(
    entry: CacheEntry,
    forced: boolean,
  ): Promise<SecretValue | ParameterValue | undefined> {
    const request = entry.request;
    if (entry.pinned && entry.value !== undefined && !forced) {
      // The content of a VersionId or a version number never changes.
      return undefined;
    }
    if (request.service === 'ssm') {
      return this.#batcher.read({
        name: request.name,
        region: request.region,
        withDecryption: request.withDecryption,
        ...(request.version === undefined ? {} : { version: request.version }),
        ...(request.label === undefined ? {} : { label: request.label }),
      });
    }

    const cached = entry.value as SecretValue | undefined;
    if (cached !== undefined && !entry.describeDenied) {
      const unchanged = await this.#describeShowsUnchanged(entry, request, cached);
      if (unchanged) {
        return undefined;
      }
    }
    return this.#getSource().getSecretValue({
      secretId: request.secretId,
      region: request.region,
      ...(request.versionId === undefined ? {} : { versionId: request.versionId }),
      ...(request.versionStage === undefined ? {} : { versionStage: request.versionStage }),
    });
  }

  /**
   * Asks DescribeSecret whether the cached VersionId is still the one requested. A plain or
   * staged read needs the requested stage to point at it. A read by VersionId needs the
   * version to keep at least one stage, and the requested stage if it names one. When it is,
   * the entry's value takes the version's current stages.
   * DescribeSecret has a quota of 40,000 requests per second against GetSecretValue's 10,000
   * and returns no secret material, so an unchanged secret costs no GetSecretValue. When it is
   * denied (policies often grant only GetSecretValue), the entry remembers that and its later
   * refreshes call GetSecretValue directly.
   */
  async #describeShowsUnchanged(
    entry: CacheEntry,
    request: SecretRequest,
    cached: SecretValue,
  ): Promise<boolean> {
    let stagesByVersion: Record<string, string[]>;
    try {
      const described = await this.#getSource().describeSecret({
        secretId: request.secretId,
        region: request.region,
      });
      stagesByVersion = described.versionIdsToStages;
    } catch (error) {
      if (isPermissionDenied(error)) {
        entry.describeDenied = true;
        return false;
      }
      throw error;
    }

    // A read by VersionId without a stage names no stage to check. DescribeSecret lists only
    // versions that have stages, so a version that lost all of them goes to GetSecretValue.
    const requestedStage =
      request.versionStage ?? (request.versionId === undefined ? currentStage : undefined);
    const stages = stagesByVersion[cached.versionId];
    if (
      stages === undefined ||
      (requestedStage !== undefined && !stages.includes(requestedStage))
    ) {
      return false;
    }
    // The stages of the cached version may have moved (AWSPREVIOUS added, say); keep them current.
    entry.value = Object.freeze({ ...cached, versionStages: [...stages] });
    return true;
  }

  #recordValue(entry: CacheEntry, fetched: SecretValue | ParameterValue | undefined): void {
    let changed = false;
    if (fetched !== undefined) {
      const content = contentOf(fetched);
      const hash = hashContent(content);
      changed = hash !== entry.hash;
      // Every caller of a key gets this one object, so no caller may change it for the others.
      entry.value = Object.freeze(fetched);
      entry.content = content;
      entry.hash = hash;
    }
    entry.refreshedAt = this.options.clock.now();
    entry.refreshedAtWall = this.options.clock.wallNow();
    entry.stale = false;
    entry.lastError = undefined;
    entry.retryableFailures = 0;

    if (!entry.pinned) {
      this.#schedule(
        entry,
        refreshDelayMs(this.options.refreshIntervalMs, () => this.options.clock.random()),
      );
    }
    for (const listener of [...entry.listeners]) {
      listener.onValue(entry, changed);
    }
  }

  #recordFailure(entry: CacheEntry, error: KuraError): void {
    entry.lastError = error;
    entry.stale = entry.value !== undefined;

    if (entry.value === undefined && entry.holders === 0) {
      // A failed miss that no store is waiting on is not cached, so the next read tries again.
      this.#unheld.delete(entry.key);
      this.#detach(entry);
    } else if (entry.pinned && entry.value !== undefined) {
      // A pinned version never changes, so a failed forced refresh leaves nothing to retry.
    } else if (error instanceof KuraAwsError && error.retryable) {
      entry.retryableFailures += 1;
      const delay = backoffDelayMs(this.options.backoff, entry.retryableFailures, () =>
        this.options.clock.random(),
      );
      this.#schedule(entry, delay);
    } else {
      entry.retryableFailures = 0;
      this.#schedule(
        entry,
        refreshDelayMs(this.options.refreshIntervalMs, () => this.options.clock.random()),
      );
    }

    for (const listener of [...entry.listeners]) {
      listener.onError(entry, error);
    }
  }

  #schedule(entry: CacheEntry, delayMs: number): void {
    this.#clearTimer(entry);
    if (!entry.attached || this.#closed) {
      return;
    }
    entry.timer = this.options.clock.setTimeout(() => {
      entry.timer = undefined;
      this.#refreshInBackground(entry);
    }, delayMs);
  }

  /**
   * Runs a due refresh. A due Parameter Store entry takes along every other parameter entry
   * of its region that is backing off after a retryable error, or inside its own refresh
   * window (at least 80% of the interval since its last fetch). So parameters loaded together, such as one store's,
   * refresh in one batched GetParameters call (see parameter-batcher.ts) instead of one call
   * each at scattered times, and each entry still refreshes within its 80–100% window.
   *
   * NOTE: entries of lazy reads keep refreshing until they are evicted past `maxEntries` or
   * the cache closes, even when no caller reads them any more.
   */
  #refreshInBackground(entry: CacheEntry): void {
    if (!entry.attached || this.#closed) {
      return;
    }
    const due = [entry];
    if (entry.request.service === 'ssm') {
      due.push(...this.#parameterEntriesInWindow(entry));
    }
    for (const dueEntry of due) {
      // The error reaches the entry's listeners; a background refresh has no caller to reject.
      this.fetch(dueEntry).catch(() => {});
    }
  }

  #parameterEntriesInWindow(trigger: CacheEntry): CacheEntry[] {
    const now = this.options.clock.now();
    const windowStart = this.options.refreshIntervalMs * refreshWindowStart;
    const peers: CacheEntry[] = [];
    for (const candidate of [...this.#held.values(), ...this.#unheld.values()]) {
      const samePool =
        candidate !== trigger &&
        candidate.request.service === 'ssm' &&
        candidate.request.region === trigger.request.region &&
        !candidate.pinned &&
        candidate.inflight === undefined;
      const inWindow =
        candidate.retryableFailures === 0 &&
        candidate.lastError === undefined &&
        candidate.refreshedAt !== undefined &&
        now - candidate.refreshedAt >= windowStart;
      // Parameters throttled together would otherwise retry one call each at scattered times,
      // which multiplies the calls exactly when the quota is exhausted.
      const backingOff = candidate.retryableFailures > 0;
      if (samePool && (inWindow || backingOff)) {
        peers.push(candidate);
      }
    }
    return peers;
  }

  #clearTimer(entry: CacheEntry): void {
    if (entry.timer !== undefined) {
      this.options.clock.clearTimeout(entry.timer);
      entry.timer = undefined;
    }
  }

  #detach(entry: CacheEntry): void {
    entry.attached = false;
    this.#clearTimer(entry);
  }

  #getSource(): AwsSource {
    this.#source ??= this.options.createSource();
    return this.#source;
  }

  #regionOf(region: string | undefined, field: string, id: string): string {
    const resolved = region ?? this.options.region;
    if (resolved === undefined || resolved === '') {
      throw new KuraConfigError(
        `no region for ${field} ${id}: pass region in the request, set region in createSecretsCache, or set AWS_REGION`,
      );
    }
    return resolved;
  }

  #assertOpen(): void {
    if (this.#closed) {
      throw new KuraClosedError(
        'the secrets cache is closed; create a new one with createSecretsCache',
      );
    }
  }
}

/**
 * Tells whether DescribeSecret was refused by policy. Expired or invalid credentials are also
 * KuraAwsAccessDeniedError, but they would fail GetSecretValue too, so they are not remembered.
 */
function isPermissionDenied(error: unknown): boolean {
  return (
    error instanceof KuraAwsAccessDeniedError &&
    (error.details.awsCode === 'AccessDeniedException' || error.details.awsCode === 'AccessDenied')
  );
}

/**
 * Wraps anything the source threw that is not one of ours, so listeners always get a KuraError.
 * The foreign message is left out because it could quote response content; `cause` keeps it.
 */
function toKuraError(error: unknown, request: CacheRequest): KuraError {
  if (error instanceof KuraError) {
    return error;
  }
  const id = describeRequest(request);
  return new KuraAwsError(
    `reading ${id} failed: the AWS source threw an error that is not a KuraError; see cause`,
    {
      awsCode: 'Unknown',
      service: request.service,
      operation: request.service === 'ssm' ? 'GetParameters' : 'GetSecretValue',
      region: request.region,
      id,
    },
    false,
    { cause: error },
  );
}
