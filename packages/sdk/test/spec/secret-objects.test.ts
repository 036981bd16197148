import { describe, expect, it } from 'vitest';
import {
  KuraSpecError,
  parseSecretProviderClass,
  type SecretProviderClass,
  type SpecProblem,
} from '../../src/index.js';
import { emptyEnv, spcManifest } from './spc-fixtures.js';

const objects = [
  '- objectName: "cert"',
  '  objectType: "secretsmanager"',
  '  objectAlias: "pfx"',
  '- objectName: "db"',
  '  objectType: "secretsmanager"',
].join('\n');

/** Builds one `secretObjects` entry as YAML; a field left undefined is left out. */
function entry(fields: { secretName?: string; type?: string; data: string }): string {
  const lines = ['- data:', fields.data];
  if (fields.secretName !== undefined) {
    lines.push(`  secretName: ${fields.secretName}`);
  }
  if (fields.type !== undefined) {
    lines.push(`  type: ${fields.type}`);
  }
  return lines.join('\n');
}

function item(key: string, objectName: string): string {
  return `    - key: ${key}\n      objectName: ${objectName}`;
}

function parse(secretObjects: string, extraObjects = objects): SecretProviderClass {
  return parseSecretProviderClass(spcManifest({ objects: extraObjects, secretObjects }), {
    env: emptyEnv,
  });
}

function problemsOf(secretObjects: string, extraObjects = objects): readonly SpecProblem[] {
  try {
    parse(secretObjects, extraObjects);
  } catch (error) {
    if (error instanceof KuraSpecError) {
      return error.problems;
    }
    throw error;
  }
  throw new Error('expected a KuraSpecError');
}

describe('secretObjects white space', () => {
  it('trims a key and warns', () => {
    const spc = parse(
      entry({ secretName: 'tls', type: 'kubernetes.io/tls', data: item('"tls.crt "', 'pfx') }),
    );

    expect(spc.secretObjects[0]?.data).toEqual([
      { key: 'tls.crt', objectName: 'pfx', fileName: 'pfx' },
    ]);
    expect(spc.warnings).toHaveLength(1);
    expect(spc.warnings[0]?.field).toBe('spec.secretObjects[0].data[0].key');
    expect(spc.warnings[0]?.message).toContain('key "tls.crt " starts or ends with white space');
    expect(spc.warnings[0]?.message).toContain('write key: "tls.crt"');
  });

  it('trims an objectName and warns', () => {
    const spc = parse(entry({ secretName: 'app', type: 'Opaque', data: item('K', '" pfx"') }));

    expect(spc.secretObjects[0]?.data).toEqual([{ key: 'K', objectName: 'pfx', fileName: 'pfx' }]);
    expect(spc.warnings.map((warning) => warning.field)).toEqual([
      'spec.secretObjects[0].data[0].objectName',
    ]);
    expect(spc.warnings[0]?.message).toContain('objectName " pfx" starts or ends with white space');
  });

  it('trims the secretName and type', () => {
    const spc = parse(
      entry({ secretName: '" app\\t"', type: '" Opaque "', data: item('K', 'db') }),
    );

    expect(spc.secretObjects[0]?.secretName).toBe('app');
    expect(spc.secretObjects[0]?.type).toBe('Opaque');
    expect(spc.warnings.map((warning) => warning.field)).toEqual([
      'spec.secretObjects[0].secretName',
      'spec.secretObjects[0].type',
    ]);
    expect(spc.warnings[0]?.message).toContain('secretName " app\\t"');
  });

  it('trims Unicode white space as Go does', () => {
    // U+0085 and U+3000 are white space in Go; U+FEFF is not, although JavaScript trims it.
    const spc = parse(
      entry({ secretName: 'app', type: 'Opaque', data: item('"\\u0085K\\u3000"', 'db') }),
    );

    expect(spc.secretObjects[0]?.data[0]?.key).toBe('K');
  });

  it('keeps U+FEFF, so the objectName names no file', () => {
    const problems = problemsOf(
      entry({ secretName: 'app', type: 'Opaque', data: item('L', '"\\uFEFFdb"') }),
    );

    expect(problems.map((problem) => problem.field)).toEqual([
      'spec.secretObjects[0].data[0].objectName',
    ]);
    expect(problems[0]?.message).toContain('objectName "\uFEFFdb" is not a file name');
  });

  it('treats two keys that differ in white space as one', () => {
    const spc = parse(
      entry({
        secretName: 'app',
        type: 'Opaque',
        data: [item('K', 'db'), item('" K"', 'pfx')].join('\n'),
      }),
    );

    expect(spc.warnings.map((warning) => warning.message)).toContainEqual(
      'key "K" is listed twice in this Secret; the later item replaces the earlier one',
    );
  });

  it('rejects a key of only white space', () => {
    const problems = problemsOf(
      entry({ secretName: 'app', type: 'Opaque', data: item('"  "', 'db') }),
    );

    expect(problems.map((problem) => problem.field)).toEqual(['spec.secretObjects[0].data[0].key']);
    expect(problems[0]?.message).toBe(
      'key "  " is only white space, which the CSI driver removes; write a Secret data key, such as key: "password"',
    );
  });

  it('rejects an objectName of only white space', () => {
    const problems = problemsOf(
      entry({ secretName: 'app', type: 'Opaque', data: item('K', '" "') }),
    );

    expect(problems.map((problem) => problem.field)).toEqual([
      'spec.secretObjects[0].data[0].objectName',
    ]);
    expect(problems[0]?.message).toContain('objectName " " is only white space');
  });

  it('rejects a file name the driver cannot reach after trimming', () => {
    const padded = '- objectName: "cert"\n  objectType: "secretsmanager"\n  objectAlias: " pfx"';
    const problems = problemsOf(
      entry({ secretName: 'app', type: 'Opaque', data: item('K', '" pfx"') }),
      padded,
    );

    expect(problems.map((problem) => problem.field)).toEqual([
      'spec.secretObjects[0].data[0].objectName',
    ]);
    expect(problems[0]?.message).toContain(
      'objectName " pfx" is a file name of this SecretProviderClass, but the CSI driver removes the white space around it and looks for the file "pfx"',
    );
    expect(problems[0]?.message).toContain('objectAlias without white space');
  });

  it('quotes names in messages so white space shows', () => {
    const problems = problemsOf(
      entry({ secretName: '"my app"', type: 'Opaque', data: item('"a b"', 'db') }),
    );

    expect(problems.map((problem) => problem.message)).toEqual([
      'secretName "my app" is not a valid Kubernetes Secret name; use lower-case letters, digits, - and ., such as secretName: "app-secret"',
      `key "a b" is not a valid Secret data key, because a Secret key must be 1 to 253 letters, digits, '-', '_' or '.'; write one such as key: "password"`,
    ]);
  });
});

describe('secretObjects entries the driver does not sync', () => {
  it('rejects a missing type', () => {
    const problems = problemsOf(entry({ secretName: 'app', data: item('K', 'db') }));

    expect(problems.map((problem) => problem.field)).toEqual(['spec.secretObjects[0].type']);
    expect(problems[0]?.message).toContain('type is missing');
    expect(problems[0]?.message).toContain('write type: "Opaque"');
  });

  it('reads a type of only white space as Opaque', () => {
    const spc = parse(entry({ secretName: 'app', type: '" "', data: item('K', 'db') }));

    expect(spc.secretObjects[0]?.type).toBe('Opaque');
    expect(spc.warnings.map((warning) => warning.field)).toEqual(['spec.secretObjects[0].type']);
    expect(spc.warnings[0]?.message).toContain('an empty type means Opaque');
  });

  it('rejects empty data', () => {
    const problems = problemsOf('- secretName: app\n  type: Opaque\n  data: []');

    expect(problems.map((problem) => problem.field)).toEqual(['spec.secretObjects[0].data']);
    expect(problems[0]?.message).toContain('data is empty');
  });

  it('rejects a missing secretName', () => {
    const problems = problemsOf(entry({ data: item('K', 'db') }));

    expect(problems.map((problem) => problem.field)).toEqual([
      'spec.secretObjects[0].secretName',
      'spec.secretObjects[0].type',
    ]);
    expect(problems[0]?.message).toContain('secretName is missing');
  });

  it('rejects a key starting with two dots', () => {
    const problems = problemsOf(
      entry({ secretName: 'app', type: 'Opaque', data: item('..K', 'db') }),
    );

    expect(problems[0]?.message).toContain(`must not be '.' or start with '..'`);
  });
});
