/** Cache keys: every field that changes the value AWS returns is part of the key. */

/** One Secrets Manager or Parameter Store read, with everything that selects its value. */
export type CacheRequest = SecretRequest | ParameterRequest;

export interface SecretRequest {
  service: 'secretsmanager';
  region: string;
  /** Name, partial ARN or full ARN, exactly as given: two spellings of one secret are two entries. */
  secretId: string;
  versionId?: string;
  versionStage?: string;
}

export interface ParameterRequest {
  service: 'ssm';
  region: string;
  /** Name or ARN, exactly as given, without a selector suffix. */
  name: string;
  /** Version number as a string. Exclusive with `label`. */
  version?: string;
  label?: string;
  withDecryption: boolean;
}

/**
 * Builds the cache key of a request. Each string field is written as its length, `:`, then
 * the string, so no id or selector can run into its neighbour whatever characters it holds.
 * An absent selector is written as `-`, which no length starts with, so it never equals a given
 * one: a request with `versionStage: "AWSCURRENT"` is its own entry, apart from the plain
 * request. String concatenation is used because this runs on every read, and JSON.stringify
 * of an array cost a third of a warm read.
 */
export function cacheKey(request: CacheRequest): string {
  if (request.service === 'secretsmanager') {
    return secretKey(request.region, request.secretId, request.versionId, request.versionStage);
  }
  return parameterKey(
    request.region,
    request.name,
    request.version,
    request.label,
    request.withDecryption,
  );
}

/** Builds the key `cacheKey` gives a Secrets Manager request, from its fields. */
export function secretKey(
  region: string,
  secretId: string,
  versionId: string | undefined,
  versionStage: string | undefined,
): string {
  return (
    `secretsmanager|${region.length}:${region}${secretId.length}:${secretId}` +
    `${selectorPart(versionId)}${selectorPart(versionStage)}`
  );
}

/** Builds the key `cacheKey` gives a Parameter Store request, from its fields. */
export function parameterKey(
  region: string,
  name: string,
  version: string | undefined,
  label: string | undefined,
  withDecryption: boolean,
): string {
  return (
    `ssm|${region.length}:${region}${name.length}:${name}` +
    `${selectorPart(version)}${selectorPart(label)}${withDecryption ? 'd' : 'p'}`
  );
}

function selectorPart(value: string | undefined): string {
  return value === undefined ? '-' : `${value.length}:${value}`;
}

/**
 * Tells whether a request names a version that can never change: a Secrets Manager VersionId
 * or a Parameter Store version number. Stages and labels can move, so they are not pinned.
 */
export function isPinned(request: CacheRequest): boolean {
  return request.service === 'secretsmanager'
    ? request.versionId !== undefined
    : request.version !== undefined;
}

/** Formats a request for messages: the id with its selector, as AWS names it. */
export function describeRequest(request: CacheRequest): string {
  if (request.service === 'ssm') {
    const suffix = request.version ?? request.label;
    return suffix === undefined ? request.name : `${request.name}:${suffix}`;
  }
  const selectors = [
    request.versionId === undefined ? undefined : `VersionId ${request.versionId}`,
    request.versionStage === undefined ? undefined : `VersionStage ${request.versionStage}`,
  ].filter((part) => part !== undefined);
  return selectors.length === 0
    ? request.secretId
    : `${request.secretId} (${selectors.join(', ')})`;
}

/**
 * Keys of plain reads (no version or stage selector) of one kind, stored by region and then
 * id. A warm read then looks up two strings the caller already holds, whose hashes V8 keeps
 * with the string, instead of hashing a key string built for that read: that hashing was most
 * of the cost of a warm `getSecretValue`. Emptied when it contains `maxSize` keys, so ids read
 * once cannot grow it without bound.
 */
export class PlainReadKeys {
  readonly #byRegion = new Map<string, Map<string, string>>();
  #size = 0;

  constructor(
    readonly maxSize: number,
    /** Builds the key of the plain read of `id` in `region`, as `cacheKey` does. */
    private readonly build: (region: string, id: string) => string,
  ) {}

  get(region: string, id: string): string {
    let keys = this.#byRegion.get(region);
    const known = keys?.get(id);
    if (known !== undefined) {
      return known;
    }
    if (this.#size >= this.maxSize) {
      this.#byRegion.clear();
      this.#size = 0;
      keys = undefined;
    }
    if (keys === undefined) {
      keys = new Map();
      this.#byRegion.set(region, keys);
    }
    const key = this.build(region, id);
    keys.set(id, key);
    this.#size += 1;
    return key;
  }
}
