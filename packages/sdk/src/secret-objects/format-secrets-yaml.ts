import { stringify } from 'yaml';
import type { KubernetesSecret } from './render-secret-objects.js';

/**
 * Formats Secrets as a YAML stream that `kubectl apply -f -` reads: one document each,
 * separated by `---`. Base64 lines are never folded, and strings such as `"true"` stay quoted.
 */
export function formatSecretsYaml(secrets: readonly KubernetesSecret[]): string {
  return secrets.map((secret) => `---\n${stringify(secret, { lineWidth: 0 })}`).join('');
}
