/**
 * Builds SecretProviderClass models by hand for tests of the fetchers, as the parser would
 * resolve them: file name = objectAlias, else objectName with every `/` replaced by `_`.
 */
import type {
  JmesPathEntry,
  ObjectType,
  SecretProviderClass,
  SpcObject,
  VersionSelector,
} from '../../src/spec/model.js';

export interface ObjectInput {
  objectName: string;
  objectType?: ObjectType;
  objectAlias?: string;
  selector?: VersionSelector;
  filePermission?: number;
  jmesPath?: { path: string; objectAlias: string; filePermission?: number }[];
  failoverObject?: SpcObject['failoverObject'];
}

function translate(name: string): string {
  return name.replaceAll('/', '_');
}

export function buildSpc(
  inputs: ObjectInput[],
  extra: Partial<Omit<SecretProviderClass, 'objects'>> = {},
): SecretProviderClass {
  const objects = inputs.map((input, index): SpcObject => {
    const filePermission = input.filePermission ?? 0o644;
    const jmesPath = (input.jmesPath ?? []).map(
      (entry): JmesPathEntry => ({
        path: entry.path,
        objectAlias: entry.objectAlias,
        fileName: translate(entry.objectAlias),
        filePermission: entry.filePermission ?? filePermission,
      }),
    );
    return {
      index,
      objectName: input.objectName,
      objectType: input.objectType ?? 'secretsmanager',
      ...(input.objectAlias === undefined ? {} : { objectAlias: input.objectAlias }),
      selector: input.selector ?? { kind: 'latest' },
      fileName: translate(input.objectAlias ?? input.objectName),
      filePermission,
      jmesPath,
      ...(input.failoverObject === undefined ? {} : { failoverObject: input.failoverObject }),
    };
  });

  return {
    name: 'test-spc',
    namespace: 'default',
    region: 'us-east-1',
    pathTranslation: { kind: 'replace', replacement: '_' },
    usePodIdentity: false,
    objects,
    secretObjects: [],
    warnings: [],
    ...extra,
  };
}

/** Decodes file content for assertions on text values. */
export function text(content: Uint8Array): string {
  return new TextDecoder().decode(content);
}
