/**
 * The `jmesPath` entries of an object. Expressions are compiled while parsing, so a bad path is
 * reported before any AWS call. The `jmespath` package implements the original JMESPath
 * specification, as go-jmespath does.
 */
import jmespath from 'jmespath';
import { decodeStruct, readStringField } from './fields.js';
import { computeFileName } from './file-names.js';
import { describeGoYamlValue, type GoYamlValue } from './go-yaml.js';
import type { JmesPathEntry } from './model.js';
import {
  checkObjectFileName,
  fieldContext,
  type ObjectRules,
  readFilePermission,
  toMode,
} from './object-rules.js';
import type { ObjectLocation } from './problems.js';

const compile = (jmespath as unknown as { compile(expression: string): unknown }).compile;
const identifier = /^[A-Za-z_][A-Za-z0-9_]*$/;

function compiles(expression: string): boolean {
  try {
    compile(expression);
    return true;
  } catch {
    return false;
  }
}

/**
 * Suggests a fix for an expression that does not compile: each dot-separated part that is not
 * a bare identifier is quoted, so `api-key` becomes `"api-key"`.
 */
function suggestQuoted(expression: string): string | undefined {
  const quoted = expression
    .split('.')
    .map((part) => (identifier.test(part) || part.startsWith('"') ? part : JSON.stringify(part)))
    .join('.');
  return quoted !== expression && compiles(quoted) ? quoted : undefined;
}

/** Returns why `expression` is not valid JMESPath, with a suggestion, or undefined when it is. */
export function checkJmesPath(expression: string): string | undefined {
  try {
    compile(expression);
    return undefined;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const suggestion = suggestQuoted(expression);
    const fix =
      suggestion === undefined
        ? 'see https://jmespath.org/specification.html'
        : `a name with characters other than letters, digits and _ must be quoted: write path: '${suggestion}'`;
    return `path ${expression} is not a valid JMESPath expression (${reason}); ${fix}`;
  }
}

const jmesPathFields = ['path', 'objectAlias', 'filePermission'] as const;
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

export function resolveJmesPath(
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
