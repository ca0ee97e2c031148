import * as tf from '@tensorflow/tfjs';
import { initEngine } from '@infomax/engine';
import { BOUND_KINDS, NamedBound } from './named-bound';
import { dv } from './dv';
import { infoNce } from './info-nce';
import { interpolated } from './interpolated';
import { jsd } from './jsd';
import { nwj } from './nwj';
import { smile } from './smile';
import { tuba } from './tuba';
import { ConfigError, ShapeError } from '../errors';
import { expectClose, expectNoLeak, randomScores, read } from '../test-utils/helpers';

beforeAll(async () => {
  await initEngine({ backend: 'wasm', log: null });
});

describe('NamedBound', () => {
  const direct: Record<string, (s: tf.Tensor) => { estimate: tf.Scalar; loss: tf.Scalar }> = {
    jsd: (s) => jsd(s, { report: 'nwj' }),
    infonce: (s) => infoNce(s),
    dv: (s) => dv(s),
    nwj: (s) => nwj(s),
    smile: (s) => smile(s),
    mine: (s) => dv(s),
    tuba: (s) => tuba(s),
    interpolated: (s) => interpolated(s),
  };

  test.each(BOUND_KINDS)("%s: the estimate is the bound function's on the same [6, 6] scores", (kind) => {
    const s = randomScores(9, [6, 6], 3);
    const bound = new NamedBound(kind);
    expectClose(read(bound.apply(s)).estimate, read(direct[kind](s)).estimate, 1e-6);
    bound.dispose();
    s.dispose();
  });

  test('mine: state() round-trips the moving average, so two bounds continue alike', () => {
    const a = new NamedBound('mine');
    const s1 = randomScores(1, [4, 4, 2]);
    const s2 = randomScores(2, [4, 4, 2]);
    expect(a.state()!.shape).toEqual([0]);
    tf.dispose([a.apply(s1).loss, a.state()!]);
    const saved = a.state()!;
    const b = new NamedBound('mine');
    b.load(saved);
    const ga = tf.grad((t: tf.Tensor) => a.apply(t).loss)(s2);
    const gb = tf.grad((t: tf.Tensor) => b.apply(t).loss)(s2);
    expect(Array.from(gb.dataSync())).toEqual(Array.from(ga.dataSync()));
    expect(Array.from(b.state()!.dataSync())).toEqual(Array.from(a.state()!.dataSync()));
    expect(() => b.load(tf.ones([2, 2]))).toThrow(ShapeError);
    tf.dispose([saved, ga, gb, s1, s2]);
    a.dispose();
    b.dispose();
  });

  test('mine outside training reads DV and leaves its state alone', () => {
    const bound = new NamedBound('mine');
    const s = randomScores(4, [5, 5]);
    read(bound.apply(s, {}, { training: false }));
    expect(bound.state()!.shape).toEqual([0]);
    bound.dispose();
    s.dispose();
  });

  test('interpolated with a negative mask or queue: a ConfigError naming the option', () => {
    const bound = new NamedBound('interpolated', 'CmcObjective');
    const s = randomScores(4, [3, 3]);
    const extra = randomScores(5, [3, 2]);
    expect(() => bound.apply(s, { extra })).toThrow(ConfigError);
    expect(() => bound.apply(s, { extra })).toThrow(/CmcObjective.*'extra'/);
    tf.dispose([s, extra]);
  });

  test('an unknown name is a ConfigError listing the known ones', () => {
    expect(() => new NamedBound('mind' as never)).toThrow(/'mine'/);
  });

  test('every bound, MINE stepping, leaks no tensors', () => {
    const s = randomScores(6, [6, 6]);
    const bounds = BOUND_KINDS.map((k) => new NamedBound(k));
    expectNoLeak(() => bounds.forEach((b) => read(b.apply(s))));
    bounds.forEach((b) => b.dispose());
    s.dispose();
  });
});

test("jsdReport: JSD's loss either way, the estimate the report names; an unknown report is refused", () => {
  const scores = tf.mul(randomScores(3, [4, 4]), 50) as tf.Tensor2D; // large scores, as untrained sum-pooled graphs give
  const named = read(new NamedBound('jsd', 'test', { jsdReport: 'dv' }).apply(scores));
  const direct = read(jsd(scores, { report: 'dv' }));
  const usual = read(new NamedBound('jsd').apply(scores));
  scores.dispose();
  expect(named.estimate).toBe(direct.estimate);
  expect(named.loss).toBe(usual.loss);
  expect(Number.isFinite(named.estimate)).toBe(true);
  expect(() => new NamedBound('jsd', 'test', { jsdReport: 'x' as never })).toThrow(/jsdReport/);
});
