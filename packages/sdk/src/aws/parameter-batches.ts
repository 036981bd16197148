/**
 * Splits Parameter Store reads into GetParameters calls. A call contains at most 10 names (the
 * API's limit) and never the same parameter twice. Not every endpoint returns the `Selector`
 * field (moto does not, and it collapses selectors that resolve to one version), so results
 * are matched to requests by name, which works only when a name is unique within its call.
 */
import type { GetParameterRequest } from './types.js';

/** The maximum number of names one GetParameters call accepts. */
export const maxNamesPerCall = 10;

/**
 * Returns the key under which two ids name the same parameter: the name without its leading
 * slash, taken from the ARN for an ARN (`arn:aws:ssm:us-east-1:111122223333:parameter/app/db`
 * and `/app/db` both give `app/db`).
 */
export function parameterKey(id: string): string {
  const fromArn = /^arn:[^:]+:ssm:[^:]*:[^:]*:parameter\/(.*)$/.exec(id)?.[1];
  const name = fromArn ?? id;
  return name.startsWith('/') ? name.slice(1) : name;
}

/** Returns the name as GetParameters takes it: `name`, `name:version` or `name:label`. */
export function selectorName(request: GetParameterRequest): string {
  if (request.version !== undefined) return `${request.name}:${request.version}`;
  if (request.label !== undefined) return `${request.name}:${request.label}`;
  return request.name;
}

/**
 * Groups request indexes into calls: requests with different `withDecryption` never share a
 * call, and each request goes into the first call that has room and does not hold its
 * parameter yet. Eleven distinct names make two calls (10 and 1).
 */
export function planParameterBatches(requests: readonly GetParameterRequest[]): number[][] {
  const batches: { withDecryption: boolean; keys: Set<string>; indexes: number[] }[] = [];

  requests.forEach((request, index) => {
    const key = parameterKey(request.name);
    let batch = batches.find(
      (candidate) =>
        candidate.withDecryption === request.withDecryption &&
        candidate.indexes.length < maxNamesPerCall &&
        !candidate.keys.has(key),
    );
    if (batch === undefined) {
      batch = { withDecryption: request.withDecryption, keys: new Set(), indexes: [] };
      batches.push(batch);
    }
    batch.keys.add(key);
    batch.indexes.push(index);
  });

  return batches.map((batch) => batch.indexes);
}
