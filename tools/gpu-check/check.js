#!/usr/bin/env node
// The GPU check (tools/gpu-check/README.md): run it on a machine with a GPU, directly
// (`node tools/gpu-check/check.js --backend webgpu`) or through run.sh where the machine has
// no Node.js:
//  1. initEngine on the GPU backend asked for (default webgpu), printing the adapter;
//  2. kernel checks: every kernel a training step needs, on the GPU against the cpu
//     backend, with the tolerances of the CPU path's tests (relative error ≤ 1e-4);
//  3. a whole DIM(L) training step's loss and gradients against the cpu backend;
//  4. the evaluation path on the GPU (extractFeatures of the DIM code, linearProbe, knn,
//     pca) against the cpu backend: features within 1e-4, the same accuracies;
//  5. DIM(L) (JSD, DCGAN encoder) training throughput on 28×28×1 input at each batch size
//     of --batches (Fashion-MNIST-sized; random pixels: speed does not depend on the values),
//     with trainStepAsync, the trainer's step: metrics read back every step by `await data()`
//     (webgpu's dataSync does not work under Node.js).
// Prints a table and writes JSON to the file given with --json.
// Usage: node tools/gpu-check/check.js [--backend webgpu|tensorflow] [--steps 50] [--batches 64,256] [--json out.json] [--allow-cpu]
// Where no GPU backend is usable it says why and exits 3 (nothing checked). webgpu on a
// software adapter runs every check (the real WebGPU path, on the CPU): with SwiftShader,
//   node apps/webgpu-test/swiftshader.cjs node tools/gpu-check/check.js --backend webgpu --steps 1 --batches 8
const fs = require('fs');
const tf = require('@tensorflow/tfjs');
const { initEngine, Rng } = require('@infomax/engine');
const { buildObjective, trainStepAsync } = require('@infomax/objectives');
const { extractFeatures, knn, linearProbe, pca } = require('@infomax/eval');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const TOLERANCE = 1e-4;

/** ‖a − b‖ / max(‖b‖, 1e-12): the kernel tests' measure. */
function relativeError(a, b) {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-12);
}

const randn = (rng, n) => Float32Array.from({ length: n }, () => rng.normal());

/** Each case: inputs (arrays + shapes) and a function of tensors returning tensors to compare. */
function kernelCases() {
  const rng = new Rng(7);
  const cases = [];
  const conv = (name, xs, ws, stride, pad) => {
    const x = randn(
      rng,
      xs.reduce((a, b) => a * b),
    );
    const w = randn(
      rng,
      ws.reduce((a, b) => a * b),
    );
    cases.push({
      name,
      run: () => {
        const xt = tf.tensor4d(x, xs);
        const wt = tf.tensor4d(w, ws);
        const f = (a, b) => tf.conv2d(a, b, stride, pad).relu().square().sum();
        const y = tf.conv2d(xt, wt, stride, pad);
        const [dx, dw] = tf.grads(f)([xt, wt]);
        return [y, dx, dw];
      },
    });
  };
  conv('conv2d 28×28×1 → 64, 4×4 stride 2 same (+ both gradients)', [64, 28, 28, 1], [4, 4, 1, 64], 2, 'same');
  conv('conv2d 14×14×64 → 128, 4×4 stride 2 same (+ both gradients)', [64, 14, 14, 64], [4, 4, 64, 128], 2, 'same');
  conv('conv2d 9×9×8 → 16, 3×3 stride 1 valid (+ both gradients)', [4, 9, 9, 8], [3, 3, 8, 16], 1, 'valid');
  {
    // tfjs has no gradient for dilated convolutions (CPC's masked context uses them forward only).
    const x = randn(rng, 2 * 12 * 12 * 4);
    const w = randn(rng, 3 * 3 * 4 * 8);
    cases.push({
      name: 'conv2d 12×12×4 → 8, 3×3 dilation 2 same',
      run: () => [tf.conv2d(tf.tensor4d(x, [2, 12, 12, 4]), tf.tensor4d(w, [3, 3, 4, 8]), 1, 'same', 'NHWC', 2)],
    });
  }
  const mats = [
    ['matMul [64, 6272] × [6272, 1024]', [64, 6272], [6272, 1024], false, false],
    ['matMul [64, 256] × [3136, 256]ᵀ', [64, 256], [3136, 256], false, true],
    ['matMul [6272, 64]ᵀ × [6272, 32]', [6272, 64], [6272, 32], true, false],
  ];
  for (const [name, as, bs, ta, tb] of mats) {
    const a = randn(rng, as[0] * as[1]);
    const b = randn(rng, bs[0] * bs[1]);
    cases.push({
      name,
      run: () => {
        const at = tf.tensor2d(a, as);
        const bt = tf.tensor2d(b, bs);
        const [ga, gb] = tf.grads((p, q) => tf.matMul(p, q, ta, tb).square().sum())([at, bt]);
        return [tf.matMul(at, bt, ta, tb), ga, gb];
      },
    });
  }
  {
    const a = randn(rng, 4 * 32 * 16);
    const b = randn(rng, 4 * 16 * 24);
    cases.push({
      name: 'batched matMul [4, 32, 16] × [4, 16, 24]',
      run: () => [tf.matMul(tf.tensor3d(a, [4, 32, 16]), tf.tensor3d(b, [4, 16, 24]))],
    });
  }
  {
    const v = randn(rng, 500 * 8);
    const ids = Int32Array.from({ length: 500 }, () => rng.int(37));
    cases.push({
      name: 'unsortedSegmentSum 500 rows → 37 segments',
      run: () => [tf.unsortedSegmentSum(tf.tensor2d(v, [500, 8]), tf.tensor1d(ids, 'int32'), 37)],
    });
  }
  {
    const s = randn(rng, 64 * 64 * 49).map((x) => 3 * x);
    cases.push({
      name: 'softplus / logSumExp / masked means on [64, 64, 49] scores (+ gradient)',
      run: () => {
        const t = tf.tensor3d(s, [64, 64, 49]);
        const f = (x) => tf.add(tf.softplus(x).mean(), tf.logSumExp(x, 1).mean());
        return [f(t), tf.grad(f)(t)];
      },
    });
  }
  return cases;
}

async function values(tensors) {
  const out = [];
  for (const t of tensors) out.push(await t.data());
  return out;
}

/** Runs a case on a backend, returning its outputs as arrays. */
async function onBackend(backend, run) {
  await tf.setBackend(backend);
  const tensors = tf.tidy(run);
  const out = await values(tensors);
  tf.dispose(tensors);
  return out;
}

/** One DIM(L) JSD step's loss and every gradient, same weights and batch. */
function dimStepCase(rng) {
  const images = Float32Array.from({ length: 16 * 28 * 28 }, () => rng.uniform());
  return async (backend) => {
    await tf.setBackend(backend);
    const objective = buildObjective({ kind: 'dim', inputShape: [28, 28, 1], seed: 3 });
    try {
      const x = tf.tensor4d(images, [16, 28, 28, 1]);
      const vars = objective.variables;
      const { value, grads } = tf.variableGrads(() => objective.loss({ images: x }, { training: true, step: 0 }).loss, vars);
      const out = [await value.data(), ...(await values(vars.map((v) => grads[v.name])))];
      tf.dispose([x, value, ...Object.values(grads)]);
      return out;
    } finally {
      objective.dispose();
    }
  };
}

/**
 * The evaluation path on one backend: a random-init DIM encoder's codes of 1,024 random
 * images, labelled by a fixed linear map of the pixels, then the probe, kNN and PCA.
 */
function evaluationCase() {
  const rng = new Rng(11);
  const n = 1024;
  const pixels = Uint8Array.from({ length: n * 28 * 28 }, () => rng.int(256));
  const map = Float32Array.from({ length: 28 * 28 * 10 }, () => rng.normal());
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = -Infinity;
    for (let k = 0; k < 10; k++) {
      let v = 0;
      for (let p = 0; p < 28 * 28; p++) v += pixels[i * 784 + p] * map[p * 10 + k];
      if (v > best) [best, labels[i]] = [v, k];
    }
  }
  return async (backend) => {
    await tf.setBackend(backend);
    const objective = buildObjective({ kind: 'dim', inputShape: [28, 28, 1], seed: 4 });
    try {
      const features = await extractFeatures((x) => objective.embed(x), pixels, [n, 28, 28, 1], 256);
      const half = (n / 2) * 64;
      const task = {
        trainFeatures: features.subarray(0, half),
        trainLabels: labels.subarray(0, n / 2),
        testFeatures: features.subarray(half),
        testLabels: labels.subarray(n / 2),
        dim: 64,
        classes: 10,
      };
      const probe = await linearProbe({ ...task, epochs: 10, seed: 0 });
      const neighbours = await knn({ ...task, k: 10 });
      const fit = await pca(features, 64, { k: 2 });
      return { features, probe: probe.testAccuracy, knn: neighbours.testAccuracy, explained: fit.explainedVarianceRatio };
    } finally {
      objective.dispose();
    }
  };
}

async function throughput(backend, steps, batchSize) {
  await tf.setBackend(backend);
  const rng = new Rng(1);
  const objective = buildObjective({ kind: 'dim', inputShape: [28, 28, 1], seed: 0 });
  const optimizer = tf.train.adam(1e-4);
  const batch = tf.tensor4d(
    Float32Array.from({ length: batchSize * 28 * 28 }, () => rng.uniform()),
    [batchSize, 28, 28, 1],
  );
  try {
    for (let i = 0; i < 5; i++) await trainStepAsync(objective, optimizer, { images: batch }, i); // warm-up: shader compilation
    const t0 = performance.now();
    let last = null;
    for (let i = 0; i < steps; i++) last = await trainStepAsync(objective, optimizer, { images: batch }, 5 + i);
    const seconds = (performance.now() - t0) / 1000; // each step's metrics were read back, so every step has finished
    return { batch: batchSize, steps, seconds, imgPerS: (steps * batchSize) / seconds, lastLoss: last.loss };
  } finally {
    batch.dispose();
    optimizer.dispose();
    objective.dispose();
  }
}

async function main() {
  const backend = arg('backend', 'webgpu');
  const steps = Number(arg('steps', 50));
  const batches = String(arg('batches', '64')).split(',').map(Number);
  const jsonFile = arg('json', null);
  await initEngine({ backend: 'cpu', log: null, fastKernels: false });
  let info;
  try {
    info = await initEngine({ backend, log: null });
  } catch (e) {
    console.log(`gpu-check: backend ${backend} is not usable here: ${e.message}`);
    process.exit(3);
  }
  // --allow-cpu: run the same checks on a CPU backend (to test this script where there is no GPU).
  // webgpu on a software adapter (SwiftShader) is checked too: the real WebGPU path, run on
  // the CPU; its img/s says nothing about a GPU.
  if (info.device !== 'gpu' && info.backend !== 'webgpu' && !process.argv.includes('--allow-cpu')) {
    console.log(`gpu-check: backend ${backend} runs on ${info.device}, not a GPU; nothing to check`);
    process.exit(3);
  }
  console.log(`gpu-check: ${info.backend} on ${info.device}: ${info.reason}`);
  const rows = [];
  for (const c of kernelCases()) {
    const gpu = await onBackend(backend, c.run);
    const cpu = await onBackend('cpu', c.run);
    const err = Math.max(...gpu.map((g, i) => relativeError(g, cpu[i])));
    rows.push({ name: c.name, relativeError: err, pass: err <= TOLERANCE });
  }
  const step = dimStepCase(new Rng(5));
  const g = await step(backend);
  const c = await step('cpu');
  const stepErr = Math.max(...g.map((v, i) => relativeError(v, c[i])));
  rows.push({ name: `DIM(L) JSD step: loss + ${g.length - 1} gradients, batch 16`, relativeError: stepErr, pass: stepErr <= TOLERANCE });
  const evaluation = evaluationCase();
  const ge = await evaluation(backend);
  const ce = await evaluation('cpu');
  const featureErr = relativeError(ge.features, ce.features);
  rows.push({ name: 'extractFeatures of the DIM code, 1,024 images', relativeError: featureErr, pass: featureErr <= TOLERANCE });
  // Accuracies of 512 test rows: features equal to 1e-4 may still flip a borderline row or two.
  const evalRows = [
    ['linearProbe (10 epochs) test accuracy', ge.probe, ce.probe, 2 / 512],
    ['knn (k = 10) test accuracy', ge.knn, ce.knn, 2 / 512],
    ['pca (k = 2) explained share of the first axis', ge.explained[0], ce.explained[0], 1e-3],
  ];
  for (const [name, g, c, tol] of evalRows) {
    rows.push({ name: `${name}: ${g.toFixed(4)} (cpu ${c.toFixed(4)})`, relativeError: Math.abs(g - c), pass: Math.abs(g - c) <= tol });
  }
  for (const r of rows) console.log(`${r.pass ? 'PASS' : 'FAIL'}  ${r.relativeError.toExponential(2)}  ${r.name}`);
  const throughputs = [];
  for (const b of batches) {
    const t = await throughput(backend, steps, b);
    throughputs.push(t);
    console.log(
      `DIM(L), JSD, DCGAN 28×28×1, batch ${b} on ${backend}: ${t.imgPerS.toFixed(t.imgPerS < 10 ? 2 : 0)} img/s (${steps} steps in ${t.seconds.toFixed(2)} s)`,
    );
  }
  const passed = rows.filter((r) => r.pass).length;
  console.log(`${passed} passed, ${rows.length - passed} failed`);
  if (jsonFile) fs.writeFileSync(jsonFile, `${JSON.stringify({ backend, device: info.device, kernels: rows, throughputs }, null, 2)}\n`);
  process.exitCode = passed === rows.length ? 0 : 1;
}

main().catch((e) => {
  console.error(e.stack ?? String(e));
  process.exit(1);
});
