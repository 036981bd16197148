import { KuraEnvError } from '../errors.js';
import type { SecretObject, SecretProviderClass } from '../spec/model.js';
import { checkEnvVarName } from './kubernetes-names.js';
import {
  type ReadObjectBytes,
  type ResolvedSecretData,
  resolveSecretObject,
} from './resolve-secret-object.js';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Origin of an environment variable's value, used to name both sides of a conflict. */
interface EnvSource {
  secretObject: SecretObject;
  type: string;
  entry: ResolvedSecretData;
}

function describe(source: EnvSource): string {
  const secretName = JSON.stringify(source.secretObject.secretName);
  const objectName = JSON.stringify(source.entry.item.objectName);
  return `secretObjects ${secretName} key ${JSON.stringify(source.entry.key)} (objectName ${objectName})`;
}

function fail(source: EnvSource, message: string): never {
  throw new KuraEnvError(`${describe(source)}: ${message}`, {
    secretName: source.secretObject.secretName,
    key: source.entry.key,
    objectName: source.entry.item.objectName,
    fileName: source.entry.item.fileName,
  });
}

/** Decodes the content as the variable's value; env values are C strings passed as UTF-8. */
function toEnvValue(source: EnvSource): string {
  const content = source.entry.content;
  const nul = content.indexOf(0);
  if (nul >= 0) {
    fail(
      source,
      `the content holds a NUL byte at offset ${nul}, which an environment variable cannot hold; read this object from a file or the sidecar's /objects endpoint instead`,
    );
  }
  try {
    return utf8.decode(content);
  } catch {
    return fail(
      source,
      "the content is not valid UTF-8, so it cannot be passed byte for byte as an environment variable; read this object from a file or the sidecar's /objects endpoint instead",
    );
  }
}

/** True when two data items always produce the same content. */
function sameSource(a: EnvSource, b: EnvSource): boolean {
  return (
    a.entry.item.fileName === b.entry.item.fileName &&
    a.type === b.type &&
    a.entry.key === b.entry.key
  );
}

/**
 * Builds the environment variables `envFrom` would give a container from the Secrets the CSI
 * driver syncs for the secretObjects entries. Each data key becomes a variable containing its
 * content, after the TLS split. Throws `KuraEnvError` for a key that is not a valid variable
 * name, for content with a NUL byte or invalid UTF-8, and for one name set from two objects.
 * Throws `KuraSecretObjectError` for an entry the driver would reject.
 */
export function secretObjectsToEnv(
  spc: SecretProviderClass,
  readBytes: ReadObjectBytes,
): Record<string, string> {
  const env: Record<string, string> = {};
  const sources = new Map<string, EnvSource>();

  for (const secretObject of spc.secretObjects) {
    const resolved = resolveSecretObject(secretObject, readBytes);
    for (const entry of resolved.data) {
      const source: EnvSource = { secretObject, type: resolved.type, entry };
      const nameProblem = checkEnvVarName(entry.key);
      if (nameProblem !== undefined) {
        fail(source, `invalid environment variable name: ${nameProblem}`);
      }

      const earlier = sources.get(entry.key);
      if (earlier !== undefined && !sameSource(earlier, source)) {
        fail(
          source,
          `the variable is also set by ${describe(earlier)}; give one of the keys another name`,
        );
      }
      sources.set(entry.key, source);
      env[entry.key] = toEnvValue(source);
    }
  }
  return env;
}

/** Lists the file names the secretObjects entries read, each once, in order. */
export function secretObjectFileNames(spc: SecretProviderClass): string[] {
  const fileNames = spc.secretObjects.flatMap((secretObject) =>
    secretObject.data.map((item) => item.fileName),
  );
  return [...new Set(fileNames)];
}
