#!/usr/bin/env node
// Time and accuracy of @infomax/eval on the bundled MNIST digits (8,000 train /
// 2,000 test): the linear probe on raw pixels (784-d) and on a 64-d feature set
// (a fixed, seeded random projection + ReLU of the pixels, standing in for a
// random-init encoder's code), and kNN (k=20, cosine) on both. The same recipes run
// in PyTorch (same standardisation, Adam, batch, epochs, L2 penalty; 1 thread) and,
// when /usr/bin/python3 has scikit-learn, LogisticRegression (lbfgs) — see reference.py.
// Build first: npx tsc -p packages/engine/tsconfig.build.json &&
// npx tsc -p packages/data/tsconfig.build.json && npx tsc -p packages/eval/tsconfig.build.json
// Usage: node tools/bench/eval/run.js [--backend wasm|cpu] [--epochs 100] [--no-python]
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const tf = require('@tensorflow/tfjs');
const { initEngine, Rng } = require('@infomax/engine');
const { loadBundledDigits } = require('@infomax/data');
const { linearProbe, knn, pca } = require('../../../packages/eval/dist');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const backend = arg('backend', 'wasm');
const epochs = Number(arg('epochs', 100));
const python = !process.argv.includes('--no-python');
const OUT = path.join(__dirname, 'out');

/** relu(x·R) for a fixed R [784, 64] of seeded normals scaled by 1/sqrt(784). */
function randomRelu(pixels, n, r) {
  const out = tf.tidy(() => tf.relu(tf.tensor2d(pixels, [n, 784]).matMul(tf.tensor2d(r, [784, 64]))));
  const values = out.dataSync();
  out.dispose();
  return values;
}

async function main() {
  const info = await initEngine({ backend, log: null });
  fs.mkdirSync(OUT, { recursive: true });
  const { train, test } = await loadBundledDigits();
  const pixels = (d) => Float32Array.from(d.images, (v) => v / 255);
  const rng = new Rng(0);
  const r = Float32Array.from({ length: 784 * 64 }, () => rng.normal() / 28);
  const raw = { train: pixels(train), test: pixels(test) };
  const sets = [
    { id: 'pixels', label: 'raw pixels, 784-d', dim: 784, ...raw },
    {
      id: 'relu64',
      label: 'random ReLU projection, 64-d',
      dim: 64,
      train: randomRelu(raw.train, train.count, r),
      test: randomRelu(raw.test, test.count, r),
    },
  ];

  const rows = [];
  for (const s of sets) {
    const common = {
      trainFeatures: s.train,
      trainLabels: train.labels,
      testFeatures: s.test,
      testLabels: test.labels,
      dim: s.dim,
      classes: 10,
    };
    const probe = await linearProbe({ ...common, epochs });
    rows.push({
      set: s.id,
      label: s.label,
      kind: 'probe',
      method: `softmax regression, Adam, ${epochs} epochs`,
      impl: `infomax (${info.backend})`,
      seconds: probe.seconds,
      accuracy: probe.testAccuracy,
    });
    const t0 = performance.now();
    const k = await knn(common);
    rows.push({
      set: s.id,
      label: s.label,
      kind: 'knn',
      method: 'kNN k=20 cosine',
      impl: `infomax (${info.backend})`,
      seconds: (performance.now() - t0) / 1000,
      accuracy: k.testAccuracy,
    });
    const t1 = performance.now();
    const fit = await pca(s.test, s.dim, { k: 2 });
    rows.push({
      set: s.id,
      label: s.label,
      kind: 'pca',
      method: `PCA (k = 2) of the ${test.count} test rows`,
      impl: `infomax (${info.backend})`,
      seconds: (performance.now() - t1) / 1000,
      accuracy: null,
      explained: Array.from(fit.explainedVarianceRatio),
    });
    console.error(
      `${s.label}: probe ${(100 * probe.testAccuracy).toFixed(2)}% in ${probe.seconds.toFixed(1)} s, kNN ${(100 * k.testAccuracy).toFixed(2)}%`,
    );
    fs.writeFileSync(path.join(OUT, `${s.id}-train.f32`), Buffer.from(s.train.buffer));
    fs.writeFileSync(path.join(OUT, `${s.id}-test.f32`), Buffer.from(s.test.buffer));
  }
  fs.writeFileSync(path.join(OUT, 'train-labels.i32'), Buffer.from(train.labels.buffer, train.labels.byteOffset, train.labels.byteLength));
  fs.writeFileSync(path.join(OUT, 'test-labels.i32'), Buffer.from(test.labels.buffer, test.labels.byteOffset, test.labels.byteLength));

  let note = 'python reference skipped (--no-python)';
  if (python) {
    const spec = { dir: OUT, epochs, sets: sets.map((s) => ({ id: s.id, dim: s.dim })), nTrain: train.count, nTest: test.count };
    const ref = spawnSync('/usr/bin/python3', [path.join(__dirname, 'reference.py'), JSON.stringify(spec)], {
      encoding: 'utf8',
      env: { ...process.env, OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' },
    });
    if (ref.status !== 0) throw new Error(`reference.py failed:\n${ref.stderr}`);
    const out = JSON.parse(ref.stdout);
    note = out.notes.join('; ');
    for (const r of out.rows) rows.push({ ...r, label: sets.find((s) => s.id === r.set).label });
  }

  console.log(`| features | method | implementation | seconds | × infomax time | test accuracy (PCA: explained) |`);
  console.log(`|---|---|---|---|---|---|`);
  // Grouped by feature set, then probe before kNN; infomax first within a group.
  const order = (r) =>
    sets.findIndex((s) => s.id === r.set) * 10 + (r.kind === 'knn' ? 3 : r.kind === 'pca' ? 6 : 0) + (r.impl.startsWith('infomax') ? 0 : 1);
  rows.sort((a, b) => order(a) - order(b));
  for (const r of rows) {
    const base = rows.find((b) => b.set === r.set && b.kind === r.kind);
    const ratio = (r.seconds / base.seconds).toFixed(2);
    const score = r.kind === 'pca' ? r.explained.map((e) => `${(100 * e).toFixed(2)}%`).join(' + ') : `${(100 * r.accuracy).toFixed(2)}%`;
    console.log(`| ${r.label} | ${r.method} | ${r.impl} | ${r.seconds.toFixed(2)} | ${ratio} | ${score} |`);
  }
  console.log(`\n${note}`);
  fs.writeFileSync(
    path.join(OUT, 'results.json'),
    JSON.stringify({ backend: info.backend, epochs, rows, note, date: new Date().toISOString() }, null, 2),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
