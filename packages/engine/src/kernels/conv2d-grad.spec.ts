import * as tf from '@tensorflow/tfjs';
import { initEngine } from '../backend';
import { Rng } from '../random';
import { stockKernel } from '../register';
import { randn, relativeError, runKernel } from '../test-utils/kernel-harness';
import { UnsupportedError } from '../errors';

type Pad = 'same' | 'valid' | number | [[0, 0], [number, number], [number, number], [0, 0]];
interface Case {
  batch: number;
  inH: number;
  inW: number;
  inC: number;
  kH: number;
  kW: number;
  outC: number;
  strides: [number, number];
  pad: Pad;
}

/** A deterministic sweep: odd and even sizes, every padding mode, strides 1–3, square and not. */
function sweep(): Case[] {
  const cases: Case[] = [];
  const kernels: Array<[number, number]> = [
    [1, 1],
    [2, 2],
    [3, 3],
    [4, 4],
    [5, 5],
    [3, 2],
    [1, 4],
  ];
  const strides: Array<[number, number]> = [
    [1, 1],
    [2, 2],
    [3, 3],
    [1, 2],
    [2, 1],
  ];
  const pads: Pad[] = [
    'same',
    'valid',
    1,
    [
      [0, 0],
      [1, 2],
      [0, 1],
      [0, 0],
    ],
    [
      [0, 0],
      [3, 0],
      [2, 2],
      [0, 0],
    ],
  ];
  const sizes: Array<[number, number]> = [
    [7, 7],
    [8, 6],
    [5, 9],
  ];
  let i = 0;
  for (const [kH, kW] of kernels) {
    for (const st of strides) {
      for (const pad of pads) {
        const [inH, inW] = sizes[i % sizes.length];
        const c: Case = { batch: 1 + (i % 3), inH, inW, inC: 1 + (i % 4), kH, kW, outC: 1 + ((i * 7) % 5), strides: st, pad };
        i++;
        try {
          const info = tf.backend_util.computeConv2DInfo(
            [c.batch, inH, inW, c.inC],
            [kH, kW, c.inC, c.outC],
            st,
            1,
            pad,
            pad === 1 ? 'floor' : undefined,
          );
          if (info.outHeight > 0 && info.outWidth > 0) cases.push(c);
        } catch {
          // tfjs itself rejects this geometry: nothing to compare.
        }
      }
    }
  }
  return cases;
}

const CASES = sweep();
const name = (c: Case) =>
  `x=[${c.batch},${c.inH},${c.inW},${c.inC}] k=${c.kH}x${c.kW}x${c.outC} s=${c.strides} pad=${JSON.stringify(c.pad)}`;

describe('conv2d gradient kernels against the stock cpu kernels', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'cpu', log: null });
    await initEngine({ backend: 'wasm', log: null });
  });

  it(`the sweep has at least 100 configurations (${CASES.length})`, () => {
    expect(CASES.length).toBeGreaterThanOrEqual(100);
  });

  it.each(CASES.map((c) => [name(c), c]))('%s: filter and input gradients within 1e-4 on wasm and cpu', (_n, c) => {
    const cse = c as Case;
    const rng = new Rng(cse.batch * 1000 + cse.inH * 100 + cse.kH * 10 + cse.strides[0]);
    const rounding = cse.pad === 1 ? 'floor' : undefined;
    const info = tf.backend_util.computeConv2DInfo(
      [cse.batch, cse.inH, cse.inW, cse.inC],
      [cse.kH, cse.kW, cse.inC, cse.outC],
      cse.strides,
      1,
      cse.pad,
      rounding,
    );
    const xShape = [cse.batch, cse.inH, cse.inW, cse.inC];
    const dyShape = [cse.batch, info.outHeight, info.outWidth, cse.outC];
    const wShape = [cse.kH, cse.kW, cse.inC, cse.outC];
    const x = randn(
      rng,
      xShape.reduce((a, b) => a * b),
    );
    const dy = randn(
      rng,
      dyShape.reduce((a, b) => a * b),
    );
    const w = randn(
      rng,
      wShape.reduce((a, b) => a * b),
    );
    const fAttrs = { strides: cse.strides, pad: cse.pad, filterShape: wShape, dataFormat: 'NHWC', dimRoundingMode: rounding };
    const iAttrs = { strides: cse.strides, pad: cse.pad, inputShape: xShape, dataFormat: 'NHWC', dimRoundingMode: rounding };
    const fIn = { x: [xShape, x] as [number[], Float32Array], dy: [dyShape, dy] as [number[], Float32Array] };
    const iIn = { dy: [dyShape, dy] as [number[], Float32Array], filter: [wShape, w] as [number[], Float32Array] };

    const refF = runKernel('cpu', stockKernel('Conv2DBackpropFilter', 'cpu')!, fIn, fAttrs);
    const refI = runKernel('cpu', stockKernel('Conv2DBackpropInput', 'cpu')!, iIn, iAttrs);
    for (const backend of ['wasm', 'cpu']) {
      const ourF = runKernel(backend, tf.getKernel('Conv2DBackpropFilter', backend)!, fIn, fAttrs);
      const ourI = runKernel(backend, tf.getKernel('Conv2DBackpropInput', backend)!, iIn, iAttrs);
      expect(ourF.shape).toEqual(wShape);
      expect(ourI.shape).toEqual(xShape);
      expect(relativeError(ourF.values, refF.values)).toBeLessThan(1e-4);
      expect(relativeError(ourI.values, refI.values)).toBeLessThan(1e-4);
    }
  });

  it('NCHW data is refused with an error naming the kernel, never a wrong answer', () => {
    const k = tf.getKernel('Conv2DBackpropFilter', 'wasm')!;
    const x: [number[], Float32Array] = [[1, 2, 5, 5], new Float32Array(50)];
    const dy: [number[], Float32Array] = [[1, 3, 5, 5], new Float32Array(75)];
    expect(() => runKernel('wasm', k, { x, dy }, { strides: 1, pad: 'same', filterShape: [3, 3, 2, 3], dataFormat: 'NCHW' })).toThrow(
      UnsupportedError,
    );
    expect(() => runKernel('wasm', k, { x, dy }, { strides: 1, pad: 'same', filterShape: [3, 3, 2, 3], dataFormat: 'NCHW' })).toThrow(
      /Conv2DBackpropFilter: dataFormat 'NCHW'/,
    );
  });

  it('a dy of the wrong shape is refused', () => {
    const k = tf.getKernel('Conv2DBackpropInput', 'wasm')!;
    expect(() =>
      runKernel(
        'wasm',
        k,
        { dy: [[1, 4, 4, 3], new Float32Array(48)], filter: [[3, 3, 2, 3], new Float32Array(54)] },
        {
          strides: 1,
          pad: 'same',
          inputShape: [1, 5, 5, 2],
          dataFormat: 'NHWC',
        },
      ),
    ).toThrow(/dy must have shape \[1,5,5,3\]/);
  });

  it('through tf.grad of tf.conv2d on wasm: the op-level gradients match cpu, and nothing leaks', async () => {
    const rng = new Rng(7);
    const xv = randn(rng, 2 * 9 * 9 * 3);
    const wv = randn(rng, 4 * 4 * 3 * 5);
    const grads = (backend: string) => {
      tf.setBackend(backend);
      return tf.tidy(() => {
        const x = tf.tensor4d(xv, [2, 9, 9, 3]);
        const w = tf.tensor4d(wv, [4, 4, 3, 5]);
        const f = (a: tf.Tensor, b: tf.Tensor) =>
          tf
            .conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same')
            .square()
            .sum();
        const [dx, dw] = tf.grads(f)([x, w]);
        return [dx.dataSync().slice() as Float32Array, dw.dataSync().slice() as Float32Array];
      });
    };
    grads('wasm');
    const before = tf.memory().numTensors;
    const [dxW, dwW] = grads('wasm');
    expect(tf.memory().numTensors).toBe(before);
    const [dxC, dwC] = grads('cpu');
    await tf.setBackend('wasm');
    expect(relativeError(dxW, dxC)).toBeLessThan(1e-4);
    expect(relativeError(dwW, dwC)).toBeLessThan(1e-4);
  });
});
