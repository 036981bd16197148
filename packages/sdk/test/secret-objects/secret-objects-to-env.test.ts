import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KuraEnvError, KuraSecretObjectError } from '../../src/errors.js';
import { checkEnvVarName, checkSecretKey } from '../../src/secret-objects/kubernetes-names.js';
import {
  secretObjectFileNames,
  secretObjectsToEnv,
} from '../../src/secret-objects/secret-objects-to-env.js';
import { createCertificatePem, readerOf, secretObject, spcWithSecretObjects } from './fixtures.js';

const exampleSpc = spcWithSecretObjects([
  {
    secretName: 'test-app-secret',
    type: 'Opaque',
    labels: {},
    annotations: {},
    data: [
      { key: 'PIYO', objectName: 'piyopiyo', fileName: 'piyopiyo' },
      { key: 'PARAMETER', objectName: 'my-parameter', fileName: 'my-parameter' },
    ],
  },
]);
const exampleFiles = { piyopiyo: '1234567', 'my-parameter': 'foobar-value' };

function envError(run: () => unknown): KuraEnvError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(KuraEnvError);
    return error as KuraEnvError;
  }
  throw new Error('expected a KuraEnvError');
}

describe('secretObjectsToEnv', () => {
  it('maps the example keys to their objects', () => {
    expect(secretObjectsToEnv(exampleSpc, readerOf(exampleFiles))).toEqual({
      PIYO: '1234567',
      PARAMETER: 'foobar-value',
    });
  });

  it('keeps newlines and multibyte characters', () => {
    const spc = spcWithSecretObjects([secretObject('s', 'Opaque', { MULTI: 'm' })]);

    expect(secretObjectsToEnv(spc, readerOf({ m: 'line 1\nзначение\n' }))).toEqual({
      MULTI: 'line 1\nзначение\n',
    });
  });

  it('gives the split parts of a TLS Secret', () => {
    const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const certificate = createCertificatePem('env.example', key);
    const spc = spcWithSecretObjects([
      secretObject('tls', 'kubernetes.io/tls', { 'tls.crt': 'bundle', 'tls.key': 'bundle' }),
    ]);

    const env = secretObjectsToEnv(
      spc,
      readerOf({ bundle: `${key.export({ type: 'pkcs8', format: 'pem' })}${certificate}` }),
    );

    expect(env['tls.crt']).toBe(certificate);
    expect(env['tls.key']).toBe(key.export({ type: 'pkcs1', format: 'pem' }));
  });

  it('rejects a key that starts with a digit, naming key and object', () => {
    const spc = spcWithSecretObjects([secretObject('s', 'Opaque', { '1PIYO': 'piyopiyo' })]);

    const error = envError(() => secretObjectsToEnv(spc, readerOf(exampleFiles)));

    expect(error.code).toBe('KURA_ENV_INVALID');
    expect(error.message).toContain('key "1PIYO" (objectName "piyopiyo")');
    expect(error.message).toContain('must not start with a digit');
    expect(error.details).toEqual({
      secretName: 's',
      key: '1PIYO',
      objectName: 'piyopiyo',
      fileName: 'piyopiyo',
    });
  });

  it('rejects a key that is not even a Secret key', () => {
    const spc = spcWithSecretObjects([secretObject('s', 'Opaque', { 'PI YO': 'piyopiyo' })]);

    expect(() => secretObjectsToEnv(spc, readerOf(exampleFiles))).toThrow(KuraSecretObjectError);
  });

  it('rejects content with a NUL byte without showing it', () => {
    const spc = spcWithSecretObjects([secretObject('s', 'Opaque', { BLOB: 'blob' })]);
    const content = Buffer.from('top-secret\0tail');

    const error = envError(() => secretObjectsToEnv(spc, readerOf({ blob: content })));

    expect(error.message).toContain('key "BLOB" (objectName "blob")');
    expect(error.message).toContain('NUL byte at offset 10');
    expect(error.message).not.toContain('top-secret');
  });

  it('rejects content that is not UTF-8', () => {
    const spc = spcWithSecretObjects([secretObject('s', 'Opaque', { BLOB: 'blob' })]);

    const error = envError(() =>
      secretObjectsToEnv(spc, readerOf({ blob: new Uint8Array([0x41, 0xff, 0xfe]) })),
    );

    expect(error.message).toContain('not valid UTF-8');
  });

  it('rejects one name set from two objects', () => {
    const spc = spcWithSecretObjects([
      secretObject('one', 'Opaque', { PIYO: 'piyopiyo' }),
      secretObject('two', 'Opaque', { PIYO: 'my-parameter' }),
    ]);

    const error = envError(() => secretObjectsToEnv(spc, readerOf(exampleFiles)));

    expect(error.message).toBe(
      'secretObjects "two" key "PIYO" (objectName "my-parameter"): the variable is also set by secretObjects "one" key "PIYO" (objectName "piyopiyo"); give one of the keys another name',
    );
  });

  it('accepts one name set twice from one object', () => {
    const spc = spcWithSecretObjects([
      secretObject('one', 'Opaque', { PIYO: 'piyopiyo' }),
      secretObject('two', 'Opaque', { PIYO: 'piyopiyo' }),
    ]);

    expect(secretObjectsToEnv(spc, readerOf(exampleFiles))).toEqual({ PIYO: '1234567' });
  });
});

describe('secretObjectFileNames', () => {
  it('lists each file name once', () => {
    const spc = spcWithSecretObjects([
      secretObject('one', 'Opaque', { A: 'a', B: 'b' }),
      secretObject('two', 'Opaque', { C: 'a' }),
    ]);

    expect(secretObjectFileNames(spc)).toEqual(['a', 'b']);
  });
});

describe('checkEnvVarName', () => {
  it.each(['PIYO', '_x', 'my.env-name', 'MY_ENV.NAME', 'MyEnvName1', 'tls.crt', '-a'])(
    'accepts %j',
    (name) => {
      expect(checkEnvVarName(name)).toBeUndefined();
    },
  );

  it.each(['', '1A', 'A B', 'A=B', '.', '..a', 'ä', 'A\0'])('rejects %j', (name) => {
    expect(checkEnvVarName(name)).toBeDefined();
  });
});

describe('checkSecretKey', () => {
  it.each(['PIYO', '1A', '.dockerconfigjson', 'tls.crt', 'a'.repeat(253)])('accepts %j', (key) => {
    expect(checkSecretKey(key)).toBeUndefined();
  });

  it.each(['', '.', '..', '..a', 'a/b', 'a b', 'a'.repeat(254)])('rejects %j', (key) => {
    expect(checkSecretKey(key)).toBeDefined();
  });
});
