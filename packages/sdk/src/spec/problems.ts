import type { SpecProblem } from '../errors.js';
import type { SpecWarning } from './model.js';

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
    this.problems.push({ document: this.document, ...locate(object), field, message });
  }

  /** Records something the AWS provider accepts but that probably does not do what was meant. */
  warn(field: string, message: string, object?: ObjectLocation): void {
    this.warnings.push({ document: this.document, ...locate(object), field, message });
  }
}

function locate(object: ObjectLocation | undefined): { objectIndex?: number; objectName?: string } {
  if (object === undefined) {
    return {};
  }
  if (object.objectName === undefined || object.objectName === '') {
    return { objectIndex: object.index };
  }
  return { objectIndex: object.index, objectName: object.objectName };
}
