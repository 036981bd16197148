/**
 * `GET /secretsmanager/get`: the AWS Secrets Manager Agent's endpoint. Parameters, status codes,
 * field names and the `CreatedDate` format (epoch seconds with a fraction, as a JSON string)
 * follow the Agent (github.com/aws/aws-secretsmanager-agent, `server.rs`, `parse.rs` and the
 * caching crate's `output.rs`).
 */
import type { SecretValue, SpcObject } from '@kura/sdk';
import type { RouteContext } from '../context.js';
import { HttpError, type Response, sendJson } from '../http.js';
import {
  optionalParameter,
  parseBooleanParameter,
  parseQuery,
  requireParameter,
} from '../limits.js';
import { unlistedError } from './unlisted.js';

const parameters = ['secretId', 'versionId', 'versionStage', 'refreshNow'] as const;

/** Formats a date as the Agent does: epoch seconds, with milliseconds only when not zero. */
export function formatEpochSeconds(date: Date): string {
  return String(date.getTime() / 1000);
}

function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Builds the GetSecretValue-shaped body, in the Agent's field order. */
export function secretValueBody(value: SecretValue): Record<string, unknown> {
  const body: Record<string, unknown> = {
    ARN: value.arn,
    Name: value.name,
    VersionId: value.versionId,
  };
  if (value.secretString !== undefined) {
    body.SecretString = value.secretString;
  }
  if (value.secretBinary !== undefined) {
    body.SecretBinary = toBase64(value.secretBinary);
  }
  body.VersionStages = value.versionStages;
  if (value.createdDate !== undefined) {
    body.CreatedDate = formatEpochSeconds(value.createdDate);
  }
  return body;
}

/** Returns the version fields the store sends for an object, so a read hits its cache entry. */
function selectorOf(object: SpcObject): { versionId?: string; versionStage?: string } {
  switch (object.selector.kind) {
    case 'versionId':
      return { versionId: object.selector.versionId };
    case 'versionStage':
      return { versionStage: object.selector.versionStage };
    case 'versionIdAndStage':
      return { versionId: object.selector.versionId, versionStage: object.selector.versionStage };
    default:
      return {};
  }
}

/**
 * Finds the SPC object `secretId` names. An id that matches no objectName or file name may be
 * the ARN or name of an object the SPC names the other way. So each object's cached value is
 * read once to learn them, and those reads hit the entries the store's load filled.
 */
async function findListedSecret(
  context: RouteContext,
  secretId: string,
): Promise<SpcObject | undefined> {
  const listed = context.listed;
  if (listed === undefined) {
    return undefined;
  }
  const found = listed.findSecret(secretId);
  if (found !== undefined || context.source === 'files' || context.store() === undefined) {
    return found;
  }

  for (const object of listed.secretsManagerObjects) {
    try {
      const value = await context.cache.getSecretValue({
        secretId: object.objectName,
        ...selectorOf(object),
      });
      listed.learnSecret(object, value.arn, value.name);
    } catch {
      // An object whose value cannot be read names nothing new; the store reports its error.
    }
  }
  return listed.findSecret(secretId);
}

/**
 * Builds the response from the mount dir's content under `--source files`, without an AWS call.
 * NOTE: only the fields a file contains are real. `ARN` is set only when the objectName is an ARN,
 * `VersionId` is the content hash and `VersionStages` is `["AWSCURRENT"]`.
 */
function fileSecretBody(context: RouteContext, object: SpcObject): Record<string, unknown> {
  const store = context.store();
  if (store === undefined) {
    throw new HttpError(503, 'NotReadyException', 'the mount dir has not been read yet; retry');
  }
  const status = store.status(object.fileName);
  const content = store.getBytes(object.fileName);
  const body: Record<string, unknown> = {};
  if (object.objectName.startsWith('arn:')) {
    body.ARN = object.objectName;
  }
  body.Name = object.objectName;
  body.VersionId = status.version;
  const text = decodeUtf8(content);
  if (text === undefined) {
    body.SecretBinary = toBase64(content);
  } else {
    body.SecretString = text;
  }
  body.VersionStages = ['AWSCURRENT'];
  body.CreatedDate = formatEpochSeconds(new Date(status.lastRefreshAt));
  return body;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

export async function handleGetSecretValue(
  context: RouteContext,
  query: string,
  res: Response,
): Promise<void> {
  const values = parseQuery(query, parameters);
  const secretId = requireParameter(values, 'secretId');
  const versionId = optionalParameter(values, 'versionId');
  const versionStage = optionalParameter(values, 'versionStage');
  const refreshNow = parseBooleanParameter('refreshNow', values.get('refreshNow'));

  const object = await findListedSecret(context, secretId);
  if (context.listed !== undefined && object === undefined && !context.allowUnlisted) {
    throw unlistedError('secretId', secretId);
  }

  if (context.source === 'files' && object !== undefined) {
    sendJson(res, 200, fileSecretBody(context, object));
    return;
  }

  const value = await context.cache.getSecretValue({
    secretId: object?.objectName ?? secretId,
    ...(versionId === undefined ? {} : { versionId }),
    ...(versionStage === undefined ? {} : { versionStage }),
    refreshNow,
  });
  if (object !== undefined) {
    context.listed?.learnSecret(object, value.arn, value.name);
  }
  sendJson(res, 200, secretValueBody(value));
}
