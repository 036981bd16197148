import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  parseJsonKeepingLargeIntegers,
  restoreLargeIntegers,
} from '../../src/extract/parse-json.js';

describe('parseJsonKeepingLargeIntegers', () => {
  it('parses ordinary JSON as JSON.parse does', () => {
    const text = '{"a":"x","b":[1,2.5,-3e2,true,null],"c":{"d":"9007199254740993 in a string"}}';

    expect(parseJsonKeepingLargeIntegers(text)).toEqual(JSON.parse(text));
  });

  it('keeps the digits of an integer above 2^53', () => {
    const document = parseJsonKeepingLargeIntegers(
      '{"id":12345678901234567890,"name":"svc","neg":-9007199254740993}',
    ) as Record<string, unknown>;

    expect(document.name).toBe('svc');
    expect(restoreLargeIntegers(JSON.stringify(document.id))).toBe('12345678901234567890');
    expect(restoreLargeIntegers(JSON.stringify(document.neg))).toBe('-9007199254740993');
    expect(restoreLargeIntegers(JSON.stringify(document))).toBe(
      '{"id":12345678901234567890,"name":"svc","neg":-9007199254740993}',
    );
  });

  it('leaves digits inside strings alone', () => {
    const document = parseJsonKeepingLargeIntegers(
      '{"k":"12345678901234567890","e":"\\"12345678901234567890"}',
    ) as Record<string, unknown>;

    expect(document.k).toBe('12345678901234567890');
    expect(document.e).toBe('"12345678901234567890');
  });

  it('rejects invalid JSON', () => {
    expect(() => parseJsonKeepingLargeIntegers('not-json')).toThrow(SyntaxError);
    expect(() => parseJsonKeepingLargeIntegers('{"a":012345678901234567890}')).toThrow(SyntaxError);
  });

  it('round-trips any JSON text', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value);
        const parsed = parseJsonKeepingLargeIntegers(text);

        expect(restoreLargeIntegers(JSON.stringify(parsed))).toBe(text);
      }),
    );
  });

  it('round-trips any big integer exactly', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), (big) => {
        const text = `{"n":${big},"s":"other"}`;
        const document = parseJsonKeepingLargeIntegers(text) as Record<string, unknown>;

        expect(restoreLargeIntegers(JSON.stringify(document.n))).toBe(String(big));
        expect(document.s).toBe('other');
      }),
    );
  });
});
