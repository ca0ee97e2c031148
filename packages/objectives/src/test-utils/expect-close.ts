/** `|actual − expected| ≤ tol` for numbers or arrays, with a readable failure. */
export function expectClose(actual: number | ArrayLike<number>, expected: number | ArrayLike<number>, tol: number): void {
  const a = typeof actual === 'number' ? [actual] : Array.from(actual);
  const e = typeof expected === 'number' ? [expected] : Array.from(expected);
  expect(a.length).toBe(e.length);
  a.forEach((v, i) => {
    if (!(Math.abs(v - e[i]) <= tol)) throw new Error(`entry ${i}: ${v} is not within ${tol} of ${e[i]}`);
  });
}
