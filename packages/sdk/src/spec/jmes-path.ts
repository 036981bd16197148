/**
 * Compiles jmesPath expressions while parsing, so a bad path is reported before any AWS call.
 * The `jmespath` package implements the original JMESPath specification, as go-jmespath does.
 */
import jmespath from 'jmespath';

const compile = (jmespath as unknown as { compile(expression: string): unknown }).compile;
const identifier = /^[A-Za-z_][A-Za-z0-9_]*$/;

function compiles(expression: string): boolean {
  try {
    compile(expression);
    return true;
  } catch {
    return false;
  }
}

/**
 * Suggests a fix for an expression that does not compile: each dot-separated part that is not
 * a bare identifier is quoted, so `api-key` becomes `"api-key"`.
 */
function suggestQuoted(expression: string): string | undefined {
  const quoted = expression
    .split('.')
    .map((part) => (identifier.test(part) || part.startsWith('"') ? part : JSON.stringify(part)))
    .join('.');
  return quoted !== expression && compiles(quoted) ? quoted : undefined;
}

/** Returns why `expression` is not valid JMESPath, with a suggestion, or undefined when it is. */
export function checkJmesPath(expression: string): string | undefined {
  try {
    compile(expression);
    return undefined;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const suggestion = suggestQuoted(expression);
    const fix =
      suggestion === undefined
        ? 'see https://jmespath.org/specification.html'
        : `a name with characters other than letters, digits and _ must be quoted: write path: '${suggestion}'`;
    return `path ${expression} is not a valid JMESPath expression (${reason}); ${fix}`;
  }
}
