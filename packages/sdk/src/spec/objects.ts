/**
 * One entry of `objects`: its fields, type, selector, file name, file permission, jmesPath
 * entries and failoverObject, checked with the AWS provider's rules.
 */

import { decodeStruct, type FieldContext, readStringField } from './fields.js';
import { checkFileName, computeFileName } from './file-names.js';
import { describeGoYamlValue, type GoYamlValue, toGoString } from './go-yaml.js';
import { checkJmesPath } from './jmes-path.js';
import type {
  FailoverObject,
  JmesPathEntry,
  ObjectType,
  PathTranslation,
  SpcObject,
  VersionSelector,
} from './model.js';
import { checkObjectName, parseArn } from './object-type.js';
import type { ObjectLocation, ProblemCollector } from './problems.js';

/** File mode used when `filePermission` is not set: the CSI driver's default, 0644. */
export const defaultFilePermission = 0o644;

const objectFields = [
  'objectName',
  'objectAlias',
  'objectVersion',
  'objectVersionLabel',
  'objectType',
  'filePermission',
  'jmesPath',
  'failoverObject',
] as const;
const jmesPathFields = ['path', 'objectAlias', 'filePermission'] as const;
const failoverFields = ['objectName', 'objectVersion', 'objectVersionLabel'] as const;

/** Settings from `spec.parameters` that every object's rules depend on. */
export interface ObjectRules {
  collector: ProblemCollector;
  region: string | undefined;
  failoverRegion: string | undefined;
  pathTranslation: PathTranslation;
}

function fieldContext(rules: ObjectRules, path: string, object: ObjectLocation): FieldContext {
  return { collector: rules.collector, path, object };
}

/** Reads `objectName` before the other fields, so every message about the object names it. */
function peekObjectName(item: GoYamlValue): string | undefined {
  if (item.kind !== 'map') {
    return undefined;
  }
  const matches = item.entries
    .filter((entry) => entry.key.toLowerCase() === 'objectname')
    .sort((left, right) => Buffer.compare(Buffer.from(left.key), Buffer.from(right.key)));
  const last = matches[matches.length - 1];
  return last === undefined ? undefined : toGoString(last.value);
}

/**
 * Reads `filePermission`: four octal digits as a string. An unquoted `0600` is read by YAML 1.1
 * as the octal number 384, as in the provider, and the error message suggests quoting it. Returns `''`
 * when the field is absent and undefined after recording an error.
 */
function readFilePermission(
  value: GoYamlValue | undefined,
  field: string,
  context: FieldContext,
): string | undefined {
  if (value === undefined) {
    return '';
  }
  const text = readStringField(value, field, context);
  if (text === undefined || text === '') {
    return text;
  }
  if (/^[0-7]{4}$/.test(text)) {
    return text;
  }

  const at = `${context.path}.${field}`;
  if (value.kind === 'int' || value.kind === 'float') {
    const written = value.source;
    const digits = written.replace(/^0o/i, '').padStart(4, '0');
    context.collector.error(
      at,
      `${field}: ${written} is read as ${describeGoYamlValue(value)} (YAML 1.1 reads a leading 0 as octal), so it is not four octal digits; quote it: ${field}: "${digits}"`,
      context.object,
    );
  } else {
    context.collector.error(
      at,
      `${field} ${JSON.stringify(text)} is invalid; write four octal digits as a quoted string, such as ${field}: "0640"`,
      context.object,
    );
  }
  return undefined;
}

function toMode(text: string | undefined, inherited: number): number {
  return text === undefined || text === '' ? inherited : Number.parseInt(text, 8);
}

/** Builds the selector the provider sends: Secrets Manager may send a version id and a stage. */
export function buildSelector(
  objectType: ObjectType,
  objectVersion: string,
  objectVersionLabel: string,
): VersionSelector {
  if (objectType === 'ssmparameter') {
    if (objectVersion !== '') {
      return { kind: 'ssmVersion', version: objectVersion };
    }
    return objectVersionLabel === ''
      ? { kind: 'latest' }
      : { kind: 'ssmLabel', label: objectVersionLabel };
  }
  if (objectVersion !== '' && objectVersionLabel !== '') {
    return {
      kind: 'versionIdAndStage',
      versionId: objectVersion,
      versionStage: objectVersionLabel,
    };
  }
  if (objectVersion !== '') {
    return { kind: 'versionId', versionId: objectVersion };
  }
  return objectVersionLabel === ''
    ? { kind: 'latest' }
    : { kind: 'versionStage', versionStage: objectVersionLabel };
}

/** Checks a final file name and warns about nested paths, which need `pathTranslation: False`. */
function checkObjectFileName(fileName: string, field: string, context: FieldContext): boolean {
  const problem = checkFileName(fileName);
  if (problem !== undefined) {
    context.collector.error(`${context.path}.${field}`, problem, context.object);
    return false;
  }
  if (fileName.includes('/')) {
    context.collector.warn(
      `${context.path}.${field}`,
      `file name ${fileName} is a nested path; the AWS provider writes it only when the CSI driver writes the files (driverWritesSecrets), because its own temp-file write rejects a / in the name`,
      context.object,
    );
  }
  return true;
}

function resolveJmesPathEntry(
  item: GoYamlValue,
  path: string,
  inheritedPermission: number,
  rules: ObjectRules,
  object: ObjectLocation,
): JmesPathEntry | undefined {
  const context = fieldContext(rules, path, object);
  if (item.kind !== 'map' && item.kind !== 'null') {
    rules.collector.error(
      path,
      `each jmesPath entry must be a map with path and objectAlias, not ${describeGoYamlValue(item)}`,
      object,
    );
    return undefined;
  }

  const fields = item.kind === 'map' ? decodeStruct(item.entries, jmesPathFields, context) : {};
  const expression = readStringField(fields.path, 'path', context) ?? '';
  const alias = readStringField(fields.objectAlias, 'objectAlias', context) ?? '';
  const permission = readFilePermission(fields.filePermission, 'filePermission', context);

  let valid = true;
  if (expression === '') {
    rules.collector.error(
      `${path}.path`,
      'path is missing; write the JMESPath expression of the JSON field to mount, such as path: "username"',
      object,
    );
    valid = false;
  } else {
    const problem = checkJmesPath(expression);
    if (problem !== undefined) {
      rules.collector.error(`${path}.path`, problem, object);
      valid = false;
    }
  }

  let fileName = '';
  if (alias === '') {
    rules.collector.error(
      `${path}.objectAlias`,
      'objectAlias is missing; every jmesPath entry needs the file name to write its value to, such as objectAlias: "username"',
      object,
    );
    valid = false;
  } else {
    fileName = computeFileName(alias, undefined, rules.pathTranslation);
    valid = checkObjectFileName(fileName, 'objectAlias', context) && valid;
  }

  if (!valid || permission === undefined) {
    return undefined;
  }
  return {
    path: expression,
    objectAlias: alias,
    fileName,
    filePermission: toMode(permission, inheritedPermission),
  };
}

function resolveJmesPath(
  value: GoYamlValue | undefined,
  path: string,
  inheritedPermission: number,
  rules: ObjectRules,
  object: ObjectLocation,
): JmesPathEntry[] {
  if (value === undefined || value.kind === 'null') {
    return [];
  }
  if (value.kind !== 'seq') {
    rules.collector.error(
      `${path}.jmesPath`,
      `jmesPath must be a list of entries with path and objectAlias, not ${describeGoYamlValue(value)}`,
      object,
    );
    return [];
  }
  const entries: JmesPathEntry[] = [];
  for (const [entryIndex, item] of value.items.entries()) {
    const entryPath = `${path}.jmesPath[${entryIndex}]`;
    const entry = resolveJmesPathEntry(item, entryPath, inheritedPermission, rules, object);
    if (entry !== undefined) {
      entries.push(entry);
    }
  }
  return entries;
}

/** The primary object's fields that failoverObject rules compare against. */
interface PrimaryFields {
  objectName: string;
  objectAlias: string;
  objectType: string;
  resolvedType: ObjectType | undefined;
  objectVersion: string;
  objectVersionLabel: string;
}

function resolveFailoverObject(
  value: GoYamlValue | undefined,
  path: string,
  primary: PrimaryFields,
  rules: ObjectRules,
  object: ObjectLocation,
): FailoverObject | undefined {
  if (value === undefined || value.kind === 'null') {
    return undefined;
  }
  const at = `${path}.failoverObject`;
  if (value.kind !== 'map') {
    rules.collector.error(
      at,
      `failoverObject must be a map with objectName, not ${describeGoYamlValue(value)}`,
      object,
    );
    return undefined;
  }

  const context = fieldContext(rules, at, object);
  const fields = decodeStruct(value.entries, failoverFields, context);
  const objectName = readStringField(fields.objectName, 'objectName', context) ?? '';
  const objectVersion = readStringField(fields.objectVersion, 'objectVersion', context) ?? '';
  const objectVersionLabel =
    readStringField(fields.objectVersionLabel, 'objectVersionLabel', context) ?? '';
  // In the failover region the provider sends the failover version and label, else the primary's.
  const version = objectVersion || primary.objectVersion;
  const label = objectVersionLabel || primary.objectVersionLabel;

  if (objectName === '') {
    if (rules.failoverRegion === undefined || (objectVersion === '' && objectVersionLabel === '')) {
      rules.collector.warn(
        at,
        'failoverObject has no objectName, so the AWS provider ignores it; add objectName or remove failoverObject',
        object,
      );
      return undefined;
    }
    rules.collector.warn(
      at,
      `failoverObject has no objectName, so the AWS provider checks none of its rules and reads ${primary.objectName} in ${rules.failoverRegion} with this version; add objectName to make it explicit`,
      object,
    );
    if (primary.resolvedType === undefined) {
      return undefined;
    }
    return {
      objectName: primary.objectName,
      ...(objectVersion === '' ? {} : { objectVersion }),
      ...(objectVersionLabel === '' ? {} : { objectVersionLabel }),
      selector: buildSelector(primary.resolvedType, version, label),
    };
  }

  let valid = true;
  if (primary.objectAlias === '') {
    rules.collector.error(
      `${path}.objectAlias`,
      `an object with a failoverObject needs an objectAlias, because the primary and the failover names differ; add objectAlias, such as objectAlias: "${primary.objectName.split(/[/:]/).pop() || 'secret'}"`,
      object,
    );
    valid = false;
  }
  if (rules.failoverRegion === undefined) {
    rules.collector.error(
      at,
      'failoverObject needs spec.parameters.failoverRegion, the region it is read from; add failoverRegion or remove failoverObject',
      object,
    );
    valid = false;
  }

  const check = checkObjectName(
    objectName,
    primary.objectType,
    rules.failoverRegion,
    'failoverRegion',
  );
  for (const error of check.errors) {
    const field = error.field === 'objectName' ? `${at}.objectName` : `${path}.objectType`;
    rules.collector.error(field, `failoverObject: ${error.message}`, object);
    valid = false;
  }
  for (const warning of check.warnings) {
    rules.collector.warn(`${at}.objectName`, `failoverObject: ${warning.message}`, object);
  }
  const failoverArn = parseArn(objectName);
  const primaryArn = parseArn(primary.objectName);
  if (
    primary.objectType === '' &&
    failoverArn !== undefined &&
    primaryArn !== undefined &&
    failoverArn.service !== primaryArn.service
  ) {
    rules.collector.warn(
      `${at}.objectName`,
      `the failover ARN's service ${failoverArn.service} differs from the primary's ${primaryArn.service}; the AWS provider reads it with the primary's service, which fails`,
      object,
    );
  }

  if (
    primary.resolvedType === 'ssmparameter' &&
    objectVersion !== '' &&
    objectVersionLabel !== ''
  ) {
    rules.collector.error(
      `${at}.objectVersionLabel`,
      'an ssmparameter failoverObject may set objectVersion or objectVersionLabel, not both; remove one',
      object,
    );
    valid = false;
  }
  if (objectVersion !== primary.objectVersion) {
    rules.collector.error(
      `${at}.objectVersion`,
      `failoverObject.objectVersion ${JSON.stringify(objectVersion)} must equal the object's objectVersion ${JSON.stringify(primary.objectVersion)}; write the same value in both or remove both`,
      object,
    );
    valid = false;
  }

  if (!valid || primary.resolvedType === undefined) {
    return undefined;
  }
  return {
    objectName,
    ...(objectVersion === '' ? {} : { objectVersion }),
    ...(objectVersionLabel === '' ? {} : { objectVersionLabel }),
    selector: buildSelector(primary.resolvedType, version, label),
  };
}

/**
 * Resolves one entry of `objects`. Records every problem in `rules.collector` and returns
 * undefined when the entry cannot be resolved.
 */
export function resolveObject(
  item: GoYamlValue,
  index: number,
  rules: ObjectRules,
): SpcObject | undefined {
  const path = `spec.parameters.objects[${index}]`;
  const object: ObjectLocation = { index, objectName: peekObjectName(item) };
  if (item.kind === 'null') {
    rules.collector.error(
      path,
      'the list item is empty (a "-" with nothing after it); remove it or write the object\'s fields after the "-"',
      object,
    );
    return undefined;
  }
  if (item.kind !== 'map') {
    rules.collector.error(
      path,
      `each item of objects must be a map of fields starting with objectName, not ${describeGoYamlValue(item)}; write - objectName: "NAME"`,
      object,
    );
    return undefined;
  }

  const problemsBefore = rules.collector.problems.length;
  const context = fieldContext(rules, path, object);
  const fields = decodeStruct(item.entries, objectFields, context);
  const objectName = readStringField(fields.objectName, 'objectName', context) ?? '';
  const objectAlias = readStringField(fields.objectAlias, 'objectAlias', context) ?? '';
  const objectVersion = readStringField(fields.objectVersion, 'objectVersion', context) ?? '';
  const objectVersionLabel =
    readStringField(fields.objectVersionLabel, 'objectVersionLabel', context) ?? '';
  const objectType = readStringField(fields.objectType, 'objectType', context) ?? '';
  const permission = readFilePermission(fields.filePermission, 'filePermission', context);

  let resolvedType: ObjectType | undefined;
  if (
    objectName === '' &&
    (fields.objectName === undefined || toGoString(fields.objectName) === '')
  ) {
    rules.collector.error(
      `${path}.objectName`,
      'objectName is missing; write the secret\'s name or ARN, or the parameter\'s name, such as objectName: "prod/db/password"',
      object,
    );
  } else if (objectName !== '') {
    const check = checkObjectName(objectName, objectType, rules.region, 'region');
    for (const error of check.errors) {
      rules.collector.error(`${path}.${error.field}`, error.message, object);
    }
    for (const warning of check.warnings) {
      rules.collector.warn(`${path}.${warning.field}`, warning.message, object);
    }
    resolvedType = check.objectType;
  }

  if (resolvedType === 'ssmparameter' && objectVersion !== '' && objectVersionLabel !== '') {
    rules.collector.error(
      `${path}.objectVersionLabel`,
      'an ssmparameter object may set objectVersion or objectVersionLabel, not both; remove one',
      object,
    );
  }

  const fileName = computeFileName(objectName, objectAlias, rules.pathTranslation);
  if (objectName !== '' || objectAlias !== '') {
    checkObjectFileName(fileName, objectAlias === '' ? 'objectName' : 'objectAlias', context);
  }

  const filePermission = toMode(permission, defaultFilePermission);
  const jmesPath = resolveJmesPath(fields.jmesPath, path, filePermission, rules, object);
  const primary: PrimaryFields = {
    objectName,
    objectAlias,
    objectType,
    resolvedType,
    objectVersion,
    objectVersionLabel,
  };
  const failoverObject = resolveFailoverObject(fields.failoverObject, path, primary, rules, object);

  if (
    rules.failoverRegion !== undefined &&
    failoverObject === undefined &&
    parseArn(objectName) !== undefined
  ) {
    rules.collector.warn(
      `${path}.objectName`,
      `in failoverRegion ${rules.failoverRegion} the AWS provider reads this same ARN, which names another region; add a failoverObject with the ARN of the copy in ${rules.failoverRegion}`,
      object,
    );
  }

  if (
    resolvedType === undefined ||
    permission === undefined ||
    rules.collector.problems.length > problemsBefore
  ) {
    return undefined;
  }
  return {
    index,
    objectName,
    objectType: resolvedType,
    ...(objectAlias === '' ? {} : { objectAlias }),
    ...(objectVersion === '' ? {} : { objectVersion }),
    ...(objectVersionLabel === '' ? {} : { objectVersionLabel }),
    selector: buildSelector(resolvedType, objectVersion, objectVersionLabel),
    fileName,
    filePermission,
    jmesPath,
    ...(failoverObject === undefined ? {} : { failoverObject }),
  };
}
