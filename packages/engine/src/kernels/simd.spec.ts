/**
 * infomax's WebAssembly SIMD kernels against references: the GEMM against a float64 loop
 * (every blocking edge, every stride layout, both builds), Conv2D / FusedConv2D /
 * _FusedMatMul against the stock cpu kernels, the fused Adam against tf.train.adam, and
 * the committed binary against its WAT source.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { initEngine } from '../node'; // turns on relaxed SIMD (V8 flag), so both builds are testable
import { Rng } from '../random';
import { stockKernel } from '../register';
import { adam, ADAM_BETA_POWERS } from '../optimizers';
import { randn, relativeError, runKernel } from '../test-utils/kernel-harness';
import { allowRelaxedSimd, simdKernels, simdVariant, type WasmBackendLike } from './simd/module';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const generator = require('../../scripts/simd-kernels.js') as { render(): Promise<string> };

/** C = op(A)·op(B) in float64, the naive triple loop. */
function naive(m: number, n: number, k: number, a: Float32Array, rsA: number, csA: number, b: Float32Array, rsB: number, csB: number) {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * rsA + p * csA] * b[p * rsB + j * csB];
      c[i * n + j] = s;
    }
  }
  return c;
}

describe('infomax SIMD kernels', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'cpu', log: null });
    await initEngine({ backend: 'wasm', log: null });
  });
  afterAll(() => allowRelaxedSimd(true));

  it('src/kernels/simd/binary.ts is what scripts/simd-kernels.js assembles now', async () => {
    const committed = fs.readFileSync(path.join(__dirname, 'simd', 'binary.ts'), 'utf8');
    expect(committed).toBe(await generator.render());
  });

  it('this engine runs the FMA build (relaxed SIMD on), and the plain one when told not to', () => {
    expect(simdVariant()).toBe('fma');
    allowRelaxedSimd(false);
    expect(simdVariant()).toBe('plain');
    allowRelaxedSimd(true);
    expect(simdVariant()).toBe('fma');
  });

  // Sizes straddle the register tile (4×8), the packed blocks (KC 256, MC 128, NC 2048) and
  // a depth that is not a multiple of 4.
  const sizes: Array<[number, number, number]> = [
    [1, 1, 1],
    [3, 5, 7],
    [4, 8, 4],
    [5, 9, 3],
    [13, 17, 300],
    [129, 33, 257],
    [7, 2050, 20],
    [130, 40, 600],
    [2, 3, 0],
  ];
  const layouts = [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ] as const;
  for (const variant of ['fma', 'plain'] as const) {
    it.each(sizes)(`${variant} gemm M=%i N=%i K=%i, every transpose, overwrite and accumulate: within 1e-5 of float64`, (m, n, k) => {
      allowRelaxedSimd(variant === 'fma');
      const be = tf.findBackend('wasm') as WasmBackendLike;
      const kernels = simdKernels(be)!;
      expect(kernels.variant).toBe(variant);
      const rng = new Rng(m * 10007 + n * 101 + k);
      for (const [ta, tb] of layouts) {
        const a = randn(rng, m * k);
        const b = randn(rng, k * n);
        const c0 = randn(rng, m * n);
        const [rsA, csA] = ta ? [1, m] : [k, 1];
        const [rsB, csB] = tb ? [1, k] : [n, 1];
        const ref = naive(m, n, k, a, rsA, csA, b, rsB, csB);
        for (const accumulate of [false, true]) {
          const ia = be.makeOutput([m * k], 'float32');
          const ib = be.makeOutput([k * n], 'float32');
          const ic = be.makeOutput([m * n], 'float32');
          const heap = () => new Float32Array(be.wasm.asm.memory.buffer);
          heap().set(a, kernels.address(ia) / 4);
          heap().set(b, kernels.address(ib) / 4);
          heap().set(c0, kernels.address(ic) / 4);
          kernels.gemm(m, n, k, kernels.address(ia), rsA, csA, kernels.address(ib), rsB, csB, kernels.address(ic), n, accumulate);
          const got = heap().slice(kernels.address(ic) / 4, kernels.address(ic) / 4 + m * n);
          const want = accumulate ? ref.map((v, i) => v + c0[i]) : ref;
          expect(relativeError(got, want)).toBeLessThan(1e-5);
          for (const i of [ia, ib, ic]) be.disposeData(i.dataId);
        }
      }
      allowRelaxedSimd(true);
    });
  }

  // Conv2D forward: strides, dilations, every padding mode, odd channel counts (< and ≥ 16 floats).
  type Pad = 'same' | 'valid' | 1 | [[0, 0], [number, number], [number, number], [0, 0]];
  const convCases: Array<{ x: number[]; f: number[]; s: [number, number]; d: [number, number]; pad: Pad }> = [];
  {
    const pads: Pad[] = [
      'same',
      'valid',
      1,
      [
        [0, 0],
        [2, 0],
        [1, 3],
        [0, 0],
      ],
    ];
    const filters = [
      [1, 1],
      [3, 3],
      [4, 4],
      [2, 5],
    ];
    const sd: Array<[[number, number], [number, number]]> = [
      [
        [1, 1],
        [1, 1],
      ],
      [
        [2, 2],
        [1, 1],
      ],
      [
        [1, 2],
        [1, 1],
      ],
      [
        [1, 1],
        [2, 2],
      ],
      [
        [1, 1],
        [1, 3],
      ],
    ];
    const chans = [
      [1, 3],
      [3, 16],
      [17, 5],
      [64, 8],
    ];
    let i = 0;
    for (const [fh, fw] of filters) {
      for (const [s, d] of sd) {
        for (const pad of pads) {
          const [ci, co] = chans[i % chans.length];
          const x = [1 + (i % 3), 6 + (i % 4), 7 + (i % 3), ci];
          i++;
          if (pad === 1 && (d[0] > 1 || d[1] > 1)) continue; // tfjs: dimRoundingMode needs dilation 1
          try {
            const info = tf.backend_util.computeConv2DInfo(
              x as [number, number, number, number],
              [fh, fw, ci, co],
              s,
              d,
              pad,
              pad === 1 ? 'floor' : undefined,
            );
            if (info.outHeight > 0 && info.outWidth > 0 && !(s[0] > 1 && d[0] > 1)) convCases.push({ x, f: [fh, fw, ci, co], s, d, pad });
          } catch {
            // tfjs rejects this geometry itself
          }
        }
      }
    }
  }

  it(`the Conv2D sweep has at least 60 configurations (${convCases.length})`, () => {
    expect(convCases.length).toBeGreaterThanOrEqual(60);
  });

  it.each(convCases.map((c) => [JSON.stringify(c), c]))('Conv2D %s: within 1e-4 of stock cpu', (_n, c) => {
    const cse = c as (typeof convCases)[number];
    const rng = new Rng(cse.x.concat(cse.f).reduce((s, v) => s * 7 + v, 3));
    const x = randn(
      rng,
      cse.x.reduce((s, v) => s * v),
    );
    const f = randn(
      rng,
      cse.f.reduce((s, v) => s * v),
    );
    const attrs = {
      strides: cse.s,
      dilations: cse.d,
      pad: cse.pad,
      dataFormat: 'NHWC',
      dimRoundingMode: cse.pad === 1 ? 'floor' : undefined,
    };
    const inputs = { x: [cse.x, x] as [number[], Float32Array], filter: [cse.f, f] as [number[], Float32Array] };
    const ref = runKernel('cpu', stockKernel('Conv2D', 'cpu')!, inputs, attrs);
    const ours = runKernel('wasm', tf.getKernel('Conv2D', 'wasm')!, inputs, attrs);
    expect(ours.shape).toEqual(ref.shape);
    expect(relativeError(ours.values, ref.values)).toBeLessThan(1e-4);
  });

  it.each(['linear', 'relu', 'relu6', 'elu', 'sigmoid', 'leakyrelu', 'prelu'])(
    'FusedConv2D and _FusedMatMul with bias and %s: within 1e-4 of stock cpu',
    (activation) => {
      const rng = new Rng(activation.length);
      const xs = [2, 7, 6, 5];
      const fs4 = [3, 3, 5, 4];
      const conv = {
        x: [xs, randn(rng, 2 * 7 * 6 * 5)] as [number[], Float32Array],
        filter: [fs4, randn(rng, 3 * 3 * 5 * 4)] as [number[], Float32Array],
        bias: [[4], randn(rng, 4)] as [number[], Float32Array],
        ...(activation === 'prelu' ? { preluActivationWeights: [[4], randn(rng, 4)] as [number[], Float32Array] } : {}),
      };
      const cAttrs = { strides: [2, 1], pad: 'same', dataFormat: 'NHWC', dilations: [1, 1], activation, leakyreluAlpha: 0.1 };
      const refC = runKernel('cpu', tf.getKernel('FusedConv2D', 'cpu')!, conv, cAttrs);
      const ourC = runKernel('wasm', tf.getKernel('FusedConv2D', 'wasm')!, conv, cAttrs);
      expect(relativeError(ourC.values, refC.values)).toBeLessThan(1e-4);

      const mm = {
        a: [[1, 9, 13], randn(rng, 9 * 13)] as [number[], Float32Array],
        b: [[1, 6, 13], randn(rng, 6 * 13)] as [number[], Float32Array],
        bias: [[6], randn(rng, 6)] as [number[], Float32Array],
        ...(activation === 'prelu' ? { preluActivationWeights: [[6], randn(rng, 6)] as [number[], Float32Array] } : {}),
      };
      const mAttrs = { transposeA: false, transposeB: true, activation, leakyreluAlpha: 0.1 };
      const refM = runKernel('cpu', tf.getKernel('_FusedMatMul', 'cpu')!, mm, mAttrs);
      const ourM = runKernel('wasm', tf.getKernel('_FusedMatMul', 'wasm')!, mm, mAttrs);
      expect(ourM.shape).toEqual([1, 9, 6]);
      expect(relativeError(ourM.values, refM.values)).toBeLessThan(1e-4);
    },
  );

  it('BatchMatMul broadcasts a single matrix against a batch, as the stock kernel does', () => {
    const rng = new Rng(11);
    const a = randn(rng, 3 * 5 * 7);
    const b = randn(rng, 7 * 4);
    const inputs = { a: [[3, 5, 7], a] as [number[], Float32Array], b: [[1, 7, 4], b] as [number[], Float32Array] };
    const attrs = { transposeA: false, transposeB: false };
    const ref = runKernel('cpu', stockKernel('BatchMatMul', 'cpu')!, inputs, attrs);
    const ours = runKernel('wasm', tf.getKernel('BatchMatMul', 'wasm')!, inputs, attrs);
    expect(ours.shape).toEqual([3, 5, 4]);
    expect(relativeError(ours.values, ref.values)).toBeLessThan(1e-5);
  });

  it.each(['wasm', 'cpu'])(
    'adam() on %s follows tf.train.adam step for step (1e-6), moments included, and leaks nothing',
    async (backend) => {
      tf.setBackend(backend);
      const rng = new Rng(5);
      const w0 = randn(rng, 37 * 11);
      const target = randn(rng, 37 * 11);
      const run = (opt: tf.Optimizer) => {
        const w = tf.variable(tf.tensor2d(w0, [37, 11]));
        const y = tf.tensor2d(target, [37, 11]);
        const loss = () => tf.sum(tf.mul(tf.square(tf.sub(w, y)), tf.add(tf.abs(w), 0.5)));
        const before = tf.memory().numTensors;
        opt.minimize(loss as () => tf.Scalar); // creates the moments
        const afterFirst = tf.memory().numTensors;
        for (let i = 0; i < 6; i++) opt.minimize(loss as () => tf.Scalar);
        expect(tf.memory().numTensors).toBe(afterFirst);
        expect(afterFirst).toBeGreaterThan(before);
        const out = w.dataSync().slice();
        tf.dispose([w, y]);
        return out;
      };
      const ours = adam({ learningRate: 0.05, beta1: 0.8, beta2: 0.99, epsilon: 1e-7 });
      const stock = tf.train.adam(0.05, 0.8, 0.99, 1e-7);
      const a = run(ours);
      const b = run(stock);
      expect(relativeError(a, b)).toBeLessThan(1e-6);
      expect(relativeError(a, w0)).toBeGreaterThan(1e-2); // it moved
      const [all, wb] = [await ours.getWeights(), await stock.getWeights()];
      // Ours adds the running β products after tfjs's own list (see optimizers.ts).
      const powers = all.filter((w) => (ADAM_BETA_POWERS as readonly string[]).includes(w.name));
      const wa = all.filter((w) => !powers.includes(w));
      const suffix = (x: { name: string }) => x.name.replace(/^.*\//, ''); // variable names differ; the slots must not
      expect(wa.map(suffix)).toEqual(wb.map(suffix));
      expect(wa.map(suffix)).toEqual(['iter', 'm', 'v']);
      for (let i = 1; i < wa.length; i++) expect(relativeError(wa[i].tensor.dataSync(), wb[i].tensor.dataSync())).toBeLessThan(1e-6);
      // The same running float32 products as the stock optimizer's (its private accBeta1/2).
      const stockPowers = stock as unknown as { accBeta1: tf.Variable; accBeta2: tf.Variable };
      expect(powers.map((p) => p.tensor.dataSync()[0])).toEqual([stockPowers.accBeta1.dataSync()[0], stockPowers.accBeta2.dataSync()[0]]);
      tf.dispose(powers.map((p) => p.tensor));
      ours.dispose();
      stock.dispose();
      tf.setBackend('wasm');
    },
  );

  it('adam() rejects a bad learning rate or beta with a ConfigError naming it', () => {
    expect(() => adam(0)).toThrow(/adam: option 'learningRate': expected a finite number > 0, got 0/);
    expect(() => adam({ beta1: 1 })).toThrow(/adam: option 'beta1': expected a number in \[0, 1\), got 1/);
    expect(() => adam({ beta2: Number.NaN })).toThrow(/'beta2'/);
  });
});
