/** Listener lists of a store's `change`, `stale` and `error` events. */
import { KuraConfigError } from '../errors.js';
import { describeValue } from './check-options.js';
import type { SecretStoreEvents } from './types.js';

type EventName = keyof SecretStoreEvents;
type Listeners = { [E in EventName]: Set<SecretStoreEvents[E]> };

/** Node's `process.emitWarning`, injectable so tests can collect warnings. */
export type WarningSink = (message: string, options: { type: string; detail?: string }) => void;

/** The `type` of the process warning for a listener that threw. */
export const listenerWarningType = 'KuraListenerWarning';

const eventNames: readonly EventName[] = ['change', 'stale', 'error'];

/**
 * Unlike Node's EventEmitter, an `error` event with no listener is dropped rather than thrown,
 * because the store's errors come from background refreshes that no caller awaits. They stay
 * visible in `objects()` as `stale` and `lastErrorCode`.
 *
 * A listener that throws is caught, and the other listeners of the event still run. Rethrowing
 * would be an uncaught exception, because events fire from timers and file watchers, and that
 * ends a Node process. The store reports the exception as a process warning of type
 * `KuraListenerWarning` on the 1st, 10th, 100th, ... failure of each listener, so a listener
 * that throws on every event does not flood stderr.
 */
export class StoreEvents {
  readonly #listeners: Listeners = { change: new Set(), stale: new Set(), error: new Set() };
  /** Failures per listener, for the rate limit of warnings. */
  readonly #failures = new WeakMap<object, number>();
  readonly #warn: WarningSink;

  constructor(warn: WarningSink = (message, options) => process.emitWarning(message, options)) {
    this.#warn = warn;
  }

  on<E extends EventName>(event: E, listener: SecretStoreEvents[E]): void {
    checkArguments('on', event, listener);
    this.#listeners[event].add(listener);
  }

  off<E extends EventName>(event: E, listener: SecretStoreEvents[E]): void {
    checkArguments('off', event, listener);
    this.#listeners[event].delete(listener);
  }

  emit<E extends EventName>(event: E, payload: Parameters<SecretStoreEvents[E]>[0]): void {
    for (const listener of [...this.#listeners[event]]) {
      try {
        (listener as (payload: Parameters<SecretStoreEvents[E]>[0]) => void)(payload);
      } catch (error) {
        this.#reportThrow(event, listener, error);
      }
    }
  }

  clear(): void {
    for (const set of Object.values(this.#listeners)) {
      set.clear();
    }
  }

  #reportThrow(event: EventName, listener: object, error: unknown): void {
    const failures = (this.#failures.get(listener) ?? 0) + 1;
    this.#failures.set(listener, failures);
    if (!isPowerOfTen(failures)) {
      return;
    }
    const name = (listener as { name?: unknown }).name;
    const listenerName = typeof name === 'string' && name !== '' ? ` (${name})` : '';
    const thrown =
      error instanceof Error ? `${error.name}: ${error.message}` : describeValue(error);
    const count = failures === 1 ? '' : ` This listener has thrown ${failures} times.`;
    this.#warn(
      `a "${event}" listener${listenerName} of the secret store threw ${thrown}; the store caught it and called the other listeners. Catch errors inside the listener.${count}`,
      {
        type: listenerWarningType,
        ...(error instanceof Error && error.stack !== undefined ? { detail: error.stack } : {}),
      },
    );
  }
}

function checkArguments(method: string, event: unknown, listener: unknown): void {
  if (typeof event !== 'string' || !(eventNames as readonly string[]).includes(event)) {
    const eventText = typeof event === 'string' ? `"${event.slice(0, 60)}"` : describeValue(event);
    throw new KuraConfigError(
      `store.${method}: unknown event ${eventText}: listen to "change", "stale" or "error"`,
    );
  }
  if (typeof listener !== 'function') {
    throw new KuraConfigError(
      `store.${method}: invalid listener for "${event}": expected a function, but got ${describeValue(listener)}`,
    );
  }
}

function isPowerOfTen(count: number): boolean {
  let rest = count;
  while (rest % 10 === 0) {
    rest /= 10;
  }
  return rest === 1;
}
