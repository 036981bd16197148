import fc from 'fast-check';
import jmespath from 'jmespath';
import { describe, expect, it } from 'vitest';
import { evaluateJmesPath } from '../../src/extract/jmes-path-interpreter.js';
import { parseJsonAsGo } from '../../src/extract/parse-json.js';
import { parseJmesPath } from '../../src/spec/jmes-path-syntax.js';

/**
 * jmespath.js implements the same JMESPath specification, so where it returns a value on
 * ASCII documents and expressions without ordering, kura's interpreter must return the same.
 * The known differences (ordering of strings, to_number, code points, to_string's Go encoding
 * and go-jmespath's quirks) are outside this grammar or make jmespath.js throw.
 */
const key = fc.constantFrom('a', 'b', 'c');

const document = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer({ min: -3, max: 3 }),
    fc.constantFrom('', 'x', 'y'),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(key, tie('value'), { maxKeys: 3 }),
  ),
})).value;

const expression = fc.letrec((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    key,
    fc.constantFrom('@', '`1`', "'x'", '`[1, 2]`'),
    fc.tuple(tie('expr'), key).map(([left, name]) => `${left}.${name}`),
    fc
      .tuple(tie('expr'), fc.constantFrom('[0]', '[-1]', '[1:]', '[::-1]', '[*].a', '[].a', '.*'))
      .map(([left, suffix]) => `(${left})${suffix}`),
    fc.tuple(tie('expr'), tie('expr')).map(([left, right]) => `(${left}) || (${right})`),
    fc.tuple(tie('expr'), tie('expr')).map(([left, right]) => `(${left}) && (${right})`),
    fc.tuple(tie('expr'), tie('expr')).map(([left, right]) => `(${left}) == (${right})`),
    fc.tuple(tie('expr'), tie('expr')).map(([left, right]) => `[${left}, ${right}]`),
    fc.tuple(tie('expr'), tie('expr')).map(([left, right]) => `{p: ${left}, q: ${right}}`),
    fc.tuple(tie('expr'), tie('expr')).map(([left, right]) => `(${left}) | (${right})`),
    fc.tuple(tie('expr'), tie('expr')).map(([left, right]) => `(${left})[?${right}]`),
    tie('expr').map((inner) => `!(${inner})`),
    fc
      .tuple(
        fc.constantFrom('length', 'type', 'to_array', 'keys', 'values', 'not_null'),
        tie('expr'),
      )
      .map(([name, inner]) => `${name}(${inner})`),
  ),
})).expr;

describe('jmes-path interpreter against jmespath.js', () => {
  it('returns what jmespath.js returns where it succeeds', () => {
    fc.assert(
      fc.property(document, expression, (value, path) => {
        const text = JSON.stringify(value);
        let expected: unknown;
        try {
          expected = jmespath.search(parseJsonAsGo(text), path);
        } catch {
          return;
        }

        expect(evaluateJmesPath(parseJmesPath(path), parseJsonAsGo(text))).toEqual(expected);
      }),
      { numRuns: 3000 },
    );
  });
});
