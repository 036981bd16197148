import { KuraSecretObjectError } from '../errors.js';
import type { SecretObject, SecretObjectData } from '../spec/model.js';
import { checkSecretKey, checkSecretName } from './kubernetes-names.js';
import { extractTlsPart, tlsCertKey, tlsPrivateKeyKey } from './tls.js';
import { trimSpaceAsGo } from './trim-space.js';

/** Reads the current content of an object by its file name. */
export type ReadObjectBytes = (fileName: string) => Uint8Array;

/** The Secret type the driver splits into certificate and private key. */
export const tlsSecretType = 'kubernetes.io/tls';

/** The largest total size of a Secret's data values the API server accepts, in bytes. */
export const maxSecretDataBytes = 1024 * 1024;

/** One key of a resolved Secret with the data item that produced it. */
export interface ResolvedSecretData {
  key: string;
  /** The data item whose object the content comes from. */
  item: SecretObjectData;
  /** The bytes stored under `key`, after the TLS split for `kubernetes.io/tls`. */
  content: Uint8Array;
}

/** A secretObjects entry with its type defaulted and its data read. */
export interface ResolvedSecretObject {
  secretName: string;
  type: string;
  /** One entry per distinct key, in the order the keys first appear. */
  data: ResolvedSecretData[];
}

function fail(
  secretObject: SecretObject,
  item: SecretObjectData | undefined,
  message: string,
): never {
  const name = JSON.stringify(secretObject.secretName);
  const where =
    item === undefined
      ? `secretObjects ${name}`
      : `secretObjects ${name} key ${JSON.stringify(item.key)} (objectName ${JSON.stringify(item.objectName)})`;
  throw new KuraSecretObjectError(`${where}: ${message}`, {
    secretName: secretObject.secretName,
    key: item?.key,
    objectName: item?.objectName,
    fileName: item?.fileName,
  });
}

function readItem(
  secretObject: SecretObject,
  type: string,
  key: string,
  item: SecretObjectData,
  readBytes: ReadObjectBytes,
): Uint8Array {
  const content = readBytes(item.fileName);
  if (type !== tlsSecretType) {
    return content;
  }
  const part = extractTlsPart(content, key);
  if (!part.ok) {
    fail(secretObject, item, part.problem);
  }
  return part.content;
}

/**
 * Reads the objects of one secretObjects entry and builds its data as the CSI driver does.
 * White space around the name, type and keys is removed (the parser has done so already, but a
 * SecretProviderClass may be built by hand). Keys must pass the Secret key rule, a later item
 * with the same key replaces an earlier one, and `kubernetes.io/tls` items are split into
 * certificate and private key. Throws `KuraSecretObjectError`, and passes on what `readBytes`
 * throws for a missing object.
 */
export function resolveSecretObject(
  secretObject: SecretObject,
  readBytes: ReadObjectBytes,
): ResolvedSecretObject {
  const secretName = trimSpaceAsGo(secretObject.secretName);
  const nameProblem = checkSecretName(secretName);
  if (nameProblem !== undefined) {
    fail(secretObject, undefined, `invalid secretName: ${nameProblem}`);
  }
  // The driver uses Opaque for a type that is empty once trimmed.
  const type = trimSpaceAsGo(secretObject.type) || 'Opaque';

  const data = new Map<string, ResolvedSecretData>();
  for (const item of secretObject.data) {
    const key = trimSpaceAsGo(item.key);
    const keyProblem = checkSecretKey(key);
    if (keyProblem !== undefined) {
      fail(secretObject, item, `invalid key: ${keyProblem}`);
    }
    data.set(key, {
      key,
      item,
      content: readItem(secretObject, type, key, item, readBytes),
    });
  }

  if (type === tlsSecretType) {
    for (const required of [tlsCertKey, tlsPrivateKeyKey]) {
      if (!data.has(required)) {
        fail(
          secretObject,
          undefined,
          `a ${tlsSecretType} Secret needs the keys ${tlsCertKey} and ${tlsPrivateKeyKey}; add a data item with key "${required}"`,
        );
      }
    }
  }

  const totalBytes = [...data.values()].reduce((sum, entry) => sum + entry.content.byteLength, 0);
  if (totalBytes > maxSecretDataBytes) {
    fail(
      secretObject,
      undefined,
      `the data adds up to ${totalBytes} bytes, more than the ${maxSecretDataBytes} bytes a Kubernetes Secret may hold; split it into several secretObjects entries`,
    );
  }

  return { secretName, type, data: [...data.values()] };
}
