/**
 * The bounds written as plain float64 loops straight from their formulas, no
 * log-sum-exp tricks: the references the tensor versions are checked against on
 * moderate scores.
 */

/**
 * Scores [B][N][L] (the batch's columns, then extra columns), the negative mask [B][N], and
 * the column of each row's positive (default: column i of row i, the diagonal).
 */
export interface NaiveInput {
  s: number[][][];
  neg: number[][];
  pos?: number[];
}

/** The column of row i's positive. */
const posOf = (input: NaiveInput, i: number): number => input.pos?.[i] ?? i;

/** Builds the default negative mask (off-diagonal of the batch, all extra columns). */
export function defaultNeg(b: number, n: number): number[][] {
  return Array.from({ length: b }, (_, i) => Array.from({ length: n }, (_, k) => (k === i ? 0 : 1)));
}

function perL(input: NaiveInput, f: (l: number) => number): number {
  const l = input.s[0][0].length;
  let sum = 0;
  for (let p = 0; p < l; p++) sum += f(p);
  return sum / l;
}

function posMean(input: NaiveInput, l: number, shift: (i: number) => number = () => 0): number {
  return input.s.reduce((a, row, i) => a + row[posOf(input, i)][l] - shift(i), 0) / input.s.length;
}

function negMean(input: NaiveInput, l: number, g: (v: number, i: number) => number): number {
  let sum = 0;
  let count = 0;
  input.s.forEach((row, i) =>
    row.forEach((v, k) => {
      if (input.neg[i][k]) {
        sum += g(v[l], i);
        count++;
      }
    }),
  );
  return sum / count;
}

export function naiveDv(input: NaiveInput, clip = Infinity): number {
  return perL(input, (l) => posMean(input, l) - Math.log(negMean(input, l, (v) => Math.exp(Math.max(-clip, Math.min(clip, v))))));
}

export function naiveTuba(input: NaiveInput, logBaseline: (i: number, l: number) => number): number {
  return perL(input, (l) => 1 + posMean(input, l, (i) => logBaseline(i, l)) - negMean(input, l, (v, i) => Math.exp(v - logBaseline(i, l))));
}

export function naiveNwj(input: NaiveInput): number {
  return naiveTuba(input, () => 1);
}

export function naiveJsd(input: NaiveInput): number {
  const softplus = (v: number) => Math.log(1 + Math.exp(v));
  return perL(
    input,
    (l) => -input.s.reduce((a, row, i) => a + softplus(-row[posOf(input, i)][l]), 0) / input.s.length - negMean(input, l, softplus),
  );
}

export function naiveInfoNce(input: NaiveInput): number {
  return perL(input, (l) => {
    let sum = 0;
    input.s.forEach((row, i) => {
      let z = 0;
      let k = 0;
      row.forEach((v, c) => {
        if (c === posOf(input, i) || input.neg[i][c]) {
          z += Math.exp(v[l]);
          k++;
        }
      });
      sum += row[posOf(input, i)][l] - Math.log(z / k);
    });
    return sum / input.s.length;
  });
}

/** I_α straight from Poole et al. eq. 11 on a square batch (see interpolated.ts for the pairing). */
export function naiveInterpolated(s: number[][][], alpha: number, logBaseline: (i: number, l: number) => number): number {
  const b = s.length;
  const loo = (i: number, j: number, l: number) => {
    let m = 0;
    for (let k = 0; k < b; k++) if (k !== j) m += Math.exp(s[i][k][l]);
    return m / (b - 1);
  };
  const a = (i: number, j: number, l: number) => alpha * loo(i, j, l) + (1 - alpha) * Math.exp(logBaseline(i, l));
  return perL({ s, neg: [] }, (l) => {
    let joint = 0;
    let marginal = 0;
    for (let i = 0; i < b; i++) {
      for (let j = 0; j < b; j++) {
        if (j === i) continue;
        joint += s[i][i][l] - Math.log(a(i, j, l));
        marginal += Math.exp(s[i][j][l]) / a(i, i, l);
      }
    }
    return 1 + joint / (b * (b - 1)) - marginal / (b * (b - 1));
  });
}
