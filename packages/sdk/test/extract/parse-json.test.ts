import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GoJsonSyntaxError, marshalJsonAsGo, parseJsonAsGo } from '../../src/extract/parse-json.js';

describe('parseJsonAsGo', () => {
  it('parses ordinary JSON as JSON.parse does', () => {
    const text = '{"a":[1,2.5,-3e2,true,null,"x"],"b":{"c":""}}';

    expect(parseJsonAsGo(text)).toEqual(JSON.parse(text));
  });

  it('rounds an integer above 2^53 to float64', () => {
    expect(parseJsonAsGo('12345678901234567890')).toBe(12345678901234567000);
  });

  it.each(['1e400', '-1e400', '[1e309]'])('rejects %s as out of the float64 range', (text) => {
    expect(() => parseJsonAsGo(text)).toThrow(GoJsonSyntaxError);
  });

  it('accepts an underflow as zero, as Go ParseFloat does', () => {
    expect(parseJsonAsGo('1e-400')).toBe(0);
  });

  it('rejects invalid JSON without quoting it', () => {
    expect(() => parseJsonAsGo('secret-text')).toThrow(GoJsonSyntaxError);
    expect(() => parseJsonAsGo('secret-text')).not.toThrow(/secret-text/);
  });

  it('replaces an unpaired surrogate with U+FFFD', () => {
    expect(parseJsonAsGo('{"\\udc00":"a\\ud800"}')).toEqual({ '\ufffd': 'a\ufffd' });
  });
});

describe('marshalJsonAsGo', () => {
  it('sorts keys by UTF-8 bytes', () => {
    expect(marshalJsonAsGo({ b: 1, 10: 2, 9: 3, a: 4 })).toBe('{"10":2,"9":3,"a":4,"b":1}');
  });

  it('escapes HTML characters and line separators', () => {
    expect(marshalJsonAsGo('<a&b>\u2028\u2029')).toBe('"\\u003ca\\u0026b\\u003e\\u2028\\u2029"');
  });

  it('keeps the sign of -0', () => {
    expect(marshalJsonAsGo([-0, 0])).toBe('[-0,0]');
  });

  it('rejects an infinite number, as Go does', () => {
    expect(() => marshalJsonAsGo(Number.POSITIVE_INFINITY)).toThrow(GoJsonSyntaxError);
  });

  it('writes JSON that parses back to the same value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = marshalJsonAsGo(value);

        expect(JSON.parse(text)).toEqual(value);
      }),
    );
  });
});
