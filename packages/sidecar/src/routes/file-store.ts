/** Helpers of the Agent and Lambda endpoints under `--source files`, which serve from the store. */
import type { SecretStore } from '@kura/sdk';
import type { RouteContext } from '../context.js';
import { HttpError } from '../http.js';

/** Returns the store, or throws 503 while the mount dir has not been read yet. */
export function requireFileStore(context: RouteContext): SecretStore {
  const store = context.store();
  if (store === undefined) {
    throw new HttpError(503, 'NotReadyException', 'the mount dir has not been read yet; retry');
  }
  return store;
}

/**
 * Rereads one file of the mount dir for `refreshNow`. A failed reread is not the request's
 * error: the store marks the object stale and emits an `error` event (which the app logs), and
 * the last good value is served, as after any failed refresh.
 */
export async function refreshFile(context: RouteContext, fileName: string): Promise<void> {
  try {
    await requireFileStore(context).refresh(fileName);
  } catch {
    // Reported by the store's `error` event.
  }
}
