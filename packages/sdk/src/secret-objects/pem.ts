/**
 * PEM (RFC 7468) decoding and encoding with the behaviour of Go's encoding/pem, which the CSI
 * driver uses to split `kubernetes.io/tls` objects: text between blocks is skipped, a block
 * whose base64 is invalid is skipped, and encoding writes 64-character lines ending in `\n`.
 */

/** One decoded PEM block. */
export interface PemBlock {
  /** The label after `BEGIN`, such as `CERTIFICATE` or `EC PRIVATE KEY`. */
  type: string;
  /** RFC 1421 headers (`Proc-Type`, `DEK-Info`, ...), in the order they were written. */
  headers: [string, string][];
  /** The DER bytes the base64 body holds. */
  bytes: Uint8Array;
}

const beginMarker = '-----BEGIN ';
const markerEnd = '-----';
const base64Pattern = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Index of the next `-----BEGIN ` that starts a line, at or after `from`, or -1. */
function findBegin(text: string, from: number): number {
  let index = text.indexOf(beginMarker, from);
  while (index > 0 && text[index - 1] !== '\n') {
    index = text.indexOf(beginMarker, index + 1);
  }
  return index;
}

function trimLineEnd(line: string): string {
  return line.replace(/[ \t\r]+$/, '');
}

/** Splits `Key: value` lines off the top of a body; the first line without `:` ends them. */
function splitHeaders(body: string): { headers: [string, string][]; base64: string } {
  const lines = body.split('\n');
  const headers: [string, string][] = [];
  let first = 0;
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon < 0) {
      break;
    }
    headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
    first += 1;
  }
  return { headers, base64: lines.slice(first).join('') };
}

/** Decodes one block whose BEGIN line starts at `begin`; undefined when it is malformed. */
function decodeBlockAt(text: string, begin: number): { block: PemBlock; end: number } | undefined {
  const typeLineEnd = text.indexOf('\n', begin);
  if (typeLineEnd < 0) {
    return undefined;
  }
  const typeLine = trimLineEnd(text.slice(begin + beginMarker.length, typeLineEnd));
  if (!typeLine.endsWith(markerEnd)) {
    return undefined;
  }
  const type = typeLine.slice(0, -markerEnd.length);

  // Like Go, the first END line after the BEGIN line closes the block and must repeat its type.
  const endLine = `\n-----END ${type}${markerEnd}`;
  const endIndex = text.indexOf('\n-----END ', typeLineEnd);
  if (endIndex < 0 || !text.startsWith(endLine, endIndex)) {
    return undefined;
  }
  let end = text.indexOf('\n', endIndex + endLine.length);
  end = end < 0 ? text.length : end + 1;
  if (trimLineEnd(text.slice(endIndex + endLine.length, end).replace(/\n$/, '')) !== '') {
    return undefined;
  }

  const { headers, base64 } = splitHeaders(text.slice(typeLineEnd + 1, endIndex + 1));
  const compact = base64.replace(/[ \t\r\n]/g, '');
  if (!base64Pattern.test(compact)) {
    return undefined;
  }
  return { block: { type, headers, bytes: Buffer.from(compact, 'base64') }, end };
}

/** Decodes every well-formed PEM block of `data`, in order, skipping anything else. */
export function decodePemBlocks(data: Uint8Array): PemBlock[] {
  // latin1 maps each byte to one character, so indexes stay byte offsets for any input.
  const text = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('latin1');
  const blocks: PemBlock[] = [];
  let position = 0;
  for (;;) {
    const begin = findBegin(text, position);
    if (begin < 0) {
      return blocks;
    }
    const decoded = decodeBlockAt(text, begin);
    if (decoded === undefined) {
      position = begin + beginMarker.length;
      continue;
    }
    blocks.push(decoded.block);
    position = decoded.end;
  }
}

/** Encodes a block as Go's `pem.EncodeToMemory` does: `Proc-Type` first, other headers sorted. */
export function encodePemBlock(block: PemBlock): string {
  const lines = [`-----BEGIN ${block.type}-----`];
  if (block.headers.length > 0) {
    const procType = block.headers.filter(([key]) => key === 'Proc-Type');
    const others = block.headers
      .filter(([key]) => key !== 'Proc-Type')
      .sort(([left], [right]) => compareKeys(left, right));
    for (const [key, value] of [...procType, ...others]) {
      lines.push(`${key}: ${value}`);
    }
    lines.push('');
  }
  const base64 = Buffer.from(block.bytes).toString('base64');
  for (let offset = 0; offset < base64.length; offset += 64) {
    lines.push(base64.slice(offset, offset + 64));
  }
  lines.push(`-----END ${block.type}-----`, '');
  return lines.join('\n');
}

/** Orders two strings by UTF-16 code units, as `<` does; the keys compared here are ASCII. */
function compareKeys(left: string, right: string): number {
  if (left < right) {
    return -1;
  }
  return left > right ? 1 : 0;
}
