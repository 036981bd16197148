/**
 * Reads a SecretProviderClass (`secrets-store.csi.x-k8s.io/v1`, provider `aws`) from a
 * manifest and resolves it to the model every other part of kura uses. It accepts what the
 * AWS provider accepts, computes the same file names, and reports every problem at once.
 */
import { readFile } from 'node:fs/promises';
import { KuraSpecError, KuraSpecReadError } from '../errors.js';
import { decodeObjectsList } from './decode-objects.js';
import { entryValue, readSpcDocuments, selectSpcDocument } from './documents.js';
import { suggestFieldName } from './fields.js';
import { checkFileCollisions } from './file-collisions.js';
import type { GoYamlValue } from './go-yaml.js';
import type { SecretProviderClass, SpcObject } from './model.js';
import { resolveObject } from './objects.js';
import { resolveParameters } from './parameters.js';
import { ProblemCollector } from './problems.js';
import { resolveSecretObjects } from './secret-objects.js';

/** Options of parseSecretProviderClass. */
export interface ParseSecretProviderClassOptions {
  /** `metadata.name` of the SecretProviderClass to use; required when the text contains several. */
  spcName?: string;
  /** File name used in messages; `<string>` by default. */
  source?: string;
  /** Environment for the `AWS_REGION` and `AWS_DEFAULT_REGION` fallback; `process.env` by default. */
  env?: NodeJS.ProcessEnv;
}

/** Options of readSecretProviderClass. */
export interface ReadSecretProviderClassOptions {
  /** `metadata.name` of the SecretProviderClass to use; required when the file contains several. */
  spcName?: string;
  /** Environment for the `AWS_REGION` and `AWS_DEFAULT_REGION` fallback; `process.env` by default. */
  env?: NodeJS.ProcessEnv;
}

const apiGroup = 'secrets-store.csi.x-k8s.io/';
const specFields = ['provider', 'parameters', 'secretObjects'];

function mapEntries(value: GoYamlValue | undefined) {
  return value?.kind === 'map' ? value.entries : [];
}

function checkHeader(
  entries: ReturnType<typeof mapEntries>,
  name: string | undefined,
  collector: ProblemCollector,
): void {
  const apiVersion = entryValue(entries, 'apiVersion');
  if (apiVersion?.kind !== 'string' || !apiVersion.value.startsWith(apiGroup)) {
    collector.warn('apiVersion', `apiVersion should be ${apiGroup}v1`);
  }
  if (name === undefined) {
    collector.error(
      'metadata.name',
      'metadata.name is missing; name the SecretProviderClass, such as name: "app-secrets"',
    );
  }
}

function checkSpec(spec: GoYamlValue | undefined, collector: ProblemCollector): void {
  if (spec?.kind !== 'map') {
    collector.error(
      'spec',
      'spec is missing; write spec.provider: aws and spec.parameters.objects',
    );
    return;
  }
  for (const entry of spec.entries) {
    if (!specFields.includes(entry.key)) {
      const suggestion = suggestFieldName(entry.key, specFields);
      const hint = suggestion === undefined ? '' : `did you mean ${suggestion}? `;
      collector.warn(
        `spec.${entry.key}`,
        `unknown field ${entry.key} is ignored; ${hint}known fields: ${specFields.join(', ')}`,
      );
    }
  }

  const provider = entryValue(spec.entries, 'provider');
  const providerName = provider?.kind === 'string' ? provider.value : undefined;
  if (providerName !== 'aws') {
    const written = providerName === undefined ? 'missing' : `${providerName}, not aws`;
    collector.error(
      'spec.provider',
      `spec.provider is ${written}; kura reads only SecretProviderClasses of the AWS provider: write provider: aws`,
    );
  }
  const parameters = entryValue(spec.entries, 'parameters');
  if (parameters !== undefined && parameters.kind !== 'map' && parameters.kind !== 'null') {
    collector.error('spec.parameters', 'spec.parameters must be a map of strings');
  }
}

/**
 * Parses the YAML text of a manifest and resolves its SecretProviderClass. Throws
 * KuraSpecReadError when the text is not YAML or the SecretProviderClass cannot be chosen, and
 * KuraSpecError listing every rule it breaks.
 */
export function parseSecretProviderClass(
  text: string,
  options: ParseSecretProviderClassOptions = {},
): SecretProviderClass {
  const source = options.source ?? '<string>';
  const env = options.env ?? process.env;
  const documents = readSpcDocuments(text, source);
  const document = selectSpcDocument(documents, source, options.spcName);

  const label =
    document.name === undefined
      ? `document ${document.position + 1}`
      : `${document.namespace}/${document.name}`;
  const collector = new ProblemCollector(label);
  checkHeader(document.entries, document.name, collector);
  const spec = entryValue(document.entries, 'spec');
  checkSpec(spec, collector);

  const specEntries = mapEntries(spec);
  const parameters = resolveParameters(
    mapEntries(entryValue(specEntries, 'parameters')),
    env,
    collector,
  );
  const items = parameters.objectsInvalid
    ? []
    : (decodeObjectsList(parameters.objectsText, collector) ?? []);
  const rules = {
    collector,
    region: parameters.region,
    failoverRegion: parameters.failoverRegion,
    pathTranslation: parameters.pathTranslation,
  };
  const objects: SpcObject[] = [];
  for (const [index, item] of items.entries()) {
    const object = resolveObject(item, index, rules);
    if (object !== undefined) {
      objects.push(object);
    }
  }
  checkFileCollisions(objects, collector);
  const objectsComplete = items.length > 0 && objects.length === items.length;
  const secretObjects = resolveSecretObjects(
    entryValue(specEntries, 'secretObjects'),
    objects,
    collector,
    objectsComplete,
  );

  if (
    collector.problems.length > 0 ||
    document.name === undefined ||
    parameters.region === undefined
  ) {
    throw new KuraSpecError(collector.problems, { warnings: collector.warnings });
  }
  return {
    name: document.name,
    namespace: document.namespace,
    region: parameters.region,
    ...(parameters.failoverRegion === undefined
      ? {}
      : { failoverRegion: parameters.failoverRegion }),
    pathTranslation: parameters.pathTranslation,
    usePodIdentity: parameters.usePodIdentity,
    ...(parameters.preferredAddressType === undefined
      ? {}
      : { preferredAddressType: parameters.preferredAddressType }),
    objects,
    secretObjects,
    warnings: collector.warnings,
  };
}

/**
 * Reads a manifest file and resolves its SecretProviderClass, as parseSecretProviderClass does.
 * Throws KuraSpecReadError when the file cannot be read.
 */
export async function readSecretProviderClass(
  file: string,
  options: ReadSecretProviderClassOptions = {},
): Promise<SecretProviderClass> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new KuraSpecReadError(
      `${file}: cannot read the SecretProviderClass file: ${reason}`,
      { source: file },
      { cause },
    );
  }
  return parseSecretProviderClass(text, { ...options, source: file });
}
