/** Node feature matrices built from what a graph file gives: labels and degrees. */

/**
 * One-hot rows: row i has a 1 at `index[i]` (each in `[0, width)`).
 * @returns `[index.length, width]` row-major
 */
export function oneHot(index: Int32Array, width: number): Float32Array {
  const out = new Float32Array(index.length * width);
  for (let i = 0; i < index.length; i++) out[i * width + index[i]] = 1;
  return out;
}

/**
 * Each node's out-degree (its number of edges as a source), capped at `max`.
 * @returns `[nodeCount]`
 */
export function degrees(nodeCount: number, edgeSource: Int32Array, max = Infinity): Int32Array {
  const d = new Int32Array(nodeCount);
  for (let e = 0; e < edgeSource.length; e++) d[edgeSource[e]]++;
  if (max !== Infinity) for (let i = 0; i < nodeCount; i++) d[i] = Math.min(d[i], max);
  return d;
}
