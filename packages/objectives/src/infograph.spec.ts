import * as tf from '@tensorflow/tfjs';
import { adam, initEngine } from '@infomax/engine';
import { jsd, infoNce } from '@infomax/estimators';
import {
  buildObjective,
  ConfigError,
  MASKED_ESTIMATOR_KINDS,
  initialisationConfig,
  ShapeError,
  TRAINING_ONLY_KEYS,
  type InfographObjective,
} from './index';
import { GRAPH_FEATURES, ringsAndStars } from './test-utils/graphs';
import { expectClose } from './test-utils/expect-close';

beforeAll(async () => {
  await initEngine({ backend: 'wasm', log: null });
});

const SMALL = { kind: 'gin', hidden: 8, layers: 2 };
const BASE = { kind: 'infograph' as const, featureSize: GRAPH_FEATURES, encoder: SMALL };

/** Scores [nodes, graphs] of the objective's own heads, read from its parts. */
function scoresOf(o: InfographObjective, batch: ReturnType<typeof ringsAndStars>): tf.Tensor {
  const { local, global } = o.encoder.encode(batch, { training: true });
  const heads = o as unknown as { nodeHead: tf.LayersModel; graphHead: tf.LayersModel };
  const n = heads.nodeHead.apply(local, { training: true }) as tf.Tensor2D;
  const g = heads.graphHead.apply(global, { training: true }) as tf.Tensor2D;
  return tf.div(tf.matMul(n, g, false, true), o.config.temperature);
}

describe('InfoGraph objective', () => {
  it('defaults are InfoGraph’s: GIN 5 × 32 with batch norm, JSD, heads as wide as the 160-d vectors; the config rebuilds the same weights', () => {
    const o = buildObjective({ kind: 'infograph', featureSize: 7 });
    expect(o.config).toEqual({
      kind: 'infograph',
      featureSize: 7,
      encoder: { kind: 'gin', hidden: 32, layers: 5, batchNorm: true },
      estimator: 'jsd',
      headUnits: 160,
      temperature: 1,
      seed: 0,
    });
    expect([o.encoder.localSize, o.encoder.globalSize]).toEqual([160, 160]);
    const again = buildObjective(JSON.parse(JSON.stringify(o.config)) as typeof o.config);
    expect(again.variables.length).toBe(o.variables.length);
    o.variables.forEach((v, i) => expect(Array.from(again.variables[i].dataSync())).toEqual(Array.from(v.dataSync())));
    [o, again].forEach((x) => x.dispose());
  });

  it.each([['jsd'], ['infonce']] as const)(
    'the %s loss is the bound on [nodes, graphs] scores, positives at each node’s graph',
    (estimator) => {
      const o = buildObjective({ ...BASE, estimator, seed: 2, temperature: 4 });
      const batch = ringsAndStars(5, 1);
      tf.tidy(() => {
        const { loss, metrics } = o.loss(batch, { training: true, step: 0 });
        const s = scoresOf(o, batch);
        expect(s.shape).toEqual([batch.features.shape[0], 5]);
        const positives = tf.oneHot(batch.segmentIds, 5).toFloat() as tf.Tensor2D;
        const expected = estimator === 'jsd' ? jsd(s, { positiveMask: positives, report: 'dv' }) : infoNce(s, { positiveMask: positives });
        expectClose(loss.dataSync()[0], expected.loss.dataSync()[0], 1e-5);
        expectClose(metrics.mi_local.dataSync()[0], expected.estimate.dataSync()[0], 1e-4);
        if (estimator === 'infonce') expect(metrics.mi_local.dataSync()[0]).toBeLessThanOrEqual(Math.log(5) + 1e-6);
      });
      tf.dispose(batch);
      o.dispose();
    },
  );

  it('τ = 1, untrained (scores in the hundreds): JSD trains and reports a finite MI estimate, where NWJ on the same scores overflows', () => {
    const o = buildObjective({ ...BASE, encoder: { kind: 'gin', hidden: 32, layers: 5 }, seed: 0 });
    const batch = ringsAndStars(8, 3);
    tf.tidy(() => {
      const s = scoresOf(o, batch);
      expect(s.max().dataSync()[0]).toBeGreaterThan(100);
      const positives = tf.oneHot(batch.segmentIds, 8).toFloat() as tf.Tensor2D;
      expect(jsd(s, { positiveMask: positives }).estimate.dataSync()[0]).toBe(-Infinity);
      const { loss, metrics } = o.loss(batch, { training: true, step: 0 });
      expect(Number.isFinite(loss.dataSync()[0])).toBe(true);
      expect(Number.isFinite(metrics.mi_local.dataSync()[0])).toBe(true);
    });
    tf.dispose(batch);
    o.dispose();
  });

  it('every estimator trains (τ = √headUnits): 40 Adam steps lower its loss; a step leaks no tensors', () => {
    for (const estimator of MASKED_ESTIMATOR_KINDS) {
      const o = buildObjective({ ...BASE, estimator, seed: 3, temperature: 4 });
      const optimizer = adam(3e-3);
      const batches = [ringsAndStars(8, 11), ringsAndStars(8, 12)];
      const lossOf = () => tf.tidy(() => batches.reduce((a, b) => a + o.loss(b, { training: false, step: 0 }).loss.dataSync()[0], 0) / 2);
      const step = (t: number) =>
        tf.dispose(optimizer.minimize(() => o.loss(batches[t % 2], { training: true, step: t }).loss, true, o.variables) ?? undefined);
      const before = lossOf();
      step(0);
      const tensors = tf.memory().numTensors;
      for (let t = 1; t < 40; t++) step(t);
      expect(tf.memory().numTensors).toBe(tensors);
      const after = lossOf();
      if (!(after < before - 0.05)) throw new Error(`${estimator}: loss ${before} → ${after} did not fall`);
      batches.forEach((b) => tf.dispose(b));
      optimizer.dispose();
      o.dispose();
    }
  });

  it('embed is the encoder’s graph vector in inference mode, one row per graph', () => {
    const o = buildObjective(BASE);
    const batch = ringsAndStars(6, 4);
    const e = o.embed(batch);
    expect(e.shape).toEqual([6, 16]);
    const direct = tf.tidy(() => o.encoder.encode(batch).global);
    expectClose(e.dataSync(), direct.dataSync(), 0);
    tf.dispose([e, direct, batch]);
    o.dispose();
  });

  it('training-only keys (estimator, head width, temperature) leave the initial representation as it was; the seed does not', () => {
    const batch = ringsAndStars(4, 5);
    const embedOf = (config: Record<string, unknown>) => {
      const o = buildObjective(config as typeof BASE);
      const out = tf.tidy(() => Array.from(o.embed(batch).dataSync()));
      o.dispose();
      return out;
    };
    const base = embedOf(BASE);
    for (const variant of [{ estimator: 'dv' }, { headUnits: 4 }, { temperature: 2 }]) {
      expect(embedOf({ ...BASE, ...variant })).toEqual(base);
      expect(initialisationConfig({ ...BASE, ...variant })).toEqual(initialisationConfig(BASE));
    }
    expect(TRAINING_ONLY_KEYS.infograph).toEqual(['estimator', 'headUnits', 'temperature']);
    expect(embedOf({ ...BASE, seed: 1 })).not.toEqual(base);
    tf.dispose(batch);
  });

  it('bad configs name the key path; image batches and a single graph are typed errors', () => {
    const bad: Array<[Record<string, unknown>, RegExp]> = [
      [{ kind: 'infograph' }, /config key 'featureSize': expected an integer in 1..∞, got undefined/],
      [{ ...BASE, encoder: { kind: 'dcgan' } }, /config key 'encoder.kind': expected one of gin, got 'dcgan'/],
      [
        { ...BASE, encoder: { ...SMALL, featureSize: 3 } },
        /config key 'encoder.featureSize': expected no featureSize \(the objective sets it from its top-level 'featureSize'\), got 3/,
      ],
      [
        { ...BASE, encoder: { ...SMALL, layers: 0 } },
        /config key 'encoder': expected a valid GIN config, got .* \(ginEncoder: option 'layers'/,
      ],
      [{ ...BASE, inputShape: [28, 28, 1] }, /config key 'inputShape': unknown key; known keys: kind, featureSize, encoder/],
      [
        { ...BASE, estimator: 'interpolated' },
        /config key 'estimator': expected one of jsd, infonce, dv, nwj, smile, mine, tuba, got 'interpolated'/,
      ],
    ];
    const before = tf.memory().numTensors;
    for (const [config, message] of bad) {
      expect(() => buildObjective(config as typeof BASE)).toThrow(ConfigError);
      expect(() => buildObjective(config as typeof BASE)).toThrow(message);
    }
    expect(tf.memory().numTensors).toBe(before);
    const o = buildObjective(BASE);
    const images = tf.zeros([2, 8, 8, 1]);
    expect(() => o.loss({ images } as never, { training: true, step: 0 })).toThrow(/argument batch must be a batch of graphs/);
    const one = ringsAndStars(1, 6);
    expect(() => o.loss(one, { training: true, step: 0 })).toThrow(ShapeError);
    tf.dispose([images, one]);
    o.dispose();
  });
});
