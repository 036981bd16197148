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
import { type Resolution, type SecretSelector, secretSelectorOf } from '../listed-ids.js';
import { refreshFile, requireFileStore } from './file-store.js';
import { describeListedSelectors, jmesPathFileError, unlistedError } from './unlisted.js';

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

/** Describes a requested version for messages, such as `versionStage AWSPREVIOUS`. */
function describeSecretSelector(selector: SecretSelector): string {
  const parts: string[] = [];
  if (selector.versionId !== undefined) {
    parts.push(`versionId ${selector.versionId}`);
  }
  if (selector.versionStage !== undefined) {
    parts.push(`versionStage ${selector.versionStage}`);
  }
  return parts.length === 0 ? 'versionStage AWSCURRENT' : parts.join(' and ');
}

/**
 * Resolves `secretId` and the requested version against the SPC. An id that matches no
 * objectName or file name may be the ARN or name of an object the SPC names the other way. So
 * each object's cached value is read once to learn them, and those reads hit the entries the
 * store's load filled. Returns undefined without an SPC.
 */
async function resolveListedSecret(
  context: RouteContext,
  secretId: string,
  requested: SecretSelector,
): Promise<Resolution | undefined> {
  const listed = context.listed;
  if (listed === undefined) {
    return undefined;
  }
  const resolution = listed.resolveSecret(secretId, requested);
  if (
    resolution.kind !== 'unlisted' ||
    context.source === 'files' ||
    context.store() === undefined
  ) {
    return resolution;
  }

  for (const object of listed.secretsManagerObjects) {
    try {
      const value = await context.cache.getSecretValue({
        secretId: object.objectName,
        ...secretSelectorOf(object),
      });
      listed.learnSecret(object, value.arn, value.name);
    } catch {
      // An object whose value cannot be read names nothing new; the store reports its error.
    }
  }
  return listed.resolveSecret(secretId, requested);
}

/**
 * Builds the response from the mount dir's content under `--source files`, without an AWS call.
 * NOTE: only the fields a file contains are real. `ARN` is set only when the objectName is an
 * ARN. `VersionId` is the SPC's versionId, else the store's keyed content hash. `VersionStages`
 * is the SPC's stage, else `["AWSCURRENT"]`, and empty for an object pinned by versionId alone.
 */
function fileSecretBody(context: RouteContext, object: SpcObject): Record<string, unknown> {
  const store = requireFileStore(context);
  const status = store.status(object.fileName);
  const content = store.getBytes(object.fileName);
  const selector = secretSelectorOf(object);
  const body: Record<string, unknown> = {};
  if (object.objectName.startsWith('arn:')) {
    body.ARN = object.objectName;
  }
  body.Name = object.objectName;
  body.VersionId = selector.versionId ?? status.version;
  const text = decodeUtf8(content);
  if (text === undefined) {
    body.SecretBinary = toBase64(content);
  } else {
    body.SecretString = text;
  }
  if (selector.versionStage !== undefined) {
    body.VersionStages = [selector.versionStage];
  } else {
    body.VersionStages = selector.versionId === undefined ? ['AWSCURRENT'] : [];
  }
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
  const requested: SecretSelector = {
    ...(versionId === undefined ? {} : { versionId }),
    ...(versionStage === undefined ? {} : { versionStage }),
  };

  const resolution = await resolveListedSecret(context, secretId, requested);
  let object: SpcObject | undefined;
  let awsId = secretId;
  switch (resolution?.kind) {
    case 'listed':
      object = resolution.object;
      break;
    case 'selectorNotListed': {
      const selector = {
        requested: describeSecretSelector(requested),
        listed: resolution.objects.map((listed) =>
          describeSecretSelector(secretSelectorOf(listed)),
        ),
      };
      if (context.source === 'files') {
        throw new HttpError(
          400,
          'ResourceNotFoundException',
          `the mount dir has no value of secretId "${secretId}" with ${selector.requested}, ` +
            `because the SecretProviderClass ${describeListedSelectors(selector.listed)}`,
        );
      }
      if (!context.allowUnlisted) {
        throw unlistedError('secretId', secretId, selector);
      }
      awsId = resolution.objectName;
      break;
    }
    case 'jmesPath':
      if (!context.allowUnlisted || context.source === 'files') {
        throw jmesPathFileError('secretId', secretId);
      }
      break;
    case 'unlisted':
      if (!context.allowUnlisted) {
        throw unlistedError('secretId', secretId);
      }
      break;
    case undefined:
      break;
  }

  if (context.source === 'files' && object !== undefined) {
    if (refreshNow) {
      await refreshFile(context, object.fileName);
    }
    sendJson(res, 200, fileSecretBody(context, object));
    return;
  }

  const value = await context.cache.getSecretValue({
    secretId: object?.objectName ?? awsId,
    ...(object === undefined ? requested : secretSelectorOf(object)),
    refreshNow,
  });
  if (object !== undefined) {
    context.listed?.learnSecret(object, value.arn, value.name);
  }
  sendJson(res, 200, secretValueBody(value));
}
