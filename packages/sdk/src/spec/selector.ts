import type { ObjectType, VersionSelector } from './model.js';

/**
 * Builds the selector the provider sends. Secrets Manager may send a version id and a stage
 * together; SSM takes one `name:version` or `name:label` suffix.
 */
export function buildSelector(
  objectType: ObjectType,
  objectVersion: string,
  objectVersionLabel: string,
): VersionSelector {
  if (objectType === 'ssmparameter') {
    if (objectVersion !== '') {
      return { kind: 'ssmVersion', version: objectVersion };
    }
    return objectVersionLabel === ''
      ? { kind: 'latest' }
      : { kind: 'ssmLabel', label: objectVersionLabel };
  }
  if (objectVersion !== '' && objectVersionLabel !== '') {
    return {
      kind: 'versionIdAndStage',
      versionId: objectVersion,
      versionStage: objectVersionLabel,
    };
  }
  if (objectVersion !== '') {
    return { kind: 'versionId', versionId: objectVersion };
  }
  return objectVersionLabel === ''
    ? { kind: 'latest' }
    : { kind: 'versionStage', versionStage: objectVersionLabel };
}
