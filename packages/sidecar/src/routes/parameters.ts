/**
 * `GET /systemsmanager/parameters/get`: the AWS Parameters and Secrets Lambda Extension's
 * endpoint. Takes `name`, `version` or `label`, and `withDecryption` (default false, as in
 * GetParameter), and returns `{"Parameter": {...}}` with GetParameter's field names.
 */
import type { ParameterValue, SpcObject } from '@kura/sdk';
import type { RouteContext } from '../context.js';
import { HttpError, type Response, sendJson } from '../http.js';
import {
  optionalParameter,
  parseBooleanParameter,
  parseQuery,
  requireParameter,
} from '../limits.js';
import { unlistedError } from './unlisted.js';

const parameters = ['name', 'version', 'label', 'withDecryption'] as const;

/** Builds the GetParameter-shaped body. `Selector` and `SourceResult` are null unless known. */
export function parameterBody(value: ParameterValue): Record<string, unknown> {
  return {
    Parameter: {
      ARN: value.arn,
      DataType: value.dataType ?? 'text',
      LastModifiedDate: value.lastModifiedDate?.toISOString() ?? null,
      Name: value.name,
      Selector: value.selector ?? null,
      SourceResult: null,
      Type: value.type,
      Value: value.value,
      Version: value.version,
    },
    ResultMetadata: {},
  };
}

/**
 * Builds the response from the mount dir's content under `--source files`, without an AWS call.
 * NOTE: a file does not record the parameter's type, ARN or version number, so `Type` is
 * `String`, `ARN` is set only when the objectName is an ARN, and `Version` is 0.
 */
function fileParameterBody(context: RouteContext, object: SpcObject): Record<string, unknown> {
  const store = context.store();
  if (store === undefined) {
    throw new HttpError(503, 'NotReadyException', 'the mount dir has not been read yet; retry');
  }
  const status = store.status(object.fileName);
  return {
    Parameter: {
      ARN: object.objectName.startsWith('arn:') ? object.objectName : null,
      DataType: 'text',
      LastModifiedDate: status.lastRefreshAt,
      Name: object.objectName,
      Selector: null,
      SourceResult: null,
      Type: 'String',
      Value: store.get(object.fileName),
      Version: 0,
    },
    ResultMetadata: {},
  };
}

export async function handleGetParameter(
  context: RouteContext,
  query: string,
  res: Response,
): Promise<void> {
  const values = parseQuery(query, parameters);
  const name = requireParameter(values, 'name');
  const version = optionalParameter(values, 'version');
  const label = optionalParameter(values, 'label');
  const withDecryption = parseBooleanParameter('withDecryption', values.get('withDecryption'));

  if (version !== undefined && label !== undefined) {
    throw new HttpError(400, 'InvalidParameterException', 'give either version or label, not both');
  }
  if (version !== undefined && !/^[1-9]\d{0,18}$/.test(version)) {
    throw new HttpError(
      400,
      'InvalidParameterException',
      `invalid version "${version.slice(0, 100)}"; write a version number such as 3`,
    );
  }

  const object = context.listed?.findParameter(name);
  if (context.listed !== undefined && object === undefined && !context.allowUnlisted) {
    throw unlistedError('name', name);
  }

  if (context.source === 'files' && object !== undefined) {
    sendJson(res, 200, fileParameterBody(context, object));
    return;
  }

  // NOTE: a listed parameter is always read with decryption, because the SPC's load filled
  // that cache entry. So `withDecryption=false` still returns a SecureString decrypted, the
  // value GET /objects/{file name} returns to the same token holder.
  const value = await context.cache.getParameter({
    name: object?.objectName ?? name,
    ...(version === undefined ? {} : { version }),
    ...(label === undefined ? {} : { label }),
    withDecryption: object === undefined ? withDecryption : true,
  });
  sendJson(res, 200, parameterBody(value));
}
