/**
 * Picks the delay until an entry's next background refresh: a random point between 80% and
 * 100% of `intervalMs`, so a fleet of pods started together does not refresh in step.
 * `random` returns a number in [0, 1).
 */
export function refreshDelayMs(intervalMs: number, random: () => number): number {
  return intervalMs * (refreshWindowStart + (1 - refreshWindowStart) * random());
}

/** The earliest point of the refresh window, as a fraction of the refresh interval. */
export const refreshWindowStart = 0.8;
