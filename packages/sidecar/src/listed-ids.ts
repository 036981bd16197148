/**
 * Ids the Agent and Lambda endpoints serve when a SecretProviderClass is given: the ids
 * its objects name, by objectName, file name or ARN. A listed id is read as the object's own
 * objectName, so the request shares the cache entry the SPC's load filled.
 */
import type { SecretProviderClass, SpcObject } from '@kura/sdk';

/** Returns the parameter name an SSM ARN points to, or `id` itself when it is not an ARN. */
export function parameterNameOf(id: string): string {
  const match = /^arn:[^:]+:ssm:[^:]*:[^:]*:parameter(\/.*)$/.exec(id);
  if (match === null || match[1] === undefined) {
    return id;
  }
  // `parameter/app/db` names `/app/db`; `parameter/plain` names `plain`.
  const path = match[1];
  return path.indexOf('/', 1) === -1 ? path.slice(1) : path;
}

export class ListedIds {
  private readonly secrets = new Map<string, SpcObject>();
  private readonly parameters = new Map<string, SpcObject>();
  private readonly secretObjects: SpcObject[] = [];

  constructor(spc: SecretProviderClass) {
    for (const object of spc.objects) {
      if (object.objectType === 'secretsmanager') {
        this.secretObjects.push(object);
        this.secrets.set(object.objectName, object);
        this.secrets.set(object.fileName, object);
      } else {
        this.parameters.set(parameterNameOf(object.objectName), object);
        this.parameters.set(object.objectName, object);
        this.parameters.set(object.fileName, object);
      }
    }
  }

  /** Secrets Manager objects of the SPC, for learning their ARNs and names. */
  get secretsManagerObjects(): readonly SpcObject[] {
    return this.secretObjects;
  }

  findSecret(secretId: string): SpcObject | undefined {
    return this.secrets.get(secretId);
  }

  /** Records the ARN and name AWS returned for an object, so requests by either are listed. */
  learnSecret(object: SpcObject, arn: string, name: string): void {
    if (!this.secrets.has(arn)) {
      this.secrets.set(arn, object);
    }
    if (!this.secrets.has(name)) {
      this.secrets.set(name, object);
    }
  }

  findParameter(name: string): SpcObject | undefined {
    return this.parameters.get(name) ?? this.parameters.get(parameterNameOf(name));
  }
}
