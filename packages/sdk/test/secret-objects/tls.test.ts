import { createPrivateKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodePemBlocks } from '../../src/secret-objects/pem.js';
import { extractTlsPart } from '../../src/secret-objects/tls.js';
import { createCertificatePem } from './fixtures.js';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
const rsaCertificate = createCertificatePem('server.example', rsa);
const ecCertificate = createCertificatePem('ec.example', ec);
const caKey = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey;
const caCertificate = createCertificatePem('Example CA', caKey);
const leafCertificate = createCertificatePem('leaf.example', rsa, {
  commonName: 'Example CA',
  key: caKey,
});

function partText(content: string, key: string): string {
  const part = extractTlsPart(Buffer.from(content), key);
  if (!part.ok) {
    throw new Error(part.problem);
  }
  return Buffer.from(part.content).toString();
}

function problemOf(content: string | Uint8Array, key: string): string {
  const part = extractTlsPart(Buffer.from(content), key);
  if (part.ok) {
    throw new Error('expected a problem');
  }
  return part.problem;
}

describe('extractTlsPart', () => {
  it('test certificates verify against their issuer', () => {
    expect(new X509Certificate(rsaCertificate).checkPrivateKey(rsa)).toBe(true);
    expect(
      new X509Certificate(leafCertificate).verify(new X509Certificate(caCertificate).publicKey),
    ).toBe(true);
  });

  it('puts every certificate of a bundle into tls.crt', () => {
    const bundle = `${rsa.export({ type: 'pkcs8', format: 'pem' })}${leafCertificate}${caCertificate}`;

    const certificates = partText(bundle, 'tls.crt');

    expect(certificates).toBe(leafCertificate + caCertificate);
  });

  it('re-encodes a PKCS #8 RSA key as PKCS #1', () => {
    const bundle = `${rsaCertificate}${rsa.export({ type: 'pkcs8', format: 'pem' })}`;

    const key = partText(bundle, 'tls.key');

    expect(key).toBe(rsa.export({ type: 'pkcs1', format: 'pem' }));
    expect(key.startsWith('-----BEGIN RSA PRIVATE KEY-----\n')).toBe(true);
    expect(
      new X509Certificate(partText(bundle, 'tls.crt')).checkPrivateKey(createPrivateKey(key)),
    ).toBe(true);
  });

  it('keeps a PKCS #1 RSA key as it is', () => {
    const pkcs1 = rsa.export({ type: 'pkcs1', format: 'pem' }) as string;

    expect(partText(`${pkcs1}${rsaCertificate}`, 'tls.key')).toBe(pkcs1);
  });

  it('re-encodes a PKCS #8 EC key as SEC 1', () => {
    const bundle = `${ecCertificate}${ec.export({ type: 'pkcs8', format: 'pem' })}`;

    const key = partText(bundle, 'tls.key');

    expect(key).toBe(ec.export({ type: 'sec1', format: 'pem' }));
    expect(key.startsWith('-----BEGIN EC PRIVATE KEY-----\n')).toBe(true);
  });

  it('takes the key after an EC PARAMETERS block', () => {
    const parameters =
      '-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n';
    const sec1 = ec.export({ type: 'sec1', format: 'pem' }) as string;

    expect(partText(`${parameters}${sec1}${ecCertificate}`, 'tls.key')).toBe(sec1);
  });

  it('reads a bundle with CRLF line ends and text between blocks', () => {
    const bundle =
      `Bag Attributes\r\n${rsaCertificate}subject=/CN=x\r\n${rsa.export({ type: 'pkcs8', format: 'pem' })}`.replaceAll(
        '\n',
        '\r\n',
      );

    expect(partText(bundle, 'tls.crt')).toBe(rsaCertificate);
    expect(partText(bundle, 'tls.key')).toBe(rsa.export({ type: 'pkcs1', format: 'pem' }));
  });

  it('rejects tls.crt from an object without certificates', () => {
    const keyOnly = rsa.export({ type: 'pkcs8', format: 'pem' }) as string;

    expect(problemOf(keyOnly, 'tls.crt')).toMatch(/no PEM CERTIFICATE block/);
  });

  it('rejects tls.key from an object without a key', () => {
    expect(problemOf(rsaCertificate, 'tls.key')).toMatch(/no PEM private key block/);
  });

  it('rejects binary content that is not PEM', () => {
    const binary = new Uint8Array([0x00, 0xff, 0xfe, 0x80, 0x0a, 0x41]);

    expect(problemOf(binary, 'tls.crt')).toMatch(/PKCS #12/);
    expect(problemOf(binary, 'tls.key')).toMatch(/PKCS #12/);
  });

  it('rejects an encrypted private key', () => {
    const encrypted = rsa.export({
      type: 'pkcs8',
      format: 'pem',
      cipher: 'aes-256-cbc',
      passphrase: 'test-passphrase',
    }) as string;

    expect(problemOf(`${rsaCertificate}${encrypted}`, 'tls.key')).toMatch(
      /"ENCRYPTED PRIVATE KEY"\) is not an unencrypted PKCS #1, PKCS #8 or SEC 1 key/,
    );
  });

  it('rejects an Ed25519 key', () => {
    const ed25519 = generateKeyPairSync('ed25519').privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    });

    expect(problemOf(`${rsaCertificate}${ed25519}`, 'tls.key')).toMatch(/of type ed25519/);
  });

  it('rejects an EC key on a curve Go cannot parse', () => {
    const k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).privateKey;

    expect(
      problemOf(`${rsaCertificate}${k1.export({ type: 'sec1', format: 'pem' })}`, 'tls.key'),
    ).toMatch(/curve secp256k1/);
  });

  it('rejects any key other than tls.crt and tls.key', () => {
    expect(problemOf(caCertificate, 'ca.crt')).toMatch(
      /move "ca.crt" to an Opaque secretObjects entry/,
    );
  });

  it('decodes what it writes', () => {
    const bundle = `${leafCertificate}${caCertificate}`;

    expect(decodePemBlocks(Buffer.from(partText(bundle, 'tls.crt')))).toHaveLength(2);
  });
});
