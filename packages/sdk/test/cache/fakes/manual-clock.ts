/** A clock that moves only when a test advances it; timers run in due order. */
import type { Clock, TimerHandle } from '../../../src/cache/clock.js';

interface ScheduledTimer {
  id: number;
  due: number;
  callback: () => void;
}

export class ManualClock implements Clock {
  #now = 0;
  readonly #wallStart = Date.parse('2026-01-01T00:00:00.000Z');
  #timers: ScheduledTimer[] = [];
  #nextId = 1;
  /** Values `random()` returns first, in order; after them, `defaultRandom`. */
  readonly randomValues: number[] = [];
  defaultRandom = 0.5;

  now(): number {
    return this.#now;
  }

  wallNow(): number {
    return this.#wallStart + this.#now;
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const timer = { id: this.#nextId++, due: this.#now + delayMs, callback };
    this.#timers.push(timer);
    return timer.id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.#timers = this.#timers.filter((timer) => timer.id !== handle);
  }

  random(): number {
    return this.randomValues.shift() ?? this.defaultRandom;
  }

  /** Delays of the pending timers from now, in milliseconds, soonest first. */
  pendingDelays(): number[] {
    return this.#timers.map((timer) => timer.due - this.#now).sort((a, b) => a - b);
  }

  /** Moves time forward by `ms`, running every timer that falls due and the promises it starts. */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    await settle();
    for (;;) {
      const next = this.#timers
        .filter((timer) => timer.due <= target)
        .sort((a, b) => a.due - b.due || a.id - b.id)[0];
      if (next === undefined) {
        break;
      }
      this.#timers = this.#timers.filter((timer) => timer !== next);
      this.#now = next.due;
      next.callback();
      await settle();
    }
    this.#now = target;
    await settle();
  }
}

/** Lets pending promise chains run to completion. */
export async function settle(): Promise<void> {
  for (let round = 0; round < 20; round += 1) {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
