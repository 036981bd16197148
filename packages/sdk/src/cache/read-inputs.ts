/**
 * Validates the inputs of `getSecretValue` and `getParameter` before any AWS call, and turns
 * them into cache requests without a region.
 */
import { KuraConfigError } from '../errors.js';
import {
  invalidField,
  optionalBoolean,
  optionalString,
  requireObjectWithNames,
} from './check-options.js';
import type { GetParameterInput, GetSecretValueInput } from './types.js';

const secretInputNames = ['secretId', 'region', 'versionId', 'versionStage', 'refreshNow'] as const;
const parameterInputNames = [
  'name',
  'region',
  'version',
  'label',
  'withDecryption',
  'refreshNow',
] as const;

/** The fields of a valid `getSecretValue` input. */
export interface SecretReadInput {
  secretId: string;
  region: string | undefined;
  versionId: string | undefined;
  versionStage: string | undefined;
  refreshNow: boolean;
}

/** The fields of a valid `getParameter` input, with `version` as a string of digits. */
export interface ParameterReadInput {
  name: string;
  region: string | undefined;
  version: string | undefined;
  label: string | undefined;
  withDecryption: boolean;
  refreshNow: boolean;
}

/**
 * Checks a `getSecretValue` input. `versionId` and `versionStage` may come together: AWS then
 * requires that they name the same version, as the GetSecretValue API reference states.
 */
export function checkSecretInput(rawInput: unknown): SecretReadInput {
  const idOnly = idOfIdOnlyInput(rawInput, 'secretId');
  if (idOnly !== undefined) {
    return {
      secretId: idOnly,
      region: undefined,
      versionId: undefined,
      versionStage: undefined,
      refreshNow: false,
    };
  }

  const caller = 'getSecretValue';
  const input = requireObjectWithNames(
    caller,
    { object: 'input', field: 'input field' },
    rawInput,
    secretInputNames,
    "{ secretId: 'prod/db' }",
  ) as unknown as GetSecretValueInput;
  return {
    secretId: requireId(caller, 'secretId', input.secretId, "'prod/db'"),
    region: optionalString(caller, 'region', input.region, "'eu-west-1'"),
    versionId: optionalString(
      caller,
      'versionId',
      input.versionId,
      "'a1b2c3d4-5678-90ab-cdef-EXAMPLE11111'",
    ),
    versionStage: optionalString(caller, 'versionStage', input.versionStage, "'AWSPREVIOUS'"),
    refreshNow: optionalBoolean(caller, 'refreshNow', input.refreshNow) ?? false,
  };
}

/** Checks a `getParameter` input. A version number may be given as a number or a string. */
export function checkParameterInput(rawInput: unknown): ParameterReadInput {
  const idOnly = idOfIdOnlyInput(rawInput, 'name');
  if (idOnly !== undefined && parameterSelectorSuffix(idOnly) === undefined) {
    return {
      name: idOnly,
      region: undefined,
      version: undefined,
      label: undefined,
      withDecryption: false,
      refreshNow: false,
    };
  }

  const caller = 'getParameter';
  const input = requireObjectWithNames(
    caller,
    { object: 'input', field: 'input field' },
    rawInput,
    parameterInputNames,
    "{ name: '/prod/db/host' }",
  ) as unknown as GetParameterInput;
  const name = requireId(caller, 'name', input.name, "'/prod/db/host'");
  const suffix = parameterSelectorSuffix(name);
  if (suffix !== undefined) {
    throw selectorSuffixError(caller, name, suffix);
  }

  const version = checkVersion(caller, input.version);
  const label = optionalString(caller, 'label', input.label, "'stable'");
  if (version !== undefined && label !== undefined) {
    throw new KuraConfigError(
      `${caller}: parameter ${name} has both version (${version}) and label (${label}); set only one of them`,
    );
  }
  return {
    name,
    region: optionalString(caller, 'region', input.region, "'eu-west-1'"),
    version,
    label,
    withDecryption: optionalBoolean(caller, 'withDecryption', input.withDecryption) ?? false,
    refreshNow: optionalBoolean(caller, 'refreshNow', input.refreshNow) ?? false,
  };
}

/**
 * Returns the `:version` or `:label` suffix of a parameter name, or undefined when it has none.
 * Parameter names cannot contain `:`, so the first `:` after the name starts the suffix. In an
 * ARN (`arn:PARTITION:ssm:REGION:ACCOUNT:parameter/NAME`) the search starts after `parameter/`.
 * GetParameter reads such a suffix from `Name`, but GetParameters returns the bare name, so
 * the cache could not match the response to the request.
 */
export function parameterSelectorSuffix(name: string): string | undefined {
  const arnPrefix = /^arn:[^:]*:ssm:[^:]*:[^:]*:parameter\//.exec(name)?.[0];
  if (arnPrefix === undefined && name.startsWith('arn:')) {
    // NOTE: a malformed ARN is left for AWS to reject, because its name part cannot be found.
    return undefined;
  }
  const colon = name.indexOf(':', arnPrefix?.length ?? 0);
  return colon === -1 ? undefined : name.slice(colon + 1);
}

function selectorSuffixError(caller: string, name: string, suffix: string): KuraConfigError {
  const base = name.slice(0, name.length - suffix.length - 1);
  const field = /^[0-9]+$/.test(suffix) ? 'version' : 'label';
  const example =
    suffix === ''
      ? ''
      : `, such as { name: ${JSON.stringify(base)}, ${field}: ${JSON.stringify(suffix)} }`;
  return new KuraConfigError(
    `${caller}: name ${JSON.stringify(name)} has a selector suffix ":${suffix}": pass the name alone and set version or label instead${example}`,
  );
}

/**
 * Returns the id of the usual input, an object with only `field` set to a non-empty
 * string, or undefined for any other input, which the full checks then handle. It reads the
 * object once instead of checking each optional field, because it runs on every read.
 */
function idOfIdOnlyInput(input: unknown, field: string): string | undefined {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return undefined;
  }
  const names = Object.keys(input);
  if (names.length !== 1 || names[0] !== field) {
    return undefined;
  }
  const id = (input as Record<string, unknown>)[field];
  return typeof id === 'string' && id.trim() !== '' ? id : undefined;
}

/** Rejects a missing, empty or non-string id before any AWS call, naming the method and field. */
function requireId(caller: string, field: string, id: unknown, example: string): string {
  if (id === undefined) {
    throw new KuraConfigError(
      `${caller}: ${field} is missing: give the name or ARN to read, such as ${field}: ${example}`,
    );
  }
  if (typeof id !== 'string') {
    throw invalidField(caller, field, `a name or ARN as a string, such as ${example}`, id);
  }
  if (id.trim() === '') {
    throw new KuraConfigError(
      `${caller}: ${field} is empty; give the name or ARN to read, such as ${field}: ${example}`,
    );
  }
  return id;
}

/** Accepts a version number as a positive whole number or a string of digits such as "3". */
function checkVersion(caller: string, version: unknown): string | undefined {
  if (version === undefined) {
    return undefined;
  }
  if (typeof version === 'number' && Number.isSafeInteger(version) && version >= 1) {
    return String(version);
  }
  if (typeof version === 'string' && /^[1-9][0-9]*$/.test(version)) {
    return version;
  }
  throw invalidField(
    caller,
    'version',
    'a version number of at least 1, as a whole number or a string of digits such as "3"',
    version,
  );
}
