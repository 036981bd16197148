/**
 * Reads YAML the way the AWS provider does. The provider decodes with sigs.k8s.io/yaml v1.6,
 * which resolves scalars with go-yaml v2 (YAML 1.1) and then converts numbers and booleans to
 * strings wherever the target field is a string. The `yaml` package parses the text in YAML 1.1
 * mode, and the plain-scalar rules below follow go-yaml v2.4's `resolve` so that values such
 * as `0600`, `yes`, `0o17`, `1.0` and `08` come out exactly as in Go.
 */
import {
  type Alias,
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type Node,
  Scalar,
} from 'yaml';

/** A YAML value after go-yaml v2 scalar resolution. `source` is the scalar as written. */
export type GoYamlValue =
  | { kind: 'null'; source: string }
  | { kind: 'string'; value: string; source: string; plain: boolean }
  | { kind: 'int'; value: bigint; source: string }
  | { kind: 'float'; value: number; source: string }
  | { kind: 'bool'; value: boolean; source: string }
  | { kind: 'seq'; items: GoYamlValue[] }
  | { kind: 'map'; entries: GoYamlEntry[] };

/** One key of a mapping, converted to a string as sigs.k8s.io/yaml converts keys for JSON. */
export interface GoYamlEntry {
  key: string;
  value: GoYamlValue;
}

/**
 * YAML that sigs.k8s.io/yaml cannot convert to JSON (a null, list or map key, or a bad merge),
 * or that expands past the node budget.
 */
export class GoYamlConversionError extends Error {}

/**
 * Maximum number of nodes one conversion visits through aliases. It stops alias bombs, where
 * each anchor contains ten aliases of the previous one. Nodes outside aliases do not count, so
 * a long plain list is never rejected; its size is bounded by the text itself.
 */
const maxNodes = 100_000;

const boolWords = new Map<string, boolean>([
  ...['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON'].map(
    (word) => [word, true] as [string, boolean],
  ),
  ...['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF'].map(
    (word) => [word, false] as [string, boolean],
  ),
]);
const nullWords = new Set(['', '~', 'null', 'Null', 'NULL']);
const specialFloats = new Map<string, number>([
  ...['.nan', '.NaN', '.NAN'].map((word) => [word, Number.NaN] as [string, number]),
  ...['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF'].map(
    (word) => [word, Number.POSITIVE_INFINITY] as [string, number],
  ),
  ...['-.inf', '-.Inf', '-.INF'].map(
    (word) => [word, Number.NEGATIVE_INFINITY] as [string, number],
  ),
]);
const goDotFloat = /^\.[0-9](_?[0-9])*([eE][-+]?[0-9](_?[0-9])*)?$/;
const yamlStyleFloat = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const timestampPrefix = /^[0-9]{4}-/;
const int64Min = -(2n ** 63n);
const uint64Max = 2n ** 64n - 1n;

/**
 * Parses an integer as Go's `strconv.ParseInt(text, 0, 64)` or `ParseUint` does: an optional
 * sign, then `0x`, `0o`, `0b` or a leading `0` (octal) prefix, or plain decimal digits.
 */
function parseGoInteger(text: string): bigint | undefined {
  const match = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(
    text,
  );
  if (match === null) {
    return undefined;
  }
  const sign = match[1] ?? '';
  const digits = match[2] ?? '';
  let magnitude: bigint;
  if (/^0[oO]/.test(digits)) {
    magnitude = BigInt(`0o${digits.slice(2)}`);
  } else if (/^0[0-7]+$/.test(digits)) {
    magnitude = BigInt(`0o${digits.slice(1)}`);
  } else {
    magnitude = BigInt(digits);
  }

  const value = sign === '-' ? -magnitude : magnitude;
  // ParseUint takes no sign, so a signed value must fit int64.
  if (sign !== '' && value < int64Min) {
    return undefined;
  }
  if (sign !== '' && value > 2n ** 63n - 1n) {
    return undefined;
  }
  return value <= uint64Max ? value : undefined;
}

/** Resolves a plain (unquoted, untagged) scalar as go-yaml v2.4 does when decoding into `interface{}`. */
export function resolvePlainScalar(text: string): GoYamlValue {
  if (nullWords.has(text)) {
    return { kind: 'null', source: text };
  }
  const bool = boolWords.get(text);
  if (bool !== undefined) {
    return { kind: 'bool', value: bool, source: text };
  }
  const special = specialFloats.get(text);
  if (special !== undefined) {
    return { kind: 'float', value: special, source: text };
  }

  const first = text[0] ?? '';
  if (first === '.') {
    // Go's ParseFloat takes the text as is here, and Go's syntax allows _ between digits.
    const value = goDotFloat.test(text) ? Number(text.replaceAll('_', '')) : Number.NaN;
    if (Number.isFinite(value)) {
      return { kind: 'float', value, source: text };
    }
  } else if (/[-+0-9]/.test(first)) {
    // go-yaml v2 keeps a timestamp as its original string when decoding into interface{}.
    if (timestampPrefix.test(text)) {
      return { kind: 'string', value: text, source: text, plain: true };
    }
    const plain = text.replaceAll('_', '');
    const integer = parseGoInteger(plain);
    if (integer !== undefined) {
      return { kind: 'int', value: integer, source: text };
    }
    if (yamlStyleFloat.test(plain)) {
      const value = Number(plain);
      // Go's ParseFloat reports an error for an overflow, and go-yaml then keeps the string.
      if (Number.isFinite(value)) {
        return { kind: 'float', value, source: text };
      }
    }
  }
  return { kind: 'string', value: text, source: text, plain: true };
}

/**
 * Formats a float as Go's `strconv.FormatFloat(value, 'g', -1, 32)`: the shortest decimal that
 * reads back as the same float32, with an exponent when the decimal exponent is below -4 or at least 6.
 */
export function formatGoFloat32(value: number): string {
  const single = Math.fround(value);
  if (Number.isNaN(single)) {
    return 'NaN';
  }
  if (!Number.isFinite(single)) {
    return single > 0 ? '+Inf' : '-Inf';
  }
  if (single === 0) {
    return Object.is(single, -0) ? '-0' : '0';
  }

  let shortest = single.toPrecision(9);
  for (let precision = 1; precision <= 9; precision += 1) {
    const candidate = single.toPrecision(precision);
    if (Math.fround(Number(candidate)) === single) {
      shortest = candidate;
      break;
    }
  }

  // Split into digits and a decimal exponent, then lay out as Go's %g with shortest precision.
  const [mantissa = '', exponentText = '0'] = Number(shortest).toExponential().split('e');
  const exponent = Number(exponentText);
  const digits = mantissa.replace('-', '').replace('.', '');
  const sign = single < 0 ? '-' : '';
  if (exponent < -4 || exponent >= 6) {
    const fraction = digits.length > 1 ? `.${digits.slice(1)}` : '';
    const exponentSign = exponent < 0 ? '-' : '+';
    const exponentDigits = String(Math.abs(exponent)).padStart(2, '0');
    return `${sign}${digits[0]}${fraction}e${exponentSign}${exponentDigits}`;
  }
  if (exponent < 0) {
    return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  }
  if (digits.length <= exponent + 1) {
    return `${sign}${digits}${'0'.repeat(exponent + 1 - digits.length)}`;
  }
  return `${sign}${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
}

/**
 * Converts a scalar to the string Go stores in a string field: sigs.k8s.io/yaml turns numbers
 * and booleans into their Go text, and JSON `null` leaves the field empty. Returns undefined
 * for a list or a map, which Go's JSON decoder rejects for a string field.
 */
export function toGoString(value: GoYamlValue): string | undefined {
  switch (value.kind) {
    case 'null':
      return '';
    case 'string':
      return value.value;
    case 'int':
      return value.value.toString();
    case 'float':
      return formatGoFloat32(value.value);
    case 'bool':
      return value.value ? 'true' : 'false';
    default:
      return undefined;
  }
}

function resolveTaggedScalar(node: Scalar, tag: string): GoYamlValue {
  const text = node.source ?? String(node.value ?? '');
  if (tag === 'tag:yaml.org,2002:str') {
    return { kind: 'string', value: String(node.value ?? ''), source: text, plain: false };
  }
  if (tag === 'tag:yaml.org,2002:binary' && typeof node.value === 'object' && node.value !== null) {
    // The yaml package decodes !!binary to bytes; go-yaml stores them as a Go string.
    return {
      kind: 'string',
      value: Buffer.from(node.value as Uint8Array).toString('latin1'),
      source: text,
      plain: false,
    };
  }
  if (
    tag === 'tag:yaml.org,2002:int' ||
    tag === 'tag:yaml.org,2002:float' ||
    tag === 'tag:yaml.org,2002:bool' ||
    tag === 'tag:yaml.org,2002:null'
  ) {
    return resolvePlainScalar(text);
  }
  // go-yaml keeps the text of a scalar with an application tag such as `!secret`.
  return { kind: 'string', value: String(node.value ?? text), source: text, plain: false };
}

function convertScalar(node: Scalar): GoYamlValue {
  if (node.tag !== undefined) {
    return resolveTaggedScalar(node, node.tag);
  }
  if (node.type === Scalar.PLAIN || node.type === undefined) {
    return resolvePlainScalar(node.source ?? String(node.value ?? ''));
  }
  return { kind: 'string', value: String(node.value), source: String(node.value), plain: false };
}

function keyToString(key: GoYamlValue): string {
  if (key.kind === 'string') {
    return key.value;
  }
  if (key.kind === 'int') {
    return key.value.toString();
  }
  if (key.kind === 'float') {
    // sigs.k8s.io/yaml writes infinite and NaN keys in YAML's spelling.
    const yamlSpelling = new Map([
      ['+Inf', '.inf'],
      ['-Inf', '-.inf'],
      ['NaN', '.nan'],
    ]);
    const text = formatGoFloat32(key.value);
    return yamlSpelling.get(text) ?? text;
  }
  if (key.kind === 'bool') {
    return key.value ? 'true' : 'false';
  }
  throw new GoYamlConversionError(`unsupported mapping key of kind ${key.kind}`);
}

/** Applies a `<<` merge value: go-yaml v2 sets each merged key in turn, later maps first. */
function mergeInto(entries: Map<string, GoYamlValue>, merged: GoYamlValue): void {
  if (merged.kind === 'map') {
    for (const entry of merged.entries) {
      entries.set(entry.key, entry.value);
    }
    return;
  }
  if (merged.kind === 'seq') {
    for (const item of [...merged.items].reverse()) {
      mergeInto(entries, item);
    }
    return;
  }
  throw new GoYamlConversionError('a `<<` merge key must name a mapping or a list of mappings');
}

function convertNode(
  node: unknown,
  document: Document,
  budget: { nodes: number; inAlias: boolean },
  depth: number,
): GoYamlValue {
  if (budget.inAlias) {
    budget.nodes += 1;
  }
  if (budget.nodes > maxNodes) {
    throw new GoYamlConversionError(
      `the aliases (*name) expand to more than ${maxNodes} nodes; use fewer aliases or copy the values`,
    );
  }
  if (depth > 64) {
    throw new GoYamlConversionError('the YAML nests deeper than 64 levels');
  }
  if (node === null || node === undefined) {
    return { kind: 'null', source: '' };
  }
  if (isAlias(node)) {
    const target = (node as Alias).resolve(document);
    const outer = budget.inAlias;
    budget.inAlias = true;
    try {
      return convertNode(target, document, budget, depth + 1);
    } finally {
      budget.inAlias = outer;
    }
  }
  if (isScalar(node)) {
    return convertScalar(node);
  }
  if (isSeq(node)) {
    return {
      kind: 'seq',
      items: node.items.map((item) => convertNode(item, document, budget, depth + 1)),
    };
  }
  if (isMap(node)) {
    const entries = new Map<string, GoYamlValue>();
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      const value = convertNode(pair.value, document, budget, depth + 1);
      if (isScalar(keyNode) && keyNode.type === Scalar.PLAIN && keyNode.source === '<<') {
        mergeInto(entries, value);
        continue;
      }
      const key = keyToString(convertNode(keyNode, document, budget, depth + 1));
      entries.delete(key);
      entries.set(key, value);
    }
    return { kind: 'map', entries: [...entries].map(([key, value]) => ({ key, value })) };
  }
  throw new GoYamlConversionError('unsupported YAML node');
}

/**
 * Converts a parsed YAML node to go-yaml v2 values. A later duplicate key replaces an earlier
 * one, as go-yaml v2 does. Throws GoYamlConversionError for keys JSON cannot hold and for
 * input that expands past the node budget.
 */
export function toGoYamlValue(node: unknown, document: Document): GoYamlValue {
  return convertNode(node, document, { nodes: 0, inAlias: false }, 0);
}

/** Names a value's YAML kind for messages: "a list", "a map", "the number 384". */
export function describeGoYamlValue(value: GoYamlValue): string {
  switch (value.kind) {
    case 'seq':
      return 'a list';
    case 'map':
      return 'a map';
    case 'null':
      return 'empty';
    case 'bool':
      return `the boolean ${value.value}`;
    case 'int':
      return `the number ${value.value}`;
    case 'float':
      return `the number ${formatGoFloat32(value.value)}`;
    default:
      return `the string ${JSON.stringify(value.value)}`;
  }
}
