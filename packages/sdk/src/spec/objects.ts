/**
 * One entry of `objects`: its fields, type, selector, file name, file permission, jmesPath
 * entries and failoverObject, checked with the AWS provider's rules.
 */

import { type PrimaryFields, resolveFailoverObject } from './failover-object.js';
import { decodeStruct, readStringField } from './fields.js';
import { computeFileName } from './file-names.js';
import { describeGoYamlValue, type GoYamlValue, toGoString } from './go-yaml.js';
import { resolveJmesPath } from './jmes-path.js';
import type { ObjectType, SpcObject } from './model.js';
import {
  checkObjectFileName,
  defaultFilePermission,
  fieldContext,
  type ObjectRules,
  readFilePermission,
  toMode,
} from './object-rules.js';
import { checkObjectName, parseArn } from './object-type.js';
import type { ObjectLocation } from './problems.js';
import { buildSelector } from './selector.js';

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

  if (resolvedType === 'ssmparameter' && objectVersion !== '' && !/^[0-9]+$/.test(objectVersion)) {
    rules.collector.warn(
      `${path}.objectVersion`,
      `objectVersion ${objectVersion} is not a number; SSM parameter versions are numbers, and the AWS provider requests ${objectName}:${objectVersion}, which SSM reads as a label. Write objectVersionLabel: "${objectVersion}" for a label, or a version number such as objectVersion: "1"`,
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
