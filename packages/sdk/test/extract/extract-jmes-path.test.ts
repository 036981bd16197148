import { describe, expect, it } from 'vitest';
import { KuraExtractError } from '../../src/errors.js';
import { type ExtractSubject, extractJmesPath } from '../../src/extract/extract-jmes-path.js';

const secret: ExtractSubject = { objectName: 'hello-secret', objectType: 'secretsmanager' };
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function extract(json: string | Uint8Array, paths: string[], subject = secret): string[] {
  const content = typeof json === 'string' ? encoder.encode(json) : json;
  const entries = paths.map((path) => ({ path, objectAlias: `alias-of-${path}` }));
  return extractJmesPath(content, entries, subject).map((bytes) => decoder.decode(bytes));
}

function extractError(json: string | Uint8Array, path: string): KuraExtractError {
  try {
    extract(json, [path]);
  } catch (error) {
    if (error instanceof KuraExtractError) return error;
    throw error;
  }
  throw new Error(`extracting ${path} did not fail`);
}

describe('extractJmesPath', () => {
  it('extracts string fields byte for byte', () => {
    const files = extract('{"api-key":"k1","app-key":"k2","nested":{"user":"u"}}', [
      '"api-key"',
      '"app-key"',
      'nested.user',
    ]);

    expect(files).toEqual(['k1', 'k2', 'u']);
  });

  it('keeps whitespace and multi-byte characters', () => {
    expect(extract('{"pem":"line1\\nline2\\n","name":"Zoë ✓"}', ['pem', 'name'])).toEqual([
      'line1\nline2\n',
      'Zoë ✓',
    ]);
  });

  it('rejects a number and suggests to_string', () => {
    const error = extractError('{"username":"app","password":"pw","port":5432}', 'port');

    expect(error.code).toBe('KURA_EXTRACT_FAILED');
    expect(error.message).toContain('jmesPath port');
    expect(error.message).toContain('returned a number');
    expect(error.message).toContain('only strings can be mounted');
    expect(error.message).toContain('to_string(port)');
    expect(error.message).not.toContain('5432');
  });

  it('mounts to_string of a number', () => {
    expect(extract('{"username":"app","password":"pw","port":5432}', ['to_string(port)'])).toEqual([
      '5432',
    ]);
  });

  it.each([
    ['true', 'a boolean'],
    ['{"x":"secret-inner"}', 'an object'],
    ['["secret-item"]', 'an array'],
  ])('rejects %s as a result', (value, description) => {
    const error = extractError(`{"v":${value}}`, 'v');

    expect(error.message).toContain(`returned ${description}`);
    expect(error.message).not.toContain('secret-');
  });

  it('reports a path that matches nothing', () => {
    const error = extractError('{"HELLO":"WORLD"}', 'hello');

    expect(error.message).toContain('jmesPath hello (objectAlias alias-of-hello)');
    expect(error.message).toContain('matched nothing');
    expect(error.message).toContain('hello-secret');
    expect(error.message).not.toContain('WORLD');
    expect(error.message).not.toMatch(/fetch|permission|denied/i);
  });

  it('reports content that is not JSON', () => {
    const error = extractError('not-json', 'hello');

    expect(error.message).toContain('secret hello-secret is not JSON');
    expect(error.message).not.toContain('not-json');
    expect(error.message).not.toMatch(/fetch|permission|denied/i);
    expect(error.cause).toBeUndefined();
  });

  it('reports binary content as not JSON', () => {
    const error = extractError(new Uint8Array([0x00, 0xff, 0xfe, 0x80, 0x0a, 0x41]), 'a');

    expect(error.message).toContain('is not JSON');
    expect(error.message).toContain('not UTF-8');
  });

  it('names a parameter as a parameter', () => {
    const subject: ExtractSubject = { objectName: '/app/config', objectType: 'ssmparameter' };

    expect(() => extract('plain', ['a'], subject)).toThrow('parameter /app/config is not JSON');
  });

  it('reports a function type error without the value or internal text', () => {
    const error = extractError('{"n":"secret-text"}', 'abs(n)');

    expect(error.message).toContain('could not be evaluated');
    expect(error.message).toContain('argument 1 of abs() must be a number, not string');
    expect(error.message).not.toContain('secret-text');
    expect(error.message).not.toContain('"app-key"');
  });

  it('rounds an integer above 2^53 as float64, as the provider does', () => {
    const json = '{"id":12345678901234567890,"user":"app","list":[1,18446744073709551615]}';

    expect(extract(json, ['user', 'to_string(id)', 'to_string(list)'])).toEqual([
      'app',
      '12345678901234567000',
      '[1,18446744073709552000]',
    ]);
  });

  it('rejects an integer above 2^53 as a number', () => {
    const error = extractError('{"id":12345678901234567890}', 'id');

    expect(error.message).toContain('returned a number');
  });

  it('encodes to_string of an object as Go json.Marshal', () => {
    const json = '{"z":"1","a":"<b>&amp;","m":{"y":"2","b":"3"},"n":12345678901234567890,"neg":-0}';

    expect(extract(json, ['to_string(@)', 'to_string(n)', 'to_string(neg)'])).toEqual([
      '{"a":"\\u003cb\\u003e\\u0026amp;","m":{"b":"3","y":"2"},"n":12345678901234567000,"neg":-0,"z":"1"}',
      '12345678901234567000',
      '-0',
    ]);
  });

  it('sorts object keys by UTF-8 bytes, integers included', () => {
    const json = '{"b":1,"10":2,"9":3,"a":4,"é":5,"Z":6,"\uffff":7,"\ud83d\ude00":8}';

    expect(extract(json, ['to_string(@)'])).toEqual([
      '{"10":2,"9":3,"Z":6,"a":4,"b":1,"é":5,"\uffff":7,"😀":8}',
    ]);
  });

  it('sorts keys of a multi-select hash in to_string', () => {
    expect(extract('{"a":"1","b":"2"}', ['to_string({z: a, y: b})'])).toEqual([
      '{"y":"2","z":"1"}',
    ]);
  });

  it.each([
    ['1e-7', '1e-7'],
    ['0.000001', '0.000001'],
    ['1e21', '1e+21'],
    ['123456789012345678901', '123456789012345680000'],
    ['1.5e-10', '1.5e-10'],
    ['100', '100'],
    ['0.1', '0.1'],
    ['-0.0', '-0'],
    ['1E400', 'not JSON'],
  ])('formats the number %s as Go does', (number, expected) => {
    const json = `{"n":${number}}`;
    if (expected === 'not JSON') {
      expect(() => extract(json, ['to_string(n)'])).toThrow('is not JSON');
      return;
    }
    expect(extract(json, ['to_string(n)'])).toEqual([expected]);
  });

  it.each([
    ['\u2028\u2029', String.raw`"\u2028\u2029"`],
    ['\b\f\u0001\u007f', `${String.raw`"\b\f\u0001`}\u007f"`],
    ['\n\r\t"\\/', String.raw`"\n\r\t\"\\/"`],
    ['\ud800x', '"\ufffdx"'],
  ])('escapes the string %j as Go does', (text, expected) => {
    const json = JSON.stringify({ s: [text] });

    expect(extract(json, ['to_string(s)'])).toEqual([`[${expected}]`]);
  });

  it('rejects a number out of the float64 range as not JSON', () => {
    const error = extractError('{"s":"x","inf":1e400}', 's');

    expect(error.message).toContain('is not JSON');
  });

  it('compares and sorts rounded integers as float64', () => {
    const json = '{"a":9007199254740993,"b":9007199254740992,"l":[{"v":9007199254740993,"k":"x"}]}';

    expect(extract(json, ['to_string(a == b)', 'to_string(max([a, b]))'])).toEqual([
      'true',
      '9007199254740992',
    ]);
  });

  it('keeps a __proto__ key as an ordinary key', () => {
    expect(extract('{"__proto__":{"x":"1"}}', ['"__proto__".x', 'to_string(@)'])).toEqual([
      '1',
      '{"__proto__":{"x":"1"}}',
    ]);
  });

  it('restores JSON.stringify after a search', () => {
    extract('{"a":{"b":"<"}}', ['to_string(a)']);

    expect(JSON.stringify({ b: 1, a: '<' })).toBe('{"b":1,"a":"<"}');
  });

  it('cuts a long path in messages', () => {
    const path = `a${'.b'.repeat(10_000)}`;
    const error = extractError('{"a":"x"}', path);

    expect(error.message).toContain('(20001 characters)');
    expect(error.message.length).toBeLessThan(1_000);
  });

  it('rejects a byte order mark as the provider does', () => {
    expect(() => extract('\uFEFF{"a":"b"}', ['a'])).toThrow('is not JSON');
  });

  it('returns nothing for an object without entries', () => {
    expect(extractJmesPath(encoder.encode('not-json'), [], secret)).toEqual([]);
  });
});

/** Bytes that go-jmespath v0.4.0 gave for each expression, on this document. */
const goDocument =
  '{"a":"x","b":"y","n":1,"e":"😀é","arr":[3,1,2],"strs":["b","a","x"],"objs":[{"k":2},{"k":1}]}';

describe('extractJmesPath as go-jmespath', () => {
  it.each([
    ['to_string(a < b)', 'null'],
    ['to_string(a >= a)', 'null'],
    ["to_string(strs[?@ > 'a'])", '[]'],
    ['to_string(`true` < `false`)', 'null'],
    ['to_string(n < `2`)', 'true'],
    ['to_string(arr[?@ > `1`])', '[3,2]'],
  ])('orders only numbers: %s', (path, expected) => {
    expect(extract(goDocument, [path])).toEqual([expected]);
  });

  it.each([
    ["''", 'null'],
    ["' '", 'null'],
    ["'0x10'", 'null'],
    ["'0b11'", 'null'],
    ["'0o17'", 'null'],
    ["'1_000'", '1000'],
    ["'1__0'", 'null'],
    ["'_1'", 'null'],
    ["'1e1_0'", '10000000000'],
    ["'1e400'", 'null'],
    ["'1e-400'", '0'],
    ["'-1e-400'", '-0'],
    ["'0x1p-2'", '0.25'],
    ["'0X1.8P1'", '3'],
    ["'0xep0'", '14'],
    ["'0x1p-1074'", '5e-324'],
    ["'0x1p-1075'", '0'],
    ["'0x1.fffffffffffff7p1023'", '1.7976931348623157e+308'],
    ["'0x1.fffffffffffff8p1023'", 'null'],
    ["'0x123456789abcdef0123p0'", '5.373003642731685e+21'],
    ["'+.5'", '0.5'],
    ["'5.'", '5'],
    ["'017'", '17'],
    ["'infinit'", 'null'],
    ["'-nan'", 'null'],
    ["' 1'", 'null'],
  ])('reads to_number(%s) as strconv.ParseFloat', (literal, expected) => {
    expect(extract('{}', [`to_string(to_number(${literal}))`])).toEqual([expected]);
  });

  it.each(["'inf'", "'-Infinity'", "'NaN'"])(
    'fails to_string of to_number(%s) as json.Marshal does',
    (literal) => {
      const error = extractError('{}', `to_string(to_number(${literal}))`);

      expect(error.message).toContain('cannot encode an infinite or NaN number');
    },
  );

  it.each([
    ['to_string(@.a)', 'x'],
    ['to_string(@.*)', '["x","y",1,"😀é",[3,1,2],["b","a","x"],[{"k":2},{"k":1}]]'],
    ["'to_string'(n)", '1'],
    ['`"to_string"`(n)', '1'],
  ])('evaluates %s, which jmespath.js cannot parse', (path, expected) => {
    expect(extract(goDocument, [path])).toEqual([expected]);
  });

  it.each([
    ['to_string(@[0])', 'null'],
    ['to_string(@[*])', 'null'],
    ['to_string(@[-1])', 'null'],
    ['to_string(arr[9223372036854775807])', 'null'],
  ])('gives null for %s', (path, expected) => {
    expect(extract(goDocument, [path])).toEqual([expected]);
  });

  it.each([
    ['reverse(e)', 'é😀'],
    ['to_string(length(e))', '2'],
    ['to_string(sort(`["\\u00e9", "\\ud83d\\ude00", "\\uffff", "a"]`))', '["a","é","￿","😀"]'],
    ['max(`["\\ud83d\\ude00", "\\uffff"]`)', '😀'],
    [
      'to_string(sort_by(`[{"s":"\\ud83d\\ude00"},{"s":"\\uffff"}]`, &s))',
      '[{"s":"￿"},{"s":"😀"}]',
    ],
  ])('treats strings as Go does: %s', (path, expected) => {
    expect(extract(goDocument, [path])).toEqual([expected]);
  });

  it.each([
    ['to_string(abs(a)[])', 'null'],
    ['to_string(abs(a).*)', 'null'],
    ['to_string(abs(a)[?@])', 'null'],
    ['to_string(objs[0].*.to_string(@))', '["null","2"]'],
    ['to_string(`false`.[a])', '[null]'],
    ['to_string([avg(`[]`)] == [avg(`[]`)])', 'false'],
  ])('copies go-jmespath quirk %s', (path, expected) => {
    expect(extract(goDocument, [path])).toEqual([expected]);
  });

  it('lets later entries see the order sort_by left, as the provider does', () => {
    const files = extract(goDocument, [
      'to_string(objs)',
      'to_string(sort_by(objs, &k))',
      'to_string(objs)',
    ]);

    expect(files).toEqual(['[{"k":2},{"k":1}]', '[{"k":1},{"k":2}]', '[{"k":1},{"k":2}]']);
  });

  it.each([
    ['to_string(contains(`[[1]]`, `[1]`))', 'contains() compared an array'],
    ["to_string(merge('a'))", 'merge() received an argument that is not an object'],
    ['to_string(merge(`{}`, abs(a)[]))', 'merge() received an argument that is not an object'],
  ])('reports %s, where the provider crashes', (path, reason) => {
    const error = extractError(goDocument, path);

    expect(error.message).toContain(reason);
    expect(error.message).toContain('Go panic');
  });

  it('reports a sort_by key of the wrong type', () => {
    const error = extractError(goDocument, 'to_string(sort_by(`[1, "a"]`, &@))');

    expect(error.message).toContain('sort_by() gives keys of different types');
  });
});

describe('extractJmesPath on deep JSON', () => {
  const nested = (depth: number) =>
    `{"a":"x","b":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`;

  it('extracts from a document nested 10000 deep, as Go does', () => {
    expect(extract(nested(10_000), ['a'])).toEqual(['x']);
  });

  it('encodes a document nested 10000 deep', () => {
    const [text] = extract(nested(10_000), ['to_string(b)']);

    expect(text).toHaveLength(2 * 9_999);
  });

  it('compares two arrays nested 9999 deep', () => {
    const deep = `${'['.repeat(9_999)}${']'.repeat(9_999)}`;
    const json = `{"b":${deep},"c":${deep},"d":${deep.replace('[]', '[1]')}}`;

    expect(extract(json, ['to_string(b == c)', 'to_string(b == d)'])).toEqual(['true', 'false']);
  });

  it('rejects a document nested 10001 deep as not JSON, naming the secret', () => {
    const error = extractError(nested(10_001), 'a');

    expect(error).toBeInstanceOf(KuraExtractError);
    expect(error.message).toContain('hello-secret');
    expect(error.message).toContain('nested deeper than 10000');
  });
});

describe('extractJmesPath on invalid UTF-8', () => {
  // go-jmespath v0.4.0 with Go 1.19.8 gave x��y�z��� (length 9) and nine U+FFFD for b.
  const bytes = (latin1: string) => Uint8Array.from(latin1, (char) => char.charCodeAt(0));
  const json = bytes(
    '{"a":"x\xe2\x82y\xffz\xf0\x9f\x98","b":"\xed\xa0\x80\xc0\xaf\xf4\x90\x80\x80"}',
  );

  it('replaces each invalid byte in a string with U+FFFD, as Go does', () => {
    expect(extract(json, ['a', 'b', 'to_string(length(a))'])).toEqual([
      'x\ufffd\ufffdy\ufffdz\ufffd\ufffd\ufffd',
      '\ufffd'.repeat(9),
      '9',
    ]);
  });

  it('rejects invalid UTF-8 outside a string as not JSON', () => {
    const error = extractError(bytes('{"a":"x"}\xff'), 'a');

    expect(error.message).toContain('is not JSON');
    expect(error.message).toContain('not UTF-8');
  });
});
