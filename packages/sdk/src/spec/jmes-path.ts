/**
 * The `jmesPath` entries of an object. Expressions are parsed as go-jmespath parses them and
 * their function calls are checked, so a bad path is reported before any AWS call.
 */
import { decodeStruct, readStringField, suggestFieldName, truncate } from './fields.js';
import { computeFileName } from './file-names.js';
import { describeGoYamlValue, type GoYamlValue } from './go-yaml.js';
import {
  childNodes,
  type JmesPathNode,
  JmesPathSyntaxError,
  parseJmesPath,
} from './jmes-path-syntax.js';
import type { JmesPathEntry } from './model.js';
import {
  checkObjectFileName,
  fieldContext,
  type ObjectRules,
  readFilePermission,
  toMode,
} from './object-rules.js';
import type { ObjectLocation } from './problems.js';

const identifier = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** A dot-separated part that is meant as one key: no JMESPath operator or space in it. */
const keyLike = /^[^\s"'`()[\]{}|&,*@!=<>?.:]+$/;

/**
 * go-jmespath v0.4.0's function table: each function's arguments, where `expref` marks an
 * argument that must be an `&expression`, and `variadic` a last argument that may repeat.
 */
const functions = new Map<string, { args: ('any' | 'expref')[]; variadic?: boolean }>([
  ['abs', { args: ['any'] }],
  ['avg', { args: ['any'] }],
  ['ceil', { args: ['any'] }],
  ['contains', { args: ['any', 'any'] }],
  ['ends_with', { args: ['any', 'any'] }],
  ['floor', { args: ['any'] }],
  ['join', { args: ['any', 'any'] }],
  ['keys', { args: ['any'] }],
  ['length', { args: ['any'] }],
  ['map', { args: ['expref', 'any'] }],
  ['max', { args: ['any'] }],
  ['max_by', { args: ['any', 'expref'] }],
  ['merge', { args: ['any'], variadic: true }],
  ['min', { args: ['any'] }],
  ['min_by', { args: ['any', 'expref'] }],
  ['not_null', { args: ['any'], variadic: true }],
  ['reverse', { args: ['any'] }],
  ['sort', { args: ['any'] }],
  ['sort_by', { args: ['any', 'expref'] }],
  ['starts_with', { args: ['any', 'any'] }],
  ['sum', { args: ['any'] }],
  ['to_array', { args: ['any'] }],
  ['to_number', { args: ['any'] }],
  ['to_string', { args: ['any'] }],
  ['type', { args: ['any'] }],
  ['values', { args: ['any'] }],
]);

function parses(expression: string): boolean {
  try {
    parseJmesPath(expression);
    return true;
  } catch {
    return false;
  }
}

/**
 * Suggests a fix for an expression that does not parse when a dot-separated part is a key
 * that needs quotes (`api-key` becomes `"api-key"`). Returns undefined when no part is such a
 * key, so operators and brackets are never quoted.
 */
function suggestQuoted(expression: string): string | undefined {
  const quoted = expression
    .split('.')
    .map((part) => (identifier.test(part) || !keyLike.test(part) ? part : JSON.stringify(part)))
    .join('.');
  return quoted !== expression && parses(quoted) ? quoted : undefined;
}

function plural(count: number): string {
  return count === 1 ? '1 argument' : `${count} arguments`;
}

function checkFunction(node: Extract<JmesPathNode, { kind: 'function' }>): string | undefined {
  if (node.name === undefined) {
    return `only a function name or a 'quoted' string may be followed by ( at position ${node.position}, such as to_string(a)`;
  }
  const spec = functions.get(node.name);
  if (spec === undefined) {
    const suggestion = suggestFieldName(node.name, [...functions.keys()]);
    const hint = suggestion === undefined ? '' : `did you mean ${suggestion}? `;
    return `${node.name}() is not a JMESPath function; ${hint}the functions are ${[...functions.keys()].join(', ')}`;
  }
  const count = node.args.length;
  if (spec.variadic === true ? count < spec.args.length : count !== spec.args.length) {
    const expected =
      spec.variadic === true ? `at least ${plural(spec.args.length)}` : plural(spec.args.length);
    return `${node.name}() takes ${expected}, not ${count}`;
  }
  for (const [index, kind] of spec.args.entries()) {
    const arg = node.args[index];
    if (kind === 'expref' && arg?.kind !== 'expref') {
      return `argument ${index + 1} of ${node.name}() must be an expression reference starting with &, such as ${node.name === 'map' ? 'map(&name, items)' : `${node.name}(items, &name)`}`;
    }
  }
  return undefined;
}

/**
 * Walks the parsed expression for what go-jmespath accepts while parsing but always fails on
 * while searching: unknown functions, wrong argument counts, `&` outside a function argument
 * that takes one, and a slice step of 0.
 */
function checkNode(node: JmesPathNode, exprefAllowed: boolean): string | undefined {
  switch (node.kind) {
    case 'slice':
      return node.step === 0
        ? `the slice at position ${node.position} has a step of 0; use a step other than 0`
        : undefined;
    case 'expref':
      if (!exprefAllowed) {
        return `& (an expression reference) at position ${node.position} is allowed only as the expression argument of map, max_by, min_by or sort_by`;
      }
      return checkNode(node.child, false);
    case 'function': {
      const problem = checkFunction(node);
      if (problem !== undefined) return problem;
      const kinds = functions.get(node.name ?? '')?.args ?? [];
      for (const [index, arg] of node.args.entries()) {
        const argProblem = checkNode(arg, kinds[index] === 'expref');
        if (argProblem !== undefined) return argProblem;
      }
      return undefined;
    }
    default:
      for (const child of childNodes(node)) {
        const problem = checkNode(child, false);
        if (problem !== undefined) return problem;
      }
      return undefined;
  }
}

function findProblem(expression: string): string | undefined {
  let tree: JmesPathNode;
  try {
    tree = parseJmesPath(expression);
  } catch (error) {
    if (!(error instanceof JmesPathSyntaxError)) throw error;
    return error.message;
  }
  return checkNode(tree, false);
}

/**
 * Checks an expression as go-jmespath parses it, and checks its function calls. Returns the
 * problem with a fix, or undefined when the expression is valid.
 */
export function checkJmesPath(expression: string): string | undefined {
  const problem = findProblem(expression);
  if (problem === undefined) return undefined;
  const suggestion = suggestQuoted(expression);
  const fix =
    suggestion === undefined
      ? 'see https://jmespath.org/specification.html'
      : `a key with characters other than letters, digits and _ must be quoted: write path: '${suggestion}'`;
  return `path ${truncate(expression)} is not a valid JMESPath expression: ${problem}; ${fix}`;
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
