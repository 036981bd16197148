/**
 * White space as Go's `unicode.IsSpace` defines it, which is the Unicode White_Space property
 * (U+0009 to U+000D, U+0020, U+0085, U+00A0, U+1680, U+2000 to U+200A, U+2028, U+2029, U+202F,
 * U+205F and U+3000). JavaScript's `String.prototype.trim` differs: it also removes U+FEFF and
 * keeps U+0085.
 */
const leadingSpace = /^\p{White_Space}+/u;
const trailingSpace = /\p{White_Space}+$/u;

/**
 * Removes leading and trailing white space as Go's `strings.TrimSpace` does. The CSI driver
 * (secrets-store-csi-driver, since 2020 and still at v1.6.0) applies it to a secretObjects entry's `secretName` and
 * `type` and to each data item's `objectName` and `key` before it uses them.
 */
export function trimSpaceAsGo(text: string): string {
  return text.replace(leadingSpace, '').replace(trailingSpace, '');
}
