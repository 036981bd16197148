/**
 * `GET /secret-objects/{secretName}`: the Kubernetes Secret the CSI driver would sync for one
 * secretObjects entry, as JSON (base64 data). Mounted behind the token like `/objects`.
 */
import { KuraNotFoundError, KuraSecretObjectError, renderSecretObject } from '@kura/sdk';
import type { RouteContext } from '../context.js';
import { HttpError, type Response, sendJson } from '../http.js';
import { parseQuery } from '../limits.js';

/** The path prefix of this route; the rest of the path is the percent-encoded secretName. */
export const secretObjectsPrefix = '/secret-objects/';

function decodeSecretName(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    throw new HttpError(400, 'InvalidParameterException', 'malformed percent-encoding in the path');
  }
}

export function handleGetSecretObject(
  context: RouteContext,
  encodedName: string,
  query: string,
  res: Response,
): void {
  parseQuery(query, []);
  if (context.spc === undefined) {
    throw new HttpError(
      404,
      'NotFoundException',
      'no SecretProviderClass is loaded; start kura with --spc FILE to serve secretObjects',
    );
  }
  const store = context.store();
  if (store === undefined) {
    throw new HttpError(
      503,
      'NotReadyException',
      'the objects have not been loaded yet; retry, or watch GET /readyz',
    );
  }

  const secretName = decodeSecretName(encodedName);
  try {
    const secret = renderSecretObject(context.spc, secretName, (fileName) =>
      store.getBytes(fileName),
    );
    sendJson(res, 200, secret);
  } catch (error) {
    if (error instanceof KuraSecretObjectError) {
      // The message names the Secret, key and object, never content.
      throw new HttpError(422, 'SecretObjectInvalidException', error.message, {
        secretName: error.details.secretName,
      });
    }
    if (error instanceof KuraNotFoundError) {
      throw new HttpError(404, 'NotFoundException', error.message.slice(0, 500));
    }
    throw error;
  }
}
