/**
 * A JMESPath lexer and parser that accepts and rejects exactly what go-jmespath v0.4.0 (the
 * AWS provider's library) accepts and rejects while parsing, including its quirks: a function
 * call may end with a comma, and arguments need no comma between them. jmespath.js's `compile`
 * accepts some expressions that Go rejects, such as `a.`, and then crashes while searching.
 * The tree it builds holds only what kura checks afterwards: function calls and `&`.
 */

/** An expression go-jmespath rejects; `position` is the 0-based offset in the expression. */
export class JmesPathSyntaxError extends Error {
  readonly position: number;

  constructor(message: string, position: number) {
    super(message);
    this.position = position;
  }
}

type TokenType =
  | 'dot'
  | 'star'
  | 'comma'
  | 'colon'
  | 'lbrace'
  | 'rbrace'
  | 'lbracket'
  | 'rbracket'
  | 'lparen'
  | 'rparen'
  | 'current'
  | 'filter'
  | 'flatten'
  | 'number'
  | 'identifier'
  | 'quotedIdentifier'
  | 'jsonLiteral'
  | 'stringLiteral'
  | 'or'
  | 'pipe'
  | 'and'
  | 'expref'
  | 'not'
  | 'comparator'
  | 'unknown'
  | 'eof';

interface Token {
  type: TokenType;
  value: string;
  position: number;
}

/** A node of the parsed expression. Only function calls and `&` carry details. */
export type JmesPathNode =
  | { kind: 'field'; name: string }
  | { kind: 'function'; name: string | undefined; args: JmesPathNode[]; position: number }
  | { kind: 'expref'; child: JmesPathNode; position: number }
  | { kind: 'slice'; step: number | undefined; position: number }
  | { kind: 'other'; children: JmesPathNode[] };

const singleCharTokens = new Map<string, TokenType>([
  ['.', 'dot'],
  ['*', 'star'],
  [',', 'comma'],
  [':', 'colon'],
  ['{', 'lbrace'],
  ['}', 'rbrace'],
  [']', 'rbracket'],
  ['(', 'lparen'],
  [')', 'rparen'],
  ['@', 'current'],
]);

/** go-jmespath's binding powers; a token not listed binds with 0. */
const bindingPowers = new Map<TokenType, number>([
  ['pipe', 1],
  ['or', 2],
  ['and', 3],
  ['comparator', 5],
  ['flatten', 9],
  ['star', 20],
  ['filter', 21],
  ['dot', 40],
  ['not', 45],
  ['lbrace', 50],
  ['lbracket', 55],
  ['lparen', 60],
]);

function power(type: TokenType): number {
  return bindingPowers.get(type) ?? 0;
}

const identifierStart = /[A-Za-z_]/;
const identifierPart = /[A-Za-z0-9_]/;

/** Parses JSON as Go's `json.Unmarshal` would accept it; a number must fit a float64. */
function isGoJson(text: string): boolean {
  let valid = true;
  try {
    JSON.parse(text, (_key, value: unknown) => {
      if (typeof value === 'number' && !Number.isFinite(value)) valid = false;
      return value;
    });
  } catch {
    return false;
  }
  return valid;
}

/** Reads up to the closing `end` character, skipping a character after each backslash. */
function readUntil(expression: string, start: number, end: string): number {
  let index = start;
  while (index < expression.length && expression[index] !== end) {
    index += expression[index] === '\\' && index + 1 < expression.length ? 2 : 1;
  }
  if (index >= expression.length) {
    throw new JmesPathSyntaxError(`the ${end} opened here is never closed`, start - 1);
  }
  return index;
}

/**
 * Reads a raw string literal from just after its opening quote, step by step as go-jmespath's
 * `consumeRawStringLiteral` does. It stops at a closing quote or at the last character. It
 * reports an unclosed literal only when it reads past the end (`'` alone or `'a\\'`).
 * Returns the index after the literal.
 */
function readRawString(expression: string, start: number): number {
  let index = start;
  let pastEnd = false;
  const next = (): string | undefined => {
    pastEnd = index >= expression.length;
    if (pastEnd) return undefined;
    index += 1;
    return expression[index - 1];
  };
  const peek = (): string | undefined => expression[index];

  let current = next();
  while (current !== "'" && peek() !== undefined) {
    if (current === '\\' && peek() === "'") next();
    current = next();
  }
  if (pastEnd) {
    throw new JmesPathSyntaxError("the ' opened here is never closed", start - 1);
  }
  return index;
}

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  const push = (type: TokenType, value: string, position: number) => {
    tokens.push({ type, value, position });
  };

  while (index < expression.length) {
    const start = index;
    const char = expression[index] ?? '';
    const next = expression[index + 1];
    index += 1;

    if (identifierStart.test(char)) {
      while (index < expression.length && identifierPart.test(expression[index] ?? '')) index += 1;
      push('identifier', expression.slice(start, index), start);
    } else if (singleCharTokens.has(char)) {
      push(singleCharTokens.get(char) ?? 'unknown', char, start);
    } else if (char === '-' || (char >= '0' && char <= '9')) {
      while (/[0-9]/.test(expression[index] ?? '')) index += 1;
      push('number', expression.slice(start, index), start);
    } else if (char === '[') {
      if (next === '?') {
        index += 1;
        push('filter', '[?', start);
      } else if (next === ']') {
        index += 1;
        push('flatten', '[]', start);
      } else {
        push('lbracket', '[', start);
      }
    } else if (char === '"') {
      index = readUntil(expression, index, '"') + 1;
      const text = expression.slice(start, index);
      if (!isGoJson(text)) {
        throw new JmesPathSyntaxError(`the quoted name ${text} has an invalid escape`, start);
      }
      push('quotedIdentifier', JSON.parse(text) as string, start);
    } else if (char === "'") {
      index = readRawString(expression, index);
      push('stringLiteral', expression.slice(start, index), start);
    } else if (char === '`') {
      index = readUntil(expression, index, '`') + 1;
      const literal = expression.slice(start + 1, index - 1).replaceAll('\\`', '`');
      if (!isGoJson(literal)) {
        throw new JmesPathSyntaxError(
          `the literal \`${literal}\` is not valid JSON; write a string literal in single quotes ('text') or quote strings inside the backticks`,
          start,
        );
      }
      push('jsonLiteral', literal, start);
    } else if ('|&<>!='.includes(char)) {
      const pair = char + (next ?? '');
      const doubled = new Map<string, TokenType>([
        ['||', 'or'],
        ['&&', 'and'],
        ['<=', 'comparator'],
        ['>=', 'comparator'],
        ['!=', 'comparator'],
        ['==', 'comparator'],
      ]).get(pair);
      if (doubled !== undefined) {
        index += 1;
        push(doubled, pair, start);
      } else {
        const single = new Map<string, TokenType>([
          ['|', 'pipe'],
          ['&', 'expref'],
          ['<', 'comparator'],
          ['>', 'comparator'],
          ['!', 'not'],
        ]).get(char);
        push(single ?? 'unknown', char, start);
      }
    } else if (!' \t\n\r'.includes(char)) {
      throw new JmesPathSyntaxError(
        `the character ${JSON.stringify(char)} is not allowed here`,
        start,
      );
    }
  }
  push('eof', '', expression.length);
  return tokens;
}

function describeToken(token: Token): string {
  return token.type === 'eof'
    ? 'the end of the expression'
    : `${token.value} at position ${token.position}`;
}

const identity: JmesPathNode = { kind: 'other', children: [] };

function other(...children: JmesPathNode[]): JmesPathNode {
  return { kind: 'other', children };
}

/** A Pratt parser with go-jmespath's grammar, binding powers and error cases. */
class Parser {
  private index = 0;

  constructor(private readonly tokens: Token[]) {}

  parse(): JmesPathNode {
    const node = this.expression(0);
    if (this.current().type !== 'eof') {
      throw this.error(`unexpected ${describeToken(this.current())}`);
    }
    return node;
  }

  private current(): Token {
    return this.tokens[this.index] ?? { type: 'eof', value: '', position: 0 };
  }

  private lookahead(offset: number): TokenType {
    return this.tokens[this.index + offset]?.type ?? 'eof';
  }

  private advance(): Token {
    const token = this.current();
    this.index += 1;
    return token;
  }

  private error(message: string, token = this.current()): JmesPathSyntaxError {
    return new JmesPathSyntaxError(message, token.position);
  }

  private match(type: TokenType, expected: string): void {
    if (this.current().type !== type) {
      throw this.error(`expected ${expected}, found ${describeToken(this.current())}`);
    }
    this.advance();
  }

  private expression(bindingPower: number): JmesPathNode {
    let left = this.nud(this.advance());
    while (bindingPower < power(this.current().type)) {
      left = this.led(this.advance(), left);
    }
    return left;
  }

  private nud(token: Token): JmesPathNode {
    switch (token.type) {
      case 'jsonLiteral':
      case 'stringLiteral':
      case 'current':
        return other();
      case 'identifier':
        return { kind: 'field', name: token.value };
      case 'quotedIdentifier':
        if (this.current().type === 'lparen') {
          throw this.error('a function name cannot be quoted', token);
        }
        return other();
      case 'star':
        return other(this.current().type === 'rbracket' ? identity : this.projectionRhs(20));
      case 'filter':
        return this.filter(identity);
      case 'lbrace':
        return this.multiSelectHash();
      case 'flatten':
        return other(this.projectionRhs(9));
      case 'lbracket':
        return this.bracketNud();
      case 'expref':
        return { kind: 'expref', child: this.expression(0), position: token.position };
      case 'not':
        return other(this.expression(45));
      case 'lparen': {
        const inner = this.expression(0);
        this.match('rparen', ')');
        return inner;
      }
      case 'eof':
        throw this.error('the expression is incomplete', token);
      default:
        throw this.error(`unexpected ${describeToken(token)}`, token);
    }
  }

  private bracketNud(): JmesPathNode {
    const type = this.current().type;
    if (type === 'number' || type === 'colon') {
      let index: JmesPathNode;
      try {
        index = this.indexExpression();
      } catch (error) {
        // go-jmespath drops this error and goes on parsing with an empty node.
        if (!(error instanceof JmesPathSyntaxError)) throw error;
        return other();
      }
      return this.projectIfSlice(index);
    }
    if (type === 'star' && this.lookahead(1) === 'rbracket') {
      this.advance();
      this.advance();
      return other(this.projectionRhs(20));
    }
    return this.multiSelectList();
  }

  private led(token: Token, left: JmesPathNode): JmesPathNode {
    switch (token.type) {
      case 'dot':
        if (this.current().type !== 'star') {
          return other(left, this.dotRhs(40));
        }
        this.advance();
        return other(left, this.projectionRhs(40));
      case 'pipe':
        return other(left, this.expression(1));
      case 'or':
        return other(left, this.expression(2));
      case 'and':
        return other(left, this.expression(3));
      case 'lparen':
        return this.functionCall(token, left);
      case 'filter':
        return this.filter(left);
      case 'flatten':
        return other(left, this.projectionRhs(9));
      case 'comparator':
        return other(left, this.expression(5));
      case 'lbracket': {
        const type = this.current().type;
        if (type === 'number' || type === 'colon') {
          return other(left, this.projectIfSlice(this.indexExpression()));
        }
        this.match('star', 'a number, : or * after [');
        this.match('rbracket', ']');
        return other(left, this.projectionRhs(20));
      }
      default:
        throw this.error(`unexpected ${describeToken(token)}`, token);
    }
  }

  private functionCall(token: Token, callee: JmesPathNode): JmesPathNode {
    const name = callee.kind === 'field' ? callee.name : undefined;
    const args: JmesPathNode[] = [];
    while (this.current().type !== 'rparen') {
      args.push(this.expression(0));
      if (this.current().type === 'comma') this.advance();
    }
    this.match('rparen', ')');
    return { kind: 'function', name, args, position: token.position };
  }

  private integer(token: Token): number {
    const value = Number(token.value);
    // Go's strconv.Atoi takes an int64, so "-" or 20 digits fail.
    if (!/^-?[0-9]+$/.test(token.value) || !Number.isSafeInteger(value)) {
      throw this.error(`the index ${token.value} is not an integer`, token);
    }
    return value;
  }

  private indexExpression(): JmesPathNode {
    if (this.lookahead(0) === 'colon' || this.lookahead(1) === 'colon') {
      return this.sliceExpression();
    }
    this.integer(this.current());
    this.advance();
    this.match('rbracket', ']');
    return other();
  }

  private sliceExpression(): JmesPathNode {
    const position = this.current().position;
    const parts: (number | undefined)[] = [undefined, undefined, undefined];
    let part = 0;
    while (this.current().type !== 'rbracket' && part < 3) {
      const token = this.current();
      if (token.type === 'colon') {
        part += 1;
      } else if (token.type === 'number') {
        parts[part] = this.integer(token);
      } else {
        throw this.error(`expected a number or : in the slice, found ${describeToken(token)}`);
      }
      this.advance();
    }
    this.match('rbracket', ']');
    return { kind: 'slice', step: parts[2], position };
  }

  private projectIfSlice(index: JmesPathNode): JmesPathNode {
    return index.kind === 'slice' ? other(index, this.projectionRhs(20)) : index;
  }

  private multiSelectList(): JmesPathNode {
    const items: JmesPathNode[] = [];
    for (;;) {
      items.push(this.expression(0));
      if (this.current().type === 'rbracket') break;
      this.match('comma', ', or ]');
    }
    this.match('rbracket', ']');
    return other(...items);
  }

  private multiSelectHash(): JmesPathNode {
    const values: JmesPathNode[] = [];
    for (;;) {
      const key = this.current().type;
      if (key !== 'identifier' && key !== 'quotedIdentifier') {
        throw this.error(`expected a key name in {...}, found ${describeToken(this.current())}`);
      }
      this.advance();
      this.match('colon', ': after the key');
      values.push(this.expression(0));
      const separator = this.current().type;
      if (separator === 'comma' || separator === 'rbrace') this.advance();
      if (separator === 'rbrace') break;
    }
    return other(...values);
  }

  private filter(left: JmesPathNode): JmesPathNode {
    const condition = this.expression(0);
    this.match('rbracket', '] to close the filter');
    const right = this.current().type === 'flatten' ? identity : this.projectionRhs(21);
    return other(left, right, condition);
  }

  private dotRhs(bindingPower: number): JmesPathNode {
    const type = this.current().type;
    if (type === 'identifier' || type === 'quotedIdentifier' || type === 'star') {
      return this.expression(bindingPower);
    }
    if (type === 'lbracket') {
      this.advance();
      return this.multiSelectList();
    }
    if (type === 'lbrace') {
      this.advance();
      return this.multiSelectHash();
    }
    throw this.error(
      `expected a name, [ or { after the dot, found ${describeToken(this.current())}`,
    );
  }

  private projectionRhs(bindingPower: number): JmesPathNode {
    const type = this.current().type;
    if (power(type) < 10) return identity;
    if (type === 'lbracket' || type === 'filter') return this.expression(bindingPower);
    if (type === 'dot') {
      this.advance();
      return this.dotRhs(bindingPower);
    }
    throw this.error(`unexpected ${describeToken(this.current())} after a projection`);
  }
}

/**
 * Parses an expression as go-jmespath does. Throws JmesPathSyntaxError for every expression
 * go-jmespath rejects while parsing.
 */
export function parseJmesPath(expression: string): JmesPathNode {
  return new Parser(tokenize(expression)).parse();
}
