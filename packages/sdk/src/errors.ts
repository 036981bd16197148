/**
 * The SDK's error hierarchy. Every class has a stable `code` (also on the class as a static
 * field), keeps the foreign error it wraps as `cause`, and names its subject in the message.
 * docs/errors.md lists every code; test/errors-doc.test.ts keeps the two in step.
 */

export interface KuraErrorOptions {
  cause?: unknown;
}

/** Base class of every error the SDK throws. */
export class KuraError extends Error {
  static readonly code: string = 'KURA_ERROR';
  readonly code: string;

  constructor(message: string, options?: KuraErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = (new.target as typeof KuraError).code;
  }
}

/** One rejected rule of a SecretProviderClass, located as precisely as the input allows. */
export interface SpecProblem {
  /** The SecretProviderClass (`namespace/name`) or the document index when it has no name. */
  document: string;
  /** Index of the entry in `objects`, when the problem is inside one. */
  objectIndex?: number;
  /** The entry's `objectName`, when known. */
  objectName?: string;
  /** Dotted path of the field, such as `spec.parameters.objects[2].filePermission`. */
  field: string;
  /** What is wrong and what to write instead. */
  message: string;
}

/** Formats a problem as one line: where it is, then what is wrong and what to write. */
export function formatSpecProblem(problem: SpecProblem): string {
  const where = [problem.document];
  if (problem.objectIndex !== undefined) {
    const name = problem.objectName === undefined ? '' : ` (${problem.objectName})`;
    where.push(`object ${problem.objectIndex}${name}`);
  }
  where.push(problem.field);
  return `${where.join(': ')}: ${problem.message}`;
}

/** The SecretProviderClass breaks one or more rules; `problems` lists every one. */
export class KuraSpecError extends KuraError {
  static override readonly code = 'KURA_SPEC_INVALID';
  readonly problems: readonly SpecProblem[];

  constructor(problems: readonly SpecProblem[], options?: KuraErrorOptions) {
    const lines = problems.map(formatSpecProblem);
    const summary =
      lines.length === 1
        ? `invalid SecretProviderClass: ${lines[0]}`
        : `invalid SecretProviderClass (${lines.length} problems):\n${lines.join('\n')}`;
    super(summary, options);
    this.problems = problems;
  }
}

/** The manifest could not be read, or is not valid YAML. */
export class KuraSpecReadError extends KuraError {
  static override readonly code = 'KURA_SPEC_UNREADABLE';
  /** The file, or `<string>` for inline input. */
  readonly source: string;
  /** 1-based line and column of a YAML syntax error. */
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(
    message: string,
    details: { source: string; line?: number; column?: number },
    options?: KuraErrorOptions,
  ) {
    super(message, options);
    this.source = details.source;
    this.line = details.line;
    this.column = details.column;
  }
}

/** An option passed to the SDK or the CLI is invalid. */
export class KuraConfigError extends KuraError {
  static override readonly code = 'KURA_CONFIG_INVALID';
}
