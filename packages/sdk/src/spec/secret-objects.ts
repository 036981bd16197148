/**
 * `spec.secretObjects`: the Kubernetes Secrets the CSI driver would sync. Each `data` item's
 * objectName must be a file name the SecretProviderClass produces, or the objectName of exactly
 * one object (resolved with a warning, because the CSI driver would fail to sync it). The
 * driver only fails later, at sync time, so kura rejects any other name while parsing.
 */

import { suggestFieldName } from './fields.js';
import { listProducedFiles } from './file-collisions.js';
import { describeGoYamlValue, type GoYamlValue } from './go-yaml.js';
import type { SecretObject, SecretObjectData, SpcObject } from './model.js';
import type { ProblemCollector } from './problems.js';

const secretObjectFields = ['secretName', 'type', 'labels', 'annotations', 'data'];
const dataFields = ['objectName', 'key'];
/** A DNS-1123 subdomain, the rule Kubernetes applies to a Secret's name. */
const secretNamePattern = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** The characters Kubernetes allows in a Secret's data key. */
const dataKeyPattern = /^[-._a-zA-Z0-9]+$/;
const maxNameLength = 253;

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
        `unknown field ${entry.key} is ignored; ${hint}known fields: ${known.join(', ')} (names are case-sensitive)`,
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

/** Explains an objectName that is neither a produced file name nor one object's objectName. */
function explainUnknownObjectName(
  objectName: string,
  objects: readonly SpcObject[],
  matches: readonly SpcObject[],
): string {
  if (matches.length > 1) {
    const names = [...new Set(matches.map((object) => object.fileName))].join(', ');
    return `objectName ${objectName} is the objectName of several objects (file names ${names}); write the file name of the one this key should hold`;
  }
  const files = [...new Set(listProducedFiles(objects).map((file) => file.fileName))];
  const shown =
    files.length > 20 ? [...files.slice(0, 20), `and ${files.length - 20} more`] : files;
  return `objectName ${objectName} is not a file name this SecretProviderClass produces, so the CSI driver would fail to sync the Secret; write one of: ${shown.join(', ')}`;
}

function resolveData(
  value: GoYamlValue | undefined,
  path: string,
  objects: readonly SpcObject[],
  collector: ProblemCollector,
  objectsComplete: boolean,
): SecretObjectData[] {
  if (value === undefined || value.kind === 'null') {
    collector.error(
      path,
      'data is missing; list the keys of the Secret, such as data: [{key: "password", objectName: "my-secret"}]',
    );
    return [];
  }
  if (value.kind !== 'seq') {
    collector.error(
      path,
      `data must be a list of items with key and objectName, not ${describeGoYamlValue(value)}`,
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
    const key = readString(field(item, 'key'), `${itemPath}.key`, collector) ?? '';
    const objectName =
      readString(field(item, 'objectName'), `${itemPath}.objectName`, collector) ?? '';

    let valid = true;
    if (key === '' || !dataKeyPattern.test(key) || key.length > maxNameLength) {
      collector.error(
        `${itemPath}.key`,
        `key ${JSON.stringify(key)} is not a valid Secret data key; use letters, digits, -, _ and . only, such as key: "password"`,
      );
      valid = false;
    } else if (keys.has(key)) {
      collector.warn(
        `${itemPath}.key`,
        `key ${key} is listed twice in this Secret; the later item replaces the earlier one`,
      );
    }
    keys.add(key);

    if (objectName === '') {
      collector.error(
        `${itemPath}.objectName`,
        'objectName is missing; write the file name of an object, which is its objectAlias when set',
      );
      valid = false;
    }

    let fileName = objectName;
    if (valid && !fileNames.has(objectName) && objectsComplete) {
      // An object's original objectName (an ARN with a slash, say) finds that object in kura,
      // as it does everywhere else. The CSI driver looks up file names only, so warn.
      const matches = objects.filter((object) => object.objectName === objectName);
      const only = matches.length === 1 ? matches[0] : undefined;
      if (only === undefined) {
        collector.error(
          `${itemPath}.objectName`,
          explainUnknownObjectName(objectName, objects, matches),
        );
        valid = false;
      } else {
        fileName = only.fileName;
        collector.warn(
          `${itemPath}.objectName`,
          `objectName ${objectName} is the objectName of object ${only.index}, whose file name is ${only.fileName}; kura resolves it, but the CSI driver looks objects up by file name and would fail to sync this Secret, so write objectName: "${only.fileName}"`,
        );
      }
    }
    if (valid) {
      data.push({ key, objectName, fileName });
    }
  }
  return data;
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

    const secretName = readString(field(item, 'secretName'), `${path}.secretName`, collector) ?? '';
    if (!secretNamePattern.test(secretName) || secretName.length > maxNameLength) {
      collector.error(
        `${path}.secretName`,
        `secretName ${JSON.stringify(secretName)} is not a valid Kubernetes Secret name; use lower-case letters, digits, - and ., such as secretName: "app-secret"`,
      );
    } else if (names.has(secretName)) {
      collector.warn(
        `${path}.secretName`,
        `secretName ${secretName} is listed twice; the CSI driver syncs both entries into one Secret`,
      );
    }
    names.add(secretName);

    let type = readString(field(item, 'type'), `${path}.type`, collector) ?? '';
    if (type === '') {
      // NOTE: assumed from Kubernetes, which stores a Secret without a type as Opaque; the CSI
      // driver's own handling of an empty type was not checked.
      collector.warn(
        `${path}.type`,
        'type is missing; the Secret is created as Opaque. Write type: "Opaque" to make that explicit',
      );
      type = 'Opaque';
    }

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
