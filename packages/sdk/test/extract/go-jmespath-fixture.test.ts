import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KuraExtractError } from '../../src/errors.js';
import { extractJmesPath } from '../../src/extract/extract-jmes-path.js';
import { checkJmesPath } from '../../src/spec/jmes-path.js';

/**
 * A differential test against go-jmespath v0.4.0, the AWS provider's library. Each fixture
 * case contains an expression, the document and the output of a Go program built against
 * go-jmespath. The fixture's `source` field describes that program.
 */
interface GoCase {
  expression: string;
  document: string;
  status: 'OK' | 'PARSE-ERR' | 'SEARCH-ERR';
  output: string;
}

const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/go-jmespath-v0.4.0.json', import.meta.url), 'utf8'),
) as { cases: GoCase[] };

/** Go iterates maps in random order, so these results are compared as sorted lists. */
const unordered = new Set([
  'to_string(*)',
  'to_string(@.*)',
  'to_string(keys(@))',
  'to_string(values(@))',
  'to_string(*.to_string(@))',
]);

/** Cases where kura rejects on purpose what go-jmespath evaluates. */
const rejectedByKura = new Map([
  // go-jmespath encodes its internal expression reference as {}, which no one means to mount.
  ['to_string(&a)', 'allowed only as the expression argument'],
]);

type KuraOutcome =
  | { status: 'PARSE-ERR' | 'SEARCH-ERR'; message: string }
  | { status: 'OK'; text: string };

function runKura(expression: string, document: string): KuraOutcome {
  const problem = checkJmesPath(expression);
  if (problem !== undefined) return { status: 'PARSE-ERR', message: problem };
  try {
    const [bytes] = extractJmesPath(
      new TextEncoder().encode(document),
      [{ path: expression, objectAlias: 'out' }],
      { objectName: 'doc', objectType: 'secretsmanager' },
    );
    return { status: 'OK', text: new TextDecoder().decode(bytes) };
  } catch (error) {
    if (!(error instanceof KuraExtractError)) throw error;
    return { status: 'SEARCH-ERR', message: error.message };
  }
}

function sortedItems(text: string): string[] {
  return (JSON.parse(text) as unknown[]).map((item) => JSON.stringify(item)).sort();
}

describe('go-jmespath v0.4.0 fixture', () => {
  it('holds the cases of every expression list', () => {
    expect(fixture.cases.length).toBeGreaterThan(300);
  });

  it.each(fixture.cases.map((goCase) => [goCase.expression, goCase] as const))(
    'matches go-jmespath for %s',
    (_expression, goCase) => {
      const kura = runKura(goCase.expression, goCase.document);
      const reason = rejectedByKura.get(goCase.expression);

      if (reason !== undefined) {
        expect(kura).toMatchObject({ status: 'PARSE-ERR' });
        expect(kura.status === 'PARSE-ERR' ? kura.message : '').toContain(reason);
        return;
      }
      if (goCase.status === 'PARSE-ERR') {
        expect(kura.status).toBe('PARSE-ERR');
        return;
      }
      if (goCase.status === 'SEARCH-ERR') {
        // kura rejects while parsing what can only fail in go-jmespath's search.
        expect(kura.status).not.toBe('OK');
        return;
      }
      const goResult = JSON.parse(goCase.output) as unknown;
      if (typeof goResult !== 'string') {
        // The provider mounts strings only, so it fails on null and on other types too.
        expect(kura.status).toBe('SEARCH-ERR');
        return;
      }
      expect(kura.status).toBe('OK');
      const text = kura.status === 'OK' ? kura.text : '';
      if (unordered.has(goCase.expression)) {
        expect(sortedItems(text)).toEqual(sortedItems(goResult));
      } else {
        expect(text).toBe(goResult);
      }
    },
  );
});
