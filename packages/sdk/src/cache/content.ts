/** The bytes a cached value stands for, and their keyed hash for change detection. */
import { createHmac, randomBytes } from 'node:crypto';
import type { ParameterValue, SecretValue } from '../aws/types.js';

const encoder = new TextEncoder();

/**
 * Returns the exact bytes of a value: `SecretString` as UTF-8, `SecretBinary` as its raw
 * bytes, a parameter's `Value` as UTF-8. Nothing is added or trimmed.
 */
export function contentOf(value: SecretValue | ParameterValue): Uint8Array {
  if ('versionStages' in value) {
    if (value.secretBinary !== undefined) {
      return value.secretBinary;
    }
    return encoder.encode(value.secretString ?? '');
  }
  return encoder.encode(value.value);
}

/**
 * Key of `hashContent`, made once per process. A plain SHA-256 of a short secret would let
 * anyone who reads the hash (in a log, `/objects` or an ETag) test guesses offline. Under a key
 * that never leaves the process, hashes still compare equal within the process and reveal
 * nothing outside it.
 */
const hashKey = randomBytes(32);

/**
 * Returns the hex HMAC-SHA-256 of `content` under this process's random key. Equal content
 * gives equal hashes within one process only, so never store or compare them across processes.
 */
export function hashContent(content: Uint8Array): string {
  return createHmac('sha256', hashKey).update(content).digest('hex');
}
