/**
 * jmesPath extraction: applies each `jmesPath` entry of an object to the object's JSON content
 * and returns the bytes of each entry's file. The content is decoded once, as Go decodes it,
 * and each entry is evaluated on it as go-jmespath v0.4.0 evaluates it (see
 * jmes-path-interpreter.ts), so the files hold the AWS provider's bytes. Errors never quote
 * the content.
 */
import { KuraExtractError } from '../errors.js';
import { truncate } from '../spec/fields.js';
import { JmesPathSyntaxError, parseJmesPath } from '../spec/jmes-path-syntax.js';
import type { JmesPathEntry, ObjectType } from '../spec/model.js';
import {
  describeValueType,
  evaluateJmesPath,
  JmesPathEvaluationError,
} from './jmes-path-interpreter.js';
import { decodeUtf8AsGo, GoJsonSyntaxError, maxJsonDepth, parseJsonAsGo } from './parse-json.js';

/** The object whose content is extracted from, for error messages. */
export interface ExtractSubject {
  objectName: string;
  objectType: ObjectType;
}

const encoder = new TextEncoder();

function noun(subject: ExtractSubject): string {
  return subject.objectType === 'ssmparameter' ? 'parameter' : 'secret';
}

/** Returns the JMESPath type of a result with its article: `a number`, `an array`, ... */
function describeType(value: unknown): string {
  const name = describeValueType(value);
  return /^[aeiou]/.test(name) ? `an ${name}` : `a ${name}`;
}

function parseContent(content: Uint8Array, subject: ExtractSubject, paths: string): unknown {
  const prefix = `${noun(subject)} ${truncate(subject.objectName)} is not JSON, so its jmesPath entries (${truncate(paths)}) cannot be applied`;
  const advice = 'Store a JSON object in it, or remove jmesPath from the object.';

  // Go reads invalid UTF-8 inside a JSON string as U+FFFD, so only invalid JSON fails.
  const { text, replaced } = decodeUtf8AsGo(content);
  try {
    return parseJsonAsGo(text);
  } catch (error) {
    if (!(error instanceof GoJsonSyntaxError)) throw error;
    let reason = '';
    if (replaced) reason = ': its content is not UTF-8 text';
    if (/nested/.test(error.message)) {
      reason = `: its arrays and objects are nested deeper than ${maxJsonDepth}, Go's limit`;
    }
    throw new KuraExtractError(`${prefix}${reason}. ${advice}`);
  }
}

/** Explains an evaluation error in words that never include a value. */
function explainEvaluationError(error: unknown): string {
  if (error instanceof GoJsonSyntaxError) {
    return 'to_string cannot encode an infinite or NaN number, as Go cannot';
  }
  if (error instanceof JmesPathEvaluationError) return error.message;
  if (error instanceof JmesPathSyntaxError) return `it is not valid JMESPath: ${error.message}`;
  if (error instanceof RangeError) return 'the expression or the content is nested too deeply';
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
    // Parsed for each entry, as go-jmespath's Search does, so literals are never shared.
    result = evaluateJmesPath(parseJmesPath(entry.path), document);
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
 * The entries share one decoded document, as in the provider, so an entry with `sort_by`
 * reorders an array for the entries after it. Throws `KuraExtractError` when the content is
 * not JSON, an expression fails or matches nothing, or a result is not a string.
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
