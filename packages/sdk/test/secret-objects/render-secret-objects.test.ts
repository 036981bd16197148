import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KuraNotFoundError, KuraSecretObjectError } from '../../src/errors.js';
import {
  renderSecretObject,
  renderSecretObjects,
} from '../../src/secret-objects/render-secret-objects.js';
import { createCertificatePem, readerOf, secretObject, spcWithSecretObjects } from './fixtures.js';

const exampleFiles = { piyopiyo: '1234567', 'my-parameter': 'foobar-value' };
const exampleSpc = spcWithSecretObjects([
  {
    secretName: 'test-app-secret',
    type: 'Opaque',
    labels: { app: 'test-app' },
    annotations: { 'example.com/owner': 'team-a' },
    data: [
      { key: 'PIYO', objectName: 'piyopiyo', fileName: 'piyopiyo' },
      { key: 'PARAMETER', objectName: 'my-parameter', fileName: 'my-parameter' },
    ],
  },
]);

function base64(text: string): string {
  return Buffer.from(text).toString('base64');
}

function renderError(run: () => unknown): KuraSecretObjectError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(KuraSecretObjectError);
    return error as KuraSecretObjectError;
  }
  throw new Error('expected a KuraSecretObjectError');
}

describe('renderSecretObjects', () => {
  it('builds the Secret the driver syncs for the example', () => {
    const [secret] = renderSecretObjects(exampleSpc, readerOf(exampleFiles));

    expect(secret).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'test-app-secret',
        namespace: 'default',
        labels: { app: 'test-app', 'secrets-store.csi.k8s.io/managed': 'true' },
        annotations: { 'example.com/owner': 'team-a' },
      },
      type: 'Opaque',
      data: { PARAMETER: base64('foobar-value'), PIYO: base64('1234567') },
    });
  });

  it('sorts data keys as the API server returns them', () => {
    const [secret] = renderSecretObjects(exampleSpc, readerOf(exampleFiles));

    expect(Object.keys(secret?.data ?? {})).toEqual(['PARAMETER', 'PIYO']);
  });

  it('keeps binary content byte for byte', () => {
    const bytes = new Uint8Array([0x00, 0xff, 0xfe, 0x80, 0x0a, 0x41]);
    const spc = spcWithSecretObjects([secretObject('keystore', 'Opaque', { 'keystore.p12': 'k' })]);

    const [secret] = renderSecretObjects(spc, readerOf({ k: bytes }));

    expect(secret?.data['keystore.p12']).toBe('AP/+gApB');
  });

  it('overrides a user label named like the managed label', () => {
    const spc = spcWithSecretObjects([
      {
        ...secretObject('s', 'Opaque', { A: 'a' }),
        labels: { 'secrets-store.csi.k8s.io/managed': 'no' },
      },
    ]);

    const [secret] = renderSecretObjects(spc, readerOf({ a: 'x' }));

    expect(secret?.metadata.labels).toEqual({ 'secrets-store.csi.k8s.io/managed': 'true' });
  });

  it('uses Opaque for an empty type', () => {
    const spc = spcWithSecretObjects([secretObject('s', ' ', { A: 'a' })]);

    expect(renderSecretObjects(spc, readerOf({ a: 'x' }))[0]?.type).toBe('Opaque');
  });

  it('lets a later item with the same key win', () => {
    const spc = spcWithSecretObjects([
      {
        ...secretObject('s', 'Opaque', {}),
        data: [
          { key: 'A', objectName: 'first', fileName: 'first' },
          { key: 'A', objectName: 'second', fileName: 'second' },
        ],
      },
    ]);

    const [secret] = renderSecretObjects(spc, readerOf({ first: '1', second: '2' }));

    expect(secret?.data).toEqual({ A: base64('2') });
  });

  it('renders every entry in order', () => {
    const spc = spcWithSecretObjects([
      secretObject('one', 'Opaque', { A: 'a' }),
      secretObject('two', 'Opaque', { B: 'b' }),
    ]);

    const secrets = renderSecretObjects(spc, readerOf({ a: '1', b: '2' }));

    expect(secrets.map((secret) => secret.metadata.name)).toEqual(['one', 'two']);
  });

  it('passes through the error of a missing object', () => {
    const missing = new KuraNotFoundError('no object piyopiyo');

    expect(() =>
      renderSecretObjects(exampleSpc, () => {
        throw missing;
      }),
    ).toThrow(missing);
  });

  it('rejects a key the API server rejects, naming key and object', () => {
    const spc = spcWithSecretObjects([secretObject('s', 'Opaque', { 'bad key': 'piyopiyo' })]);

    const error = renderError(() => renderSecretObjects(spc, readerOf(exampleFiles)));

    expect(error.code).toBe('KURA_SECRET_OBJECT_INVALID');
    expect(error.message).toContain('key "bad key"');
    expect(error.message).toContain('objectName "piyopiyo"');
    expect(error.details).toEqual({
      secretName: 's',
      key: 'bad key',
      objectName: 'piyopiyo',
      fileName: 'piyopiyo',
    });
  });

  it.each(['.', '..hidden', 'a/b', ''])('rejects Secret key %j', (key) => {
    const spc = spcWithSecretObjects([secretObject('s', 'Opaque', { [key]: 'piyopiyo' })]);

    expect(() => renderSecretObjects(spc, readerOf(exampleFiles))).toThrow(KuraSecretObjectError);
  });

  it('rejects an invalid secretName', () => {
    const spc = spcWithSecretObjects([secretObject('Test_App', 'Opaque', { PIYO: 'piyopiyo' })]);

    const error = renderError(() => renderSecretObjects(spc, readerOf(exampleFiles)));

    expect(error.message).toMatch(/secretObjects "Test_App": invalid secretName: .*DNS-1123/);
  });

  it('rejects data over the Secret size limit', () => {
    const spc = spcWithSecretObjects([secretObject('big', 'Opaque', { A: 'a', B: 'b' })]);
    const half = new Uint8Array(512 * 1024 + 1);

    const error = renderError(() => renderSecretObjects(spc, readerOf({ a: half, b: half })));

    expect(error.message).toContain('1048578 bytes');
  });
});

describe('renderSecretObjects with kubernetes.io/tls', () => {
  const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const certificate = createCertificatePem('tls.example', key);
  const bundle = `${key.export({ type: 'pkcs8', format: 'pem' })}${certificate}`;

  it('splits one object into tls.crt and tls.key', () => {
    const spc = spcWithSecretObjects([
      {
        ...secretObject('ingress-tls', 'kubernetes.io/tls', {}),
        data: [
          { key: 'tls.key', objectName: 'cert', fileName: 'cert' },
          { key: 'tls.crt', objectName: 'cert', fileName: 'cert' },
        ],
      },
    ]);

    const [secret] = renderSecretObjects(spc, readerOf({ cert: bundle }));

    expect(secret?.type).toBe('kubernetes.io/tls');
    expect(secret?.data['tls.crt']).toBe(base64(certificate));
    expect(secret?.data['tls.key']).toBe(
      base64(key.export({ type: 'sec1', format: 'pem' }) as string),
    );
  });

  it('rejects ca.crt in a TLS Secret', () => {
    const spc = spcWithSecretObjects([
      secretObject('ingress-tls', 'kubernetes.io/tls', {
        'tls.crt': 'cert',
        'tls.key': 'cert',
        'ca.crt': 'ca',
      }),
    ]);

    const error = renderError(() =>
      renderSecretObjects(spc, readerOf({ cert: bundle, ca: certificate })),
    );

    expect(error.message).toContain('key "ca.crt" (objectName "ca")');
    expect(error.message).toContain('Opaque');
  });

  it('rejects an object without a private key, naming it', () => {
    const spc = spcWithSecretObjects([
      secretObject('ingress-tls', 'kubernetes.io/tls', {
        'tls.crt': 'cert',
        'tls.key': 'only-cert',
      }),
    ]);

    const error = renderError(() =>
      renderSecretObjects(spc, readerOf({ cert: bundle, 'only-cert': certificate })),
    );

    expect(error.details.objectName).toBe('only-cert');
    expect(error.message).toContain('objectName "only-cert"');
    expect(error.message).toContain('no PEM private key block');
  });

  it('rejects an object without a certificate, naming it', () => {
    const spc = spcWithSecretObjects([
      secretObject('ingress-tls', 'kubernetes.io/tls', { 'tls.crt': 'plain', 'tls.key': 'cert' }),
    ]);

    const error = renderError(() =>
      renderSecretObjects(spc, readerOf({ cert: bundle, plain: 'not pem' })),
    );

    expect(error.details.objectName).toBe('plain');
    expect(error.message).toContain('no PEM CERTIFICATE block');
  });

  it('trims keys before the split, as the driver does', () => {
    const spc = spcWithSecretObjects([
      secretObject(' ingress-tls ', ' kubernetes.io/tls\n', {
        'tls.crt ': 'cert',
        '\ttls.key': 'cert',
      }),
    ]);

    const [secret] = renderSecretObjects(spc, readerOf({ cert: bundle }));

    expect(secret?.metadata.name).toBe('ingress-tls');
    expect(secret?.type).toBe('kubernetes.io/tls');
    expect(Object.keys(secret?.data ?? {})).toEqual(['tls.crt', 'tls.key']);
    expect(secret?.data['tls.crt']).toBe(base64(certificate));
  });

  it('rejects a TLS Secret without tls.key', () => {
    const spc = spcWithSecretObjects([
      secretObject('ingress-tls', 'kubernetes.io/tls', { 'tls.crt': 'cert' }),
    ]);

    const error = renderError(() => renderSecretObjects(spc, readerOf({ cert: bundle })));

    expect(error.message).toContain('add a data item with key "tls.key"');
  });
});

describe('renderSecretObject', () => {
  it('builds one Secret by name', () => {
    const secret = renderSecretObject(exampleSpc, 'test-app-secret', readerOf(exampleFiles));

    expect(secret.metadata.name).toBe('test-app-secret');
  });

  it('reads only the objects of the named Secret', () => {
    const spc = spcWithSecretObjects([
      secretObject('one', 'Opaque', { A: 'a' }),
      secretObject('two', 'Opaque', { B: 'b' }),
    ]);
    const read: string[] = [];

    renderSecretObject(spc, 'two', (name) => {
      read.push(name);
      return Buffer.from('x');
    });

    expect(read).toEqual(['b']);
  });

  it('finds an entry by its trimmed secretName', () => {
    const spc = spcWithSecretObjects([secretObject('app ', 'Opaque', { A: 'a' })]);

    const secret = renderSecretObject(spc, 'app', readerOf({ a: 'x' }));

    expect(secret.metadata.name).toBe('app');
  });

  it('says so when the SecretProviderClass has no secretObjects', () => {
    const spc = spcWithSecretObjects([]);

    expect(() => renderSecretObject(spc, 'app', readerOf({}))).toThrow(
      'SecretProviderClass default/test-app-secretstore has no secretObjects, so it has no entry named "app"; add a secretObjects entry with that secretName',
    );
  });

  it('throws KuraNotFoundError listing the entries', () => {
    expect(() => renderSecretObject(exampleSpc, 'other', readerOf(exampleFiles))).toThrow(
      /no secretObjects entry named "other"; the entries are named "test-app-secret"/,
    );
    expect(() => renderSecretObject(exampleSpc, 'other', readerOf(exampleFiles))).toThrow(
      KuraNotFoundError,
    );
  });
});
