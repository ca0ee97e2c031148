import { list, reject } from '@infomax/engine';
import type { z } from 'zod';

/**
 * A range option `[lo, hi]`: two numbers `item` accepts, with lo ≤ hi.
 * @param item each end's schema (its bounds)
 * @param what the expected text of the pair (`[lo, hi] with 0 < lo ≤ hi ≤ 1`)
 */
export function orderedPair(item: z.ZodNumber, what: string) {
  return list(item, { length: 2, what }).transform((pair, ctx): [number, number] =>
    pair[0] > pair[1] ? reject(ctx, [], what, pair) : [pair[0], pair[1]],
  );
}
