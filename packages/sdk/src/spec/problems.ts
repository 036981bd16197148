import type { SpecProblem } from '../errors.js';
import type { SpecWarning } from './model.js';

/** A run of more than 200 non-space characters, which is a long value quoted in a message. */
const longWord = /\S{201,}/g;

/** Shortens every long value a message quotes, so a 5 MB objectName is not printed whole. */
function shorten(message: string): string {
  return message.replace(longWord, (word) => `${word.slice(0, 200)}… (${word.length} characters)`);
}

/** The object a problem sits in: its index in `objects` and its `objectName`, when known. */
export interface ObjectLocation {
  index: number;
  objectName: string | undefined;
}

/**
 * Collects every problem and warning of one SecretProviderClass, so the parser reports all of
 * them at once instead of stopping at the first.
 */
export class ProblemCollector {
  readonly problems: SpecProblem[] = [];
  readonly warnings: SpecWarning[] = [];
  document: string;

  constructor(document: string) {
    this.document = document;
  }

  /** Records a rejected rule. `message` states what is wrong and what to write instead. */
  error(field: string, message: string, object?: ObjectLocation): void {
    this.problems.push({
      document: this.document,
      ...locate(object),
      field: shorten(field),
      message: shorten(message),
    });
  }

  /** Records something the AWS provider accepts but that probably does not do what was meant. */
  warn(field: string, message: string, object?: ObjectLocation): void {
    this.warnings.push({
      document: this.document,
      ...locate(object),
      field: shorten(field),
      message: shorten(message),
    });
  }
}

function locate(object: ObjectLocation | undefined): { objectIndex?: number; objectName?: string } {
  if (object === undefined) {
    return {};
  }
  if (object.objectName === undefined || object.objectName === '') {
    return { objectIndex: object.index };
  }
  return { objectIndex: object.index, objectName: shorten(object.objectName) };
}
