#!/usr/bin/env node
// Throughput of @infomax/encoders' default architectures (wasm by default):
// inference (encode, eval mode) and one training step (forward + backward + Adam on
// a loss over local and global), in images per second, and what naming the outputs
// costs: encode() against the same layers as a plain two-output model (local,
// global without the taps), timed alternately.
// Build first: npx tsc -p packages/engine/tsconfig.build.json &&
// npx tsc -p packages/encoders/tsconfig.build.json. Usage:
//   node tools/bench/encoders/run.js [--backend wasm|cpu] [--reps 5] [--only dcgan28,...]
const fs = require('fs');
const path = require('path');
const tf = require('@tensorflow/tfjs');
const { adam, initEngine } = require('@infomax/engine');
const { buildEncoder } = require('@infomax/encoders');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const backend = arg('backend', 'wasm');
const reps = Number(arg('reps', 5));
const only = arg('only', '');

const CASES = [
  ['dcgan28', 'DCGAN 28×28×1 (trainer default)', { kind: 'dcgan', inputShape: [28, 28, 1] }, 64],
  ['dcgan32', 'DCGAN 32×32×3', { kind: 'dcgan', inputShape: [32, 32, 3] }, 64],
  ['dcgan32bn', 'DCGAN 32×32×3 + batch norm', { kind: 'dcgan', inputShape: [32, 32, 3], batchNorm: true }, 64],
  ['resnet32', 'ResNet-18 layout w=16, 32×32×3', { kind: 'resnet', inputShape: [32, 32, 3] }, 64],
  ['mlp28', 'MLP 512-512, 28×28×1', { kind: 'mlp', inputShape: [28, 28, 1] }, 64],
  [
    'patch',
    'patch encoder 7×7 grid of 8×8×1 (DCGAN 32-64, code 64)',
    { kind: 'patch', grid: [7, 7], encoder: { kind: 'dcgan', inputShape: [8, 8, 1], filters: [32, 64], fc: [] } },
    32,
  ],
  ['alexnet64', 'AlexNet-style 64×64×3 (DIM)', { kind: 'alexnet', inputShape: [64, 64, 3] }, 16],
].filter(([id]) => !only || only.split(',').includes(id));

function ms(fn) {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Median wall time (ms) of fn() after one warm-up call. */
function timeOne(fn) {
  fn();
  return median(Array.from({ length: reps }, () => ms(fn)));
}

/**
 * Times a and b alternately (this machine is shared: load drifts between runs),
 * returning both medians and the median of the per-pair ratios a/b.
 */
function timePair(a, b, pairs) {
  a();
  b();
  const ta = [];
  const tb = [];
  const ratios = [];
  for (let i = 0; i < pairs; i++) {
    ta.push(ms(a));
    tb.push(ms(b));
    ratios.push(ta[i] / tb[i]);
  }
  return { a: median(ta), b: median(tb), ratio: median(ratios) };
}

function images(shape, batch) {
  return tf.randomUniform([batch, ...shape], 0, 1, 'float32', 1);
}

(async () => {
  const info = await initEngine({ backend, log: null });
  const rows = [];
  for (const [id, label, config, batch] of CASES) {
    const enc = buildEncoder(config);
    const x = images(enc.inputShape, batch);
    // The same layers without the output taps: the graph up to each tap's input.
    const plain = tf.model({
      inputs: enc.model.inputs,
      outputs: [enc.model.getLayer('local').input, enc.model.getLayer('global').input],
    });
    const pair = timePair(
      () => {
        const o = enc.encode(x);
        o.global.dataSync();
        tf.dispose([o.local, o.global, ...Object.values(o.taps)]);
      },
      () => {
        const o = plain.apply(x, { training: false });
        o[1].dataSync();
        tf.dispose(o);
      },
      3 * reps,
    );
    const encodeMs = pair.a;
    const optimizer = adam(1e-4);
    const vars = enc.trainableVariables;
    const stepMs = timeOne(() => {
      const loss = optimizer.minimize(
        () =>
          tf.tidy(() => {
            const o = enc.encode(x, { training: true });
            return tf.add(tf.mean(tf.square(o.local)), tf.mean(tf.square(o.global)));
          }),
        true,
        vars,
      );
      loss.dataSync();
      loss.dispose();
    });
    const row = {
      id,
      label,
      batch,
      params: enc.model.countParams(),
      encodeImgPerS: (1000 * batch) / encodeMs,
      trainImgPerS: (1000 * batch) / stepMs,
      stepOverEncode: stepMs / encodeMs,
      encodeOverPlain: pair.ratio,
    };
    rows.push(row);
    console.log(
      `${label.padEnd(58)} B=${String(batch).padStart(3)} params ${(row.params / 1e6).toFixed(2).padStart(6)}M ` +
        `encode ${row.encodeImgPerS.toFixed(0).padStart(6)} img/s  train ${row.trainImgPerS.toFixed(1).padStart(6)} img/s  ` +
        `step/encode ${row.stepOverEncode.toFixed(1).padStart(5)}×  encode/plain ${row.encodeOverPlain.toFixed(2)}×`,
    );
    tf.dispose(x);
    optimizer.dispose();
    enc.dispose();
  }
  const out = path.join(__dirname, 'out');
  fs.mkdirSync(out, { recursive: true });
  const file = path.join(out, `encoders-${backend}.json`);
  fs.writeFileSync(
    file,
    JSON.stringify({ backend: info.backend, threads: info.threads, kernels: info.kernels, reps, node: process.version, rows }, null, 2),
  );
  console.log(`wrote ${path.relative(process.cwd(), file)}; ${info.reason}`);
})();
