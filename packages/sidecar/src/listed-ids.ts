/**
 * Ids the Agent and Lambda endpoints serve when a SecretProviderClass is given: the ids its
 * objects name, by objectName, file name or ARN. One id may name several objects (the current
 * and the AWSPREVIOUS version of a secret, say), so a request resolves to an object by its id
 * and the version selector it requests. A listed request is read as the object's own objectName
 * and selector, so it shares the cache entry the SPC's load filled.
 */
import type { SecretProviderClass, SpcObject } from '@kura/sdk';

/** The version a Secrets Manager request selects. Both fields absent means AWSCURRENT. */
export interface SecretSelector {
  versionId?: string;
  versionStage?: string;
}

/** The version a Parameter Store request selects. Both fields absent means the latest. */
export interface ParameterSelector {
  version?: string;
  label?: string;
}

/** Outcome of resolving a request's id and selector against the SPC. */
export type Resolution =
  /** The SPC object to serve. */
  | { kind: 'listed'; object: SpcObject }
  /**
   * The id names objects of the SPC, but none of them has the requested selector. `objects` are
   * the id's objects, whose selectors are the ones the SPC lists.
   */
  | { kind: 'selectorNotListed'; objectName: string; objects: readonly SpcObject[] }
  /** The id is only the file name of a jmesPath entry, which only `/objects` serves. */
  | { kind: 'jmesPath' }
  /** The SPC names the id nowhere. */
  | { kind: 'unlisted' };

const currentStage = 'AWSCURRENT';

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

/** Returns the selector an object's SPC entry sends to Secrets Manager. */
export function secretSelectorOf(object: SpcObject): SecretSelector {
  switch (object.selector.kind) {
    case 'versionId':
      return { versionId: object.selector.versionId };
    case 'versionStage':
      return { versionStage: object.selector.versionStage };
    case 'versionIdAndStage':
      return { versionId: object.selector.versionId, versionStage: object.selector.versionStage };
    default:
      return {};
  }
}

/** Returns the selector an object's SPC entry sends to Parameter Store. */
export function parameterSelectorOf(object: SpcObject): ParameterSelector {
  switch (object.selector.kind) {
    case 'ssmVersion':
      return { version: object.selector.version };
    case 'ssmLabel':
      return { label: object.selector.label };
    default:
      return {};
  }
}

/** True when both selectors ask for the same version. No selector and `AWSCURRENT` are equal. */
function sameSecretSelector(a: SecretSelector, b: SecretSelector): boolean {
  const stageOf = (selector: SecretSelector) =>
    selector.versionStage ?? (selector.versionId === undefined ? currentStage : undefined);
  return a.versionId === b.versionId && stageOf(a) === stageOf(b);
}

function sameParameterSelector(a: ParameterSelector, b: ParameterSelector): boolean {
  return a.version === b.version && a.label === b.label;
}

function isEmptySelector(selector: SecretSelector | ParameterSelector): boolean {
  return Object.values(selector).every((value) => value === undefined);
}

function addTo(map: Map<string, SpcObject[]>, key: string, object: SpcObject): void {
  const objects = map.get(key);
  if (objects === undefined) {
    map.set(key, [object]);
  } else if (!objects.includes(object)) {
    objects.push(object);
  }
}

/**
 * Picks the object for a request. A request by file name with no selector is that file's object,
 * with the object's own selector. Otherwise the id's objects (by name, or the objects sharing the
 * named file's objectName) are searched for one with the requested selector.
 */
function resolve<S extends SecretSelector | ParameterSelector>(
  byFileName: SpcObject | undefined,
  byName: readonly SpcObject[] | undefined,
  requested: S,
  selectorOf: (object: SpcObject) => S,
  same: (a: S, b: S) => boolean,
): Resolution | undefined {
  if (byFileName !== undefined && isEmptySelector(requested)) {
    return { kind: 'listed', object: byFileName };
  }
  if (byName === undefined || byName.length === 0) {
    return undefined;
  }
  const object = byName.find((candidate) => same(selectorOf(candidate), requested));
  if (object !== undefined) {
    return { kind: 'listed', object };
  }
  return {
    kind: 'selectorNotListed',
    objectName: (byName[0] as SpcObject).objectName,
    objects: byName,
  };
}

export class ListedIds {
  /** Secrets Manager objects by objectName, and by the ARN and name AWS returned for them. */
  private readonly secretsByName = new Map<string, SpcObject[]>();
  private readonly secretsByFileName = new Map<string, SpcObject>();
  /** Parameter Store objects by objectName and by the parameter name an ARN objectName holds. */
  private readonly parametersByName = new Map<string, SpcObject[]>();
  private readonly parametersByFileName = new Map<string, SpcObject>();
  private readonly jmesPathFileNames = new Set<string>();
  private readonly secretObjects: SpcObject[] = [];

  constructor(spc: SecretProviderClass) {
    for (const object of spc.objects) {
      if (object.objectType === 'secretsmanager') {
        this.secretObjects.push(object);
        addTo(this.secretsByName, object.objectName, object);
        this.secretsByFileName.set(object.fileName, object);
      } else {
        addTo(this.parametersByName, object.objectName, object);
        addTo(this.parametersByName, parameterNameOf(object.objectName), object);
        this.parametersByFileName.set(object.fileName, object);
      }
      for (const entry of object.jmesPath) {
        this.jmesPathFileNames.add(entry.fileName);
      }
    }
  }

  /** Secrets Manager objects of the SPC, for learning their ARNs and names. */
  get secretsManagerObjects(): readonly SpcObject[] {
    return this.secretObjects;
  }

  /** Resolves a `/secretsmanager/get` request's `secretId` and selector. */
  resolveSecret(secretId: string, requested: SecretSelector): Resolution {
    const byFileName = this.secretsByFileName.get(secretId);
    const byName = this.secretsByName.get(byFileName?.objectName ?? secretId);
    return (
      resolve(byFileName, byName, requested, secretSelectorOf, sameSecretSelector) ??
      this.notListed(secretId)
    );
  }

  /** Records the ARN and name AWS returned for an object, so requests by either are listed. */
  learnSecret(object: SpcObject, arn: string, name: string): void {
    for (const key of [arn, name]) {
      if (key !== '') {
        addTo(this.secretsByName, key, object);
      }
    }
  }

  /** Resolves a `/systemsmanager/parameters/get` request's `name` (suffix removed) and selector. */
  resolveParameter(name: string, requested: ParameterSelector): Resolution {
    const byFileName = this.parametersByFileName.get(name);
    const key = byFileName?.objectName ?? name;
    const byName =
      this.parametersByName.get(key) ?? this.parametersByName.get(parameterNameOf(key));
    return (
      resolve(byFileName, byName, requested, parameterSelectorOf, sameParameterSelector) ??
      this.notListed(name)
    );
  }

  private notListed(id: string): Resolution {
    return this.jmesPathFileNames.has(id) ? { kind: 'jmesPath' } : { kind: 'unlisted' };
  }
}
