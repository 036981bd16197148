import { describe, expect, it } from 'vitest';
import { KuraSpecError, parseSecretProviderClass, type SpecProblem } from '../../src/index.js';
import { emptyEnv, type ManifestParts, spcManifest } from './spc-fixtures.js';

function parse(parts: ManifestParts) {
  return parseSecretProviderClass(spcManifest(parts), { env: emptyEnv });
}

function problemsOf(parts: ManifestParts): readonly SpecProblem[] {
  try {
    parse(parts);
  } catch (error) {
    if (error instanceof KuraSpecError) {
      return error.problems;
    }
    throw error;
  }
  throw new Error('expected a KuraSpecError');
}

const arn = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:team/api-key-AbCdEf';

describe('C01 slash in a name without an alias', () => {
  it('replaces slashes in an ARN by default', () => {
    const spc = parse({ objects: `- objectName: "${arn}"` });

    expect(spc.objects[0]?.fileName).toBe(
      'arn:aws:secretsmanager:us-east-1:111122223333:secret:team_api-key-AbCdEf',
    );
    expect(spc.objects[0]?.objectName).toBe(arn);
  });

  it('replaces the leading slash of an SSM name', () => {
    const spc = parse({
      objects: '- objectName: "/app/db/password"\n  objectType: "ssmparameter"',
    });

    expect(spc.objects[0]?.fileName).toBe('_app_db_password');
  });

  it('uses a one-character pathTranslation', () => {
    const spc = parse({
      parameters: 'region: "us-east-1"\npathTranslation: "-"',
      objects: `- objectName: "${arn}"`,
    });

    expect(spc.objects[0]?.fileName).toBe(
      'arn:aws:secretsmanager:us-east-1:111122223333:secret:team-api-key-AbCdEf',
    );
  });

  it('rejects a two-character pathTranslation', () => {
    const problems = problemsOf({
      parameters: 'region: "us-east-1"\npathTranslation: "ab"',
      objects: `- objectName: "${arn}"`,
    });

    expect(problems.map((problem) => problem.field)).toEqual(['spec.parameters.pathTranslation']);
  });

  it('keeps a nested path with pathTranslation False', () => {
    const spc = parse({
      parameters: 'region: "us-east-1"\npathTranslation: "False"',
      objects: '- objectName: "/app/db/password"\n  objectType: "ssmparameter"',
    });

    expect(spc.objects[0]?.fileName).toBe('app/db/password');
    expect(spc.warnings[0]?.message).toContain('nested path');
  });

  it('resolves secretObjects by the original objectName', () => {
    const fileName = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:team_api-key-AbCdEf';
    const spc = parse({
      objects: `- objectName: "${arn}"`,
      secretObjects: `- secretName: "api"\n  type: Opaque\n  data:\n    - key: API_KEY\n      objectName: "${arn}"`,
    });

    expect(spc.secretObjects[0]?.data).toEqual([{ key: 'API_KEY', objectName: arn, fileName }]);
    const warning = spc.warnings.find(
      (candidate) => candidate.field === 'spec.secretObjects[0].data[0].objectName',
    );
    expect(warning?.message).toContain(`write objectName: "${fileName}"`);
  });

  it('rejects an objectName shared by two objects in secretObjects', () => {
    const problems = problemsOf({
      objects: `- objectName: "${arn}"\n  objectAlias: "current"\n  objectVersionLabel: "AWSCURRENT"\n- objectName: "${arn}"\n  objectAlias: "previous"\n  objectVersionLabel: "AWSPREVIOUS"`,
      secretObjects: `- secretName: "api"\n  type: Opaque\n  data:\n    - key: API_KEY\n      objectName: "${arn}"`,
    });

    expect(problems).toHaveLength(1);
    expect(problems[0]?.field).toBe('spec.secretObjects[0].data[0].objectName');
    expect(problems[0]?.message).toContain('file names "current", "previous"');
  });

  it('resolves secretObjects by the file name', () => {
    const fileName = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:team_api-key-AbCdEf';
    const spc = parse({
      objects: `- objectName: "${arn}"`,
      secretObjects: `- secretName: "api"\n  type: Opaque\n  data:\n    - key: API_KEY\n      objectName: "${fileName}"`,
    });

    expect(spc.secretObjects[0]?.data).toEqual([
      { key: 'API_KEY', objectName: fileName, fileName },
    ]);
  });
});

describe('C02 hyphen in a jmesPath path', () => {
  const objects = (path: string) =>
    `- objectName: "creds"\n  objectType: "secretsmanager"\n  jmesPath:\n    - path: ${path}\n      objectAlias: "api-key"\n    - path: '"app-key"'\n      objectAlias: "app-key"`;

  it('rejects an unquoted hyphenated name and suggests quoting it', () => {
    const problems = problemsOf({ objects: objects('api-key') });

    expect(problems).toHaveLength(1);
    expect(problems[0]?.field).toBe('spec.parameters.objects[0].jmesPath[0].path');
    expect(problems[0]?.message).toContain('path api-key is not a valid JMESPath expression');
    expect(problems[0]?.message).toContain(`write path: '"api-key"'`);
  });

  it('accepts the quoted names', () => {
    const spc = parse({ objects: objects(`'"api-key"'`) });

    expect(spc.objects[0]?.jmesPath.map((entry) => [entry.path, entry.fileName])).toEqual([
      ['"api-key"', 'api-key'],
      ['"app-key"', 'app-key'],
    ]);
  });

  it('keeps quotes in an objectAlias', () => {
    const spc = parse({
      objects: `- objectName: "creds"\n  objectType: "secretsmanager"\n  objectAlias: '"x-y"'`,
    });

    expect(spc.objects[0]?.fileName).toBe('"x-y"');
  });
});

describe('C03 the array: form', () => {
  it('rejects array: with a message about the plain list', () => {
    const problems = problemsOf({
      objects: 'array:\n  - |\n    objectName: "db"\n    objectType: "secretsmanager"',
    });

    expect(problems).toHaveLength(1);
    expect(problems[0]?.field).toBe('spec.parameters.objects');
    expect(problems[0]?.message).toContain('the AWS provider takes a plain YAML list of objects');
  });

  it('rejects an empty list item', () => {
    const problems = problemsOf({
      objects: '- objectName: "db"\n  objectType: "secretsmanager"\n- ',
    });

    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ field: 'spec.parameters.objects[1]', objectIndex: 1 });
    expect(problems[0]?.message).toContain('the list item is empty');
  });

  it('accepts field names in other letter case', () => {
    const spc = parse({
      objects:
        '- ObjectName: "db"\n  ObjectType: "secretsmanager"\n  jmesPath:\n    - Path: "username"\n      ObjectAlias: "user"',
    });

    expect(spc.objects[0]?.objectName).toBe('db');
    expect(spc.objects[0]?.jmesPath[0]?.path).toBe('username');
    expect(spc.warnings).toEqual([]);
  });

  it('warns about objectAlais and names it', () => {
    const spc = parse({
      objects: '- objectName: "db"\n  objectType: "secretsmanager"\n  objectAlais: "password"',
    });

    expect(spc.objects[0]?.fileName).toBe('db');
    expect(spc.warnings).toHaveLength(1);
    expect(spc.warnings[0]).toMatchObject({
      field: 'spec.parameters.objects[0].objectAlais',
      objectIndex: 0,
      objectName: 'db',
    });
    expect(spc.warnings[0]?.message).toContain('did you mean objectAlias?');
  });
});

describe('C04 the current and the previous version', () => {
  const key = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:encryption-key-AbCdEf';
  const entry = (alias: string | undefined, label: string | undefined) =>
    [
      `- objectName: "${key}"`,
      ...(alias === undefined ? [] : [`  objectAlias: "${alias}"`]),
      ...(label === undefined ? [] : [`  objectVersionLabel: "${label}"`]),
    ].join('\n');

  it('accepts one ARN twice with aliases and labels', () => {
    const spc = parse({
      objects: `${entry('encryption-key', 'AWSCURRENT')}\n${entry('previous-encryption-key', 'AWSPREVIOUS')}`,
    });

    expect(spc.objects.map((object) => [object.fileName, object.selector])).toEqual([
      ['encryption-key', { kind: 'versionStage', versionStage: 'AWSCURRENT' }],
      ['previous-encryption-key', { kind: 'versionStage', versionStage: 'AWSPREVIOUS' }],
    ]);
  });

  it('rejects the same name with neither alias nor label', () => {
    const problems = problemsOf({
      objects: `${entry(undefined, undefined)}\n${entry(undefined, undefined)}`,
    });

    expect(problems.map((problem) => problem.field)).toEqual([
      'spec.parameters.objects[1].objectName',
    ]);
    expect(problems[0]?.message).toContain('neither has an objectAlias');
  });

  it('rejects the same alias twice', () => {
    const problems = problemsOf({
      objects: `${entry('k', 'AWSCURRENT')}\n- objectName: "other"\n  objectType: "secretsmanager"\n  objectAlias: "k"`,
    });

    expect(problems.map((problem) => problem.field)).toEqual([
      'spec.parameters.objects[1].objectAlias',
    ]);
    expect(problems[0]?.message).toContain('objectAlias k is already used by object 0');
  });

  it('rejects the same name and alias without a label', () => {
    const problems = problemsOf({ objects: `${entry('k', undefined)}\n${entry('k', undefined)}` });

    expect(problems.map((problem) => problem.field)).toEqual([
      'spec.parameters.objects[1].objectAlias',
    ]);
  });

  it('rejects an alias reused by a jmesPath entry', () => {
    const problems = problemsOf({
      objects: `${entry('k', undefined)}\n  jmesPath:\n    - path: "a"\n      objectAlias: "k"`,
    });

    expect(problems.map((problem) => problem.field)).toEqual([
      'spec.parameters.objects[0].jmesPath[0].objectAlias',
    ]);
    expect(problems[0]?.message).toContain('objectAlias k is already used by object 0');
  });
});
