/** Builds SecretProviderClass models by hand, as the parser would resolve them. */
import type { JmesPathEntry, SecretProviderClass, SpcObject } from '../../../src/spec/model.js';

export type ObjectInput = Pick<SpcObject, 'objectName' | 'objectType'> &
  Partial<Omit<SpcObject, 'jmesPath'>> & {
    jmesPath?: { path: string; objectAlias: string }[];
  };

export function makeSpc(
  objects: ObjectInput[],
  extra: Partial<SecretProviderClass> = {},
): SecretProviderClass {
  return {
    name: 'test-app-secretstore',
    namespace: 'default',
    region: 'us-east-1',
    pathTranslation: { kind: 'replace', replacement: '_' },
    usePodIdentity: false,
    secretObjects: [],
    warnings: [],
    ...extra,
    objects: objects.map((input, index) => toObject(input, index)),
  };
}

function toObject(input: ObjectInput, index: number): SpcObject {
  const fileName = input.fileName ?? (input.objectAlias ?? input.objectName).replaceAll('/', '_');
  const filePermission = input.filePermission ?? 0o644;
  const jmesPath: JmesPathEntry[] = (input.jmesPath ?? []).map((entry) => ({
    ...entry,
    fileName: entry.objectAlias,
    filePermission,
  }));
  return {
    index,
    selector: { kind: 'latest' },
    ...input,
    fileName,
    filePermission,
    jmesPath,
  };
}
