/** Loading the built packages, and the arithmetic every entry shares. */

/** Imports packages/sdk/dist, or throws an error naming the build command when it is missing. */
export async function loadSdk() {
  try {
    return await import('../../packages/sdk/dist/index.js');
  } catch (error) {
    throw new Error(
      `failed to import packages/sdk/dist (${error.message}); build it with: npx tsc -b packages/sdk packages/sidecar`,
    );
  }
}

/** Returns the value at rank `p` (0 to 1) of sorted numbers, by the nearest-rank method. */
export function percentile(sorted, p) {
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[rank - 1];
}

export function median(values) {
  return percentile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}

/** Rounds to two decimals. */
export function round(value) {
  return Math.round(value * 100) / 100;
}

/** Returns how many times better kura is: above 1 favours kura, whichever way is better. */
export function ratioOf(kura, baseline, better) {
  if (better === 'higher') return round(kura / baseline);
  return kura === 0 ? Number.POSITIVE_INFINITY : round(baseline / kura);
}

/**
 * Returns a seeded pseudo-random generator (mulberry32) of numbers in [0, 1), so every run
 * draws the same sequence.
 */
export function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
