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

function toGoValue(value: unknown): unknown {
  if (typeof value === 'number') {
    // Go's ParseFloat fails on a number beyond the float64 range (1e400), so Unmarshal fails.
    if (!Number.isFinite(value)) {
      throw new GoJsonSyntaxError('a number is out of the float64 range');
    }
    return value;
  }
  if (typeof value === 'string') {
    // Go's decoder replaces an unpaired surrogate escape (\ud800) with U+FFFD.
    return toWellFormed(value);
  }
  if (Array.isArray(value)) {
    return value.map(toGoValue);
  }
  if (value !== null && typeof value === 'object') {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      // defineProperty, because assigning a "__proto__" key would set the prototype instead.
      Object.defineProperty(result, toWellFormed(key), {
        value: toGoValue(item),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return result;
  }
  return value;
}

/**
 * Parses JSON text as Go's `json.Unmarshal` into `interface{}` does: numbers are float64, so an
 * integer above 2^53 is rounded, and a later duplicate key replaces an earlier one. Throws
 * GoJsonSyntaxError for invalid JSON and for a number outside the float64 range.
 */
export function parseJsonAsGo(text: string): unknown {
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
 * U+2029 become `\u003c` and so on, and control characters other than \n, \r and \t become
 * `\u00XX` (Go writes `\u0008`, where JSON.stringify writes `\b`).
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
function compareUtf8(left: string, right: string): number {
  return Buffer.compare(Buffer.from(left), Buffer.from(right));
}

/**
 * Encodes a value as Go's `json.Marshal` encodes the `interface{}` it came from: map keys
 * sorted by their UTF-8 bytes, HTML characters escaped and float64 numbers formatted as Go
 * does. Throws GoJsonSyntaxError for an infinite number, which Go cannot encode either.
 */
export function marshalJsonAsGo(value: unknown): string {
  if (value === null || value === undefined) {
    return 'null';
  }
  if (typeof value === 'boolean') {
    return value ? 'true' : 'false';
  }
  if (typeof value === 'number') {
    return formatNumber(value);
  }
  if (typeof value === 'string') {
    return quoteString(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map(marshalJsonAsGo).join(',')}]`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value).sort(([left], [right]) => compareUtf8(left, right));
    const members = entries.map(([key, item]) => `${quoteString(key)}:${marshalJsonAsGo(item)}`);
    return `{${members.join(',')}}`;
  }
  return 'null';
}
