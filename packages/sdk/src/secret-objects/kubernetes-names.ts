/**
 * Name rules of the Kubernetes API (k8s.io/apimachinery, pkg/util/validation) that a synced
 * Secret and its use as environment variables must satisfy.
 */

const secretKeyPattern = /^[-._a-zA-Z0-9]+$/;
const envVarNamePattern = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const dns1123SubdomainPattern = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Longest Secret key and Secret name the API server accepts. */
const maxNameLength = 253;

/** Names that would act as `.` or `..` when a Secret is mounted as files. */
function isDotPath(name: string): boolean {
  return name === '.' || name.startsWith('..');
}

/**
 * Checks a key of a Secret's `data` (`IsConfigMapKey`): letters, digits, `-`, `_` and `.`, at
 * most 253 characters, neither `.` nor starting with `..`. Returns the rule broken, or undefined.
 */
export function checkSecretKey(key: string): string | undefined {
  if (key.length === 0 || key.length > maxNameLength || !secretKeyPattern.test(key)) {
    return `a Secret key must be 1 to ${maxNameLength} letters, digits, '-', '_' or '.'`;
  }
  if (isDotPath(key)) {
    return `a Secret key must not be '.' or start with '..'`;
  }
  return undefined;
}

/**
 * Checks an environment variable name as the API server does for `env[].name` and the kubelet
 * does for `envFrom` keys (`IsEnvVarName`): letters, digits, `-`, `_` and `.`, not starting
 * with a digit, neither `.` nor starting with `..`. Returns the rule broken, or undefined.
 *
 * NOTE: Kubernetes 1.32 and later also accept any printable ASCII except `=` when the
 * RelaxedEnvironmentVariableValidation feature is on; kura keeps the rule every version accepts.
 */
export function checkEnvVarName(name: string): string | undefined {
  if (!envVarNamePattern.test(name)) {
    return `an environment variable name must consist of letters, digits, '-', '_' or '.', and must not start with a digit`;
  }
  if (isDotPath(name)) {
    return `an environment variable name must not be '.' or start with '..'`;
  }
  return undefined;
}

/**
 * Checks a Secret's `metadata.name`: a DNS-1123 subdomain (lowercase letters, digits, `-` and
 * `.`, starting and ending with a letter or digit, at most 253 characters).
 */
export function checkSecretName(name: string): string | undefined {
  if (name.length > maxNameLength || !dns1123SubdomainPattern.test(name)) {
    return `a Secret name must be a DNS-1123 subdomain: at most ${maxNameLength} lowercase letters, digits, '-' or '.', starting and ending with a letter or digit`;
  }
  return undefined;
}
