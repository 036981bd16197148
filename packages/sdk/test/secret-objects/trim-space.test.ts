import { describe, expect, it } from 'vitest';
import { trimSpaceAsGo } from '../../src/secret-objects/trim-space.js';

/** Characters Go's strings.TrimSpace removes: a sample of the Unicode White_Space property. */
const goSpace = [
  '\t',
  '\n',
  '\v',
  '\f',
  '\r',
  ' ',
  '\u0085',
  '\u00a0',
  '\u1680',
  '\u2000',
  '\u2005',
  '\u200a',
  '\u2028',
  '\u2029',
  '\u202f',
  '\u205f',
  '\u3000',
];

describe('trimSpaceAsGo', () => {
  it.each(goSpace.map((space) => [space.codePointAt(0)?.toString(16), space]))(
    'removes U+%s at both ends',
    (_code, space) => {
      expect(trimSpaceAsGo(`${space}${space}a b${space}`)).toBe('a b');
    },
  );

  it.each([
    ['U+FEFF', '\ufeff'],
    ['U+200B', '\u200b'],
    ['U+180E', '\u180e'],
  ])('keeps %s, which Go does not trim', (_name, character) => {
    expect(trimSpaceAsGo(`${character}a${character}`)).toBe(`${character}a${character}`);
  });

  it('keeps white space inside the text', () => {
    expect(trimSpaceAsGo(' tls .crt ')).toBe('tls .crt');
  });

  it('returns an empty string for white space only', () => {
    expect(trimSpaceAsGo(' \t\u3000')).toBe('');
  });
});
