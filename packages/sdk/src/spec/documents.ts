/**
 * Splits a manifest into YAML documents and picks the SecretProviderClass: a whole manifest
 * with a ServiceAccount, a Deployment and a SecretProviderClass is normal input.
 */
import { parseAllDocuments, type YAMLError } from 'yaml';
import { KuraSpecReadError } from '../errors.js';
import { truncate } from './fields.js';
import {
  GoYamlConversionError,
  type GoYamlEntry,
  type GoYamlValue,
  toGoYamlValue,
} from './go-yaml.js';

/** One SecretProviderClass document of a manifest. */
export interface SpcDocument {
  /** Zero-based position of the document in the manifest. */
  position: number;
  /** Top-level fields of the document. */
  entries: GoYamlEntry[];
  /** `metadata.name`, when it is a non-empty string. */
  name: string | undefined;
  /** `metadata.namespace`, `default` when omitted. */
  namespace: string;
}

const spcKind = 'SecretProviderClass';
/** The position the yaml package appends to its messages; kura reports it separately. */
export const trailingPosition = / at line \d+, column \d+:?$/;

/** Returns the value of `key` in a map's entries (keys are case-sensitive, as in Kubernetes). */
export function entryValue(entries: readonly GoYamlEntry[], key: string): GoYamlValue | undefined {
  return entries.find((entry) => entry.key === key)?.value;
}

function stringValue(value: GoYamlValue | undefined): string | undefined {
  return value?.kind === 'string' && value.value !== '' ? value.value : undefined;
}

function syntaxError(source: string, error: YAMLError): KuraSpecReadError {
  const position = error.linePos?.[0];
  const where = position === undefined ? '' : `:${position.line}:${position.col}`;
  const firstLine = (error.message.split('\n')[0] ?? error.message).replace(trailingPosition, '');
  return new KuraSpecReadError(
    `${source}${where}: invalid YAML: ${firstLine}`,
    { source, line: position?.line, column: position?.col },
    { cause: error },
  );
}

/**
 * Parses every document of the manifest in YAML 1.1, as kubectl does, and returns those of
 * kind SecretProviderClass. Throws KuraSpecReadError for a syntax error, with its line and
 * column.
 */
export function readSpcDocuments(text: string, source: string): SpcDocument[] {
  const documents = parseAllDocuments(text, { version: '1.1', merge: false, prettyErrors: true });
  const found: SpcDocument[] = [];
  for (const [position, document] of documents.entries()) {
    const error = document.errors[0];
    if (error !== undefined) {
      throw syntaxError(source, error);
    }

    let root: GoYamlValue;
    try {
      root = toGoYamlValue(document.contents, document);
    } catch (cause) {
      if (!(cause instanceof GoYamlConversionError)) {
        throw cause;
      }
      throw new KuraSpecReadError(
        `${source}: document ${position + 1}: ${cause.message}`,
        { source },
        { cause },
      );
    }
    if (root.kind !== 'map' || stringValue(entryValue(root.entries, 'kind')) !== spcKind) {
      continue;
    }

    const metadata = entryValue(root.entries, 'metadata');
    const metadataEntries = metadata?.kind === 'map' ? metadata.entries : [];
    found.push({
      position,
      entries: root.entries,
      name: stringValue(entryValue(metadataEntries, 'name')),
      namespace: stringValue(entryValue(metadataEntries, 'namespace')) ?? 'default',
    });
  }
  return found;
}

function qualifiedName(document: SpcDocument): string {
  return `${document.namespace}/${document.name ?? '(no name)'}`;
}

function listDocuments(documents: readonly SpcDocument[]): string {
  return documents
    .map((document) => `${truncate(qualifiedName(document))} (document ${document.position + 1})`)
    .join(', ');
}

/** Returns the documents `spcName` names: `NAME` in any namespace, or `NAMESPACE/NAME`. */
function findNamed(documents: readonly SpcDocument[], spcName: string): SpcDocument[] {
  const slash = spcName.indexOf('/');
  if (slash === -1) {
    return documents.filter((document) => document.name === spcName);
  }
  const namespace = spcName.slice(0, slash);
  const name = spcName.slice(slash + 1);
  return documents.filter((document) => document.namespace === namespace && document.name === name);
}

/**
 * Picks the SecretProviderClass to use: the only one, or the one named `spcName` (`NAME` or
 * `NAMESPACE/NAME`). Throws KuraSpecReadError when there is none, several without `spcName`,
 * none of that name, or several of that name.
 */
export function selectSpcDocument(
  documents: readonly SpcDocument[],
  source: string,
  spcName: string | undefined,
): SpcDocument {
  if (documents.length === 0) {
    throw new KuraSpecReadError(
      `${source}: no SecretProviderClass found; the file needs a document with kind: ${spcKind}`,
      { source },
    );
  }

  if (spcName !== undefined && spcName !== '') {
    const named = findNamed(documents, spcName);
    const [first, ...others] = named;
    if (first === undefined) {
      throw new KuraSpecReadError(
        `${source}: no SecretProviderClass named ${truncate(spcName)}; the file contains: ${listDocuments(documents)}`,
        { source },
      );
    }
    if (others.length > 0) {
      const sameName = named.every((document) => qualifiedName(document) === qualifiedName(first));
      const fix = sameName
        ? `kubectl apply keeps only the last one; remove or rename the others`
        : 'choose one as NAMESPACE/NAME';
      throw new KuraSpecReadError(
        `${source}: ${named.length} SecretProviderClasses match ${truncate(spcName)}: ${listDocuments(named)}; ${fix}`,
        { source },
      );
    }
    return first;
  }

  const [only, ...others] = documents;
  if (only === undefined || others.length > 0) {
    throw new KuraSpecReadError(
      `${source}: ${documents.length} SecretProviderClasses found (${listDocuments(documents)}); choose one with --spc-name or spcName, as NAME or NAMESPACE/NAME`,
      { source },
    );
  }
  return only;
}
