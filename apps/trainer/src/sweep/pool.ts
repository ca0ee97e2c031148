/**
 * A pool of at most N tasks at a time, taken in list order: the embedded runner's, and
 * the representations benchmark's.
 */

/**
 * Runs `work` on every item, at most `concurrency` at once; once `signal` aborts, no
 * further item starts (those running finish).
 * @example
 * await runPool(cells, 2, async (cell) => { await runCell(cell); });
 */
export async function runPool<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  const pending = [...items];
  const lane = async (): Promise<void> => {
    for (let item = pending.shift(); item !== undefined && !signal?.aborted; item = pending.shift()) await work(item);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, lane));
}
