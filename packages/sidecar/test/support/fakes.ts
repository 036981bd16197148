/**
 * In-memory stand-ins for the SDK's `SecretsCache` and `SecretStore`, so the HTTP app is tested
 * over real sockets without AWS. The integration tests under test/ use the real ones on moto.
 */
import { EventEmitter } from 'node:events';
import {
  type ChangeEvent,
  type GetParameterInput,
  type GetSecretValueInput,
  hashContent,
  KuraAwsNotFoundError,
  KuraNotFoundError,
  type ObjectStatus,
  type ParameterValue,
  type SecretProviderClass,
  type SecretStore,
  type SecretStoreEvents,
  type SecretsCache,
  type SecretValue,
  type SpcObject,
} from '@kura/sdk';

type Stored<T> = T | Error | (() => Promise<T>);

async function resolveStored<T>(stored: Stored<T>): Promise<T> {
  if (stored instanceof Error) {
    throw stored;
  }
  if (typeof stored === 'function') {
    return (stored as () => Promise<T>)();
  }
  return stored;
}

export class FakeCache implements SecretsCache {
  readonly secrets = new Map<string, Stored<SecretValue>>();
  readonly parameters = new Map<string, Stored<ParameterValue>>();
  readonly secretCalls: GetSecretValueInput[] = [];
  readonly parameterCalls: GetParameterInput[] = [];

  async getSecretValue(input: GetSecretValueInput): Promise<SecretValue> {
    this.secretCalls.push(input);
    const stored = this.secrets.get(input.secretId);
    if (stored === undefined) {
      throw new KuraAwsNotFoundError(
        `secret ${input.secretId} not found`,
        {
          awsCode: 'ResourceNotFoundException',
          httpStatus: 400,
          service: 'secretsmanager',
          operation: 'GetSecretValue',
          region: 'us-east-1',
          id: input.secretId,
        },
        false,
        { cause: new Error("Secrets Manager can't find the specified secret.") },
      );
    }
    return resolveStored(stored);
  }

  async getParameter(input: GetParameterInput): Promise<ParameterValue> {
    this.parameterCalls.push(input);
    const stored = this.parameters.get(input.name);
    if (stored === undefined) {
      throw new KuraAwsNotFoundError(
        `parameter ${input.name} not found`,
        {
          awsCode: 'ParameterNotFound',
          httpStatus: 400,
          service: 'ssm',
          operation: 'GetParameters',
          region: 'us-east-1',
          id: input.name,
        },
        false,
      );
    }
    return resolveStored(stored);
  }

  close(): void {}
}

/** A store whose objects the test sets; `emit` sends store events. */
export class FakeStore extends EventEmitter implements SecretStore {
  readonly contents = new Map<string, { status: ObjectStatus; content: Uint8Array }>();
  readonly cache: SecretsCache;

  constructor(cache: SecretsCache) {
    super();
    this.cache = cache;
  }

  put(object: SpcObject, content: Uint8Array | string, extra: Partial<ObjectStatus> = {}): void {
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    this.contents.set(object.fileName, {
      content: bytes,
      status: {
        fileName: object.fileName,
        objectName: object.objectName,
        objectType: object.objectType,
        version: 'v1',
        hash: hashContent(bytes),
        lastRefreshAt: '2026-01-01T00:00:00.000Z',
        stale: false,
        source: 'aws',
        ...extra,
      },
    });
  }

  private find(name: string) {
    const byFile = this.contents.get(name);
    if (byFile !== undefined) {
      return byFile;
    }
    for (const entry of this.contents.values()) {
      if (entry.status.objectName === name) {
        return entry;
      }
    }
    throw new KuraNotFoundError(`no object named ${name}`);
  }

  get(name: string): string {
    return Buffer.from(this.find(name).content).toString('utf8');
  }

  getBytes(name: string): Uint8Array {
    return this.find(name).content;
  }

  getJson<T = unknown>(name: string): T {
    return JSON.parse(this.get(name)) as T;
  }

  status(name: string): ObjectStatus {
    return this.find(name).status;
  }

  objects(): ObjectStatus[] {
    return [...this.contents.values()].map((entry) => entry.status);
  }

  override on<E extends keyof SecretStoreEvents>(event: E, listener: SecretStoreEvents[E]): this {
    return super.on(event, listener);
  }

  override off<E extends keyof SecretStoreEvents>(event: E, listener: SecretStoreEvents[E]): this {
    return super.off(event, listener);
  }

  emitChange(event: ChangeEvent): void {
    this.emit('change', event);
  }

  /** Names passed to `refresh`, in order. */
  readonly refreshed: (string | undefined)[] = [];

  async refresh(name?: string): Promise<void> {
    this.refreshed.push(name);
  }

  async close(): Promise<void> {}
}

function spcObject(
  index: number,
  fields: Partial<SpcObject> & Pick<SpcObject, 'objectName' | 'objectType' | 'fileName'>,
): SpcObject {
  return {
    index,
    selector: { kind: 'latest' },
    filePermission: 0o644,
    jmesPath: [],
    ...fields,
  };
}

export const secretObject = spcObject(0, {
  objectName: 'my-secret',
  objectType: 'secretsmanager',
  fileName: 'my-secret',
});
export const arnSecretObject = spcObject(1, {
  objectName: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:team/api-key-AbCdEf',
  objectType: 'secretsmanager',
  fileName: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:team_api-key-AbCdEf',
});
export const parameterObject = spcObject(2, {
  objectName: '/app/db/password',
  objectType: 'ssmparameter',
  fileName: '_app_db_password',
});
export const binaryObject = spcObject(3, {
  objectName: 'keystore',
  objectType: 'secretsmanager',
  objectAlias: 'keystore.p12',
  fileName: 'keystore.p12',
});

export const testSpc: SecretProviderClass = {
  name: 'test-spc',
  namespace: 'default',
  region: 'us-east-1',
  pathTranslation: { kind: 'replace', replacement: '_' },
  usePodIdentity: false,
  objects: [secretObject, arnSecretObject, parameterObject, binaryObject],
  secretObjects: [],
  warnings: [],
};

/** The current version of `db-pass`. */
export const currentPassword = spcObject(0, {
  objectName: 'db-pass',
  objectType: 'secretsmanager',
  fileName: 'db-pass',
});
/** The AWSPREVIOUS version of the same secret, under its own file name. */
export const previousPassword = spcObject(1, {
  objectName: 'db-pass',
  objectType: 'secretsmanager',
  objectAlias: 'db-pass-prev',
  fileName: 'db-pass-prev',
  selector: { kind: 'versionStage', versionStage: 'AWSPREVIOUS' },
});
/** A JSON secret with a jmesPath file `jpw`. */
export const jsonSecret = spcObject(2, {
  objectName: 'json-secret',
  objectType: 'secretsmanager',
  fileName: 'json-secret',
  jmesPath: [{ path: 'password', objectAlias: 'jpw', fileName: 'jpw', filePermission: 0o644 }],
});
/** The latest version of `/app/flag`. */
export const latestFlag = spcObject(3, {
  objectName: '/app/flag',
  objectType: 'ssmparameter',
  fileName: '_app_flag',
});
/** Version 2 of the same parameter, under its own file name. */
export const secondFlag = spcObject(4, {
  objectName: '/app/flag',
  objectType: 'ssmparameter',
  objectAlias: 'flag-v2',
  fileName: 'flag-v2',
  selector: { kind: 'ssmVersion', version: '2' },
});

/** An SPC that lists one secret and one parameter twice, with different selectors. */
export const twiceListedSpc: SecretProviderClass = {
  ...testSpc,
  name: 'twice-listed',
  objects: [currentPassword, previousPassword, jsonSecret, latestFlag, secondFlag],
};

export function secretValue(name: string, secretString: string): SecretValue {
  return {
    arn: `arn:aws:secretsmanager:us-east-1:111122223333:secret:${name}-AbCdEf`,
    name,
    versionId: '11111111-2222-3333-4444-555555555555',
    versionStages: ['AWSCURRENT'],
    createdDate: new Date(1_569_534_789_046),
    secretString,
  };
}
