/**
 * Type checks for the options of `openSecretStore` and `createSecretsCache` and for the inputs
 * of the cache's reads. Every check throws `KuraConfigError` with a message that names the
 * function and the field, the expected type and unit, and the type of the value it got.
 * A known field set to `undefined` counts as absent, so callers may pass optional values through.
 */
import { KuraConfigError } from '../errors.js';

/** Node's largest timer delay; a longer one fires at once, which would refresh in a loop. */
export const maxTimerDelayMs = 2_147_483_647;

/** Maximum length of a string value that a message quotes. */
const maxQuotedLength = 60;

/** Describes a value for a message by its type, quoting short strings and numbers. */
export function describeValue(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'an array';
  }
  switch (typeof value) {
    case 'undefined':
      return 'undefined';
    case 'string': {
      const quoted =
        value.length > maxQuotedLength
          ? `${JSON.stringify(value.slice(0, maxQuotedLength))}...`
          : JSON.stringify(value);
      return `the string ${quoted}`;
    }
    case 'number':
      return `the number ${String(value)}`;
    case 'bigint':
      return `the bigint ${String(value)}n`;
    case 'boolean':
      return `the boolean ${String(value)}`;
    case 'function':
      return 'a function';
    case 'symbol':
      return 'a symbol';
    default:
      return 'an object';
  }
}

/** Throws a KuraConfigError for `field` of `caller`, naming what was expected and what came. */
export function invalidField(
  caller: string,
  field: string,
  expected: string,
  value: unknown,
): KuraConfigError {
  return new KuraConfigError(
    `${caller}: invalid ${field}: expected ${expected}, but got ${describeValue(value)}`,
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks that `value` is an options or input object and has only `knownNames`. An unknown name
 * is rejected with the closest known one, because a misspelt option would otherwise be
 * ignored and its default used without notice.
 */
export function requireObjectWithNames(
  caller: string,
  what: { object: string; field: string },
  value: unknown,
  knownNames: readonly string[],
  example: string,
): Record<string, unknown> {
  if (value === undefined) {
    throw new KuraConfigError(
      `${caller}: the ${what.object} argument is missing: pass an object such as ${example}`,
    );
  }
  if (!isPlainObject(value)) {
    throw invalidField(caller, what.object, `an object such as ${example}`, value);
  }
  for (const name of Object.keys(value)) {
    if (!knownNames.includes(name)) {
      const closest = closestName(name, knownNames);
      const hint = closest === undefined ? '' : `did you mean "${closest}"? `;
      throw new KuraConfigError(
        `${caller}: unknown ${what.field} "${name.slice(0, maxQuotedLength)}": ${hint}known ones are ${knownNames.join(', ')}`,
      );
    }
  }
  return value;
}

/** Returns the known name closest to `name`: equal but for case, or at most 2 edits away. */
export function closestName(name: string, knownNames: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  const sameButCase = knownNames.find((known) => known.toLowerCase() === lower);
  if (sameButCase !== undefined) {
    return sameButCase;
  }
  let best: string | undefined;
  let bestDistance = 3;
  for (const known of knownNames) {
    const distance = editDistance(lower, known.toLowerCase());
    if (distance < bestDistance) {
      best = known;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance: insertions, deletions and substitutions of one UTF-16 unit each. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(
        Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution),
      );
    }
    previous = current;
  }
  return previous[b.length] as number;
}

/** Checks an optional non-empty string field. */
export function optionalString(
  caller: string,
  field: string,
  value: unknown,
  example: string,
): string | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (typeof value !== 'string' || value.trim() === '') {
    throw invalidField(caller, field, `a non-empty string such as ${example}`, value);
  }
  return value;
}

/** Checks an optional boolean field. */
export function optionalBoolean(
  caller: string,
  field: string,
  value: unknown,
): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') {
    return value;
  }
  throw invalidField(caller, field, 'true or false', value);
}

/**
 * Checks an optional duration: a whole number of milliseconds from `min` up to Node's largest
 * timer delay.
 */
export function optionalDurationMs(
  caller: string,
  field: string,
  value: unknown,
  min: 0 | 1,
  example: string,
): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < min ||
    value > maxTimerDelayMs
  ) {
    throw invalidField(
      caller,
      field,
      `a whole number of milliseconds from ${min} to ${maxTimerDelayMs} (about 24.8 days), such as ${example}`,
      value,
    );
  }
  return value;
}

/** Checks an optional object whose listed members must be functions, such as a Clock. */
export function optionalMethods<T>(
  caller: string,
  field: string,
  value: unknown,
  methods: readonly string[],
  typeName: string,
): T | undefined {
  if (value === undefined) {
    return undefined;
  }
  const missing =
    typeof value === 'object' && value !== null
      ? methods.filter((method) => typeof (value as Record<string, unknown>)[method] !== 'function')
      : methods;
  if (missing.length > 0) {
    throw invalidField(
      caller,
      field,
      `${typeName}, an object with the methods ${methods.join(', ')} (missing: ${missing.join(', ')})`,
      value,
    );
  }
  return value as T;
}

/** Checks an optional plain object, such as the AWS SDK client config. */
export function optionalPlainObject(
  caller: string,
  field: string,
  value: unknown,
  typeName: string,
): Record<string, unknown> | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (!isPlainObject(value)) {
    throw invalidField(caller, field, typeName, value);
  }
  return value;
}
