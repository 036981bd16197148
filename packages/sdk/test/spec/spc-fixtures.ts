/** Builders for SecretProviderClass manifests used by the spec tests. */

/** Indents every line of `text` by `spaces` spaces. */
function indent(text: string, spaces: number): string {
  const pad = ' '.repeat(spaces);
  return text
    .split('\n')
    .map((line) => (line === '' ? line : `${pad}${line}`))
    .join('\n');
}

export interface ManifestParts {
  /** The `objects` string, as it would appear inside the block scalar. */
  objects?: string;
  /** Other `spec.parameters` lines, written as YAML, such as `region: "us-east-1"`. */
  parameters?: string;
  /** `spec.secretObjects` as YAML, without the key. */
  secretObjects?: string;
  name?: string;
  provider?: string;
}

/** Builds a one-document manifest with a SecretProviderClass in region us-east-1 by default. */
export function spcManifest(parts: ManifestParts): string {
  const parameters = parts.parameters ?? 'region: "us-east-1"';
  const lines = [
    'apiVersion: secrets-store.csi.x-k8s.io/v1',
    'kind: SecretProviderClass',
    'metadata:',
    `  name: ${parts.name ?? 'app'}`,
    'spec:',
    `  provider: ${parts.provider ?? 'aws'}`,
    '  parameters:',
    indent(parameters, 4),
  ];
  if (parts.objects !== undefined) {
    lines.push('    objects: |', indent(parts.objects, 6));
  }
  if (parts.secretObjects !== undefined) {
    lines.push('  secretObjects:', indent(parts.secretObjects, 4));
  }
  return `${lines.join('\n')}\n`;
}

/** An environment with no AWS region, so tests never depend on the machine's settings. */
export const emptyEnv: NodeJS.ProcessEnv = {};
