/**
 * Field access on decoded YAML maps. The AWS provider decodes `objects` with Go's JSON decoder,
 * which matches field names case-insensitively and ignores unknown ones. kura matches the same
 * way and reports unknown fields as warnings.
 */
import { describeGoYamlValue, type GoYamlEntry, type GoYamlValue, toGoString } from './go-yaml.js';
import type { ObjectLocation, ProblemCollector } from './problems.js';

/**
 * Folds a field name as Go's `bytes.EqualFold` compares it for ASCII field names: letter case
 * is ignored, and the Kelvin sign and the long s fold to `k` and `s`.
 */
function foldFieldName(name: string): string {
  return name.replaceAll('\u212a', 'k').replaceAll('\u017f', 's').toLowerCase();
}

/** Maximum length, in characters, of a value that messages quote whole. */
export const maxQuotedLength = 200;

/** Cuts a value quoted in a message to its first 200 characters, an ellipsis and its length. */
export function truncate(value: string): string {
  if (value.length <= maxQuotedLength) return value;
  return `${value.slice(0, maxQuotedLength)}… (${value.length} characters)`;
}

function byteOrder(left: string, right: string): number {
  return Buffer.compare(Buffer.from(left), Buffer.from(right));
}

function editDistance(left: string, right: string): number {
  const previous = Array.from({ length: right.length + 1 }, (_, index) => index);
  for (let i = 1; i <= left.length; i += 1) {
    let diagonal = previous[0] ?? 0;
    previous[0] = i;
    for (let j = 1; j <= right.length; j += 1) {
      const above = previous[j] ?? 0;
      const cost = left[i - 1] === right[j - 1] ? 0 : 1;
      previous[j] = Math.min(above + 1, (previous[j - 1] ?? 0) + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return previous[right.length] ?? 0;
}

/** Returns the known name closest to `name` when it is a likely typo, such as `objectAlais`. */
export function suggestFieldName(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known) {
    const distance = editDistance(foldFieldName(name), foldFieldName(candidate));
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Where fields are read from, for messages: the path prefix and the enclosing object. */
export interface FieldContext {
  collector: ProblemCollector;
  /** Dotted path of the map, such as `spec.parameters.objects[2]`. */
  path: string;
  object?: ObjectLocation;
}

/**
 * Picks the fields of a Go struct out of a map, matching names case-insensitively. Where two
 * keys match one field (`objectName` and `ObjectName`), Go's decoder keeps the key that sorts
 * last, because JSON encoding sorts map keys. kura keeps the same key and warns.
 */
export function decodeStruct<Name extends string>(
  entries: readonly GoYamlEntry[],
  fieldNames: readonly Name[],
  context: FieldContext,
): Partial<Record<Name, GoYamlValue>> {
  const matched = new Map<Name, GoYamlEntry[]>();
  for (const entry of entries) {
    const field = fieldNames.find((name) => foldFieldName(name) === foldFieldName(entry.key));
    if (field === undefined) {
      const suggestion = suggestFieldName(entry.key, fieldNames);
      const hint = suggestion === undefined ? '' : `; did you mean ${suggestion}?`;
      context.collector.warn(
        `${context.path}.${entry.key}`,
        `unknown field ${entry.key} is ignored by the AWS provider${hint} Known fields: ${fieldNames.join(', ')}`,
        context.object,
      );
      continue;
    }
    matched.set(field, [...(matched.get(field) ?? []), entry]);
  }

  const result: Partial<Record<Name, GoYamlValue>> = {};
  for (const [field, candidates] of matched) {
    const sorted = [...candidates].sort((left, right) => byteOrder(left.key, right.key));
    const chosen = sorted[sorted.length - 1];
    if (chosen === undefined) {
      continue;
    }
    if (sorted.length > 1) {
      const spellings = sorted.map((entry) => entry.key).join(', ');
      context.collector.warn(
        `${context.path}.${field}`,
        `${field} is given ${sorted.length} times (${spellings}); the AWS provider uses ${chosen.key}. Keep one of them`,
        context.object,
      );
    }
    result[field] = chosen.value;
  }
  return result;
}

/**
 * Warns when YAML 1.1 read an unquoted value as a boolean, number or null whose Go text
 * differs from what was written: `n` becomes "false", `010` becomes "8", `1_000` becomes "1000".
 */
function warnYamlConversion(
  value: GoYamlValue,
  text: string,
  field: string,
  context: FieldContext,
): void {
  if (
    value.kind !== 'bool' &&
    value.kind !== 'int' &&
    value.kind !== 'float' &&
    value.kind !== 'null'
  ) {
    return;
  }
  if (value.source === '' || value.source === text) {
    return;
  }
  const used = text === '' ? 'an empty value' : `"${text}"`;
  context.collector.warn(
    `${context.path}.${field}`,
    `${field}: ${value.source} is read by YAML 1.1 as ${describeGoYamlValue(value)}, so the AWS provider uses ${used}; if you meant the text ${value.source}, quote it: ${field}: "${value.source}"`,
    context.object,
  );
}

/**
 * Reads a string field as Go does (numbers and booleans become their text, null becomes
 * empty), and warns when that text differs from what was written. Records an error and
 * returns undefined for a list or a map.
 */
export function readStringField(
  value: GoYamlValue | undefined,
  field: string,
  context: FieldContext,
  options: { warnConversion?: boolean } = {},
): string | undefined {
  if (value === undefined) {
    return undefined;
  }
  const text = toGoString(value);
  if (text === undefined) {
    context.collector.error(
      `${context.path}.${field}`,
      `${field} must be a string, not ${describeGoYamlValue(value)}`,
      context.object,
    );
    return undefined;
  }
  if (options.warnConversion !== false) {
    warnYamlConversion(value, text, field, context);
  }
  return text;
}
