import { describe, expect, it } from 'vitest';
import { decodePemBlocks, encodePemBlock } from '../../src/secret-objects/pem.js';

const body = Buffer.from('kura test block').toString('base64');

function pem(type: string, base64 = body): string {
  return `-----BEGIN ${type}-----\n${base64}\n-----END ${type}-----\n`;
}

describe('decodePemBlocks', () => {
  it('decodes blocks in order and skips text between them', () => {
    const text = `subject=CN a\n${pem('CERTIFICATE')}issuer=CN b\r\n${pem('PRIVATE KEY')}trailer`;

    const blocks = decodePemBlocks(Buffer.from(text));

    expect(blocks.map((block) => block.type)).toEqual(['CERTIFICATE', 'PRIVATE KEY']);
    expect(Buffer.from(blocks[0]?.bytes ?? []).toString()).toBe('kura test block');
  });

  it('accepts CRLF line ends and wrapped base64', () => {
    const wrapped = `${body.slice(0, 8)}\r\n${body.slice(8)}`;
    const text = pem('CERTIFICATE', wrapped).replaceAll('\n', '\r\n');

    const blocks = decodePemBlocks(Buffer.from(text));

    expect(blocks).toHaveLength(1);
    expect(Buffer.from(blocks[0]?.bytes ?? []).toString()).toBe('kura test block');
  });

  it('skips a block with invalid base64', () => {
    const text = pem('CERTIFICATE', '!!!not base64') + pem('EC PRIVATE KEY');

    const blocks = decodePemBlocks(Buffer.from(text));

    expect(blocks.map((block) => block.type)).toEqual(['EC PRIVATE KEY']);
  });

  it('skips a block whose END type differs', () => {
    const text = `-----BEGIN CERTIFICATE-----\n${body}\n-----END PRIVATE KEY-----\n`;

    expect(decodePemBlocks(Buffer.from(text))).toEqual([]);
  });

  it('skips a BEGIN line that does not start a line', () => {
    const text = `x${pem('CERTIFICATE')}`;

    expect(decodePemBlocks(Buffer.from(text))).toEqual([]);
  });

  it('reads headers before the base64 body', () => {
    const text = `-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\n${body}\n-----END RSA PRIVATE KEY-----\n`;

    const [block] = decodePemBlocks(Buffer.from(text));

    expect(block?.headers).toEqual([
      ['Proc-Type', '4,ENCRYPTED'],
      ['DEK-Info', 'AES-128-CBC,00'],
    ]);
    expect(Buffer.from(block?.bytes ?? []).toString()).toBe('kura test block');
  });

  it('returns nothing for binary input', () => {
    expect(decodePemBlocks(new Uint8Array([0x00, 0xff, 0xfe, 0x80, 0x0a, 0x41]))).toEqual([]);
  });
});

describe('encodePemBlock', () => {
  it('wraps base64 at 64 characters and ends with a newline', () => {
    const bytes = new Uint8Array(100).fill(7);

    const text = encodePemBlock({ type: 'CERTIFICATE', headers: [], bytes });

    const lines = text.split('\n');
    expect(lines[0]).toBe('-----BEGIN CERTIFICATE-----');
    expect(lines[1]).toHaveLength(64);
    expect(lines.at(-2)).toBe('-----END CERTIFICATE-----');
    expect(lines.at(-1)).toBe('');
    expect(decodePemBlocks(Buffer.from(text))[0]?.bytes).toEqual(Buffer.from(bytes));
  });

  it('writes Proc-Type first, then other headers sorted', () => {
    const text = encodePemBlock({
      type: 'X',
      headers: [
        ['Zeta', '1'],
        ['Alpha', '2'],
        ['Proc-Type', '4,ENCRYPTED'],
      ],
      bytes: new Uint8Array([1]),
    });

    expect(text).toBe(
      '-----BEGIN X-----\nProc-Type: 4,ENCRYPTED\nAlpha: 2\nZeta: 1\n\nAQ==\n-----END X-----\n',
    );
  });
});
