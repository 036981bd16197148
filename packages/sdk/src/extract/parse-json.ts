/**
 * JSON decoding and encoding with the semantics of Go's `encoding/json`, which the AWS
 * provider uses for jmesPath: it decodes a secret into `interface{}` (every number a float64),
 * and go-jmespath's `to_string` encodes a non-string result with `json.Marshal`. Checked against
 * Go's src/encoding/json/encode.go (`floatEncoder`, `mapEncoder`, `encodeState.string`) and
 * go-jmespath v0.4.0 `jpfToString`.
 */

/** The content is not JSON as Go's `json.Unmarshal` reads it. */
export class GoJsonSyntaxError extends Error {}

const unpairedSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Replaces each unpaired UTF-16 surrogate with U+FFFD, as Go does for invalid UTF-8. */
function toWellFormed(value: string): string {
  return value.replace(unpairedSurrogate, '\uFFFD');
}

/** Go's `encoding/json` scanner rejects JSON nested deeper than this (maxNestingDepth). */
export const maxJsonDepth = 10000;

/** Returns the deepest nesting of arrays and objects in JSON text, without recursion. */
function measureDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (inString) {
      if (char === '\\') index += 1;
      else if (char === '"') inString = false;
    } else if (char === '"') {
      inString = true;
    } else if (char === '[' || char === '{') {
      depth += 1;
      deepest = Math.max(deepest, depth);
    } else if (char === ']' || char === '}') {
      depth -= 1;
    }
  }
  return deepest;
}

function toGoScalar(value: unknown): unknown {
  // Go's ParseFloat fails on a number beyond the float64 range (1e400), so Unmarshal fails.
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new GoJsonSyntaxError('a number is out of the float64 range');
  }
  // Go's decoder replaces an unpaired surrogate escape (\ud800) with U+FFFD.
  return typeof value === 'string' ? toWellFormed(value) : value;
}

/**
 * Converts JSON.parse output in place to what Go decodes, walking with an explicit stack so a
 * document nested 10000 deep does not overflow the call stack.
 */
function toGoValue(root: unknown): unknown {
  const pending: object[] = [];
  const visit = (value: unknown): unknown => {
    if (value !== null && typeof value === 'object') pending.push(value);
    return toGoScalar(value);
  };
  const result = visit(root);

  for (let container = pending.pop(); container !== undefined; container = pending.pop()) {
    if (Array.isArray(container)) {
      for (const [index, item] of container.entries()) container[index] = visit(item);
      continue;
    }
    const record = container as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const value = visit(record[key]);
      const goKey = toWellFormed(key);
      if (goKey !== key) delete record[key];
      // defineProperty, because assigning a "__proto__" key would set the prototype instead.
      Object.defineProperty(record, goKey, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  return result;
}

/**
 * Parses JSON text as Go's `json.Unmarshal` into `interface{}` does: numbers are float64, so an
 * integer above 2^53 is rounded, and a later duplicate key replaces an earlier one. Throws
 * GoJsonSyntaxError for invalid JSON, for a number outside the float64 range and for nesting
 * deeper than 10000 arrays and objects.
 */
export function parseJsonAsGo(text: string): unknown {
  if (measureDepth(text) > maxJsonDepth) {
    throw new GoJsonSyntaxError(`arrays and objects are nested deeper than ${maxJsonDepth}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // V8's SyntaxError message quotes the content, so it is not kept.
    throw new GoJsonSyntaxError('invalid JSON');
  }
  return toGoValue(parsed);
}

/** Formats a float64 as `json.Marshal` does: ES6 number formatting, but `-0` keeps its sign. */
function formatNumber(value: number): string {
  if (!Number.isFinite(value)) {
    throw new GoJsonSyntaxError(`json: unsupported value: ${value}`);
  }
  // Go switches to exponent form below 1e-6 and from 1e21 and writes e-7, not e-07, as
  // JavaScript's Number#toString does; only the sign of zero differs.
  return Object.is(value, -0) ? '-0' : String(value);
}

const hex = '0123456789abcdef';

/**
 * Quotes a string as `json.Marshal` does with HTML escaping on: `<`, `>`, `&`, U+2028 and
 * U+2029 become `\u003c` and so on. Control characters other than \b, \f, \n, \r and \t
 * become `\u00XX`. Go 1.22 and later write `\b` and `\f` (Go 1.22 release notes), and the
 * provider's Dockerfile builds with Go 1.26; Go 1.21 and older write `\u0008` and `\u000c`.
 */
function quoteString(value: string): string {
  let output = '"';
  for (const char of toWellFormed(value)) {
    const code = char.codePointAt(0) ?? 0;
    if (char === '"' || char === '\\') {
      output += `\\${char}`;
    } else if (char === '\n') {
      output += '\\n';
    } else if (char === '\r') {
      output += '\\r';
    } else if (char === '\t') {
      output += '\\t';
    } else if (char === '\b') {
      output += '\\b';
    } else if (char === '\f') {
      output += '\\f';
    } else if (code < 0x20 || char === '<' || char === '>' || char === '&') {
      output += `\\u00${hex[code >> 4]}${hex[code & 0xf]}`;
    } else if (code === 0x2028 || code === 0x2029) {
      output += `\\u${code.toString(16)}`;
    } else {
      output += char;
    }
  }
  return `${output}"`;
}

/** Orders strings by their UTF-8 bytes, as Go compares strings. */
export function compareUtf8(left: string, right: string): number {
  return Buffer.compare(Buffer.from(left), Buffer.from(right));
}

/** Text that marshalJsonAsGo writes as it is, such as a bracket or a comma. */
class RawText {
  constructor(readonly text: string) {}
}

const comma = new RawText(',');

/**
 * Encodes a value as Go's `json.Marshal` encodes the `interface{}` it came from: map keys
 * sorted by their UTF-8 bytes, HTML characters escaped and float64 numbers formatted as Go
 * does. It walks with an explicit stack, so a value nested 10000 deep does not overflow the
 * call stack. Throws GoJsonSyntaxError for an infinite or NaN number, which Go cannot encode.
 */
export function marshalJsonAsGo(value: unknown): string {
  let output = '';
  // Items are popped from the end, so each container pushes its parts in reverse order.
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const item = pending.pop();
    if (item instanceof RawText) {
      output += item.text;
    } else if (item === null || item === undefined) {
      output += 'null';
    } else if (typeof item === 'boolean') {
      output += item ? 'true' : 'false';
    } else if (typeof item === 'number') {
      output += formatNumber(item);
    } else if (typeof item === 'string') {
      output += quoteString(item);
    } else if (Array.isArray(item)) {
      pending.push(new RawText(']'));
      for (let index = item.length - 1; index >= 0; index -= 1) {
        pending.push(item[index]);
        if (index > 0) pending.push(comma);
      }
      pending.push(new RawText('['));
    } else if (typeof item === 'object') {
      const entries = Object.entries(item).sort(([left], [right]) => compareUtf8(left, right));
      pending.push(new RawText('}'));
      for (let index = entries.length - 1; index >= 0; index -= 1) {
        const [key, member] = entries[index] ?? ['', null];
        pending.push(member, new RawText(`${quoteString(key)}:`));
        if (index > 0) pending.push(comma);
      }
      pending.push(new RawText('{'));
    } else {
      output += 'null';
    }
  }
  return output;
}

const decimalFloat = /^[+-]?(?:[0-9_]+\.?[0-9_]*|\.[0-9_]+)(?:[eE][+-]?[0-9][0-9_]*)?$/;
const hexFloat =
  /^[+-]?0[xX](?:[0-9a-fA-F_]+\.?[0-9a-fA-F_]*|\.[0-9a-fA-F_]+)[pP][+-]?[0-9][0-9_]*$/;

/**
 * Reports whether the underscores of a number are where Go's strconv allows them: each
 * between two digits, or between a base prefix and a digit.
 */
function underscoresAllowed(text: string): boolean {
  const unsigned = text.replace(/^[+-]/, '');
  const prefixed = /^0[xX]/.test(unsigned);
  const digit = prefixed ? /[0-9a-fA-F]/ : /[0-9]/;
  let previous = prefixed ? '0' : '^';
  for (const char of prefixed ? unsigned.slice(2) : unsigned) {
    if (digit.test(char)) {
      previous = '0';
    } else if (char === '_') {
      if (previous !== '0') return false;
      previous = '_';
    } else {
      if (previous === '_') return false;
      previous = '!';
    }
  }
  return previous !== '_';
}

/** Rounds mantissa × 2^exponent to the nearest float64, ties to even, as Go's atofHex does. */
function scaleBinary(mantissa: bigint, exponent: number): number {
  if (mantissa === 0n) return 0;
  if (exponent >= 0) return Number(mantissa << BigInt(exponent));
  const bits = mantissa.toString(2).length;
  // The exponent of the last kept bit: 53 significant bits, or fewer for a subnormal.
  const lastBit = Math.max(bits - 1 + exponent - 52, -1074);
  if (lastBit <= exponent) return Number(mantissa) * 2 ** exponent;
  const shift = BigInt(lastBit - exponent);
  let kept = mantissa >> shift;
  const rest = mantissa - (kept << shift);
  const half = 1n << (shift - 1n);
  if (rest > half || (rest === half && (kept & 1n) === 1n)) kept += 1n;
  return Number(kept) * 2 ** lastBit;
}

function parseHexFloat(text: string): number {
  const negative = text.startsWith('-');
  const body = text.replace(/^[+-]?0[xX]/, '').replaceAll('_', '');
  const [mantissaText = '', exponentText = '0'] = body.split(/[pP]/);
  const [whole = '', fraction = ''] = mantissaText.split('.');
  const mantissa = BigInt(`0x${whole}${fraction}` === '0x' ? '0x0' : `0x${whole}${fraction}`);
  // Go stops reading exponent digits at 10000, which is out of range either way.
  const exponent = Math.min(Math.max(Number(exponentText), -100000), 100000);
  const value = scaleBinary(mantissa, exponent - 4 * fraction.length);
  return negative ? -value : value;
}

/**
 * Parses a string as go-jmespath's to_number does with Go's `strconv.ParseFloat(s, 64)`:
 * decimal and `0x` hexadecimal floats (a hex float needs a `p` exponent), underscores between
 * digits, and `Inf`, `Infinity` and `NaN` in any letter case. Returns undefined where
 * ParseFloat fails: on a syntax error, and on a value beyond the float64 range (`1e400`).
 */
export function parseFloatAsGo(text: string): number | undefined {
  const special = /^([+-]?)(inf|infinity)$/i.exec(text);
  if (special !== null) {
    return special[1] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }
  if (/^nan$/i.test(text)) return Number.NaN;

  // Go needs at least one digit in the mantissa, but the patterns allow underscores alone.
  const isHex = hexFloat.test(text);
  if (isHex) {
    if (!/[0-9a-fA-F]/.test(text.replace(/^[+-]?0[xX]/, '').split(/[pP]/)[0] ?? ''))
      return undefined;
  } else if (!decimalFloat.test(text) || !/[0-9]/.test(text.split(/[eE]/)[0] ?? '')) {
    return undefined;
  }
  if (text.includes('_') && !underscoresAllowed(text)) return undefined;

  const value = isHex ? parseHexFloat(text) : Number(text.replaceAll('_', ''));
  return Number.isFinite(value) ? value : undefined;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Returns the length of the valid UTF-8 sequence at `index`, or 0, by Go's utf8.DecodeRune. */
function utf8SequenceLength(bytes: Uint8Array, index: number): number {
  const first = bytes[index] ?? 0;
  let length = 0;
  let low = 0x80;
  let high = 0xbf;
  if (first >= 0xc2 && first <= 0xdf) {
    length = 2;
  } else if (first >= 0xe0 && first <= 0xef) {
    length = 3;
    if (first === 0xe0) low = 0xa0;
    if (first === 0xed) high = 0x9f;
  } else if (first >= 0xf0 && first <= 0xf4) {
    length = 4;
    if (first === 0xf0) low = 0x90;
    if (first === 0xf4) high = 0x8f;
  } else {
    return 0;
  }
  for (let offset = 1; offset < length; offset += 1) {
    const byte = bytes[index + offset];
    if (byte === undefined || byte < low || byte > high) return 0;
    low = 0x80;
    high = 0xbf;
  }
  return length;
}

/**
 * Decodes bytes as UTF-8 the way Go's JSON decoder reads a string: each byte that does not
 * start a valid sequence becomes U+FFFD on its own. TextDecoder would replace a cut sequence
 * such as E2 82 with one U+FFFD, where Go writes two. `replaced` is true when any byte was
 * replaced.
 */
export function decodeUtf8AsGo(bytes: Uint8Array): { text: string; replaced: boolean } {
  try {
    return { text: strictUtf8.decode(bytes), replaced: false };
  } catch {
    // Fall through to the byte-by-byte decoding below.
  }
  let text = '';
  let index = 0;
  while (index < bytes.length) {
    const byte = bytes[index] ?? 0;
    if (byte < 0x80) {
      text += String.fromCharCode(byte);
      index += 1;
      continue;
    }
    const length = utf8SequenceLength(bytes, index);
    if (length === 0) {
      text += '\uFFFD';
      index += 1;
    } else {
      text += strictUtf8.decode(bytes.subarray(index, index + length));
      index += length;
    }
  }
  return { text, replaced: true };
}
