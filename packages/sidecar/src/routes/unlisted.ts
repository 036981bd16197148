import { HttpError } from '../http.js';

/**
 * Builds the 403 for an id the SecretProviderClass does not name, naming the id and the flag.
 * `selector` describes a requested version (`versionStage AWSPREVIOUS`) that no listed object of
 * the id has.
 */
export function unlistedError(parameter: string, id: string, selector?: string): HttpError {
  const subject =
    selector === undefined
      ? `${parameter} "${id}" is not named by the SecretProviderClass (by objectName, ARN or file name)`
      : `${parameter} "${id}" with ${selector} is not named by the SecretProviderClass, which lists other versions of it`;
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
