/** Copies the rows of a row-major `[n, dim]` matrix named by `rows`, and their labels, into fresh arrays (a minibatch or a split). */
export function gatherRows(x: Float32Array, y: Int32Array, rows: Int32Array, dim: number): { x: Float32Array; y: Int32Array } {
  const xb = new Float32Array(rows.length * dim);
  const yb = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    xb.set(x.subarray(rows[i] * dim, (rows[i] + 1) * dim), i * dim);
    yb[i] = y[rows[i]];
  }
  return { x: xb, y: yb };
}
