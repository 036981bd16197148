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

  it('reports an invalid expression without the value', () => {
    const error = extractError('{"api-key":"k1"}', 'api-key');

    expect(error.message).toContain('jmesPath api-key');
    expect(error.message).toContain('"app-key"');
    expect(error.message).not.toContain('k1');
  });

  it('reports a function type error without the value', () => {
    const error = extractError('{"n":"secret-text"}', 'abs(n)');

    expect(error.message).toContain('could not be evaluated');
    expect(error.message).not.toContain('secret-text');
  });

  it('leaves other keys intact beside an integer above 2^53', () => {
    const json = '{"id":12345678901234567890,"user":"app","list":[1,18446744073709551615]}';

    expect(extract(json, ['user', 'to_string(id)', 'to_string(list)'])).toEqual([
      'app',
      '12345678901234567890',
      '[1,18446744073709551615]',
    ]);
  });

  it('rejects an integer above 2^53 as a number', () => {
    const error = extractError('{"id":12345678901234567890}', 'id');

    expect(error.message).toContain('returned a number');
  });

  it('rejects a byte order mark as the provider does', () => {
    expect(() => extract('\uFEFF{"a":"b"}', ['a'])).toThrow('is not JSON');
  });

  it('returns nothing for an object without entries', () => {
    expect(extractJmesPath(encoder.encode('not-json'), [], secret)).toEqual([]);
  });
});
