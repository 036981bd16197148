/**
 * `GET /systemsmanager/parameters/get`: the AWS Parameters and Secrets Lambda Extension's
 * endpoint. Takes `name` (with an optional `:version` or `:label` suffix, as GetParameter's `Name`
 * takes), `version` or `label`, and `withDecryption` (default false, as in GetParameter), and
 * returns `{"Parameter": {...}}` with GetParameter's field names.
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
import { type ParameterSelector, parameterSelectorOf } from '../listed-ids.js';
import { requireFileStore } from './file-store.js';
import { describeListedSelectors, jmesPathFileError, unlistedError } from './unlisted.js';

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
 * `String`, `ARN` is set only when the objectName is an ARN, and `Version` is the SPC's
 * objectVersion, else 0.
 */
function fileParameterBody(context: RouteContext, object: SpcObject): Record<string, unknown> {
  const store = requireFileStore(context);
  const status = store.status(object.fileName);
  const selector = parameterSelectorOf(object);
  return {
    Parameter: {
      ARN: object.objectName.startsWith('arn:') ? object.objectName : null,
      DataType: 'text',
      LastModifiedDate: status.lastRefreshAt,
      Name: object.objectName,
      Selector: formatSelector(selector),
      SourceResult: null,
      Type: 'String',
      Value: store.get(object.fileName),
      Version: selector.version === undefined ? 0 : Number(selector.version),
    },
    ResultMetadata: {},
  };
}

/** Formats a selector as GetParameter's `Selector` field does (`:3`, `:label`), or null. */
function formatSelector(selector: ParameterSelector): string | null {
  const suffix = selector.version ?? selector.label;
  return suffix === undefined ? null : `:${suffix}`;
}

/** Describes a requested version for messages, such as `version 3`. */
function describeParameterSelector(selector: ParameterSelector): string {
  if (selector.version !== undefined) {
    return `version ${selector.version}`;
  }
  if (selector.label !== undefined) {
    return `label ${selector.label}`;
  }
  return 'no version or label (the latest version)';
}

/**
 * Splits a `name:version` or `name:label` suffix off `name`, as GetParameter reads its `Name`.
 * A parameter name cannot contain `:`, so the suffix starts at the first `:` after the name
 * (after the `parameter/` part of an ARN).
 */
export function splitNameSelector(name: string): { name: string; selector: ParameterSelector } {
  const arnPrefix = /^arn:[^:]+:ssm:[^:]*:[^:]*:parameter\//.exec(name)?.[0] ?? '';
  const colon = name.indexOf(':', arnPrefix.length);
  if (colon === -1) {
    return { name, selector: {} };
  }
  const suffix = name.slice(colon + 1);
  const base = name.slice(0, colon);
  if (suffix === '' || suffix.includes(':')) {
    throw new HttpError(
      400,
      'ValidationException',
      `invalid name "${name.slice(0, 200)}"; write NAME, NAME:VERSION or NAME:LABEL`,
    );
  }
  return /^\d+$/.test(suffix)
    ? { name: base, selector: { version: suffix } }
    : { name: base, selector: { label: suffix } };
}

/** Reads the requested selector from `name`'s suffix, `version` or `label`; only one of them. */
function readSelector(values: Map<string, string>, suffixed: ParameterSelector): ParameterSelector {
  const version = optionalParameter(values, 'version');
  const label = optionalParameter(values, 'label');
  const selectorsGiven = [version, label, suffixed.version ?? suffixed.label].filter(
    (value) => value !== undefined,
  );
  if (selectorsGiven.length > 1) {
    throw new HttpError(
      400,
      'InvalidParameterException',
      'give one of version, label or a :version or :label suffix of name, not several',
    );
  }
  const selected = { ...suffixed };
  if (version !== undefined) {
    selected.version = version;
  }
  if (label !== undefined) {
    selected.label = label;
  }
  if (selected.version !== undefined && !/^[1-9]\d{0,18}$/.test(selected.version)) {
    throw new HttpError(
      400,
      'InvalidParameterException',
      `invalid version "${selected.version.slice(0, 100)}"; write a version number such as 3`,
    );
  }
  return selected;
}

export async function handleGetParameter(
  context: RouteContext,
  query: string,
  res: Response,
): Promise<void> {
  const values = parseQuery(query, parameters);
  const { name, selector: suffixed } = splitNameSelector(requireParameter(values, 'name'));
  const requested = readSelector(values, suffixed);
  const withDecryption = parseBooleanParameter('withDecryption', values.get('withDecryption'));

  const resolution = context.listed?.resolveParameter(name, requested);
  let object: SpcObject | undefined;
  let awsName = name;
  switch (resolution?.kind) {
    case 'listed':
      object = resolution.object;
      break;
    case 'selectorNotListed': {
      const selector = {
        requested: describeParameterSelector(requested),
        listed: resolution.objects.map((listed) =>
          describeParameterSelector(parameterSelectorOf(listed)),
        ),
      };
      if (context.source === 'files') {
        throw new HttpError(
          400,
          'ParameterVersionNotFound',
          `the mount dir has no value of name "${name}" with ${selector.requested}, because ` +
            `the SecretProviderClass ${describeListedSelectors(selector.listed)}`,
        );
      }
      if (!context.allowUnlisted) {
        throw unlistedError('name', name, selector);
      }
      awsName = resolution.objectName;
      break;
    }
    case 'jmesPath':
      if (!context.allowUnlisted || context.source === 'files') {
        throw jmesPathFileError('name', name);
      }
      break;
    case 'unlisted':
      if (!context.allowUnlisted) {
        throw unlistedError('name', name);
      }
      break;
    case undefined:
      break;
  }

  if (context.source === 'files' && object !== undefined) {
    sendJson(res, 200, fileParameterBody(context, object));
    return;
  }

  // NOTE: a listed parameter is always read with decryption, because the SPC's load filled
  // that cache entry. So `withDecryption=false` still returns a SecureString decrypted, the
  // value GET /objects/{file name} returns to the same token holder.
  const value = await context.cache.getParameter({
    name: object?.objectName ?? awsName,
    ...(object === undefined ? requested : parameterSelectorOf(object)),
    withDecryption: object === undefined ? withDecryption : true,
  });
  sendJson(res, 200, parameterBody(value));
}
