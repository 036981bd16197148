/**
 * jmesPath extraction: applies each `jmesPath` entry of an object to the object's JSON content
 * and returns the bytes of each entry's file. It uses jmespath.js, an implementation of the
 * original JMESPath specification, as the AWS provider's go-jmespath is, on values decoded as
 * Go decodes them, and `to_string` encodes as Go's `json.Marshal`. Errors never quote the
 * content.
 */
import jmespath from 'jmespath';
import { KuraExtractError } from '../errors.js';
import { truncate } from '../spec/fields.js';
import type { JmesPathEntry, ObjectType } from '../spec/model.js';
import { GoJsonSyntaxError, marshalJsonAsGo, parseJsonAsGo } from './parse-json.js';

/** The object whose content is extracted from, for error messages. */
export interface ExtractSubject {
  objectName: string;
  objectType: ObjectType;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

function noun(subject: ExtractSubject): string {
  return subject.objectType === 'ssmparameter' ? 'parameter' : 'secret';
}

/** Returns the JMESPath type of a result with its article: `a number`, `an array`, ... */
function describeType(value: unknown): string {
  const tag = Object.prototype.toString.call(value);
  const name = tag.slice('[object '.length, -1).toLowerCase();
  return /^[aeiou]/.test(name) ? `an ${name}` : `a ${name}`;
}

function parseContent(content: Uint8Array, subject: ExtractSubject, paths: string): unknown {
  const prefix = `${noun(subject)} ${truncate(subject.objectName)} is not JSON, so its jmesPath entries (${truncate(paths)}) cannot be applied`;
  const advice = 'Store a JSON object in it, or remove jmesPath from the object.';

  let text: string;
  try {
    text = utf8.decode(content);
  } catch {
    throw new KuraExtractError(`${prefix}: its content is not UTF-8 text. ${advice}`);
  }
  try {
    return parseJsonAsGo(text);
  } catch (error) {
    if (!(error instanceof GoJsonSyntaxError)) throw error;
    throw new KuraExtractError(`${prefix}. ${advice}`);
  }
}

/**
 * Runs jmespath.js with `to_string` encoding as Go's `json.Marshal`. jmespath.js 0.16 encodes
 * with the global `JSON.stringify` in `to_string` and nowhere else, and it offers no way to
 * replace a function, so the global is swapped for the duration of this synchronous call.
 */
// NOTE: jmespath.js still differs from go-jmespath in two rare cases. length() of a string
// counts UTF-16 code units where Go counts code points (3, not 2, for "😀é"). Sorting orders
// characters above U+FFFF by UTF-16 units where Go orders by bytes.
function searchAsGo(document: unknown, expression: string): unknown {
  const stringify = JSON.stringify;
  JSON.stringify = marshalJsonAsGo as typeof JSON.stringify;
  try {
    return jmespath.search(document, expression);
  } finally {
    JSON.stringify = stringify;
  }
}

/** Rewords a jmespath.js evaluation error; its messages name internal type numbers. */
function explainEvaluationError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof GoJsonSyntaxError) {
    return 'to_string cannot encode an infinite number';
  }
  if (/^TypeError: /.test(message)) {
    const name = /^TypeError: (\w+)\(\)/.exec(message)?.[1];
    const subject = name === undefined ? 'a function' : `${name}()`;
    return `${subject} received an argument of the wrong JSON type; check the types it accepts at https://jmespath.org/specification.html#built-in-functions`;
  }
  return 'the expression failed on this content';
}

function searchOne(
  document: unknown,
  entry: Pick<JmesPathEntry, 'path' | 'objectAlias'>,
  subject: ExtractSubject,
): Uint8Array {
  const where = `jmesPath ${truncate(entry.path)} (objectAlias ${truncate(entry.objectAlias)}) of ${noun(subject)} ${truncate(subject.objectName)}`;

  let result: unknown;
  try {
    result = searchAsGo(document, entry.path);
  } catch (error) {
    throw new KuraExtractError(
      `${where} could not be evaluated: ${explainEvaluationError(error)}.`,
    );
  }

  if (result === null || result === undefined) {
    throw new KuraExtractError(
      `${where} matched nothing. Keys are case-sensitive: check the spelling and letter case, ` +
        `and quote keys that contain characters other than letters, digits and _ (write '"app-key"').`,
    );
  }
  if (typeof result !== 'string') {
    throw new KuraExtractError(
      `${where} returned ${describeType(result)}, but only strings can be mounted. ` +
        `Write to_string(${truncate(entry.path)}) to mount its JSON text.`,
    );
  }
  return encoder.encode(result);
}

/**
 * Applies every entry to the content and returns one file content per entry, in entry order.
 * Throws `KuraExtractError` when the content is not JSON, an expression fails or matches
 * nothing, or a result is not a string.
 */
export function extractJmesPath(
  content: Uint8Array,
  entries: readonly Pick<JmesPathEntry, 'path' | 'objectAlias'>[],
  subject: ExtractSubject,
): Uint8Array[] {
  if (entries.length === 0) return [];

  const document = parseContent(content, subject, entries.map((entry) => entry.path).join(', '));
  return entries.map((entry) => searchOne(document, entry, subject));
}
