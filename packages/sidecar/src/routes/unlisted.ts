import { HttpError } from '../http.js';

/** Builds the 403 for an id the SecretProviderClass does not name, naming the id and the flag. */
export function unlistedError(parameter: string, id: string): HttpError {
  return new HttpError(
    403,
    'UnlistedIdException',
    `${parameter} "${id}" is not named by the SecretProviderClass (by objectName, ARN or file name); ` +
      'add it to the SecretProviderClass, or start kura with --allow-unlisted to serve any id',
    { id, flag: '--allow-unlisted' },
  );
}
