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
 * Builds the cache key of a request. The key is a JSON array, so no id or selector can run
 * into its neighbour, and an absent selector (`null`) never equals a given one: a request with
 * `versionStage: "AWSCURRENT"` is its own entry, apart from the plain request.
 */
export function cacheKey(request: CacheRequest): string {
  if (request.service === 'secretsmanager') {
    return JSON.stringify([
      request.service,
      request.region,
      request.secretId,
      request.versionId ?? null,
      request.versionStage ?? null,
    ]);
  }
  return JSON.stringify([
    request.service,
    request.region,
    request.name,
    request.version ?? null,
    request.label ?? null,
    request.withDecryption,
  ]);
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
