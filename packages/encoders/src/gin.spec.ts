// GIN against a dense-adjacency reference written from the paper's equations, on the two
// backends that train it (wasm uses the engine's UnsortedSegmentSum, gather's gradient).
import * as tf from '@tensorflow/tfjs';
import { initEngine, Rng } from '@infomax/engine';
import { ConfigError, ginEncoder, GraphEncoder, ShapeError, type GraphEncoder as GE, type GraphInput } from './index';
import { expectClose } from './test-utils/expect-close';

/** Three small graphs: a triangle, a path of four, and a lone node; 8 nodes, undirected edges both ways. */
const EDGES: Array<[number, number]> = [
  [0, 1],
  [1, 2],
  [2, 0], // triangle 0-1-2
  [3, 4],
  [4, 5],
  [5, 6], // path 3-4-5-6
];
const SEGMENTS = [0, 0, 0, 1, 1, 1, 1, 2];
const F = 3;

function graph(seed: number): GraphInput {
  const rng = new Rng(seed);
  const both = EDGES.flatMap(([a, b]) => [
    [a, b],
    [b, a],
  ]);
  return {
    features: tf.tensor2d(
      Float32Array.from({ length: SEGMENTS.length * F }, () => rng.uniform() * 2 - 1),
      [SEGMENTS.length, F],
    ),
    source: tf.tensor1d(
      both.map((e) => e[0]),
      'int32',
    ),
    target: tf.tensor1d(
      both.map((e) => e[1]),
      'int32',
    ),
    segmentIds: tf.tensor1d(SEGMENTS, 'int32'),
    numGraphs: 3,
  };
}

/** The paper's GIN-0 with dense matrices: A[t, s] = 1 for each edge s → t, pooling P[g, i] = 1 when node i is in g. */
function reference(enc: GE, g: GraphInput, training: boolean): { local: tf.Tensor2D; global: tf.Tensor2D } {
  const n = SEGMENTS.length;
  const a = tf.buffer([n, n]);
  const src = g.source.arraySync();
  g.target.arraySync().forEach((t, e) => a.set(a.get(t, src[e]) + 1, t, src[e]));
  const p = tf.oneHot(g.segmentIds, g.numGraphs).transpose().toFloat() as tf.Tensor2D;
  const adjacency = a.toTensor();
  let h: tf.Tensor2D = g.features;
  const nodes: tf.Tensor2D[] = [];
  for (let k = 1; k <= enc.config.layers; k++) {
    const [w1, b1] = enc.model.getLayer(`gin${k}_fc1`).getWeights();
    const [w2, b2] = enc.model.getLayer(`gin${k}_fc2`).getWeights();
    const agg = tf.add(h, tf.matMul(adjacency, h));
    let x = tf.relu(tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(agg, w1 as tf.Tensor2D), b1)), w2 as tf.Tensor2D), b2)) as tf.Tensor2D;
    if (enc.config.batchNorm) {
      const [gamma, beta, movingMean, movingVar] = enc.model.getLayer(`gin${k}_bn`).getWeights();
      const { mean, variance } = training ? tf.moments(x, 0) : { mean: movingMean as tf.Tensor, variance: movingVar as tf.Tensor };
      x = tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), gamma), beta) as tf.Tensor2D;
    }
    nodes.push(x);
    h = x;
  }
  return {
    local: tf.concat2d(nodes, 1),
    global: tf.concat2d(
      nodes.map((x) => tf.matMul(p, x) as tf.Tensor2D),
      1,
    ),
  };
}

/** Asserts max |a − b| ≤ tol · max(1, max |b|): float32 sums of a few terms agree to ~1e-7 relative. */
function expectRelClose(a: tf.Tensor, b: tf.Tensor, tol: number): void {
  const scale = Math.max(
    1,
    tf.tidy(() => tf.max(tf.abs(b)).dataSync()[0]),
  );
  expectClose(a, b, tol * scale);
}

/** A loss touching every output unit with fixed random weights (no sign cancels). */
function weighted(out: { local: tf.Tensor; global: tf.Tensor }): tf.Scalar {
  const rl = tf.randomNormal(out.local.shape, 0, 1, 'float32', 5);
  const rg = tf.randomNormal(out.global.shape, 0, 1, 'float32', 6);
  return tf.add(tf.sum(tf.mul(out.local, rl)), tf.sum(tf.mul(out.global, rg)));
}

describe.each(['wasm', 'cpu'])('GIN on %s', (backend) => {
  beforeAll(async () => {
    await initEngine({ backend: backend as 'wasm' | 'cpu', log: null });
  });

  const variants: Array<[string, boolean, boolean]> = [
    ['3 layers, batch norm, training', true, true],
    ['3 layers, batch norm, inference', true, false],
    ['3 layers, no batch norm', false, true],
  ];
  it.each(variants)(
    '%s: outputs and every gradient equal the dense reference within 1e-5 (relative to the largest)',
    (_, batchNorm, training) => {
      const enc = ginEncoder({ featureSize: F, hidden: 4, layers: 3, batchNorm, seed: 3 });
      const g = graph(1);
      tf.tidy(() => {
        const ours = enc.encode(g, { training });
        const ref = reference(enc, g, training);
        expect(ours.local.shape).toEqual([8, 12]);
        expect(ours.global.shape).toEqual([3, 12]);
        expectRelClose(ours.local, ref.local, 1e-5);
        expectRelClose(ours.global, ref.global, 1e-5);
        const vars = enc.trainableVariables;
        const a = tf.variableGrads(() => weighted(enc.encode(g, { training })), vars).grads;
        const b = tf.variableGrads(() => weighted(reference(enc, g, training)), vars).grads;
        for (const v of vars) expectRelClose(a[v.name], b[v.name], 1e-5);
        const fa = tf.grad((x: tf.Tensor) => weighted(enc.encode({ ...g, features: x as tf.Tensor2D }, { training })))(g.features);
        const fb = tf.grad((x: tf.Tensor) => weighted(reference(enc, { ...g, features: x as tf.Tensor2D }, training)))(g.features);
        expectRelClose(fa, fb, 1e-5);
      });
      tf.dispose(g as unknown as tf.TensorContainer);
      enc.dispose();
    },
  );

  it('a global row is the sum of its nodes at each layer: invariant to renumbering nodes and listing edges in another order', () => {
    const enc = ginEncoder({ featureSize: F, hidden: 5, layers: 2, batchNorm: false, seed: 7 });
    const g = graph(2);
    const order = [7, 3, 0, 5, 1, 6, 2, 4]; // new node k is old node order[k]
    const newId = new Map(order.map((old, k) => [old, k]));
    const permuted: GraphInput = tf.tidy(() => ({
      features: tf.gather(g.features, order) as tf.Tensor2D,
      source: tf.tensor1d(
        [...g.source.dataSync()].reverse().map((s) => newId.get(s)!),
        'int32',
      ),
      target: tf.tensor1d(
        [...g.target.dataSync()].reverse().map((t) => newId.get(t)!),
        'int32',
      ),
      segmentIds: tf.tensor1d(
        order.map((old) => SEGMENTS[old]),
        'int32',
      ),
      numGraphs: 3,
    }));
    const [a, b] = [enc.encode(g), enc.encode(permuted)];
    expectClose(b.global, a.global, 1e-5);
    expectClose(b.local, tf.gather(a.local, order), 1e-5);
    tf.dispose([a, b, g, permuted] as unknown as tf.TensorContainer);
    enc.dispose();
  });
});

describe('GIN: contract, save and load, errors', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'wasm', log: null });
  });

  it('defaults are InfoGraph’s (5 layers of 32, batch norm); sizes; one training step leaks nothing', () => {
    const enc = ginEncoder({ featureSize: F });
    expect(enc.config).toEqual({ kind: 'gin', featureSize: F, hidden: 32, layers: 5, batchNorm: true, seed: 0 });
    expect([enc.featureSize, enc.localSize, enc.globalSize]).toEqual([F, 160, 160]);
    expect(enc.trainableVariables.length).toBe(5 * 6);
    const g = graph(3);
    const step = () => {
      const { value, grads } = tf.variableGrads(() => weighted(enc.encode(g, { training: true })), enc.trainableVariables);
      tf.dispose([value, grads]);
    };
    step();
    const before = tf.memory().numTensors;
    step();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(g as unknown as tf.TensorContainer);
    enc.dispose();
  });

  it('same seed, same weights; saved and loaded through JSON, the same outputs', async () => {
    const [a, b] = [
      ginEncoder({ featureSize: F, hidden: 4, layers: 2, seed: 9 }),
      ginEncoder({ featureSize: F, hidden: 4, layers: 2, seed: 9 }),
    ];
    a.model.getWeights().forEach((w, i) => expectClose(w, b.model.getWeights()[i], 0));
    let saved: tf.io.ModelArtifacts | undefined;
    await a.model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const loaded = GraphEncoder.fromModel(
      await tf.loadLayersModel(
        tf.io.fromMemory({
          modelTopology: JSON.parse(JSON.stringify(saved!.modelTopology)),
          weightSpecs: saved!.weightSpecs,
          weightData: saved!.weightData,
          userDefinedMetadata: JSON.parse(JSON.stringify(saved!.userDefinedMetadata)),
        }),
      ),
    );
    expect(loaded.config).toEqual(a.config);
    const g = graph(4);
    const [x, y] = [a.encode(g), loaded.encode(g)];
    expectClose(y.global, x.global, 0);
    expectClose(y.local, x.local, 0);
    tf.dispose([x, y, g] as unknown as tf.TensorContainer);
    [a, b, loaded].forEach((e) => e.dispose());
  });

  it('bad options and inputs are typed errors naming what was expected', () => {
    expect(() => ginEncoder({} as { featureSize: number })).toThrow(
      /ginEncoder: option 'featureSize': expected an integer in 1\.\.∞, got undefined/,
    );
    expect(() => ginEncoder({ featureSize: 3, layers: 0 })).toThrow(ConfigError);
    expect(() => ginEncoder({ featureSize: 3, width: 4 } as never)).toThrow(
      /ginEncoder: option 'width': unknown key; known keys: kind, featureSize, hidden, layers, batchNorm, seed/,
    );
    const enc = ginEncoder({ featureSize: F, hidden: 2, layers: 1 });
    const g = graph(5);
    const wide = tf.zeros([8, 4]) as tf.Tensor2D;
    const floats = tf.zeros([12]) as tf.Tensor1D;
    expect(() => enc.encode({ ...g, features: wide })).toThrow(
      /graph.features must be a float32 tensor \[nodes, 3\]; got a float32 tensor of shape \[8,4\]/,
    );
    expect(() => enc.encode({ ...g, target: floats })).toThrow(/graph.target must be an int32 tensor \[12\]/);
    expect(() => enc.encode({ ...g, segmentIds: g.source })).toThrow(/graph.segmentIds must be an int32 tensor \[8\]/);
    expect(() => enc.encode({ ...g, numGraphs: 0 })).toThrow(ShapeError);
    expect(() => new GraphEncoder(tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] }))).toThrow(ConfigError);
    tf.dispose([wide, floats, g] as unknown as tf.TensorContainer);
    enc.dispose();
  });
});
