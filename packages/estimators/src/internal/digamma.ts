/** The digamma function ψ for x > 0: recurrence up to x ≥ 10, then the asymptotic series (error < 1e-12). */
export function digamma(x: number): number {
  let result = 0;
  let v = x;
  while (v < 10) {
    result -= 1 / v;
    v += 1;
  }
  const inv2 = 1 / (v * v);
  // ψ(v) ~ ln v − 1/(2v) − 1/(12v²) + 1/(120v⁴) − 1/(252v⁶) + 1/(240v⁸) − 1/(132v¹⁰)
  const series = inv2 * (1 / 12 - inv2 * (1 / 120 - inv2 * (1 / 252 - inv2 * (1 / 240 - inv2 / 132))));
  return result + Math.log(v) - 1 / (2 * v) - series;
}
