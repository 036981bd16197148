/**
 * `spec.parameters` of a SecretProviderClass: every value is a string, and the AWS provider
 * reads `objects`, `region`, `failoverRegion`, `pathTranslation`, `usePodIdentity` and
 * `preferredAddressType`.
 */

import { suggestFieldName } from './fields.js';
import { parsePathTranslation } from './file-names.js';
import { describeGoYamlValue, type GoYamlEntry, type GoYamlValue } from './go-yaml.js';
import type { PathTranslation, SecretProviderClass } from './model.js';
import type { ProblemCollector } from './problems.js';

const knownParameters = [
  'objects',
  'region',
  'failoverRegion',
  'pathTranslation',
  'usePodIdentity',
  'preferredAddressType',
] as const;

/** Values Go's `strconv.ParseBool` accepts, which the provider uses for `usePodIdentity`. */
const goBooleans = new Map<string, boolean>([
  ...['1', 't', 'T', 'TRUE', 'true', 'True'].map((word) => [word, true] as [string, boolean]),
  ...['0', 'f', 'F', 'FALSE', 'false', 'False'].map((word) => [word, false] as [string, boolean]),
]);

const addressTypes = ['ipv4', 'ipv6', 'auto'] as const;
type AddressType = (typeof addressTypes)[number];

/** The parameters resolved; `objects` is still the YAML text the provider decodes. */
export interface ResolvedParameters {
  objectsText: string | undefined;
  /** True when `objects` is present but not a string, which is already reported. */
  objectsInvalid: boolean;
  region: string | undefined;
  failoverRegion: string | undefined;
  pathTranslation: PathTranslation;
  usePodIdentity: boolean;
  preferredAddressType: SecretProviderClass['preferredAddressType'];
}

/**
 * Reads one parameter as the string Kubernetes would store. A number or a boolean is an error,
 * because the API server rejects a non-string parameter, but its text is still returned so the
 * other rules can be checked too.
 */
function readParameter(
  name: string,
  value: GoYamlValue,
  collector: ProblemCollector,
): string | undefined {
  const field = `spec.parameters.${name}`;
  if (value.kind === 'string') {
    return value.value;
  }
  if (value.kind === 'null') {
    return '';
  }
  if (value.kind === 'seq' || value.kind === 'map') {
    const hint =
      name === 'objects'
        ? '; write "objects: |" and indent the list under it, so the list is a string'
        : '';
    collector.error(field, `${name} must be a string, not ${describeGoYamlValue(value)}${hint}`);
    return undefined;
  }
  const written = value.source;
  collector.error(
    field,
    `${name}: ${written} is read as ${describeGoYamlValue(value)}, and Kubernetes accepts only strings in spec.parameters; quote it: ${name}: "${written}"`,
  );
  return written;
}

/** Resolves the primary region: the parameter, else `AWS_REGION`, else `AWS_DEFAULT_REGION`. */
function resolveRegion(
  region: string | undefined,
  env: NodeJS.ProcessEnv,
  collector: ProblemCollector,
): string | undefined {
  const resolved = region || env.AWS_REGION || env.AWS_DEFAULT_REGION;
  if (resolved === undefined || resolved === '') {
    collector.error(
      'spec.parameters.region',
      'no region: set spec.parameters.region (such as region: "us-east-1") or the AWS_REGION environment variable. The AWS provider would read the node label topology.kubernetes.io/region, which kura cannot see',
    );
    return undefined;
  }
  return resolved;
}

function resolveAddressType(
  text: string | undefined,
  usePodIdentity: boolean,
  collector: ProblemCollector,
): AddressType | undefined {
  if (text === undefined || text === '') {
    return undefined;
  }
  const field = 'spec.parameters.preferredAddressType';
  if (!usePodIdentity) {
    collector.warn(field, 'preferredAddressType has an effect only with usePodIdentity: "true"');
  }
  const lower = text.toLowerCase();
  const known = addressTypes.find((type) => type === lower);
  if (known === undefined) {
    collector.warn(
      field,
      `preferredAddressType ${text} is not ipv4, ipv6 or auto; the AWS provider then uses auto`,
    );
    return 'auto';
  }
  return known;
}

/** Resolves `spec.parameters`, recording every problem in `collector`. */
export function resolveParameters(
  entries: readonly GoYamlEntry[],
  env: NodeJS.ProcessEnv,
  collector: ProblemCollector,
): ResolvedParameters {
  const texts = new Map<string, string | undefined>();
  for (const entry of entries) {
    texts.set(entry.key, readParameter(entry.key, entry.value, collector));
    if (!(knownParameters as readonly string[]).includes(entry.key)) {
      const suggestion = suggestFieldName(entry.key, knownParameters);
      const hint = suggestion === undefined ? '' : `; did you mean ${suggestion}?`;
      collector.warn(
        `spec.parameters.${entry.key}`,
        `unknown parameter ${entry.key} is ignored by the AWS provider${hint} Parameter names are case-sensitive`,
      );
    }
  }

  const region = resolveRegion(texts.get('region'), env, collector);
  const failoverText = texts.get('failoverRegion');
  const failoverRegion = failoverText === '' ? undefined : failoverText;
  if (failoverRegion !== undefined && failoverRegion === region) {
    collector.error(
      'spec.parameters.failoverRegion',
      `failoverRegion ${failoverRegion} is the same as the region; set a different region or remove failoverRegion`,
    );
  }

  const translationText = texts.get('pathTranslation');
  let pathTranslation = parsePathTranslation(translationText);
  if (pathTranslation === undefined) {
    collector.error(
      'spec.parameters.pathTranslation',
      `pathTranslation ${JSON.stringify(translationText)} is invalid; write one character that replaces / (the default is "_") or "False" to keep / as a directory separator`,
    );
    pathTranslation = { kind: 'replace', replacement: '_' };
  }

  const podIdentityText = texts.get('usePodIdentity');
  let usePodIdentity = false;
  if (podIdentityText !== undefined && podIdentityText !== '') {
    const parsed = goBooleans.get(podIdentityText);
    if (parsed === undefined) {
      collector.error(
        'spec.parameters.usePodIdentity',
        `usePodIdentity ${JSON.stringify(podIdentityText)} is not a boolean; write "true" or "false"`,
      );
    }
    usePodIdentity = parsed ?? false;
  }

  return {
    objectsText: texts.get('objects'),
    objectsInvalid: texts.has('objects') && texts.get('objects') === undefined,
    region,
    failoverRegion,
    pathTranslation,
    usePodIdentity,
    preferredAddressType: resolveAddressType(
      texts.get('preferredAddressType'),
      usePodIdentity,
      collector,
    ),
  };
}
