/**
 * A JMESPath lexer and parser that accepts and rejects exactly what go-jmespath v0.4.0 (the
 * AWS provider's library) accepts and rejects while parsing. That includes its quirks. A
 * function call may end with a comma, arguments need no comma between them, and a raw string
 * may name the function (`'to_string'(a)`). It builds go-jmespath's tree, which
 * extract/jmes-path-interpreter.ts evaluates.
 */
import { GoJsonSyntaxError, parseJsonAsGo } from '../extract/parse-json.js';

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
  /** The decoded value of a JSON literal. */
  literal?: unknown;
}

export type ComparatorOperator = '==' | '!=' | '<' | '<=' | '>' | '>=';

/** A node of go-jmespath's syntax tree. `position` is the offset reported in messages. */
export type JmesPathNode =
  /** go-jmespath's empty node, left where it drops an index error. Evaluating it fails. */
  | { kind: 'empty' }
  | { kind: 'identity' }
  | { kind: 'current' }
  | { kind: 'field'; name: string }
  | { kind: 'literal'; value: unknown }
  | { kind: 'index'; index: number }
  | {
      kind: 'slice';
      start: number | undefined;
      stop: number | undefined;
      step: number | undefined;
      position: number;
    }
  | { kind: 'comparator'; operator: ComparatorOperator; left: JmesPathNode; right: JmesPathNode }
  | { kind: 'and' | 'or' | 'pipe' | 'subexpression'; left: JmesPathNode; right: JmesPathNode }
  | { kind: 'projection' | 'valueProjection'; left: JmesPathNode; right: JmesPathNode }
  | { kind: 'filterProjection'; left: JmesPathNode; right: JmesPathNode; condition: JmesPathNode }
  | { kind: 'flatten' | 'not'; child: JmesPathNode }
  | { kind: 'expref'; child: JmesPathNode; position: number }
  | { kind: 'multiSelectList'; items: JmesPathNode[] }
  | { kind: 'multiSelectHash'; entries: { key: string; value: JmesPathNode }[] }
  /** `name` is undefined when the callee is neither a name nor a string: go-jmespath panics. */
  | { kind: 'function'; name: string | undefined; args: JmesPathNode[]; position: number };

/** Returns the child nodes of a node, for walks over the whole tree. */
export function childNodes(node: JmesPathNode): JmesPathNode[] {
  switch (node.kind) {
    case 'comparator':
    case 'and':
    case 'or':
    case 'pipe':
    case 'subexpression':
    case 'projection':
    case 'valueProjection':
      return [node.left, node.right];
    case 'filterProjection':
      return [node.left, node.right, node.condition];
    case 'flatten':
    case 'not':
    case 'expref':
      return [node.child];
    case 'multiSelectList':
      return node.items;
    case 'multiSelectHash':
      return node.entries.map((entry) => entry.value);
    case 'function':
      return node.args;
    default:
      return [];
  }
}

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

/** Decodes JSON as Go's `json.Unmarshal` does, or returns undefined when Go rejects it. */
function decodeGoJson(text: string): { value: unknown } | undefined {
  try {
    return { value: parseJsonAsGo(text) };
  } catch (error) {
    if (error instanceof GoJsonSyntaxError) return undefined;
    throw error;
  }
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
 * `consumeRawStringLiteral` does, and returns its value and the index after it. `\'` becomes
 * `'` and every other backslash stays. go-jmespath's peek at the end of the expression leaves
 * its last read width at 0, so a literal that is not closed is always an error.
 */
function readRawString(expression: string, start: number): { value: string; end: number } {
  let index = start;
  let lastWidth = 0;
  const next = (): string | undefined => {
    if (index >= expression.length) {
      lastWidth = 0;
      return undefined;
    }
    lastWidth = 1;
    index += 1;
    return expression[index - 1];
  };
  const peek = (): string | undefined => {
    const char = next();
    index -= lastWidth;
    return char;
  };

  let value = '';
  let chunkStart = start;
  let current = next();
  while (current !== "'" && peek() !== undefined) {
    if (current === '\\' && peek() === "'") {
      value += `${expression.slice(chunkStart, index - 1)}'`;
      next();
      chunkStart = index;
    }
    current = next();
  }
  if (lastWidth === 0) {
    throw new JmesPathSyntaxError("the ' opened here is never closed", start - 1);
  }
  if (chunkStart < index) value += expression.slice(chunkStart, index - 1);
  return { value, end: index };
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
      const decoded = decodeGoJson(text);
      if (decoded === undefined) {
        throw new JmesPathSyntaxError(`the quoted name ${text} has an invalid escape`, start);
      }
      push('quotedIdentifier', decoded.value as string, start);
    } else if (char === "'") {
      const raw = readRawString(expression, index);
      index = raw.end;
      push('stringLiteral', raw.value, start);
    } else if (char === '`') {
      index = readUntil(expression, index, '`') + 1;
      const literal = expression.slice(start + 1, index - 1).replaceAll('\\`', '`');
      const decoded = decodeGoJson(literal);
      if (decoded === undefined) {
        throw new JmesPathSyntaxError(
          `the literal \`${literal}\` is not valid JSON; write a string literal in single quotes ('text') or quote strings inside the backticks`,
          start,
        );
      }
      tokens.push({ type: 'jsonLiteral', value: literal, position: start, literal: decoded.value });
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

const identity: JmesPathNode = { kind: 'identity' };

/** The largest and smallest Go `int` (int64), which `strconv.Atoi` accepts. */
const maxInt64 = 2n ** 63n - 1n;
const minInt64 = -(2n ** 63n);

/** A Pratt parser with go-jmespath's grammar, binding powers, tree and error cases. */
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
        return { kind: 'literal', value: token.literal ?? null };
      case 'stringLiteral':
        return { kind: 'literal', value: token.value };
      case 'current':
        return { kind: 'current' };
      case 'identifier':
        return { kind: 'field', name: token.value };
      case 'quotedIdentifier':
        if (this.current().type === 'lparen') {
          throw this.error('a function name cannot be quoted', token);
        }
        return { kind: 'field', name: token.value };
      case 'star': {
        const right = this.current().type === 'rbracket' ? identity : this.projectionRhs(20);
        return { kind: 'valueProjection', left: identity, right };
      }
      case 'filter':
        return this.filter(identity);
      case 'lbrace':
        return this.multiSelectHash();
      case 'flatten':
        return {
          kind: 'projection',
          left: { kind: 'flatten', child: identity },
          right: this.projectionRhs(9),
        };
      case 'lbracket':
        return this.bracketNud();
      case 'expref':
        return { kind: 'expref', child: this.expression(0), position: token.position };
      case 'not':
        return { kind: 'not', child: this.expression(45) };
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
        return { kind: 'empty' };
      }
      return this.projectIfSlice(identity, index);
    }
    if (type === 'star' && this.lookahead(1) === 'rbracket') {
      this.advance();
      this.advance();
      return { kind: 'projection', left: identity, right: this.projectionRhs(20) };
    }
    return this.multiSelectList();
  }

  private led(token: Token, left: JmesPathNode): JmesPathNode {
    switch (token.type) {
      case 'dot':
        if (this.current().type !== 'star') {
          return { kind: 'subexpression', left, right: this.dotRhs(40) };
        }
        this.advance();
        return { kind: 'valueProjection', left, right: this.projectionRhs(40) };
      case 'pipe':
        return { kind: 'pipe', left, right: this.expression(1) };
      case 'or':
        return { kind: 'or', left, right: this.expression(2) };
      case 'and':
        return { kind: 'and', left, right: this.expression(3) };
      case 'lparen':
        return this.functionCall(token, left);
      case 'filter':
        return this.filter(left);
      case 'flatten':
        return {
          kind: 'projection',
          left: { kind: 'flatten', child: left },
          right: this.projectionRhs(9),
        };
      case 'comparator':
        return {
          kind: 'comparator',
          operator: token.value as ComparatorOperator,
          left,
          right: this.expression(5),
        };
      case 'lbracket': {
        const type = this.current().type;
        if (type === 'number' || type === 'colon') {
          return this.projectIfSlice(left, this.indexExpression());
        }
        this.match('star', 'a number, : or * after [');
        this.match('rbracket', ']');
        return { kind: 'projection', left, right: this.projectionRhs(20) };
      }
      default:
        throw this.error(`unexpected ${describeToken(token)}`, token);
    }
  }

  private functionCall(token: Token, callee: JmesPathNode): JmesPathNode {
    // go-jmespath takes the callee's value as the name: a field's name or a literal string.
    let name: string | undefined;
    if (callee.kind === 'field') name = callee.name;
    if (callee.kind === 'literal' && typeof callee.value === 'string') name = callee.value;
    const args: JmesPathNode[] = [];
    while (this.current().type !== 'rparen') {
      args.push(this.expression(0));
      if (this.current().type === 'comma') this.advance();
    }
    this.match('rparen', ')');
    return { kind: 'function', name, args, position: token.position };
  }

  private integer(token: Token): number {
    // Go's strconv.Atoi takes an int64, so "-" or 20 digits fail.
    if (!/^-?[0-9]+$/.test(token.value)) {
      throw this.error(`the index ${token.value} is not an integer`, token);
    }
    const value = BigInt(token.value);
    if (value > maxInt64 || value < minInt64) {
      throw this.error(`the index ${token.value} is out of the 64-bit integer range`, token);
    }
    // An index beyond 2^53 is out of every array's range, so the rounding does not matter.
    return Number(value);
  }

  private indexExpression(): JmesPathNode {
    if (this.lookahead(0) === 'colon' || this.lookahead(1) === 'colon') {
      return this.sliceExpression();
    }
    const index = this.integer(this.current());
    this.advance();
    this.match('rbracket', ']');
    return { kind: 'index', index };
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
    return { kind: 'slice', start: parts[0], stop: parts[1], step: parts[2], position };
  }

  private projectIfSlice(left: JmesPathNode, index: JmesPathNode): JmesPathNode {
    const indexed: JmesPathNode = { kind: 'subexpression', left, right: index };
    if (index.kind !== 'slice') return indexed;
    return { kind: 'projection', left: indexed, right: this.projectionRhs(20) };
  }

  private multiSelectList(): JmesPathNode {
    const items: JmesPathNode[] = [];
    for (;;) {
      items.push(this.expression(0));
      if (this.current().type === 'rbracket') break;
      this.match('comma', ', or ]');
    }
    this.match('rbracket', ']');
    return { kind: 'multiSelectList', items };
  }

  private multiSelectHash(): JmesPathNode {
    const entries: { key: string; value: JmesPathNode }[] = [];
    for (;;) {
      const key = this.current();
      if (key.type !== 'identifier' && key.type !== 'quotedIdentifier') {
        throw this.error(`expected a key name in {...}, found ${describeToken(this.current())}`);
      }
      this.advance();
      this.match('colon', ': after the key');
      entries.push({ key: key.value, value: this.expression(0) });
      const separator = this.current().type;
      if (separator === 'comma' || separator === 'rbrace') this.advance();
      if (separator === 'rbrace') break;
    }
    return { kind: 'multiSelectHash', entries };
  }

  private filter(left: JmesPathNode): JmesPathNode {
    const condition = this.expression(0);
    this.match('rbracket', '] to close the filter');
    const right = this.current().type === 'flatten' ? identity : this.projectionRhs(21);
    return { kind: 'filterProjection', left, right, condition };
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
  try {
    return new Parser(tokenize(expression)).parse();
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    // NOTE: go-jmespath accepts any nesting, but this recursive parser runs out of stack.
    throw new JmesPathSyntaxError('the expression is nested too deeply for kura to parse', 0);
  }
}
