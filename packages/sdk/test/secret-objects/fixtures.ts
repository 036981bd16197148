/**
 * Test fixtures: a SecretProviderClass model built by hand, and self-signed X.509 certificates
 * made with node:crypto alone (Node can sign but not issue certificates, so the DER of the
 * certificate is assembled here).
 */
import { createPublicKey, type KeyObject, sign } from 'node:crypto';
import type { SecretObject, SecretProviderClass } from '../../src/spec/model.js';

/** Builds a model with no objects and the given secretObjects entries, in namespace `default`. */
export function spcWithSecretObjects(secretObjects: SecretObject[]): SecretProviderClass {
  return {
    name: 'test-app-secretstore',
    namespace: 'default',
    region: 'us-east-1',
    pathTranslation: { kind: 'replace', replacement: '_' },
    usePodIdentity: true,
    objects: [],
    secretObjects,
    warnings: [],
  };
}

/** Builds a secretObjects entry whose data items read the file names given as `key: fileName`. */
export function secretObject(
  secretName: string,
  type: string,
  items: Record<string, string>,
): SecretObject {
  return {
    secretName,
    type,
    labels: {},
    annotations: {},
    data: Object.entries(items).map(([key, fileName]) => ({ key, objectName: fileName, fileName })),
  };
}

/** Creates a reader over an in-memory mount dir. A missing file throws, as the store does. */
export function readerOf(files: Record<string, Uint8Array | string>): (name: string) => Uint8Array {
  return (name) => {
    const content = files[name];
    if (content === undefined) {
      throw new Error(`no file ${name}`);
    }
    return typeof content === 'string' ? Buffer.from(content) : content;
  };
}

function derLength(length: number): Buffer {
  if (length < 0x80) {
    return Buffer.from([length]);
  }
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest >>= 8) {
    bytes.unshift(rest & 0xff);
  }
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function der(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), derLength(body.length), body]);
}

function derOid(oid: string): Buffer {
  const [first = 0, second = 0, ...rest] = oid.split('.').map(Number);
  const bytes = [first * 40 + second];
  for (const arc of rest) {
    const groups = [arc & 0x7f];
    for (let value = arc >> 7; value > 0; value >>= 7) {
      groups.unshift((value & 0x7f) | 0x80);
    }
    bytes.push(...groups);
  }
  return der(0x06, Buffer.from(bytes));
}

function derName(commonName: string): Buffer {
  const attribute = der(0x30, derOid('2.5.4.3'), der(0x0c, Buffer.from(commonName)));
  return der(0x30, der(0x31, attribute));
}

function derUtcTime(date: Date): Buffer {
  const text = date.toISOString().replace(/[-:T]/g, '').slice(2, 14);
  return der(0x17, Buffer.from(`${text}Z`));
}

function signatureAlgorithm(key: KeyObject): Buffer {
  if (key.asymmetricKeyType === 'rsa') {
    return der(0x30, derOid('1.2.840.113549.1.1.11'), der(0x05));
  }
  return der(0x30, derOid('1.2.840.10045.4.3.2'));
}

/** Issues a certificate for `subjectKey`'s public key, signed by `issuer.key` (itself by default). */
export function createCertificatePem(
  commonName: string,
  subjectKey: KeyObject,
  issuer: { commonName: string; key: KeyObject } = { commonName, key: subjectKey },
): string {
  const subjectPublicKeyInfo = createPublicKey(subjectKey).export({ format: 'der', type: 'spki' });
  const algorithm = signatureAlgorithm(issuer.key);
  const now = Date.now();
  const tbs = der(
    0x30,
    der(0xa0, der(0x02, Buffer.from([2]))),
    der(0x02, Buffer.from([0x01, 0x23, 0x45])),
    algorithm,
    derName(issuer.commonName),
    der(0x30, derUtcTime(new Date(now - 3_600_000)), derUtcTime(new Date(now + 86_400_000))),
    derName(commonName),
    subjectPublicKeyInfo,
  );
  const signature = sign('sha256', tbs, issuer.key);
  const certificate = der(0x30, tbs, algorithm, der(0x03, Buffer.from([0]), signature));
  const lines = certificate.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}
