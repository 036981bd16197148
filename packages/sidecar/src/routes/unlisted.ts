import { HttpError } from '../http.js';

/** A requested version that no listed object of the id has, and the versions the SPC lists. */
export interface UnlistedSelector {
  /** Such as `versionStage AWSPREVIOUS`. */
  requested: string;
  /** One description per listed object of the id; duplicates are allowed. */
  listed: readonly string[];
}

/** Describes the versions the SPC lists for an id, such as `lists it only with version 2`. */
export function describeListedSelectors(listed: readonly string[]): string {
  const distinct = [...new Set(listed)];
  return distinct.length === 1
    ? `lists it only with ${distinct[0]}`
    : `lists only these versions of it: ${distinct.join(', ')}`;
}

/**
 * Builds the 403 for an id the SecretProviderClass does not name, naming the id and the flag.
 * With `selector`, the id is named, but not with the requested version.
 */
export function unlistedError(
  parameter: string,
  id: string,
  selector?: UnlistedSelector,
): HttpError {
  const subject =
    selector === undefined
      ? `${parameter} "${id}" is not named by the SecretProviderClass (by objectName, ARN or file name)`
      : `${parameter} "${id}" with ${selector.requested} is not named by the SecretProviderClass, which ${describeListedSelectors(selector.listed)}`;
  return new HttpError(
    403,
    'UnlistedIdException',
    `${subject}; add it to the SecretProviderClass, or start kura with --allow-unlisted to serve any id`,
    { id, flag: '--allow-unlisted' },
  );
}

/** Builds the 403 for the file name of a jmesPath entry, which only `/objects` serves. */
export function jmesPathFileError(parameter: string, id: string): HttpError {
  return new HttpError(
    403,
    'UnlistedIdException',
    `${parameter} "${id}" is the file name of a jmesPath entry; jmesPath files are served by ` +
      `GET /objects/{file name}, not by this endpoint`,
    { id },
  );
}
