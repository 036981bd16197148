/**
 * The AWS side of the benchmarks: the environment every entry runs with, clients built for a
 * local endpoint, and seeding moto with secrets and parameters.
 */
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';

export const region = 'us-east-1';
export const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

/**
 * Points the AWS SDK at `endpoint` with dummy credentials and no instance metadata lookup, so
 * no call of the run can leave 127.0.0.1.
 */
export function useLocalAws(endpoint) {
  for (const name of [
    'AWS_PROFILE',
    'AWS_SESSION_TOKEN',
    'AWS_ENDPOINT_URL_SECRETS_MANAGER',
    'AWS_ENDPOINT_URL_SSM',
    'AWS_ROLE_ARN',
    'AWS_WEB_IDENTITY_TOKEN_FILE',
    'AWS_CONTAINER_CREDENTIALS_FULL_URI',
    'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  ]) {
    delete process.env[name];
  }
  Object.assign(process.env, localAwsEnvironment(endpoint));
}

/** Returns the variables a child process needs to reach `endpoint` and nothing else. */
export function localAwsEnvironment(endpoint) {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/nonexistent/kura-bench/config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/kura-bench/credentials',
  };
}

/** Settings for AWS SDK clients that talk to `endpoint`. */
export function clientConfig(endpoint, extra = {}) {
  return { endpoint, region, credentials, ...extra };
}

let runCounter = 0;

/** Returns a prefix no earlier entry of this run used, so entries never share moto data. */
export function uniquePrefix(name) {
  runCounter += 1;
  return `bench-${name}-${process.pid}-${runCounter}`;
}

/** Creates `count` secrets `${prefix}-${i}` on moto; returns their names. */
export async function seedSecrets(endpoint, prefix, count, makeValue = (i) => `secret-value-${i}`) {
  const client = new SecretsManagerClient(clientConfig(endpoint, { maxAttempts: 1 }));
  const names = Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
  try {
    for (const [i, name] of names.entries()) {
      await client.send(new CreateSecretCommand({ Name: name, SecretString: makeValue(i) }));
    }
  } finally {
    client.destroy();
  }
  return names;
}

/** Puts `count` parameters `/${prefix}/p${i}` on moto; returns their names. */
export async function seedParameters(
  endpoint,
  prefix,
  count,
  makeValue = (i) => `parameter-value-${i}`,
) {
  const client = new SSMClient(clientConfig(endpoint, { maxAttempts: 1 }));
  const names = Array.from({ length: count }, (_, i) => `/${prefix}/p${i}`);
  try {
    for (const [i, name] of names.entries()) {
      await client.send(
        new PutParameterCommand({
          Name: name,
          Value: makeValue(i),
          Type: 'String',
          Overwrite: true,
        }),
      );
    }
  } finally {
    client.destroy();
  }
  return names;
}

/** Returns a SecretProviderClass manifest for the given objects. */
export function spcManifest(name, objects) {
  const lines = objects.map(
    (object) =>
      `      - objectName: "${object.objectName}"\n        objectType: "${object.objectType}"` +
      (object.objectAlias === undefined ? '' : `\n        objectAlias: "${object.objectAlias}"`),
  );
  return `apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
metadata:
  name: ${name}
spec:
  provider: aws
  parameters:
    region: "${region}"
    objects: |
${lines.join('\n')}
`;
}
