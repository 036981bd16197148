/** The short escapes JSON.stringify writes; every other control character becomes \uXXXX. */
const shortEscapes = new Map([
  ['\b', '\\b'],
  ['\t', '\\t'],
  ['\n', '\\n'],
  ['\f', '\\f'],
  ['\r', '\\r'],
]);

/** C0 and C1 control characters, DEL, and the Unicode line and paragraph separators. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the purpose.
const controlCharacter = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/**
 * Escapes control characters as JSON.stringify does, so that text from a SecretProviderClass
 * (an objectAlias with a newline or an ESC sequence) cannot forge lines or drive the terminal.
 */
export function escapeControl(text: string): string {
  return text.replace(
    controlCharacter,
    (char) =>
      shortEscapes.get(char) ?? `\\u${(char.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`,
  );
}
