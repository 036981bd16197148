/**
 * Evaluates a parsed JMESPath expression as go-jmespath v0.4.0 (the AWS provider's library)
 * evaluates it, node by node and function by function (its interpreter.go and functions.go).
 * kura does not evaluate with the `jmespath` package (jmespath.js 0.16), because that library
 * gives other bytes than the provider in these cases:
 * - `<`, `<=`, `>` and `>=` order strings, where go-jmespath gives null for non-numbers;
 * - `to_number` reads strings as JavaScript's Number() does (`''` is 0, `0x10` is 16), where
 *   go-jmespath uses Go's strconv.ParseFloat;
 * - `@[0]` and `@[*]` on an object throw, where go-jmespath gives null;
 * - `length` and `reverse` of a string count UTF-16 units, where Go counts code points;
 * - strings sort by UTF-16 units, where Go sorts by UTF-8 bytes;
 * - it cannot parse some expressions go-jmespath accepts, such as `to_string(@.a)`;
 * - go-jmespath's `sort_by` sorts its input array in place, which later entries of the same
 *   secret see, and its `*` over an object also projects one null for each member.
 * Values are those of parse-json.ts: null, booleans, float64 numbers, strings, arrays and
 * plain objects.
 */
import type { ComparatorOperator, JmesPathNode } from '../spec/jmes-path-syntax.js';
import { compareUtf8, GoJsonSyntaxError, marshalJsonAsGo, parseFloatAsGo } from './parse-json.js';

/** An evaluation failure. The message names the function or step, never a value. */
export class JmesPathEvaluationError extends Error {}

/**
 * A case where go-jmespath panics instead of returning an error. The provider does not
 * recover, so its process crashes. Unlike an error, a panic is not dropped by `[]`, `*` or a
 * filter.
 */
export class JmesPathPanicError extends JmesPathEvaluationError {}

/** An `&expression` argument, as go-jmespath's expRef. */
class ExpressionReference {
  constructor(readonly node: JmesPathNode) {}
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    !(value instanceof ExpressionReference)
  );
}

/** JMESPath falsiness as go-jmespath's isFalse: null, false, and empty strings, arrays, objects. */
function isFalse(value: unknown): boolean {
  if (value === null || value === false || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  if (isObject(value)) return Object.keys(value).length === 0;
  return false;
}

/**
 * Compares as Go's reflect.DeepEqual compares decoded JSON: NaN differs from itself, but the
 * same array or object is equal to itself. It walks with an explicit stack for deep values.
 */
function deepEqual(left: unknown, right: unknown): boolean {
  const pending: [unknown, unknown][] = [[left, right]];
  for (let pair = pending.pop(); pair !== undefined; pair = pending.pop()) {
    const [a, b] = pair;
    if (a !== null && typeof a === 'object' && a === b) continue;
    if (Array.isArray(a) && Array.isArray(b)) {
      if (a.length !== b.length) return false;
      for (const [index, item] of a.entries()) pending.push([item, b[index]]);
    } else if (isObject(a) && isObject(b)) {
      const keys = Object.keys(a);
      if (keys.length !== Object.keys(b).length) return false;
      for (const key of keys) {
        if (!Object.hasOwn(b, key)) return false;
        pending.push([a[key], b[key]]);
      }
    } else if (a !== b || (typeof a === 'object' && a !== null)) {
      return false;
    }
  }
  return true;
}

function compareNumbers(operator: ComparatorOperator, left: number, right: number): boolean {
  switch (operator) {
    case '<':
      return left < right;
    case '<=':
      return left <= right;
    case '>':
      return left > right;
    default:
      return left >= right;
  }
}

/** Python-style slice bounds, as go-jmespath's computeSliceParams and capSlice. */
function sliceArray(array: unknown[], node: Extract<JmesPathNode, { kind: 'slice' }>): unknown[] {
  const step = node.step ?? 1;
  if (step === 0) throw new JmesPathEvaluationError('a slice step cannot be 0');
  const length = array.length;
  const cap = (actual: number): number => {
    if (actual < 0) {
      const shifted = actual + length;
      if (shifted >= 0) return shifted;
      return step < 0 ? -1 : 0;
    }
    if (actual >= length) return step < 0 ? length - 1 : length;
    return actual;
  };
  let start = step < 0 ? length - 1 : 0;
  if (node.start !== undefined) start = cap(node.start);
  let stop = step < 0 ? -1 : length;
  if (node.stop !== undefined) stop = cap(node.stop);

  const result: unknown[] = [];
  if (step > 0) {
    for (let index = start; index < stop; index += step) result.push(array[index]);
  } else {
    for (let index = start; index > stop; index += step) result.push(array[index]);
  }
  return result;
}

type ArgumentType =
  | 'number'
  | 'string'
  | 'array'
  | 'object'
  | 'array[number]'
  | 'array[string]'
  | 'expref'
  | 'any';

function hasType(value: unknown, type: ArgumentType): boolean {
  switch (type) {
    case 'number':
      return typeof value === 'number';
    case 'string':
      return typeof value === 'string';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isObject(value);
    case 'array[number]':
      return Array.isArray(value) && value.every((item) => typeof item === 'number');
    case 'array[string]':
      return Array.isArray(value) && value.every((item) => typeof item === 'string');
    case 'expref':
      return value instanceof ExpressionReference;
    default:
      return true;
  }
}

interface FunctionEntry {
  /** The accepted types of each argument. */
  args: ArgumentType[][];
  /** The last argument repeats, and go-jmespath then checks only the count, not the types. */
  variadic?: boolean;
  call(args: unknown[], interpreter: Interpreter): unknown;
}

/** Go's `<` on strings, which compares UTF-8 bytes. */
function lessString(left: string, right: string): boolean {
  return compareUtf8(left, right) < 0;
}

/** sort.Float64Slice's order: NaN sorts before every number. */
function lessFloat(left: number, right: number): boolean {
  return left < right || (Number.isNaN(left) && !Number.isNaN(right));
}

function pickBy(args: unknown[], interpreter: Interpreter, wantGreater: boolean): unknown {
  const array = args[0] as unknown[];
  const node = (args[1] as ExpressionReference).node;
  if (array.length === 0) return null;
  if (array.length === 1) return array[0];

  const first = interpreter.evaluate(node, array[0]);
  if (typeof first !== 'number' && typeof first !== 'string') {
    throw new JmesPathEvaluationError(
      'the expression of max_by() or min_by() must give numbers or strings',
    );
  }
  let best = array[0];
  let bestKey: number | string = first;
  for (const item of array.slice(1)) {
    const key = interpreter.evaluate(node, item);
    if (typeof key !== typeof first) {
      throw new JmesPathEvaluationError(
        'the expression of max_by() or min_by() gives keys of different types',
      );
    }
    const better =
      typeof key === 'number'
        ? wantGreater
          ? key > (bestKey as number)
          : key < (bestKey as number)
        : wantGreater
          ? lessString(bestKey as string, key as string)
          : lessString(key as string, bestKey as string);
    if (better) {
      best = item;
      bestKey = key as number | string;
    }
  }
  return best;
}

function extreme(values: unknown[], wantGreater: boolean): unknown {
  if (values.length === 0) return null;
  let best = values[0] as number | string;
  for (const value of values.slice(1) as (number | string)[]) {
    const greater =
      typeof value === 'number' ? value > (best as number) : lessString(best as string, value);
    const less =
      typeof value === 'number' ? value < (best as number) : lessString(value, best as string);
    if (wantGreater ? greater : less) best = value;
  }
  return best;
}

/**
 * Sorts in place by the expression, as go-jmespath's sort_by does: the input array itself is
 * reordered, so later expressions on the same document see the new order.
 */
function sortBy(args: unknown[], interpreter: Interpreter): unknown {
  const array = args[0] as unknown[];
  const node = (args[1] as ExpressionReference).node;
  if (array.length < 2) return array;

  const keys = array.map((item) => interpreter.evaluate(node, item));
  const type = typeof keys[0];
  if (type !== 'number' && type !== 'string') {
    throw new JmesPathEvaluationError('the expression of sort_by() must give numbers or strings');
  }
  if (keys.some((key) => typeof key !== type)) {
    throw new JmesPathEvaluationError('the expression of sort_by() gives keys of different types');
  }
  // NOTE: go-jmespath's sort.Stable may order NaN keys (from avg([])) differently.
  const order = array.map((item, index) => ({ item, key: keys[index] as number | string }));
  order.sort((left, right) => {
    if (type === 'number') {
      return (left.key as number) < (right.key as number)
        ? -1
        : (right.key as number) < (left.key as number)
          ? 1
          : 0;
    }
    return compareUtf8(left.key as string, right.key as string);
  });
  for (const [index, entry] of order.entries()) array[index] = entry.item;
  return array;
}

function sortValues(array: unknown[]): unknown[] {
  if (array.every((item) => typeof item === 'number')) {
    const numbers = [...(array as number[])];
    return numbers.sort((left, right) =>
      lessFloat(left, right) ? -1 : lessFloat(right, left) ? 1 : 0,
    );
  }
  return [...(array as string[])].sort(compareUtf8);
}

/** Compares as Go's interface `==` does, which panics on two arrays or two objects. */
function interfaceEqual(left: unknown, right: unknown): boolean {
  if ((Array.isArray(left) && Array.isArray(right)) || (isObject(left) && isObject(right))) {
    throw new JmesPathPanicError(
      'contains() compared an array or object with another of the same kind, which makes the provider crash (a Go panic)',
    );
  }
  return left === right;
}

/** go-jmespath v0.4.0's function table. */
const functions = new Map<string, FunctionEntry>([
  ['abs', { args: [['number']], call: ([value]) => Math.abs(value as number) }],
  [
    'avg',
    {
      args: [['array[number]']],
      call: ([value]) => {
        const numbers = value as number[];
        let sum = 0;
        for (const item of numbers) sum += item;
        return sum / numbers.length;
      },
    },
  ],
  ['ceil', { args: [['number']], call: ([value]) => Math.ceil(value as number) }],
  [
    'contains',
    {
      args: [['array', 'string'], ['any']],
      call: ([subject, search]) => {
        if (typeof subject === 'string') {
          return typeof search === 'string' && subject.includes(search);
        }
        return (subject as unknown[]).some((item) => interfaceEqual(item, search));
      },
    },
  ],
  [
    'ends_with',
    {
      args: [['string'], ['string']],
      call: ([value, suffix]) => (value as string).endsWith(suffix as string),
    },
  ],
  ['floor', { args: [['number']], call: ([value]) => Math.floor(value as number) }],
  [
    'join',
    {
      args: [['string'], ['array[string]']],
      call: ([separator, items]) => (items as string[]).join(separator as string),
    },
  ],
  ['keys', { args: [['object']], call: ([value]) => Object.keys(value as JsonObject) }],
  [
    'length',
    {
      args: [['string', 'array', 'object']],
      call: ([value]) => {
        if (typeof value === 'string') return [...value].length;
        if (Array.isArray(value)) return value.length;
        return Object.keys(value as JsonObject).length;
      },
    },
  ],
  [
    'map',
    {
      args: [['expref'], ['array']],
      call: ([reference, array], interpreter) =>
        (array as unknown[]).map((item) =>
          interpreter.evaluate((reference as ExpressionReference).node, item),
        ),
    },
  ],
  [
    'max',
    {
      args: [['array[number]', 'array[string]']],
      call: ([value]) => extreme(value as unknown[], true),
    },
  ],
  [
    'max_by',
    { args: [['array'], ['expref']], call: (args, interpreter) => pickBy(args, interpreter, true) },
  ],
  [
    'merge',
    {
      args: [['object']],
      variadic: true,
      call: (args) => {
        const merged: JsonObject = Object.create(null);
        for (const arg of args) {
          if (!isObject(arg)) {
            throw new JmesPathPanicError(
              'merge() received an argument that is not an object, which makes the provider crash (a Go panic)',
            );
          }
          for (const [key, value] of Object.entries(arg)) merged[key] = value;
        }
        return merged;
      },
    },
  ],
  [
    'min',
    {
      args: [['array[number]', 'array[string]']],
      call: ([value]) => extreme(value as unknown[], false),
    },
  ],
  [
    'min_by',
    {
      args: [['array'], ['expref']],
      call: (args, interpreter) => pickBy(args, interpreter, false),
    },
  ],
  [
    'not_null',
    {
      args: [['any']],
      variadic: true,
      call: (args) => args.find((arg) => arg !== null) ?? null,
    },
  ],
  [
    'reverse',
    {
      args: [['array', 'string']],
      call: ([value]) =>
        typeof value === 'string'
          ? [...value].reverse().join('')
          : [...(value as unknown[])].reverse(),
    },
  ],
  [
    'sort',
    {
      args: [['array[string]', 'array[number]']],
      call: ([value]) => sortValues(value as unknown[]),
    },
  ],
  ['sort_by', { args: [['array'], ['expref']], call: sortBy }],
  [
    'starts_with',
    {
      args: [['string'], ['string']],
      call: ([value, prefix]) => (value as string).startsWith(prefix as string),
    },
  ],
  [
    'sum',
    {
      args: [['array[number]']],
      call: ([value]) => {
        let sum = 0;
        for (const item of value as number[]) sum += item;
        return sum;
      },
    },
  ],
  ['to_array', { args: [['any']], call: ([value]) => (Array.isArray(value) ? value : [value]) }],
  [
    'to_number',
    {
      args: [['any']],
      call: ([value]) => {
        if (typeof value === 'number') return value;
        if (typeof value === 'string') return parseFloatAsGo(value) ?? null;
        if (value instanceof ExpressionReference) {
          throw new JmesPathEvaluationError('to_number() cannot convert an expression reference');
        }
        return null;
      },
    },
  ],
  [
    'to_string',
    {
      args: [['any']],
      call: ([value]) => (typeof value === 'string' ? value : marshalJsonAsGo(value)),
    },
  ],
  [
    'type',
    {
      args: [['any']],
      call: ([value]) => {
        if (value === null) return 'null';
        if (typeof value === 'boolean') return 'boolean';
        if (typeof value === 'number') return 'number';
        if (typeof value === 'string') return 'string';
        if (Array.isArray(value)) return 'array';
        if (isObject(value)) return 'object';
        throw new JmesPathEvaluationError('type() cannot describe an expression reference');
      },
    },
  ],
  ['values', { args: [['object']], call: ([value]) => Object.values(value as JsonObject) }],
]);

const typeNouns: Record<ArgumentType, string> = {
  number: 'a number',
  string: 'a string',
  array: 'an array',
  object: 'an object',
  'array[number]': 'an array of numbers',
  'array[string]': 'an array of strings',
  expref: 'an expression reference',
  any: 'any value',
};

function describeTypes(types: ArgumentType[]): string {
  return types.map((type) => typeNouns[type]).join(' or ');
}

function callFunction(name: string, args: unknown[], interpreter: Interpreter): unknown {
  const entry = functions.get(name);
  if (entry === undefined) throw new JmesPathEvaluationError(`${name}() is not a function`);
  if (entry.variadic === true) {
    if (args.length < entry.args.length) {
      throw new JmesPathEvaluationError(`${name}() received too few arguments`);
    }
  } else {
    if (args.length !== entry.args.length) {
      throw new JmesPathEvaluationError(`${name}() received the wrong number of arguments`);
    }
    for (const [index, types] of entry.args.entries()) {
      if (!types.some((type) => hasType(args[index], type))) {
        throw new JmesPathEvaluationError(
          `argument ${index + 1} of ${name}() must be ${describeTypes(types)}, not ${describeValueType(args[index])}`,
        );
      }
    }
  }
  return entry.call(args, interpreter);
}

/** Returns the JMESPath type name of a value, for messages. */
export function describeValueType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value instanceof ExpressionReference) return 'expression reference';
  if (isObject(value)) return 'object';
  return typeof value;
}

/** Evaluates a tree. Errors are JmesPathEvaluationError, or GoJsonSyntaxError from to_string. */
class Interpreter {
  evaluate(node: JmesPathNode, value: unknown): unknown {
    switch (node.kind) {
      case 'empty':
        throw new JmesPathEvaluationError(
          'an index in the expression is not a number, so go-jmespath fails',
        );
      case 'identity':
      case 'current':
        return value;
      case 'literal':
        return node.value;
      case 'field':
        return isObject(value) && Object.hasOwn(value, node.name) ? value[node.name] : null;
      case 'index': {
        if (!Array.isArray(value)) return null;
        const index = node.index < 0 ? node.index + value.length : node.index;
        return index >= 0 && index < value.length ? value[index] : null;
      }
      case 'slice':
        return Array.isArray(value) ? sliceArray(value, node) : null;
      case 'comparator': {
        const left = this.evaluate(node.left, value);
        const right = this.evaluate(node.right, value);
        if (node.operator === '==') return deepEqual(left, right);
        if (node.operator === '!=') return !deepEqual(left, right);
        // The JMESPath specification and go-jmespath order numbers only.
        if (typeof left !== 'number' || typeof right !== 'number') return null;
        return compareNumbers(node.operator, left, right);
      }
      case 'subexpression':
      case 'pipe':
        return this.evaluate(node.right, this.evaluate(node.left, value));
      case 'or': {
        const left = this.evaluate(node.left, value);
        return isFalse(left) ? this.evaluate(node.right, value) : left;
      }
      case 'and': {
        const left = this.evaluate(node.left, value);
        return isFalse(left) ? left : this.evaluate(node.right, value);
      }
      case 'not':
        return isFalse(this.evaluate(node.child, value));
      case 'expref':
        return new ExpressionReference(node.child);
      case 'function': {
        const args = node.args.map((arg) => this.evaluate(arg, value));
        if (node.name === undefined) {
          throw new JmesPathPanicError(
            'only a name or a string can be called as a function, which makes the provider crash (a Go panic)',
          );
        }
        return callFunction(node.name, args, this);
      }
      case 'multiSelectList':
        if (value === null) return null;
        return node.items.map((item) => this.evaluate(item, value));
      case 'multiSelectHash': {
        if (value === null) return null;
        const result: JsonObject = Object.create(null);
        for (const entry of node.entries) result[entry.key] = this.evaluate(entry.value, value);
        return result;
      }
      case 'projection': {
        const left = this.evaluate(node.left, value);
        return Array.isArray(left) ? this.project(node.right, left) : null;
      }
      case 'flatten': {
        // go-jmespath drops an error of the flattened expression and gives null.
        const left = this.evaluateOrNull(node.child, value);
        if (!Array.isArray(left)) return null;
        return left.flatMap((item) => (Array.isArray(item) ? item : [item]));
      }
      case 'valueProjection': {
        const left = this.evaluateOrNull(node.left, value);
        if (!isObject(left)) return null;
        const members = Object.values(left);
        // go-jmespath makes its list with one null per member and then appends the members.
        const nulls = members.map(() => null);
        return this.project(node.right, [...nulls, ...members]);
      }
      case 'filterProjection': {
        const left = this.evaluateOrNull(node.left, value);
        if (!Array.isArray(left)) return null;
        const results: unknown[] = [];
        for (const item of left) {
          if (isFalse(this.evaluate(node.condition, item))) continue;
          const result = this.evaluate(node.right, item);
          if (result !== null) results.push(result);
        }
        return results;
      }
    }
  }

  private evaluateOrNull(node: JmesPathNode, value: unknown): unknown {
    try {
      return this.evaluate(node, value);
    } catch (error) {
      // A panic is not an error in Go, so it is never dropped.
      if (error instanceof JmesPathPanicError) throw error;
      if (error instanceof JmesPathEvaluationError || error instanceof GoJsonSyntaxError) {
        return null;
      }
      throw error;
    }
  }

  private project(node: JmesPathNode, items: unknown[]): unknown[] {
    const results: unknown[] = [];
    for (const item of items) {
      const result = this.evaluate(node, item);
      if (result !== null) results.push(result);
    }
    return results;
  }
}

/**
 * Evaluates a tree from parseJmesPath on a value from parseJsonAsGo. Throws
 * JmesPathEvaluationError where go-jmespath returns an error or panics, and GoJsonSyntaxError
 * where to_string meets a number Go's json.Marshal rejects (NaN or infinity).
 */
export function evaluateJmesPath(node: JmesPathNode, document: unknown): unknown {
  return new Interpreter().evaluate(node, document);
}
