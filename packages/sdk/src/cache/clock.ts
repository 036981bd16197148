/** Time seams of the cache, so tests drive refresh and backoff without sleeping. */

/** A scheduled callback, as returned by `Clock.setTimeout`. */
export type TimerHandle = unknown;

/** Monotonic time, timers and randomness, injected into the cache and the store. */
export interface Clock {
  /** Monotonic time in milliseconds; only differences are meaningful. */
  now(): number;
  /** Wall-clock time in milliseconds since the epoch, used only for `lastRefreshAt`. */
  wallNow(): number;
  /** Schedules `callback` after `delayMs` milliseconds. The timer must not keep the process alive. */
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  /** A number in [0, 1), used for jitter. */
  random(): number;
}

/** The process's clock: `performance.now()`, unref'ed Node timers and `Math.random()`. */
export const systemClock: Clock = {
  now: () => performance.now(),
  wallNow: () => Date.now(),
  setTimeout(callback, delayMs) {
    const timer = setTimeout(callback, delayMs);
    timer.unref();
    return timer;
  },
  clearTimeout(handle) {
    clearTimeout(handle as NodeJS.Timeout);
  },
  random: () => Math.random(),
};
