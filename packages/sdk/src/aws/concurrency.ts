/**
 * Runs `task` for every item with at most `limit` tasks in progress, and resolves with the
 * results in item order. After the first failure no new task starts. The promise rejects with
 * that failure once the tasks already running have settled, so no call outlives the result.
 */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`concurrency limit must be a positive integer, got ${limit}`);
  }

  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;

  async function work(): Promise<void> {
    while (failure === undefined && next < items.length) {
      const index = next;
      next += 1;
      try {
        results[index] = await task(items[index] as T, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  }

  const workers = Array.from({ length: Math.min(limit, items.length) }, () => work());
  await Promise.all(workers);

  if (failure !== undefined) throw failure.error;
  return results;
}
