import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  KuraSpecError,
  KuraSpecReadError,
  parseSecretProviderClass,
  readSecretProviderClass,
  type SecretProviderClass,
} from '../../src/index.js';
import { emptyEnv, type ManifestParts, spcManifest } from './spc-fixtures.js';

function parse(parts: ManifestParts, env: NodeJS.ProcessEnv = emptyEnv): SecretProviderClass {
  return parseSecretProviderClass(spcManifest(parts), { env });
}

function problemsOf(parts: ManifestParts, env: NodeJS.ProcessEnv = emptyEnv) {
  try {
    parse(parts, env);
  } catch (error) {
    if (error instanceof KuraSpecError) {
      return error.problems;
    }
    throw error;
  }
  throw new Error('expected a KuraSpecError');
}

function fileNames(spc: SecretProviderClass): string[] {
  return spc.objects.flatMap((object) => [
    object.fileName,
    ...object.jmesPath.map((entry) => entry.fileName),
  ]);
}

const ssm = (name: string, extra = '') =>
  `- objectName: "${name}"\n  objectType: "ssmparameter"${extra === '' ? '' : `\n${extra}`}`;
const secret = (name: string, extra = '') =>
  `- objectName: "${name}"\n  objectType: "secretsmanager"${extra === '' ? '' : `\n${extra}`}`;
const arn = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:team/api-key-AbCdEf';

/** One row per accepted rule: the input and the file names it must produce. */
interface AcceptedRow {
  rule: string;
  parts: ManifestParts;
  env?: NodeJS.ProcessEnv;
  files: string[];
  check?: (spc: SecretProviderClass) => void;
}

const accepted: AcceptedRow[] = [
  {
    rule: 'region parameter sets the region',
    parts: { objects: ssm('p') },
    files: ['p'],
    check: (spc) => expect(spc.region).toBe('us-east-1'),
  },
  {
    rule: 'AWS_REGION is the region fallback',
    parts: { parameters: 'usePodIdentity: "false"', objects: ssm('p') },
    env: { AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-central-1' },
    files: ['p'],
    check: (spc) => expect(spc.region).toBe('eu-west-1'),
  },
  {
    rule: 'AWS_DEFAULT_REGION is the last fallback',
    parts: { parameters: 'usePodIdentity: "false"', objects: ssm('p') },
    env: { AWS_DEFAULT_REGION: 'eu-central-1' },
    files: ['p'],
    check: (spc) => expect(spc.region).toBe('eu-central-1'),
  },
  {
    rule: 'failoverRegion is kept',
    parts: { parameters: 'region: "us-east-1"\nfailoverRegion: "us-west-2"', objects: ssm('p') },
    files: ['p'],
    check: (spc) => expect(spc.failoverRegion).toBe('us-west-2'),
  },
  {
    rule: 'unset pathTranslation replaces every slash with _',
    parts: { objects: ssm('/app/db/password') },
    files: ['_app_db_password'],
  },
  {
    rule: 'empty pathTranslation replaces every slash with _',
    parts: {
      parameters: 'region: "us-east-1"\npathTranslation: ""',
      objects: ssm('/app/db/password'),
    },
    files: ['_app_db_password'],
  },
  {
    rule: 'single-character pathTranslation replaces slashes',
    parts: {
      parameters: 'region: "us-east-1"\npathTranslation: "-"',
      objects: ssm('/app/db/password'),
    },
    files: ['-app-db-password'],
  },
  {
    rule: 'pathTranslation False keeps nested paths',
    parts: {
      parameters: 'region: "us-east-1"\npathTranslation: "False"',
      objects: ssm('/app/db/password'),
    },
    files: ['app/db/password'],
    check: (spc) => {
      expect(spc.pathTranslation).toEqual({ kind: 'off' });
      expect(spc.warnings.map((warning) => warning.field)).toEqual([
        'spec.parameters.objects[0].objectName',
      ]);
    },
  },
  {
    rule: 'pathTranslation false matches in any letter case',
    parts: { parameters: 'region: "us-east-1"\npathTranslation: "fAlSe"', objects: ssm('app/x') },
    files: ['app/x'],
  },
  {
    rule: 'objectAlias is translated too',
    parts: { objects: ssm('p', '  objectAlias: "dir/file"') },
    files: ['dir_file'],
  },
  {
    rule: 'usePodIdentity accepts Go booleans',
    parts: { parameters: 'region: "us-east-1"\nusePodIdentity: "T"', objects: ssm('p') },
    files: ['p'],
    check: (spc) => expect(spc.usePodIdentity).toBe(true),
  },
  {
    rule: 'usePodIdentity defaults to false',
    parts: { objects: ssm('p') },
    files: ['p'],
    check: (spc) => expect(spc.usePodIdentity).toBe(false),
  },
  {
    rule: 'preferredAddressType is read in any case',
    parts: {
      parameters: 'region: "us-east-1"\nusePodIdentity: "true"\npreferredAddressType: "IPv6"',
      objects: ssm('p'),
    },
    files: ['p'],
    check: (spc) => {
      expect(spc.preferredAddressType).toBe('ipv6');
      expect(spc.warnings).toEqual([]);
    },
  },
  {
    rule: 'unknown preferredAddressType falls back to auto',
    parts: {
      parameters: 'region: "us-east-1"\nusePodIdentity: "true"\npreferredAddressType: "ipv5"',
      objects: ssm('p'),
    },
    files: ['p'],
    check: (spc) => {
      expect(spc.preferredAddressType).toBe('auto');
      expect(spc.warnings.map((warning) => warning.field)).toEqual([
        'spec.parameters.preferredAddressType',
      ]);
    },
  },
  {
    rule: 'full secretsmanager ARN infers objectType',
    parts: { objects: `- objectName: "${arn}"` },
    files: ['arn:aws:secretsmanager:us-east-1:111122223333:secret:team_api-key-AbCdEf'],
    check: (spc) => expect(spc.objects[0]?.objectType).toBe('secretsmanager'),
  },
  {
    rule: 'ssm ARN infers ssmparameter',
    parts: {
      objects: '- objectName: "arn:aws:ssm:us-east-1:111122223333:parameter/p"\n  objectAlias: "p"',
    },
    files: ['p'],
    check: (spc) => expect(spc.objects[0]?.objectType).toBe('ssmparameter'),
  },
  {
    rule: 'Secrets Manager may send a version id and a stage',
    parts: { objects: secret('s', '  objectVersion: "v1"\n  objectVersionLabel: "AWSCURRENT"') },
    files: ['s'],
    check: (spc) =>
      expect(spc.objects[0]?.selector).toEqual({
        kind: 'versionIdAndStage',
        versionId: 'v1',
        versionStage: 'AWSCURRENT',
      }),
  },
  {
    rule: 'SSM objectVersion becomes a name:version selector',
    parts: { objects: ssm('p', '  objectVersion: 3') },
    files: ['p'],
    check: (spc) => {
      expect(spc.objects[0]?.objectVersion).toBe('3');
      expect(spc.objects[0]?.selector).toEqual({ kind: 'ssmVersion', version: '3' });
    },
  },
  {
    rule: 'SSM objectVersionLabel becomes a name:label selector',
    parts: { objects: ssm('p', '  objectVersionLabel: stable') },
    files: ['p'],
    check: (spc) => expect(spc.objects[0]?.selector).toEqual({ kind: 'ssmLabel', label: 'stable' }),
  },
  {
    rule: 'filePermission defaults to 0644',
    parts: { objects: ssm('p') },
    files: ['p'],
    check: (spc) => expect(spc.objects[0]?.filePermission).toBe(0o644),
  },
  {
    rule: 'quoted filePermission is octal',
    parts: { objects: ssm('p', '  filePermission: "0600"') },
    files: ['p'],
    check: (spc) => expect(spc.objects[0]?.filePermission).toBe(0o600),
  },
  {
    rule: 'YAML 1.1 booleans become Go text',
    parts: { objects: ssm('p', '  objectAlias: yes') },
    files: ['true'],
  },
  {
    rule: 'field names match in any letter case',
    parts: {
      objects:
        '- ObjectName: "s"\n  OBJECTTYPE: "secretsmanager"\n  JmesPath:\n    - Path: "user"\n      ObjectAlias: "user"',
    },
    files: ['s', 'user'],
  },
  {
    rule: 'merge keys and anchors work as in go-yaml',
    parts: {
      objects:
        '- &base\n  objectName: "a"\n  objectType: "ssmparameter"\n- <<: *base\n  objectName: "b"',
    },
    files: ['a', 'b'],
    check: (spc) => expect(spc.objects[1]?.objectType).toBe('ssmparameter'),
  },
  {
    rule: 'jmesPath entries inherit filePermission',
    parts: {
      objects: secret(
        's',
        '  filePermission: "0640"\n  jmesPath:\n    - path: "a"\n      objectAlias: "a"\n    - path: "b"\n      objectAlias: "b"\n      filePermission: "0400"',
      ),
    },
    files: ['s', 'a', 'b'],
    check: (spc) =>
      expect(spc.objects[0]?.jmesPath.map((entry) => entry.filePermission)).toEqual([0o640, 0o400]),
  },
  {
    rule: 'jmesPath aliases are translated',
    parts: { objects: secret('s', '  jmesPath:\n    - path: "a"\n      objectAlias: "x/y"') },
    files: ['s', 'x_y'],
  },
  {
    rule: 'same objectName with aliases is two objects',
    parts: {
      objects: `${secret('s', '  objectAlias: "one"')}\n${secret('s', '  objectAlias: "two"')}`,
    },
    files: ['one', 'two'],
  },
  {
    rule: 'failoverObject resolves in the failover region',
    parts: {
      parameters: 'region: "us-east-1"\nfailoverRegion: "us-west-2"',
      objects: `- objectName: "${arn}"\n  objectAlias: "key"\n  objectVersionLabel: "AWSPREVIOUS"\n  failoverObject:\n    objectName: "arn:aws:secretsmanager:us-west-2:111122223333:secret:team/api-key-XyZ"`,
    },
    files: ['key'],
    check: (spc) =>
      expect(spc.objects[0]?.failoverObject).toEqual({
        objectName: 'arn:aws:secretsmanager:us-west-2:111122223333:secret:team/api-key-XyZ',
        selector: { kind: 'versionStage', versionStage: 'AWSPREVIOUS' },
      }),
  },
];

/** One row per rejected rule: the input and the exact fields of the problems it produces. */
interface RejectedRow {
  rule: string;
  parts: ManifestParts;
  env?: NodeJS.ProcessEnv;
  fields: string[];
  /** Text the first problem's message must contain: the fix it suggests. */
  message: string;
}

const rejected: RejectedRow[] = [
  {
    rule: 'no region anywhere',
    parts: { parameters: 'usePodIdentity: "true"', objects: ssm('p') },
    fields: ['spec.parameters.region'],
    message: 'AWS_REGION',
  },
  {
    rule: 'failoverRegion equal to region',
    parts: { parameters: 'region: "us-east-1"\nfailoverRegion: "us-east-1"', objects: ssm('p') },
    fields: ['spec.parameters.failoverRegion'],
    message: 'same as the region',
  },
  {
    rule: 'pathTranslation of two characters',
    parts: { parameters: 'region: "us-east-1"\npathTranslation: "ab"', objects: ssm('p') },
    fields: ['spec.parameters.pathTranslation'],
    message: '"False"',
  },
  {
    rule: 'pathTranslation of two bytes',
    parts: { parameters: 'region: "us-east-1"\npathTranslation: "é"', objects: ssm('p') },
    fields: ['spec.parameters.pathTranslation'],
    message: 'one character',
  },
  {
    rule: 'usePodIdentity that is no Go boolean',
    parts: { parameters: 'region: "us-east-1"\nusePodIdentity: "yes"', objects: ssm('p') },
    fields: ['spec.parameters.usePodIdentity'],
    message: 'write "true" or "false"',
  },
  {
    rule: 'unquoted usePodIdentity boolean',
    parts: { parameters: 'region: "us-east-1"\nusePodIdentity: true', objects: ssm('p') },
    fields: ['spec.parameters.usePodIdentity'],
    message: 'quote it: usePodIdentity: "true"',
  },
  {
    rule: 'unquoted pathTranslation False',
    parts: { parameters: 'region: "us-east-1"\npathTranslation: False', objects: ssm('p') },
    fields: ['spec.parameters.pathTranslation'],
    message: 'quote it: pathTranslation: "False"',
  },
  {
    rule: 'provider other than aws',
    parts: { provider: 'azure', objects: ssm('p') },
    fields: ['spec.provider'],
    message: 'write provider: aws',
  },
  {
    rule: 'missing objects',
    parts: {},
    fields: ['spec.parameters.objects'],
    message: 'objects is missing',
  },
  {
    rule: 'objects written as a YAML list, not a string',
    parts: { parameters: 'region: "us-east-1"\nobjects:\n  - objectName: "p"' },
    fields: ['spec.parameters.objects'],
    message: 'write "objects: |" and indent the list under it',
  },
  {
    rule: 'empty objects',
    parts: { objects: '[]' },
    fields: ['spec.parameters.objects'],
    message: 'objects is empty',
  },
  {
    rule: 'objects that is a string',
    parts: { objects: 'just-a-name' },
    fields: ['spec.parameters.objects'],
    message: 'must be a YAML list',
  },
  {
    rule: 'objects that is not YAML',
    parts: { objects: '- objectName: [unclosed' },
    fields: ['spec.parameters.objects'],
    message:
      '(line 2, column 1 of the objects string): Flow sequence in block collection must be sufficiently indented and end with a ]',
  },
  {
    rule: 'objects that expand aliases without bound',
    parts: {
      objects: [
        'a: &a [x, x, x, x, x, x, x, x, x, x]',
        'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
        'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
        'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
        'e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]',
        'f: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]',
      ].join('\n'),
    },
    fields: ['spec.parameters.objects'],
    message: 'more than 100000 nodes',
  },
  {
    rule: 'missing objectName',
    parts: { objects: '- objectType: "secretsmanager"' },
    fields: ['spec.parameters.objects[0].objectName'],
    message: 'objectName is missing',
  },
  {
    rule: 'missing objectType for a plain name',
    parts: { objects: '- objectName: "s"' },
    fields: ['spec.parameters.objects[0].objectType'],
    message: 'objectType: "secretsmanager"',
  },
  {
    rule: 'objectType ssm',
    parts: { objects: '- objectName: "p"\n  objectType: "ssm"' },
    fields: ['spec.parameters.objects[0].objectType'],
    message: 'objectType: "ssmparameter"',
  },
  {
    rule: 'objectType in the wrong case',
    parts: { objects: '- objectName: "s"\n  objectType: "SecretsManager"' },
    fields: ['spec.parameters.objects[0].objectType'],
    message: 'case-sensitive: write objectType: "secretsmanager"',
  },
  {
    rule: 'ARN with too few parts',
    parts: { objects: '- objectName: "arn:aws:secretsmanager:us-east-1"' },
    fields: ['spec.parameters.objects[0].objectName'],
    message: 'six parts',
  },
  {
    rule: 'ARN in another region',
    parts: { objects: '- objectName: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:s"' },
    fields: ['spec.parameters.objects[0].objectName'],
    message: 'set region: "eu-west-1"',
  },
  {
    rule: 'ARN of an unknown service without objectType',
    parts: { objects: '- objectName: "arn:aws:s3:us-east-1:111122223333:bucket"' },
    fields: ['spec.parameters.objects[0].objectType'],
    message: 'neither secretsmanager nor ssm',
  },
  {
    rule: 'objectType that contradicts the ARN',
    parts: { objects: `- objectName: "${arn}"\n  objectType: "ssmparameter"` },
    fields: ['spec.parameters.objects[0].objectType'],
    message: 'write objectType: "secretsmanager"',
  },
  {
    rule: 'SSM objectVersion and objectVersionLabel together',
    parts: { objects: ssm('p', '  objectVersion: "1"\n  objectVersionLabel: "stable"') },
    fields: ['spec.parameters.objects[0].objectVersionLabel'],
    message: 'not both',
  },
  {
    rule: 'unquoted octal filePermission',
    parts: { objects: ssm('p', '  filePermission: 0600') },
    fields: ['spec.parameters.objects[0].filePermission'],
    message: 'write four octal digits as a quoted string, such as filePermission: "0600"',
  },
  {
    rule: 'filePermission of three digits',
    parts: { objects: ssm('p', '  filePermission: "600"') },
    fields: ['spec.parameters.objects[0].filePermission'],
    message: 'four octal digits',
  },
  {
    rule: 'objectName that is a list',
    parts: { objects: '- objectName: [a, b]\n  objectType: "secretsmanager"' },
    fields: ['spec.parameters.objects[0].objectName'],
    message: 'must be a string, not a list',
  },
  {
    rule: 'alias starting with .. after translation',
    parts: { objects: ssm('p', '  objectAlias: "../x"') },
    fields: ['spec.parameters.objects[0].objectAlias'],
    message: 'starts with ..',
  },
  {
    rule: 'alias that is ..',
    parts: { objects: ssm('p', '  objectAlias: ".."') },
    fields: ['spec.parameters.objects[0].objectAlias'],
    message: 'escape the mount dir',
  },
  {
    rule: 'nested path escaping the mount dir',
    parts: {
      parameters: 'region: "us-east-1"\npathTranslation: "False"',
      objects: ssm('a/../../b'),
    },
    fields: ['spec.parameters.objects[0].objectName'],
    message: 'escape the mount dir',
  },
  {
    rule: 'name that is only slashes with translation off',
    parts: { parameters: 'region: "us-east-1"\npathTranslation: "False"', objects: ssm('/') },
    fields: ['spec.parameters.objects[0].objectName'],
    message: 'empty',
  },
  {
    rule: 'jmesPath entry without path',
    parts: { objects: secret('s', '  jmesPath:\n    - objectAlias: "a"') },
    fields: ['spec.parameters.objects[0].jmesPath[0].path'],
    message: 'path is missing',
  },
  {
    rule: 'jmesPath entry without objectAlias',
    parts: { objects: secret('s', '  jmesPath:\n    - path: "a"') },
    fields: ['spec.parameters.objects[0].jmesPath[0].objectAlias'],
    message: 'objectAlias is missing',
  },
  {
    rule: 'jmesPath entry with invalid filePermission',
    parts: {
      objects: secret(
        's',
        '  jmesPath:\n    - path: "a"\n      objectAlias: "a"\n      filePermission: "999"',
      ),
    },
    fields: ['spec.parameters.objects[0].jmesPath[0].filePermission'],
    message: 'four octal digits',
  },
  {
    rule: 'jmesPath that is a string',
    parts: { objects: secret('s', '  jmesPath: "a"') },
    fields: ['spec.parameters.objects[0].jmesPath'],
    message: 'must be a list',
  },
  {
    rule: 'failoverObject without objectAlias',
    parts: {
      parameters: 'region: "us-east-1"\nfailoverRegion: "us-west-2"',
      objects: secret('s', '  failoverObject:\n    objectName: "s2"'),
    },
    fields: ['spec.parameters.objects[0].objectAlias'],
    message: 'needs an objectAlias',
  },
  {
    rule: 'failoverObject without failoverRegion',
    parts: { objects: secret('s', '  objectAlias: "s"\n  failoverObject:\n    objectName: "s2"') },
    fields: ['spec.parameters.objects[0].failoverObject'],
    message: 'failoverRegion',
  },
  {
    rule: 'failoverObject ARN in the primary region',
    parts: {
      parameters: 'region: "us-east-1"\nfailoverRegion: "us-west-2"',
      objects: `- objectName: "${arn}"\n  objectAlias: "key"\n  failoverObject:\n    objectName: "${arn}"`,
    },
    fields: ['spec.parameters.objects[0].failoverObject.objectName'],
    message:
      'names region us-east-1, but it is read from failoverRegion us-west-2; use the ARN of the copy in us-west-2',
  },
  {
    rule: 'failoverObject with another objectVersion',
    parts: {
      parameters: 'region: "us-east-1"\nfailoverRegion: "us-west-2"',
      objects: secret(
        's',
        '  objectAlias: "s"\n  objectVersion: "v1"\n  failoverObject:\n    objectName: "s2"\n    objectVersion: "v2"',
      ),
    },
    fields: ['spec.parameters.objects[0].failoverObject.objectVersion'],
    message: 'must equal',
  },
  {
    rule: 'alias equal to another object name',
    parts: { objects: `${secret('db')}\n${secret('other', '  objectAlias: "db"')}` },
    fields: ['spec.parameters.objects[1].objectAlias'],
    message: 'file name db is also written by object 0 (db)',
  },
  {
    rule: 'nested and translated names that collide',
    parts: { objects: `${secret('a/b')}\n${secret('x', '  objectAlias: "a_b"')}` },
    fields: ['spec.parameters.objects[1].objectAlias'],
    message: 'file name a_b is also written',
  },
  {
    rule: 'same objectName and labels without aliases',
    parts: {
      objects: `${secret('s', '  objectVersionLabel: "AWSCURRENT"')}\n${secret('s', '  objectVersionLabel: "AWSPREVIOUS"')}`,
    },
    fields: ['spec.parameters.objects[1].objectName'],
    message: 'give each an objectAlias',
  },
  {
    rule: 'secretObjects objectName that is no file name',
    parts: {
      objects: secret('s'),
      secretObjects:
        '- secretName: "app"\n  type: Opaque\n  data:\n    - key: K\n      objectName: missing',
    },
    fields: ['spec.secretObjects[0].data[0].objectName'],
    message: 'write one of: "s"',
  },
  {
    rule: 'secretObjects data key with a space',
    parts: {
      objects: secret('s'),
      secretObjects:
        '- secretName: "app"\n  type: Opaque\n  data:\n    - key: "A B"\n      objectName: s',
    },
    fields: ['spec.secretObjects[0].data[0].key'],
    message: 'letters, digits',
  },
  {
    rule: 'secretObjects secretName in upper case',
    parts: {
      objects: secret('s'),
      secretObjects:
        '- secretName: "App"\n  type: Opaque\n  data:\n    - key: K\n      objectName: s',
    },
    fields: ['spec.secretObjects[0].secretName'],
    message: 'lower-case',
  },
  {
    rule: 'secretObjects label that is a number',
    parts: {
      objects: secret('s'),
      secretObjects:
        '- secretName: "app"\n  type: Opaque\n  labels:\n    tier: 1\n  data:\n    - key: K\n      objectName: s',
    },
    fields: ['spec.secretObjects[0].labels.tier'],
    message: 'quote it: "1"',
  },
];

describe('parseSecretProviderClass', () => {
  it.each(accepted)('accepts: $rule', ({ parts, env, files, check }) => {
    const spc = parse(parts, env);

    expect(fileNames(spc)).toEqual(files);
    check?.(spc);
  });

  it.each(rejected)('rejects: $rule', ({ parts, env, fields, message }) => {
    const problems = problemsOf(parts, env);

    expect(problems.map((problem) => problem.field)).toEqual(fields);
    expect(problems[0]?.message).toContain(message);
  });

  it('reports every problem at once', () => {
    const problems = problemsOf({
      parameters: 'usePodIdentity: true',
      objects: '- objectName: "a"\n- objectName: "b"\n  objectType: "ssm"',
    });

    expect(problems.map((problem) => problem.field)).toEqual([
      'spec.parameters.usePodIdentity',
      'spec.parameters.region',
      'spec.parameters.objects[0].objectType',
      'spec.parameters.objects[1].objectType',
    ]);
  });

  it('locates object problems by index and objectName', () => {
    const [problem] = problemsOf({ objects: `${ssm('ok')}\n- objectName: "bad"` });

    expect(problem).toMatchObject({
      document: 'default/app',
      objectIndex: 1,
      objectName: 'bad',
      field: 'spec.parameters.objects[1].objectType',
    });
  });

  it('warns about unknown parameters', () => {
    const spc = parse({ parameters: 'region: "us-east-1"\nRegion: "x"', objects: ssm('p') });

    expect(spc.warnings).toHaveLength(1);
    expect(spc.warnings[0]?.field).toBe('spec.parameters.Region');
    expect(spc.warnings[0]?.message).toContain('did you mean region?');
  });

  it('warns about a field given twice in two cases', () => {
    const spc = parse({
      objects: '- objectName: "a"\n  ObjectName: "b"\n  objectType: "ssmparameter"',
    });

    // Go's JSON decoder applies keys in sorted order, so objectName wins over ObjectName.
    expect(spc.objects[0]?.objectName).toBe('a');
    expect(spc.warnings.map((warning) => warning.field)).toEqual([
      'spec.parameters.objects[0].objectName',
    ]);
  });

  it('warns when an ARN has no failoverObject', () => {
    const spc = parse({
      parameters: 'region: "us-east-1"\nfailoverRegion: "us-west-2"',
      objects: `- objectName: "${arn}"`,
    });

    expect(spc.warnings.map((warning) => warning.field)).toEqual([
      'spec.parameters.objects[0].objectName',
    ]);
    expect(spc.warnings[0]?.message).toContain('failoverObject');
  });

  it('resolves secretObjects data to file names', () => {
    const spc = parse({
      objects: secret('s', '  objectAlias: "pw"'),
      secretObjects:
        '- secretName: "app"\n  type: Opaque\n  labels:\n    tier: web\n  annotations:\n    a: "b"\n  data:\n    - key: PASSWORD\n      objectName: pw',
    });

    expect(spc.secretObjects).toEqual([
      {
        secretName: 'app',
        type: 'Opaque',
        labels: { tier: 'web' },
        annotations: { a: 'b' },
        data: [{ key: 'PASSWORD', objectName: 'pw', fileName: 'pw' }],
      },
    ]);
  });
});

describe('selecting the SecretProviderClass', () => {
  const other = 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app\n';
  const two = `${other}---\n${spcManifest({ name: 'one', objects: ssm('p') })}---\n${spcManifest({ name: 'two', objects: ssm('q') })}`;

  it('skips documents of other kinds', () => {
    const spc = parseSecretProviderClass(`${other}---\n${spcManifest({ objects: ssm('p') })}`, {
      env: emptyEnv,
    });

    expect(spc.name).toBe('app');
    expect(spc.namespace).toBe('default');
  });

  it('picks one of several by name', () => {
    const spc = parseSecretProviderClass(two, { spcName: 'two', env: emptyEnv });

    expect(fileNames(spc)).toEqual(['q']);
  });

  it('rejects several without a name', () => {
    expect(() => parseSecretProviderClass(two, { env: emptyEnv })).toThrow(
      /2 SecretProviderClasses found \(default\/one \(document 2\), default\/two \(document 3\)\); choose one/,
    );
  });

  it('rejects a name that is not there', () => {
    expect(() => parseSecretProviderClass(two, { spcName: 'three', env: emptyEnv })).toThrow(
      /no SecretProviderClass named three; the file contains: default\/one \(document 2\), default\/two \(document 3\)/,
    );
  });

  it('rejects a manifest without one', () => {
    expect(() => parseSecretProviderClass(other, { env: emptyEnv })).toThrow(KuraSpecReadError);
  });

  it('reports broken YAML with line and column', () => {
    let caught: unknown;
    try {
      parseSecretProviderClass('kind: SecretProviderClass\nspec:\n  parameters: [\n', {
        source: 'broken.yaml',
      });
    } catch (error) {
      caught = error;
    }

    expect(caught).toBeInstanceOf(KuraSpecReadError);
    const error = caught as KuraSpecReadError;
    expect(error.source).toBe('broken.yaml');
    expect(error.line).toBe(4);
    expect(error.column).toBe(1);
    expect(error.message).toMatch(/^broken\.yaml:4:1: invalid YAML/);
  });
});

describe('readSecretProviderClass', () => {
  it('reads the example file', async () => {
    const spc = await readSecretProviderClass('examples/secretproviderclass.yaml', {
      env: emptyEnv,
    });

    expect(spc.name).toBe('test-app-secretstore');
    expect(spc.namespace).toBe('default');
    expect(spc.usePodIdentity).toBe(true);
    expect(
      spc.objects.map((object) => [object.objectName, object.objectType, object.fileName]),
    ).toEqual([
      ['piyopiyo', 'ssmparameter', 'piyopiyo'],
      ['foobar', 'ssmparameter', 'my-parameter'],
    ]);
    expect(spc.secretObjects).toEqual([
      {
        secretName: 'test-app-secret',
        type: 'Opaque',
        labels: {},
        annotations: {},
        data: [
          { key: 'PIYO', objectName: 'piyopiyo', fileName: 'piyopiyo' },
          { key: 'PARAMETER', objectName: 'my-parameter', fileName: 'my-parameter' },
        ],
      },
    ]);
    expect(spc.warnings).toEqual([]);
  });

  it('reads the Kubernetes example manifest', async () => {
    const spc = await readSecretProviderClass('examples/kubernetes/app.yaml', { env: emptyEnv });

    expect(fileNames(spc)).toEqual(['piyopiyo', 'my-parameter']);
  });

  it('rejects a missing file with its name', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'kura-spec-'));
    const file = join(directory, 'missing.yaml');

    await expect(readSecretProviderClass(file)).rejects.toThrow(
      `${file}: cannot read the SecretProviderClass file`,
    );
  });

  it('names the file in YAML errors', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'kura-spec-'));
    const file = join(directory, 'broken.yaml');
    await writeFile(file, 'a:\n  b: c\n d: e\n');

    await expect(readSecretProviderClass(file)).rejects.toMatchObject({
      code: 'KURA_SPEC_UNREADABLE',
      source: file,
      line: 3,
      column: 1,
      message: `${file}:3:1: invalid YAML: All mapping items must start at the same column`,
    });
  });
});

function specErrorOf(parts: ManifestParts, env: NodeJS.ProcessEnv = emptyEnv): KuraSpecError {
  try {
    parse(parts, env);
  } catch (error) {
    if (error instanceof KuraSpecError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected a KuraSpecError');
}

const noTranslation = 'region: "us-east-1"\npathTranslation: "False"';

describe('file and directory clashes', () => {
  it.each([
    ['a file and a nested object', `${ssm('a')}\n${ssm('/a/b')}`, 'object 0 (a)', 1],
    ['a nested object first', `${ssm('/a/b/c')}\n${ssm('a/b')}`, 'object 1 (a/b)', 0],
    [
      'a jmesPath alias',
      `${secret('s', '  jmesPath:\n    - {path: u, objectAlias: d/u}')}\n${ssm('d')}`,
      'object 1 (d)',
      0,
    ],
  ])('rejects %s', (_case, objects, other, nestedIndex) => {
    const problems = problemsOf({ parameters: noTranslation, objects });

    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toContain('needs a directory');
    expect(problems[0]?.message).toContain(other);
    expect(problems[0]?.objectIndex).toBe(nestedIndex);
  });

  it('accepts siblings in one directory', () => {
    const spc = parse({ parameters: noTranslation, objects: `${ssm('/a/b')}\n${ssm('/a/c')}` });

    expect(fileNames(spc)).toEqual(['a/b', 'a/c']);
  });
});

describe('jmesPath checks while parsing', () => {
  const withPath = (path: string) =>
    secret('s', `  jmesPath:\n    - path: ${JSON.stringify(path)}\n      objectAlias: out`);

  it.each([
    ['a.', 'after the dot'],
    ['foo(a)', 'foo() is not a JMESPath function'],
    ['to_strin(a)', 'did you mean to_string?'],
    ['to_string(a, b)', 'to_string() takes 1 argument, not 2'],
    ['to_string(a b)', 'to_string() takes 1 argument, not 2'],
    ['merge()', 'at least 1 argument'],
    ['sort_by(a, b)', 'must be an expression reference'],
    ['&a', 'allowed only as the expression argument'],
    ['to_string(&a)', 'allowed only as the expression argument'],
    ['@(a)', 'only a function name'],
    ['a[::0]', 'step of 0'],
    ['`{bad}`', 'not valid JSON'],
    ['`1e400`', 'not valid JSON'],
    ["'a\\'", 'never closed'],
    ["'ab", 'never closed'],
    ['a ||', 'incomplete'],
    ['a{b: c}', 'unexpected {'],
    ['a[-]', 'not an integer'],
    ['a[9223372036854775808]', 'out of the 64-bit integer range'],
    ['"a"(b)', 'cannot be quoted'],
  ])('rejects %s', (path, reason) => {
    const [problem] = problemsOf({ objects: withPath(path) });

    expect(problem?.field).toBe('spec.parameters.objects[0].jmesPath[0].path');
    expect(problem?.message).toContain(reason);
    expect(problem?.message).not.toMatch(/Unexpected token type|Cannot read properties|NaN/);
  });

  it.each(['a ||', 'abs(', 'a[0', 'to_string(&a)', 'foo(a)'])(
    'suggests no quoting for %s',
    (path) => {
      const [problem] = problemsOf({ objects: withPath(path) });

      expect(problem?.message).not.toContain('must be quoted');
      expect(problem?.message).not.toContain('write path:');
    },
  );

  it('suggests quoting a key with a dash', () => {
    const [problem] = problemsOf({ objects: withPath('db.api-key') });

    expect(problem?.message).toContain(`write path: 'db."api-key"'`);
  });

  it('rejects parentheses nested 20000 deep without a stack overflow', () => {
    const path = `${'('.repeat(20_000)}a${')'.repeat(20_000)}`;
    const [problem] = problemsOf({ objects: withPath(path) });

    expect(problem?.message).toContain('nested too deeply');
  });

  it.each([
    'to_string(a,)',
    'to_string(@.a)',
    'to_string(@.*)',
    "'to_string'(n)",
    'to_string(a[9223372036854775807])',
    '{a: b c: d}',
    'sort_by(items, &name)[0].v',
    'a[?b==`1`].c | [0]',
    'not_null(a, b, c)',
    'map(&a, b)',
  ])('accepts %s as go-jmespath does', (path) => {
    expect(parse({ objects: withPath(path) }).objects[0]?.jmesPath[0]?.path).toBe(path);
  });
});

describe('warnings beside errors', () => {
  it('carries the warnings of an invalid SecretProviderClass', () => {
    const error = specErrorOf({
      parameters: 'Region: "us-east-1"',
      objects: '- objectName: first\n  objectTyp: ssmparameter',
    });

    expect(error.problems.map((problem) => problem.field)).toEqual([
      'spec.parameters.region',
      'spec.parameters.objects[0].objectType',
    ]);
    expect(error.warnings.map((warning) => warning.message)).toEqual([
      expect.stringContaining('did you mean region?'),
      expect.stringContaining('did you mean objectType?'),
    ]);
  });

  it('suggests a spec field close to a known one', () => {
    const spc = parseSecretProviderClass(
      spcManifest({ objects: ssm('p') }).replace(
        '  provider: aws',
        '  provider: aws\n  secretObject: []',
      ),
      { env: emptyEnv },
    );

    expect(spc.warnings[0]?.message).toContain('did you mean secretObjects?');
  });
});

describe('YAML 1.1 conversions', () => {
  it.each([
    ['objectAlias', 'n', 'false'],
    ['objectAlias', 'yes', 'true'],
    ['objectAlias', 'on', 'true'],
    ['objectAlias', 'y', 'true'],
    ['objectVersion', '010', '8'],
    ['objectVersion', '1_000', '1000'],
    ['objectVersion', '0x1F', '31'],
    ['objectAlias', '.inf', '+Inf'],
    ['objectVersion', '1.0', '1'],
  ])('warns that %s: %s becomes %s', (field, written, used) => {
    const spc = parse({ objects: secret('s', `  ${field}: ${written}`) });
    const warning = spc.warnings.find((entry) => entry.field.endsWith(`.${field}`));

    expect(warning?.message).toContain(`${field}: ${written} is read by YAML 1.1`);
    expect(warning?.message).toContain(`uses "${used}"`);
    expect(warning?.message).toContain(`quote it: ${field}: "${written}"`);
  });

  it.each([
    ['objectVersion', '5'],
    ['objectAlias', '"n"'],
    ['objectAlias', 'name'],
  ])('does not warn for %s: %s', (field, written) => {
    const spc = parse({ objects: secret('s', `  ${field}: ${written}`) });

    expect(spc.warnings).toEqual([]);
  });
});

describe('messages', () => {
  it('explains a multi-document objects string', () => {
    const [problem] = problemsOf({ objects: `${ssm('a')}\n---\n${ssm('b')}` });

    expect(problem?.message).toContain('several YAML documents');
    expect(problem?.message).toContain('remove the --- line');
    expect(problem?.message).not.toMatch(/parseAllDocuments/);
  });

  it('explains a tab used as indentation', () => {
    const [problem] = problemsOf({ objects: '- objectName: a\n\tobjectType: ssmparameter' });

    expect(problem?.message).toContain('tabs are not allowed for indentation in YAML');
    expect(problem?.message).toContain('line 2');
  });

  it.each(['arn:aws:secretsmanager::111122223333:secret:name', 'arn:aws:s3:::bucket'])(
    'explains an ARN without a region: %s',
    (name) => {
      const [problem] = problemsOf({ objects: `- objectName: "${name}"` });

      expect(problem?.message).toContain('has no region');
      expect(problem?.message).toContain('arn:aws:secretsmanager:us-east-1:111122223333:secret:');
      expect(problem?.message).not.toContain('region: ""');
    },
  );

  it('explains filePermission 600 without a leading zero', () => {
    const [problem] = problemsOf({ objects: ssm('p', '  filePermission: 600') });

    expect(problem?.message).toContain('four octal digits as a quoted string');
    expect(problem?.message).toContain('"0600"');
    expect(problem?.message).not.toContain('leading 0');
  });

  it('accepts a long plain objects list', () => {
    const objects = Array.from({ length: 20_000 }, (_, index) => ssm(`p${index}`)).join('\n');

    expect(parse({ objects }).objects).toHaveLength(20_000);
  });

  it('still stops an alias bomb', () => {
    const levels = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let level = 1; level < 8; level += 1) {
      levels.push(
        `a${level}: &a${level} [${Array(10)
          .fill(`*a${level - 1}`)
          .join(', ')}]`,
      );
    }
    const objects = `- objectName: p\n  objectType: ssmparameter\n  extra:\n${levels.map((line) => `    ${line}`).join('\n')}`;

    const [problem] = problemsOf({ objects });

    expect(problem?.message).toContain('aliases');
  });

  it('cuts a long objectName in messages', () => {
    const name = `arn:${'x'.repeat(100_000)}`;
    const error = specErrorOf({ objects: `- objectName: "${name}"` });

    expect(error.message.length).toBeLessThan(2_000);
    expect(error.problems[0]?.message).toContain('(100004 characters)');
  });

  it('lists each secretObjects candidate once', () => {
    const [problem] = problemsOf({
      objects: `${secret('s', '  objectAlias: keystore.p12')}\n${secret('t', '  objectAlias: other')}`,
      secretObjects:
        '- secretName: "app"\n  type: Opaque\n  data:\n    - key: K\n      objectName: missing',
    });

    expect(problem?.message).toContain('write one of: "keystore.p12", "other"');
  });

  it('warns about a non-numeric SSM objectVersion', () => {
    const spc = parse({ objects: ssm('p', '  objectVersion: "abc"') });

    expect(spc.warnings[0]?.field).toBe('spec.parameters.objects[0].objectVersion');
    expect(spc.warnings[0]?.message).toContain('objectVersionLabel: "abc"');
  });
});

describe('choosing among SecretProviderClasses of one name', () => {
  const inNamespace = (namespace: string | undefined, object: string) =>
    spcManifest({ name: 't', objects: ssm(object) }).replace(
      '  name: t\n',
      namespace === undefined ? '  name: t\n' : `  name: t\n  namespace: ${namespace}\n`,
    );

  it('rejects two documents with one namespace and name', () => {
    const text = `${inNamespace(undefined, 'first')}---\n${inNamespace(undefined, 'second')}`;

    expect(() => parseSecretProviderClass(text, { spcName: 't', env: emptyEnv })).toThrow(
      /default\/t \(document 1\), default\/t \(document 2\)/,
    );
  });

  it('picks one by namespace and name', () => {
    const text = `${inNamespace('default', 'first')}---\n${inNamespace('prod', 'second')}`;
    const spc = parseSecretProviderClass(text, { spcName: 'prod/t', env: emptyEnv });

    expect(spc.namespace).toBe('prod');
    expect(fileNames(spc)).toEqual(['second']);
  });

  it('asks for the namespace when a name is in two namespaces', () => {
    const text = `${inNamespace('default', 'first')}---\n${inNamespace('prod', 'second')}`;

    expect(() => parseSecretProviderClass(text, { spcName: 't', env: emptyEnv })).toThrow(
      /choose one as NAMESPACE\/NAME/,
    );
  });
});
