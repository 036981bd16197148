/**
 * JSON parsing for jmesPath extraction that keeps integers beyond 2^53 exact.
 *
 * `JSON.parse` rounds `12345678901234567890` to `12345678901234567000`, so `to_string(id)`
 * would mount digits the secret never contained. Here such an integer becomes a `Number`
 * object whose `toJSON` returns a marker string. `restoreLargeIntegers` then turns the quoted
 * marker in a `to_string` result back into the original digits. JMESPath still treats the
 * object as a number, so a path that selects it is reported as a number, as the AWS provider
 * reports it.
 *
 * NOTE: comparisons and arithmetic use the rounded value, and `==` between such an integer and
 * any other number is false, because jmespath.js compares objects by identity.
 */
import { randomBytes } from 'node:crypto';

/** A JSON number token, per RFC 8259. */
const numberToken = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const integerToken = /^-?\d+$/;

/** Per-process marker prefix; the random part keeps secret content from imitating it. */
const markerPrefix = `kura-large-integer-${randomBytes(12).toString('hex')}:`;
const quotedMarker = new RegExp(`"${markerPrefix}(-?\\d+)"`, 'g');

function largeInteger(digits: string): object {
  const boxed = Object(Number(digits)) as object;
  Object.defineProperty(boxed, 'toJSON', { value: () => `${markerPrefix}${digits}` });
  return boxed;
}

/** Replaces each integer token outside strings that is not a safe integer with a quoted marker. */
function quoteLargeIntegers(text: string): string | undefined {
  let output = '';
  let copiedUpTo = 0;
  let index = 0;

  while (index < text.length) {
    const char = text[index];
    if (char === '"') {
      index += 1;
      while (index < text.length && text[index] !== '"') {
        index += text[index] === '\\' ? 2 : 1;
      }
      index += 1;
      continue;
    }
    if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) {
      numberToken.lastIndex = index;
      const token = numberToken.exec(text)?.[0];
      if (token !== undefined) {
        if (integerToken.test(token) && !Number.isSafeInteger(Number(token))) {
          output += `${text.slice(copiedUpTo, index)}"${markerPrefix}${token}"`;
          copiedUpTo = index + token.length;
        }
        index += token.length;
        continue;
      }
    }
    index += 1;
  }

  return copiedUpTo === 0 ? undefined : output + text.slice(copiedUpTo);
}

/**
 * Parses JSON text as `JSON.parse` does, except that integers beyond ±(2^53 - 1) become
 * `Number` objects that serialize back to their exact digits. Throws `SyntaxError` for
 * invalid JSON.
 */
export function parseJsonKeepingLargeIntegers(text: string): unknown {
  // Only a run of 16 or more digits can be an unsafe integer; most secrets skip the scan.
  const rewritten = /\d{16}/.test(text) ? quoteLargeIntegers(text) : undefined;
  if (rewritten === undefined) return JSON.parse(text);

  return JSON.parse(rewritten, (_key, value: unknown) =>
    typeof value === 'string' && value.startsWith(markerPrefix)
      ? largeInteger(value.slice(markerPrefix.length))
      : value,
  );
}

/** Replaces the quoted markers that `JSON.stringify` wrote for large integers with their digits. */
export function restoreLargeIntegers(text: string): string {
  return text.includes(markerPrefix) ? text.replace(quotedMarker, '$1') : text;
}
