/**
 * `spec.secretObjects`: the Kubernetes Secrets the CSI driver would sync. Each `data` item's
 * objectName must be a file name the SecretProviderClass produces, or the objectName of exactly
 * one object (resolved with a warning, because the CSI driver would fail to sync it). The
 * driver only fails later, at sync time, so kura rejects any other name while parsing.
 *
 * Like the driver, kura removes white space around `secretName`, `type`, `objectName` and `key`
 * with Go's `strings.TrimSpace` rules, and warns when that changes a value. An entry the driver
 * would not sync at all (no type, or no data) is an error as well.
 */

import { checkSecretKey, checkSecretName } from '../secret-objects/kubernetes-names.js';
import { trimSpaceAsGo } from '../secret-objects/trim-space.js';
import { suggestFieldName } from './fields.js';
import { listProducedFiles } from './file-collisions.js';
import { describeGoYamlValue, type GoYamlValue } from './go-yaml.js';
import type { SecretObject, SecretObjectData, SpcObject } from './model.js';
import type { ProblemCollector } from './problems.js';

const secretObjectFields = ['secretName', 'type', 'labels', 'annotations', 'data'];
const dataFields = ['objectName', 'key'];

function warnUnknown(
  entries: readonly { key: string }[],
  known: readonly string[],
  path: string,
  collector: ProblemCollector,
): void {
  for (const entry of entries) {
    if (!known.includes(entry.key)) {
      const suggestion = suggestFieldName(entry.key, known);
      const hint = suggestion === undefined ? '' : `did you mean ${suggestion}? `;
      collector.warn(
        `${path}.${entry.key}`,
        `unknown field ${JSON.stringify(entry.key)} is ignored; ${hint}known fields: ${known.join(', ')} (names are case-sensitive)`,
      );
    }
  }
}

function field(value: GoYamlValue, key: string): GoYamlValue | undefined {
  return value.kind === 'map' ? value.entries.find((entry) => entry.key === key)?.value : undefined;
}

function readString(
  value: GoYamlValue | undefined,
  path: string,
  collector: ProblemCollector,
): string | undefined {
  if (value === undefined || value.kind === 'null') {
    return undefined;
  }
  if (value.kind === 'string') {
    return value.value;
  }
  const quoteHint =
    value.kind === 'seq' || value.kind === 'map' ? '' : `; quote it: "${value.source}"`;
  collector.error(path, `must be a string, not ${describeGoYamlValue(value)}${quoteHint}`);
  return undefined;
}

/** A string field as written and after the white space the CSI driver removes. */
interface TrimmedString {
  written: string;
  trimmed: string;
}

/**
 * Reads a string field that the CSI driver trims with Go's `strings.TrimSpace`. A missing field
 * reads as empty. Warns when trimming changes a value that is not only white space.
 */
function readTrimmed(
  value: GoYamlValue | undefined,
  path: string,
  fieldName: string,
  collector: ProblemCollector,
): TrimmedString {
  const written = readString(value, path, collector) ?? '';
  const trimmed = trimSpaceAsGo(written);
  if (trimmed !== written && trimmed !== '') {
    collector.warn(
      path,
      `${fieldName} ${JSON.stringify(written)} starts or ends with white space, which the CSI driver removes, so kura uses ${JSON.stringify(trimmed)} too; write ${fieldName}: ${JSON.stringify(trimmed)}`,
    );
  }
  return { written, trimmed };
}

/** Describes a value that is empty once trimmed: missing, or only white space. */
function describeEmpty(fieldName: string, value: TrimmedString): string {
  return value.written === ''
    ? `${fieldName} is missing`
    : `${fieldName} ${JSON.stringify(value.written)} is only white space, which the CSI driver removes`;
}

function readStringMap(
  value: GoYamlValue | undefined,
  path: string,
  collector: ProblemCollector,
): Record<string, string> {
  const result: Record<string, string> = {};
  if (value === undefined || value.kind === 'null') {
    return result;
  }
  if (value.kind !== 'map') {
    collector.error(path, `must be a map of strings, not ${describeGoYamlValue(value)}`);
    return result;
  }
  for (const entry of value.entries) {
    const text = readString(entry.value, `${path}.${entry.key}`, collector);
    if (text !== undefined) {
      result[entry.key] = text;
    }
  }
  return result;
}

/** Lists file names for a message, quoted so that white space in them shows. */
function listFileNames(fileNames: readonly string[]): string {
  const quoted = fileNames.map((fileName) => JSON.stringify(fileName));
  const shown =
    quoted.length > 20 ? [...quoted.slice(0, 20), `and ${quoted.length - 20} more`] : quoted;
  return shown.join(', ');
}

/** Explains a trimmed objectName that is neither a produced file name nor one object's objectName. */
function explainUnknownObjectName(
  objectName: TrimmedString,
  objects: readonly SpcObject[],
  matches: readonly SpcObject[],
): string {
  const quoted = JSON.stringify(objectName.trimmed);
  if (matches.length > 1) {
    const names = listFileNames([...new Set(matches.map((object) => object.fileName))]);
    return `objectName ${quoted} is the objectName of several objects (file names ${names}); write the file name of the one this key should hold`;
  }
  const files = [...new Set(listProducedFiles(objects).map((file) => file.fileName))];
  if (files.includes(objectName.written)) {
    return `objectName ${JSON.stringify(objectName.written)} is a file name of this SecretProviderClass, but the CSI driver removes the white space around it and looks for the file ${quoted}, which does not exist, so it would fail to sync the Secret; give the object an objectAlias without white space at either end`;
  }
  return `objectName ${quoted} is not a file name this SecretProviderClass produces, so the CSI driver would fail to sync the Secret; write one of: ${listFileNames(files)}`;
}

/** Reads and checks a data item's `key`; returns the trimmed key, or undefined when invalid. */
function readDataKey(
  item: GoYamlValue,
  itemPath: string,
  keys: Set<string>,
  collector: ProblemCollector,
): string | undefined {
  const key = readTrimmed(field(item, 'key'), `${itemPath}.key`, 'key', collector);
  const fix = 'such as key: "password"';
  if (key.trimmed === '') {
    collector.error(
      `${itemPath}.key`,
      `${describeEmpty('key', key)}; write a Secret data key, ${fix}`,
    );
    return undefined;
  }
  const problem = checkSecretKey(key.trimmed);
  if (problem !== undefined) {
    collector.error(
      `${itemPath}.key`,
      `key ${JSON.stringify(key.trimmed)} is not a valid Secret data key, because ${problem}; write one ${fix}`,
    );
    return undefined;
  }
  if (keys.has(key.trimmed)) {
    collector.warn(
      `${itemPath}.key`,
      `key ${JSON.stringify(key.trimmed)} is listed twice in this Secret; the later item replaces the earlier one`,
    );
  }
  keys.add(key.trimmed);
  return key.trimmed;
}

/**
 * Reads a data item's `objectName` and finds its file name. Returns undefined, after recording
 * the error, when it names no file.
 */
function readDataObjectName(
  item: GoYamlValue,
  itemPath: string,
  objects: readonly SpcObject[],
  fileNames: ReadonlySet<string>,
  collector: ProblemCollector,
  objectsComplete: boolean,
): { objectName: string; fileName: string } | undefined {
  const path = `${itemPath}.objectName`;
  const objectName = readTrimmed(field(item, 'objectName'), path, 'objectName', collector);
  const name = objectName.trimmed;
  if (name === '') {
    collector.error(
      path,
      `${describeEmpty('objectName', objectName)}; write the file name of an object, which is its objectAlias when set`,
    );
    return undefined;
  }
  if (fileNames.has(name) || !objectsComplete) {
    return { objectName: name, fileName: name };
  }

  // An object's original objectName (an ARN with a slash, say) finds that object in kura,
  // as it does everywhere else. The CSI driver looks up file names only, so warn.
  const matches = objects.filter((object) => object.objectName === name);
  const only = matches.length === 1 ? matches[0] : undefined;
  if (only === undefined) {
    collector.error(path, explainUnknownObjectName(objectName, objects, matches));
    return undefined;
  }
  collector.warn(
    path,
    `objectName ${JSON.stringify(name)} is the objectName of object ${only.index}, whose file name is ${JSON.stringify(only.fileName)}; kura resolves it, but the CSI driver looks objects up by file name and would fail to sync this Secret, so write objectName: ${JSON.stringify(only.fileName)}`,
  );
  return { objectName: name, fileName: only.fileName };
}

function resolveData(
  value: GoYamlValue | undefined,
  path: string,
  objects: readonly SpcObject[],
  collector: ProblemCollector,
  objectsComplete: boolean,
): SecretObjectData[] {
  const example = 'data: [{key: "password", objectName: "my-secret"}]';
  if (value === undefined || value.kind === 'null') {
    collector.error(path, `data is missing; list the keys of the Secret, such as ${example}`);
    return [];
  }
  if (value.kind !== 'seq') {
    collector.error(
      path,
      `data must be a list of items with key and objectName, not ${describeGoYamlValue(value)}`,
    );
    return [];
  }
  if (value.items.length === 0) {
    collector.error(
      path,
      `data is empty, and the CSI driver does not sync a Secret without data; list its keys, such as ${example}`,
    );
    return [];
  }

  const fileNames = new Set(listProducedFiles(objects).map((file) => file.fileName));
  const keys = new Set<string>();
  const data: SecretObjectData[] = [];
  for (const [index, item] of value.items.entries()) {
    const itemPath = `${path}[${index}]`;
    if (item.kind !== 'map') {
      collector.error(
        itemPath,
        `each data item must be a map with key and objectName, not ${describeGoYamlValue(item)}`,
      );
      continue;
    }
    warnUnknown(item.entries, dataFields, itemPath, collector);
    const key = readDataKey(item, itemPath, keys, collector);
    const found = readDataObjectName(
      item,
      itemPath,
      objects,
      fileNames,
      collector,
      objectsComplete,
    );
    if (key !== undefined && found !== undefined) {
      data.push({ key, ...found });
    }
  }
  return data;
}

/** Reads and checks an entry's `secretName`; returns it trimmed, even when it is invalid. */
function readSecretName(
  item: GoYamlValue,
  path: string,
  names: Set<string>,
  collector: ProblemCollector,
): string {
  const secretName = readTrimmed(
    field(item, 'secretName'),
    `${path}.secretName`,
    'secretName',
    collector,
  );
  const name = secretName.trimmed;
  const fix = 'use lower-case letters, digits, - and ., such as secretName: "app-secret"';
  if (name === '') {
    collector.error(`${path}.secretName`, `${describeEmpty('secretName', secretName)}; ${fix}`);
  } else if (checkSecretName(name) !== undefined) {
    collector.error(
      `${path}.secretName`,
      `secretName ${JSON.stringify(name)} is not a valid Kubernetes Secret name; ${fix}`,
    );
  } else if (names.has(name)) {
    collector.warn(
      `${path}.secretName`,
      `secretName ${JSON.stringify(name)} is listed twice; the CSI driver writes both entries to the same Secret, and the later one replaces the earlier one`,
    );
  }
  names.add(name);
  return name;
}

/**
 * Reads an entry's `type`. The CSI driver rejects an entry whose type is missing or empty
 * ("secret type is empty"), but it trims the type before use, and an empty result means Opaque.
 */
function readType(item: GoYamlValue, path: string, collector: ProblemCollector): string {
  const type = readTrimmed(field(item, 'type'), `${path}.type`, 'type', collector);
  if (type.written === '') {
    collector.error(
      `${path}.type`,
      'type is missing, and the CSI driver does not sync an entry without a type; write type: "Opaque", or type: "kubernetes.io/tls" for a certificate and its private key',
    );
    return 'Opaque';
  }
  if (type.trimmed === '') {
    collector.warn(
      `${path}.type`,
      `${describeEmpty('type', type)}, and an empty type means Opaque; write type: "Opaque"`,
    );
    return 'Opaque';
  }
  return type.trimmed;
}

/**
 * Resolves `spec.secretObjects` against the objects' file names. `objectsComplete` is false
 * when some objects were invalid; names are then not checked, to avoid follow-on errors.
 */
export function resolveSecretObjects(
  value: GoYamlValue | undefined,
  objects: readonly SpcObject[],
  collector: ProblemCollector,
  objectsComplete: boolean,
): SecretObject[] {
  if (value === undefined || value.kind === 'null') {
    return [];
  }
  if (value.kind !== 'seq') {
    collector.error(
      'spec.secretObjects',
      `secretObjects must be a list, not ${describeGoYamlValue(value)}`,
    );
    return [];
  }

  const names = new Set<string>();
  const secretObjects: SecretObject[] = [];
  for (const [index, item] of value.items.entries()) {
    const path = `spec.secretObjects[${index}]`;
    if (item.kind !== 'map') {
      collector.error(
        path,
        `each secretObjects item must be a map with secretName, type and data, not ${describeGoYamlValue(item)}`,
      );
      continue;
    }
    warnUnknown(item.entries, secretObjectFields, path, collector);

    const secretName = readSecretName(item, path, names, collector);
    const type = readType(item, path, collector);
    secretObjects.push({
      secretName,
      type,
      labels: readStringMap(field(item, 'labels'), `${path}.labels`, collector),
      annotations: readStringMap(field(item, 'annotations'), `${path}.annotations`, collector),
      data: resolveData(field(item, 'data'), `${path}.data`, objects, collector, objectsComplete),
    });
  }
  return secretObjects;
}
