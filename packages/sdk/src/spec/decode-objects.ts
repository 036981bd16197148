/**
 * Decodes the `objects` parameter: a string holding a YAML list of maps, read in YAML 1.1 as
 * the AWS provider reads it.
 */
import { parseDocument } from 'yaml';
import { trailingPosition } from './documents.js';
import {
  describeGoYamlValue,
  GoYamlConversionError,
  type GoYamlValue,
  toGoYamlValue,
} from './go-yaml.js';
import type { ProblemCollector } from './problems.js';

const field = 'spec.parameters.objects';

function describeRoot(root: GoYamlValue): string {
  if (root.kind === 'map' && root.entries.some((entry) => entry.key.toLowerCase() === 'array')) {
    return 'objects uses the array: form that other providers document, but the AWS provider takes a plain YAML list of objects; remove array: and the quotes around each item, so that each item starts with "- objectName:"';
  }
  return `objects must be a YAML list of objects, each item starting with "- objectName:", not ${describeGoYamlValue(root)}`;
}

/**
 * Returns the items of the `objects` list, or undefined after recording why there are none
 * (missing, empty, broken YAML, not a list).
 */
export function decodeObjectsList(
  text: string | undefined,
  collector: ProblemCollector,
): GoYamlValue[] | undefined {
  if (text === undefined) {
    collector.error(
      field,
      'objects is missing; list the secrets and parameters to read under objects: |, one item per object starting with - objectName: "my-secret" and with objectType: "secretsmanager" or "ssmparameter"',
    );
    return undefined;
  }

  const document = parseDocument(text, { version: '1.1', merge: false, uniqueKeys: false });
  const syntaxError = document.errors[0];
  if (syntaxError?.code === 'MULTIPLE_DOCS') {
    const line = syntaxError.linePos?.[0]?.line;
    const where = line === undefined ? '' : ` (line ${line} of the objects string)`;
    collector.error(
      field,
      `objects holds several YAML documents separated by a --- line${where}, and the AWS provider reads only the first; remove the --- line so that all objects form one list`,
    );
    return undefined;
  }
  const tabLine = text.split(/\r?\n/).findIndex((line) => /^ *\t/.test(line));
  if (syntaxError !== undefined && tabLine !== -1) {
    collector.error(
      field,
      `objects is not valid YAML: line ${tabLine + 1} of the objects string is indented with a tab, and tabs are not allowed for indentation in YAML; indent with spaces`,
    );
    return undefined;
  }
  if (syntaxError !== undefined) {
    const position = syntaxError.linePos?.[0];
    const where =
      position === undefined
        ? ''
        : ` (line ${position.line}, column ${position.col} of the objects string)`;
    const reason = (syntaxError.message.split('\n')[0] ?? syntaxError.message).replace(
      trailingPosition,
      '',
    );
    collector.error(field, `objects is not valid YAML${where}: ${reason}`);
    return undefined;
  }

  let root: GoYamlValue;
  try {
    root = toGoYamlValue(document.contents, document);
  } catch (cause) {
    if (!(cause instanceof GoYamlConversionError)) {
      throw cause;
    }
    collector.error(field, `objects cannot be read: ${cause.message}`);
    return undefined;
  }

  if (root.kind === 'null' || (root.kind === 'seq' && root.items.length === 0)) {
    collector.error(
      field,
      'objects is empty; list at least one object, each item starting with "- objectName:"',
    );
    return undefined;
  }
  if (root.kind !== 'seq') {
    collector.error(field, describeRoot(root));
    return undefined;
  }
  return root.items;
}
