/**
 * What the rules of every object share: the parameters they depend on, where problems are
 * recorded, and the filePermission and file-name checks that objects and jmesPath entries both
 * apply.
 */

import { type FieldContext, readStringField } from './fields.js';
import { checkFileName } from './file-names.js';
import { describeGoYamlValue, type GoYamlValue } from './go-yaml.js';
import type { PathTranslation } from './model.js';
import type { ObjectLocation, ProblemCollector } from './problems.js';

/** File mode used when `filePermission` is not set: the CSI driver's default, 0644. */
export const defaultFilePermission = 0o644;

/** Settings from `spec.parameters` that every object's rules depend on. */
export interface ObjectRules {
  collector: ProblemCollector;
  region: string | undefined;
  failoverRegion: string | undefined;
  pathTranslation: PathTranslation;
}

export function fieldContext(
  rules: ObjectRules,
  path: string,
  object: ObjectLocation,
): FieldContext {
  return { collector: rules.collector, path, object };
}

/**
 * Reads `filePermission`: four octal digits as a string. An unquoted `0600` is read by YAML 1.1
 * as the octal number 384, as in the provider, and the error message suggests quoting it. Returns `''`
 * when the field is absent and undefined after recording an error.
 */
export function readFilePermission(
  value: GoYamlValue | undefined,
  field: string,
  context: FieldContext,
): string | undefined {
  if (value === undefined) {
    return '';
  }
  const text = readStringField(value, field, context, { warnConversion: false });
  if (text === undefined || text === '') {
    return text;
  }
  if (/^[0-7]{4}$/.test(text)) {
    return text;
  }

  const at = `${context.path}.${field}`;
  if (value.kind === 'int' || value.kind === 'float') {
    const written = value.source;
    const octal = written.replace(/^0o/i, '');
    const digits = /^[0-7]{1,4}$/.test(octal) ? octal.padStart(4, '0') : '0640';
    const reason = /^0[0-7]|^0o/i.test(written)
      ? 'YAML 1.1 reads a leading 0 as octal'
      : 'an unquoted value is a number, not a string';
    context.collector.error(
      at,
      `${field}: ${written} is read as ${describeGoYamlValue(value)} (${reason}), so it is not four octal digits; write four octal digits as a quoted string, such as ${field}: "${digits}"`,
      context.object,
    );
  } else {
    context.collector.error(
      at,
      `${field} ${JSON.stringify(text)} is invalid; write four octal digits as a quoted string, such as ${field}: "0640"`,
      context.object,
    );
  }
  return undefined;
}

export function toMode(text: string | undefined, inherited: number): number {
  return text === undefined || text === '' ? inherited : Number.parseInt(text, 8);
}

/** Checks a final file name and warns about nested paths, which need `pathTranslation: False`. */
export function checkObjectFileName(
  fileName: string,
  field: string,
  context: FieldContext,
): boolean {
  const problem = checkFileName(fileName);
  if (problem !== undefined) {
    context.collector.error(`${context.path}.${field}`, problem, context.object);
    return false;
  }
  if (fileName.includes('/')) {
    context.collector.warn(
      `${context.path}.${field}`,
      `file name ${fileName} is a nested path; the AWS provider writes it only when the CSI driver writes the files (driverWritesSecrets), because its own temp-file write rejects a / in the name`,
      context.object,
    );
  }
  return true;
}
