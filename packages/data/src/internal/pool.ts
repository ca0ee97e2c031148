/**
 * Bounded concurrency: decoding 10,000 images with all promises started at once
 * would hold every file in memory and swamp libvips' thread pool.
 */

/**
 * Maps `fn` over `items` with at most `limit` calls in flight; results keep the
 * items' order. After the first failure no new calls start, and that failure is thrown.
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i], i);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
