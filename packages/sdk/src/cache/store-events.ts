/** Listener lists of a store's `change`, `stale` and `error` events. */
import { KuraConfigError } from '../errors.js';
import type { SecretStoreEvents } from './types.js';

type Listeners = { [E in keyof SecretStoreEvents]: Set<SecretStoreEvents[E]> };

/**
 * Unlike Node's EventEmitter, an `error` event with no listener is dropped rather than thrown,
 * because the store's errors come from background refreshes that no caller awaits. They stay
 * visible in `objects()` as `stale` and `lastErrorCode`. A listener that throws is a bug in the
 * caller, so the exception is rethrown on a microtask, where it surfaces as uncaught.
 */
export class StoreEvents {
  readonly #listeners: Listeners = { change: new Set(), stale: new Set(), error: new Set() };

  on<E extends keyof SecretStoreEvents>(event: E, listener: SecretStoreEvents[E]): void {
    if (!Object.hasOwn(this.#listeners, event)) {
      throw new KuraConfigError(
        `unknown store event "${String(event)}": listen to "change", "stale" or "error"`,
      );
    }
    this.#listeners[event].add(listener);
  }

  off<E extends keyof SecretStoreEvents>(event: E, listener: SecretStoreEvents[E]): void {
    this.#listeners[event]?.delete(listener);
  }

  emit<E extends keyof SecretStoreEvents>(
    event: E,
    payload: Parameters<SecretStoreEvents[E]>[0],
  ): void {
    for (const listener of [...this.#listeners[event]]) {
      try {
        (listener as (payload: Parameters<SecretStoreEvents[E]>[0]) => void)(payload);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  clear(): void {
    for (const set of Object.values(this.#listeners)) {
      set.clear();
    }
  }
}
