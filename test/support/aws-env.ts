/**
 * Points the AWS SDK at a local moto_server for one test file, with dummy credentials, and
 * restores the environment afterwards.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';

/** Variables that could send a call anywhere but the local endpoint, or pick up real credentials. */
const clearedVariables = [
  'AWS_PROFILE',
  'AWS_SESSION_TOKEN',
  'AWS_DEFAULT_REGION',
  'AWS_ENDPOINT_URL_SECRETS_MANAGER',
  'AWS_ENDPOINT_URL_SSM',
  'AWS_ROLE_ARN',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE',
];

/** Returns the environment variables a test against moto runs with. */
export function motoEnvironment(endpoint: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    // Keep a developer's own ~/.aws files out of the tests.
    AWS_CONFIG_FILE: '/nonexistent/kura-test/config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/kura-test/credentials',
  };
}

/**
 * Sets the moto environment in `process.env` now and returns a function that restores every
 * variable it touched.
 */
export function applyMotoEnv(endpoint: string): () => void {
  const values = motoEnvironment(endpoint);
  const touched = [...Object.keys(values), ...clearedVariables];
  const saved = new Map(touched.map((name) => [name, process.env[name]]));

  for (const name of clearedVariables) delete process.env[name];
  Object.assign(process.env, values);

  return () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

/** Registers hooks that apply the moto environment for the current test file or suite. */
export function useMotoEnv(endpoint: string): void {
  let restore: (() => void) | undefined;
  beforeAll(() => {
    restore = applyMotoEnv(endpoint);
  });
  afterAll(() => {
    restore?.();
  });
}

let counter = 0;

/**
 * Returns a name no other test file uses on the shared moto_server, such as
 * `prefix-4f1c9a02-1`. Valid as a secret name and as a parameter name (`/app/x` prefixes too).
 */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}-${randomBytes(4).toString('hex')}-${counter}`;
}
