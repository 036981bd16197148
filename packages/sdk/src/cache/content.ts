/** The bytes a cached value stands for, and their hash for change detection. */
import { createHash } from 'node:crypto';
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

/** Returns the hex SHA-256 of `content`. */
export function hashContent(content: Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}
