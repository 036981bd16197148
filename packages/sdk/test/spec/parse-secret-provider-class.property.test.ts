import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KuraSpecError, KuraSpecReadError, parseSecretProviderClass } from '../../src/index.js';
import { emptyEnv, spcManifest } from './spc-fixtures.js';

/** Parses and returns what happened; any error other than the SDK's two fails the property. */
function outcome(text: string, spcName?: string): 'valid' | 'invalid' | 'unreadable' {
  try {
    parseSecretProviderClass(text, {
      env: emptyEnv,
      ...(spcName === undefined ? {} : { spcName }),
    });
    return 'valid';
  } catch (error) {
    if (error instanceof KuraSpecError) {
      expect(error.problems.length).toBeGreaterThan(0);
      return 'invalid';
    }
    if (error instanceof KuraSpecReadError) {
      return 'unreadable';
    }
    throw error;
  }
}

const base = spcManifest({
  parameters: 'region: "us-east-1"\nfailoverRegion: "us-west-2"\npathTranslation: "_"',
  objects: [
    '- objectName: "arn:aws:secretsmanager:us-east-1:111122223333:secret:db/creds-AbCdEf"',
    '  objectAlias: "creds"',
    '  filePermission: "0640"',
    '  jmesPath:',
    '    - path: "username"',
    '      objectAlias: "user"',
    '  failoverObject:',
    '    objectName: "arn:aws:secretsmanager:us-west-2:111122223333:secret:db/creds-XyZ"',
    '- objectName: "/app/flag"',
    '  objectType: "ssmparameter"',
    '  objectVersion: 2',
  ].join('\n'),
  secretObjects:
    '- secretName: "db"\n  type: Opaque\n  data:\n    - key: USER\n      objectName: user',
});

/** Pieces that break YAML and SPC rules in many ways when spliced into the manifest. */
const fragments = [
  '',
  ' ',
  '\n',
  '\t',
  '-',
  '- ',
  ':',
  ': ',
  '[',
  ']',
  '{',
  '}',
  '"',
  "'",
  '|',
  '>',
  '&a',
  '*a',
  '!!str ',
  '!!int ',
  '!!binary ',
  '<<: ',
  '0600',
  'yes',
  '~',
  '..',
  '/',
  'arn:',
  '#',
  '%YAML 1.1\n',
  '---\n',
  '...\n',
  'objectName: ',
  'jmesPath: ',
  'failoverObject: ',
  'array:\n',
  '\u212a',
  '\0',
];

describe('parseSecretProviderClass properties', () => {
  it('parses the base manifest', () => {
    expect(outcome(base)).toBe('valid');
  });

  it('throws only SDK errors on random text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        outcome(text);
      }),
      { numRuns: 300 },
    );
  });

  it('throws only SDK errors on mutated manifests', () => {
    const mutation = fc.record({
      position: fc.nat({ max: base.length }),
      deleteCount: fc.nat({ max: 20 }),
      insert: fc.oneof(fc.constantFrom(...fragments), fc.string({ maxLength: 12 })),
    });
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
        let text = base;
        for (const { position, deleteCount, insert } of mutations) {
          const at = Math.min(position, text.length);
          text = text.slice(0, at) + insert + text.slice(at + deleteCount);
        }
        outcome(text);
      }),
      { numRuns: 1500 },
    );
  });

  it('throws only SDK errors on random objects lists', () => {
    const scalar = fc.oneof(fc.constantFrom(...fragments), fc.string({ maxLength: 10 }));
    const entry = fc.dictionary(
      fc.constantFrom(
        'objectName',
        'objectType',
        'objectAlias',
        'objectVersion',
        'objectVersionLabel',
        'filePermission',
        'ObjectName',
        'path',
        'x',
      ),
      scalar,
      { maxKeys: 5 },
    );
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 4 }), (entries) => {
        const objects = entries
          .map(
            (fields) =>
              Object.entries(fields)
                .map(
                  ([key, value], index) =>
                    `${index === 0 ? '- ' : '  '}${key}: ${JSON.stringify(value)}`,
                )
                .join('\n') || '- ',
          )
          .join('\n');
        outcome(spcManifest({ objects }));
      }),
      { numRuns: 500 },
    );
  });
});
