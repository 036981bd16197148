/**
 * Creates secrets and parameters on moto with the AWS SDK clients, so tests state their data
 * in a few lines. Every client is built with explicit endpoint, region and dummy credentials,
 * so seeding works whatever `process.env` holds.
 */
import {
  CreateSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { LabelParameterVersionCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';

export type SecretContent = string | Uint8Array;

export interface CreatedSecret {
  arn: string;
  name: string;
  versionId: string;
}

export interface Seeder {
  readonly region: string;
  /** Creates a secret whose first version is `AWSCURRENT`; a Uint8Array becomes `SecretBinary`. */
  createSecret(name: string, content: SecretContent): Promise<CreatedSecret>;
  /**
   * Puts a new version. Without `stages` AWS moves `AWSCURRENT` to it and `AWSPREVIOUS` to the
   * old current version; with `stages` only those stages move to it.
   */
  putSecretValue(secretId: string, content: SecretContent, stages?: string[]): Promise<string>;
  /** Moves a stage (custom, `AWSCURRENT`, ...) to a version, away from `fromVersionId` if given. */
  moveSecretStage(
    secretId: string,
    stage: string,
    toVersionId: string,
    fromVersionId?: string,
  ): Promise<void>;
  /** Puts a parameter value (overwriting) and returns its new version number. */
  putParameter(
    name: string,
    value: string,
    type?: 'String' | 'SecureString' | 'StringList',
  ): Promise<number>;
  labelParameterVersion(name: string, version: number, labels: string[]): Promise<void>;
  close(): void;
}

function secretContentFields(content: SecretContent) {
  return typeof content === 'string' ? { SecretString: content } : { SecretBinary: content };
}

/** Opens seeding clients for one region of the moto_server at `endpoint`. */
export function createSeeder(endpoint: string, region = 'us-east-1'): Seeder {
  const config = {
    endpoint,
    region,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    maxAttempts: 1,
  };
  const secrets = new SecretsManagerClient(config);
  const ssm = new SSMClient(config);

  return {
    region,

    async createSecret(name, content) {
      const output = await secrets.send(
        new CreateSecretCommand({ Name: name, ...secretContentFields(content) }),
      );
      if (!output.ARN || !output.Name || !output.VersionId) {
        throw new Error(`CreateSecret for ${name} returned no ARN, Name or VersionId`);
      }
      return { arn: output.ARN, name: output.Name, versionId: output.VersionId };
    },

    async putSecretValue(secretId, content, stages) {
      const output = await secrets.send(
        new PutSecretValueCommand({
          SecretId: secretId,
          ...secretContentFields(content),
          ...(stages ? { VersionStages: stages } : {}),
        }),
      );
      if (!output.VersionId)
        throw new Error(`PutSecretValue for ${secretId} returned no VersionId`);
      return output.VersionId;
    },

    async moveSecretStage(secretId, stage, toVersionId, fromVersionId) {
      await secrets.send(
        new UpdateSecretVersionStageCommand({
          SecretId: secretId,
          VersionStage: stage,
          MoveToVersionId: toVersionId,
          ...(fromVersionId ? { RemoveFromVersionId: fromVersionId } : {}),
        }),
      );
    },

    async putParameter(name, value, type = 'String') {
      const output = await ssm.send(
        new PutParameterCommand({ Name: name, Value: value, Type: type, Overwrite: true }),
      );
      if (output.Version === undefined)
        throw new Error(`PutParameter for ${name} returned no Version`);
      return output.Version;
    },

    async labelParameterVersion(name, version, labels) {
      await ssm.send(
        new LabelParameterVersionCommand({ Name: name, ParameterVersion: version, Labels: labels }),
      );
    },

    close() {
      secrets.destroy();
      ssm.destroy();
    },
  };
}
