import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodePemBlocks, encodePemBlock } from '../../src/secret-objects/pem.js';
import { extractTlsPart } from '../../src/secret-objects/tls.js';

const pemType = fc.constantFrom('CERTIFICATE', 'PRIVATE KEY', 'EC PRIVATE KEY', 'X');

/** PEM-like text: real blocks mixed with noise and fragments of markers. */
const pemLikeText = fc
  .array(
    fc.oneof(
      fc
        .record({ type: pemType, bytes: fc.uint8Array({ maxLength: 80 }) })
        .map((block) => encodePemBlock({ ...block, headers: [] })),
      fc.constantFrom('-----BEGIN ', '-----END ', '-----', '\n', '\r\n', ':', '='),
      fc.string({ maxLength: 20 }),
    ),
    { maxLength: 12 },
  )
  .map((parts) => Buffer.from(parts.join(''), 'latin1'));

describe('PEM and TLS split properties', () => {
  it('decodePemBlocks never throws', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), pemLikeText), (input) => {
        decodePemBlocks(input);
      }),
    );
  });

  it('encoded blocks decode to themselves', () => {
    fc.assert(
      fc.property(pemType, fc.uint8Array({ maxLength: 200 }), (type, bytes) => {
        const [block] = decodePemBlocks(Buffer.from(encodePemBlock({ type, headers: [], bytes })));

        expect(block?.type).toBe(type);
        expect(Buffer.from(block?.bytes ?? [])).toEqual(Buffer.from(bytes));
      }),
    );
  });

  it('extractTlsPart returns a result for any input', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.uint8Array({ maxLength: 300 }), pemLikeText),
        fc.constantFrom('tls.crt', 'tls.key', 'ca.crt'),
        (input, key) => {
          const part = extractTlsPart(input, key);

          expect(typeof part.ok).toBe('boolean');
        },
      ),
    );
  });
});
