/**
 * kura's own object API: `GET /objects` (status of every SPC object, never values) and
 * `GET /objects/{file name}` (the bytes the mount file would hold, with an ETag).
 */
import type { ObjectStatus, SecretProviderClass, SecretStore } from '@kura/sdk';
import type { RouteContext } from '../context.js';
import { HttpError, type Request, type Response, sendBytes, sendEmpty, sendJson } from '../http.js';
import { parseQuery } from '../limits.js';

function requireStore(context: RouteContext): SecretStore {
  if (context.spc === undefined) {
    throw new HttpError(
      404,
      'NotFoundException',
      'no SecretProviderClass is loaded; start kura with --spc FILE to serve objects',
    );
  }
  const store = context.store();
  if (store === undefined) {
    throw new HttpError(
      503,
      'NotReadyException',
      'the objects have not been loaded yet; retry, or watch GET /readyz',
    );
  }
  return store;
}

/**
 * Picks the public fields of a status. The `hash` field stays out of listings; `version` under
 * files is that keyed hash, which reveals nothing about the value.
 */
function describe(status: ObjectStatus): Record<string, unknown> {
  return {
    fileName: status.fileName,
    objectName: status.objectName,
    objectType: status.objectType,
    version: status.version,
    lastRefreshAt: status.lastRefreshAt,
    stale: status.stale,
    source: status.source,
    ...(status.region === undefined ? {} : { region: status.region }),
    ...(status.lastErrorCode === undefined ? {} : { lastErrorCode: status.lastErrorCode }),
  };
}

export function handleListObjects(context: RouteContext, query: string, res: Response): void {
  parseQuery(query, []);
  const store = requireStore(context);
  sendJson(res, 200, { objects: store.objects().map(describe) });
}

/** True when `If-None-Match` lists `etag` or is `*`. */
function matchesEtag(header: string | undefined, etag: string): boolean {
  if (header === undefined) {
    return false;
  }
  return header
    .split(',')
    .map((candidate) => candidate.trim().replace(/^W\//, ''))
    .some((candidate) => candidate === '*' || candidate === etag);
}

/** The file names of each SPC's objects and jmesPath entries, built on the first request. */
const fileNamesBySpc = new WeakMap<SecretProviderClass, ReadonlySet<string>>();

/**
 * Returns the file names an SPC produces. A request looks its name up here instead of listing
 * every object's status, which cost a request time in proportion to the number of objects.
 */
function fileNamesOf(spc: SecretProviderClass): ReadonlySet<string> {
  let fileNames = fileNamesBySpc.get(spc);
  if (fileNames === undefined) {
    fileNames = new Set(
      spc.objects.flatMap((object) => [
        object.fileName,
        ...object.jmesPath.map((entry) => entry.fileName),
      ]),
    );
    fileNamesBySpc.set(spc, fileNames);
  }
  return fileNames;
}

function decodeFileName(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    throw new HttpError(400, 'InvalidParameterException', 'malformed percent-encoding in the path');
  }
}

export function handleGetObject(
  context: RouteContext,
  encodedName: string,
  query: string,
  req: Request,
  res: Response,
): void {
  parseQuery(query, []);
  const store = requireStore(context);
  const fileName = decodeFileName(encodedName);
  if (!fileNamesOf(context.spc as SecretProviderClass).has(fileName)) {
    throw new HttpError(
      404,
      'NotFoundException',
      `no object has the file name "${fileName.slice(0, 200)}"; GET /objects lists them`,
    );
  }

  // The bytes and the status are read in one synchronous run, so no refresh can land between
  // them. The store sets a file's content and hash together, so the status hash is the hash of
  // these bytes and need not be computed per request. The hash is keyed per process, so a
  // restart changes every ETag and the tag reveals nothing about the value.
  const content = store.getBytes(fileName);
  const status = store.status(fileName);
  const etag = `"${status.hash}"`;
  const headers = { ETag: etag, 'X-Kura-Version': status.version };
  if (matchesEtag(req.headers['if-none-match'], etag)) {
    sendEmpty(res, 304, headers);
    return;
  }
  sendBytes(res, 200, 'application/octet-stream', content, headers);
}
