/**
 * The split the CSI driver applies to each data item of a `kubernetes.io/tls` secretObjects
 * entry (secrets-store-csi-driver, pkg/util/secretutil `GetCertPart`): `tls.crt` receives every
 * `CERTIFICATE` block of the object, `tls.key` its private key re-encoded as PKCS #1
 * (`RSA PRIVATE KEY`) or SEC 1 (`EC PRIVATE KEY`). The driver accepts no other key in such a
 * Secret, so `ca.crt` belongs in an `Opaque` entry.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { decodePemBlocks, encodePemBlock, type PemBlock } from './pem.js';

export const tlsCertKey = 'tls.crt';
export const tlsPrivateKeyKey = 'tls.key';

/** The content for one key, or the reason the object cannot provide it. */
export type TlsPart = { ok: true; content: Uint8Array } | { ok: false; problem: string };

/** Curves Go's crypto/x509 parses; the driver cannot re-encode a key on any other curve. */
const supportedCurves = new Set(['prime256v1', 'secp384r1', 'secp521r1', 'secp224r1']);

// NOTE: where an object contains no PEM block, the driver also tries it as an unencrypted PKCS #12
// file. kura does not, because node:crypto cannot parse PKCS #12, so such objects fail here.
const pkcs12Hint =
  'kura reads PEM only (the driver also reads an unencrypted PKCS #12 file); convert such a file with `openssl pkcs12 -in FILE.pfx -nodes -passin pass: -out FILE.pem`';

/** Returns the certificate blocks for `tls.crt`, or the private key for `tls.key`. */
export function extractTlsPart(content: Uint8Array, key: string): TlsPart {
  const blocks = decodePemBlocks(content);
  if (key === tlsCertKey) {
    return extractCertificates(blocks);
  }
  if (key === tlsPrivateKeyKey) {
    return extractPrivateKey(blocks);
  }
  return {
    ok: false,
    problem: `a kubernetes.io/tls Secret takes only the keys ${tlsCertKey} and ${tlsPrivateKeyKey}; move ${JSON.stringify(key)} to an Opaque secretObjects entry`,
  };
}

function extractCertificates(blocks: PemBlock[]): TlsPart {
  const certificates = blocks.filter((block) => block.type === 'CERTIFICATE');
  if (certificates.length === 0) {
    return { ok: false, problem: `the object holds no PEM CERTIFICATE block; ${pkcs12Hint}` };
  }
  return { ok: true, content: Buffer.from(certificates.map(encodePemBlock).join(''), 'latin1') };
}

function extractPrivateKey(blocks: PemBlock[]): TlsPart {
  // The driver takes the last block that is not a certificate, so `EC PARAMETERS` before
  // `EC PRIVATE KEY` (as `openssl ecparam -genkey` writes them) still yields the key.
  const keyBlock = blocks.filter((block) => block.type !== 'CERTIFICATE').at(-1);
  if (keyBlock === undefined) {
    return { ok: false, problem: `the object holds no PEM private key block; ${pkcs12Hint}` };
  }

  const key = parsePrivateKey(keyBlock.bytes);
  if (key === undefined) {
    // NOTE: the driver writes an empty PRIVATE KEY block here instead of failing. kura fails,
    // because a Secret with an empty key would only break later, in the TLS server.
    return {
      ok: false,
      problem: `the private key (PEM block ${JSON.stringify(keyBlock.type)}) is not an unencrypted PKCS #1, PKCS #8 or SEC 1 key; decrypt it with \`openssl pkey\``,
    };
  }
  return reencodePrivateKey(key);
}

/** Parses DER as PKCS #1, then PKCS #8, then SEC 1, the formats the driver tries. */
function parsePrivateKey(der: Uint8Array): KeyObject | undefined {
  const buffer = Buffer.from(der);
  for (const type of ['pkcs1', 'pkcs8', 'sec1'] as const) {
    try {
      return createPrivateKey({ key: buffer, format: 'der', type });
    } catch {
      // Not this format; try the next one.
    }
  }
  return undefined;
}

function reencodePrivateKey(key: KeyObject): TlsPart {
  if (key.asymmetricKeyType === 'rsa') {
    return { ok: true, content: Buffer.from(key.export({ type: 'pkcs1', format: 'pem' })) };
  }
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType === 'ec' && curve !== undefined && supportedCurves.has(curve)) {
    return { ok: true, content: Buffer.from(key.export({ type: 'sec1', format: 'pem' })) };
  }
  const kind =
    key.asymmetricKeyType === 'ec'
      ? `an EC key on curve ${curve}`
      : `of type ${key.asymmetricKeyType}`;
  return {
    ok: false,
    problem: `the private key is ${kind}, but the CSI driver supports only RSA keys and EC keys on P-224, P-256, P-384 or P-521`,
  };
}
