import { KuraNotFoundError } from '../errors.js';
import type { SecretObject, SecretProviderClass } from '../spec/model.js';
import { type ReadObjectBytes, resolveSecretObject } from './resolve-secret-object.js';
import { trimSpaceAsGo } from './trim-space.js';

/** The label the CSI driver puts on every Secret it syncs, so its controller can find them. */
export const managedSecretLabel = 'secrets-store.csi.k8s.io/managed';

/** A `v1` Secret as the CSI driver would create it from a secretObjects entry. */
export interface KubernetesSecret {
  apiVersion: 'v1';
  kind: 'Secret';
  metadata: {
    name: string;
    /** The SecretProviderClass's namespace, which is the pod's. */
    namespace: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
  };
  type: string;
  /** Each key's content in base64, keys sorted as the API server returns them. */
  data: Record<string, string>;
}

function renderOne(
  spc: SecretProviderClass,
  secretObject: SecretObject,
  readBytes: ReadObjectBytes,
): KubernetesSecret {
  const resolved = resolveSecretObject(secretObject, readBytes);

  const data: Record<string, string> = {};
  const sorted = [...resolved.data].sort((left, right) => compareKeys(left.key, right.key));
  for (const entry of sorted) {
    data[entry.key] = Buffer.from(entry.content).toString('base64');
  }

  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: resolved.secretName,
      namespace: spc.namespace,
      // The driver sets the managed label last, so it replaces a user label of that name.
      labels: { ...secretObject.labels, [managedSecretLabel]: 'true' },
      annotations: { ...secretObject.annotations },
    },
    type: resolved.type,
    data,
  };
}

/**
 * Builds the Kubernetes Secret the CSI driver would sync for each secretObjects entry, in
 * order, reading each object's content with `readBytes` (by file name). Throws
 * `KuraSecretObjectError` for an entry the driver or the API server would reject.
 */
export function renderSecretObjects(
  spc: SecretProviderClass,
  readBytes: ReadObjectBytes,
): KubernetesSecret[] {
  return spc.secretObjects.map((secretObject) => renderOne(spc, secretObject, readBytes));
}

/**
 * Builds the Secret of the secretObjects entry named `secretName`. Throws `KuraNotFoundError`
 * when the SecretProviderClass has no such entry.
 */
export function renderSecretObject(
  spc: SecretProviderClass,
  secretName: string,
  readBytes: ReadObjectBytes,
): KubernetesSecret {
  const secretObject = spc.secretObjects.find(
    (candidate) => trimSpaceAsGo(candidate.secretName) === secretName,
  );
  if (secretObject === undefined) {
    const spcName = `SecretProviderClass ${spc.namespace}/${spc.name}`;
    if (spc.secretObjects.length === 0) {
      throw new KuraNotFoundError(
        `${spcName} has no secretObjects, so it has no entry named ${JSON.stringify(secretName)}; add a secretObjects entry with that secretName`,
      );
    }
    const known = spc.secretObjects
      .map((candidate) => JSON.stringify(trimSpaceAsGo(candidate.secretName)))
      .join(', ');
    throw new KuraNotFoundError(
      `${spcName} has no secretObjects entry named ${JSON.stringify(secretName)}; the entries are named ${known}`,
    );
  }
  return renderOne(spc, secretObject, readBytes);
}

/** Orders two strings by UTF-16 code units, as `<` does; the keys compared here are ASCII. */
function compareKeys(left: string, right: string): number {
  if (left < right) {
    return -1;
  }
  return left > right ? 1 : 0;
}
