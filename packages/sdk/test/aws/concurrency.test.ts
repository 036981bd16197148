import { describe, expect, it } from 'vitest';
import { mapWithConcurrency } from '../../src/aws/concurrency.js';

/** Returns a task whose completion the test controls, to count how many run at once. */
function controlledTasks() {
  let running = 0;
  let maxRunning = 0;
  const started: number[] = [];
  const releases: (() => void)[] = [];
  const task = (item: number) => {
    running += 1;
    maxRunning = Math.max(maxRunning, running);
    started.push(item);
    return new Promise<number>((resolve) => {
      releases.push(() => {
        running -= 1;
        resolve(item * 2);
      });
    });
  };
  return { task, started, releases, maxRunning: () => maxRunning };
}

async function drain(releases: (() => void)[]): Promise<void> {
  while (releases.length > 0) {
    releases.shift()?.();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('mapWithConcurrency', () => {
  it('runs at most the limit at once and keeps order', async () => {
    const { task, releases, maxRunning } = controlledTasks();

    const result = mapWithConcurrency([1, 2, 3, 4, 5, 6, 7], 3, task);
    await new Promise((resolve) => setImmediate(resolve));
    await drain(releases);

    expect(await result).toEqual([2, 4, 6, 8, 10, 12, 14]);
    expect(maxRunning()).toBe(3);
  });

  it('starts no task after a failure', async () => {
    const started: number[] = [];

    const result = mapWithConcurrency([1, 2, 3, 4], 1, async (item) => {
      started.push(item);
      if (item === 2) throw new Error('task 2 failed');
      return item;
    });

    await expect(result).rejects.toThrow('task 2 failed');
    expect(started).toEqual([1, 2]);
  });

  it('resolves an empty list', async () => {
    expect(await mapWithConcurrency([], 4, async () => 1)).toEqual([]);
  });

  it('rejects a limit below 1', async () => {
    await expect(mapWithConcurrency([1], 0, async () => 1)).rejects.toThrow(RangeError);
  });
});
