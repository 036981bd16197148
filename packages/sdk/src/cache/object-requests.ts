/** Maps a SecretProviderClass object to the cache requests that read it. */
import type {
  FailoverObject,
  SecretProviderClass,
  SpcObject,
  VersionSelector,
} from '../spec/model.js';
import type { CacheRequest } from './keys.js';

/** Builds the request for an object in the SPC's primary region. */
export function primaryRequest(spc: SecretProviderClass, object: SpcObject): CacheRequest {
  return toRequest(object.objectType, object.objectName, object.selector, spc.region);
}

/** Builds the request for an object's `failoverObject` in `failoverRegion`, when the SPC has both. */
export function failoverRequest(
  spc: SecretProviderClass,
  object: SpcObject,
): CacheRequest | undefined {
  const failover: FailoverObject | undefined = object.failoverObject;
  if (failover === undefined || spc.failoverRegion === undefined) {
    return undefined;
  }
  return toRequest(object.objectType, failover.objectName, failover.selector, spc.failoverRegion);
}

function toRequest(
  objectType: SpcObject['objectType'],
  id: string,
  selector: VersionSelector,
  region: string,
): CacheRequest {
  if (objectType === 'ssmparameter') {
    // The AWS provider always reads parameters with WithDecryption, and so does kura.
    // NOTE: a lazy read with withDecryption false is another key, so it costs its own call.
    return {
      service: 'ssm',
      region,
      name: id,
      withDecryption: true,
      ...(selector.kind === 'ssmVersion' ? { version: selector.version } : {}),
      ...(selector.kind === 'ssmLabel' ? { label: selector.label } : {}),
    };
  }
  return {
    service: 'secretsmanager',
    region,
    secretId: id,
    ...(selector.kind === 'versionId' || selector.kind === 'versionIdAndStage'
      ? { versionId: selector.versionId }
      : {}),
    ...(selector.kind === 'versionStage' || selector.kind === 'versionIdAndStage'
      ? { versionStage: selector.versionStage }
      : {}),
  };
}
