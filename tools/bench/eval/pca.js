#!/usr/bin/env node
// Time and agreement of `pca` from @infomax/eval with k components, fitted on the bundled
// MNIST digits' 8,000 training rows and applied to the 2,000 test rows: raw pixels
// (784-d) and a wider set (a fixed, seeded random projection of the pixels to 1,024-d +
// ReLU). Each k runs once with the solver `auto` picks, then for k ≤ 16 also with the
// other solver, to show where they cross. When /usr/bin/python3 has scikit-learn, its
// PCA(n_components=k, svd_solver='full') runs on the same rows (1 thread) and the table
// gives the largest difference of the explained-variance ratios and of the test
// projections (after matching each axis's sign; axes of near-equal variances left out).
// Build first: npx tsc -p packages/engine/tsconfig.build.json &&
// npx tsc -p packages/data/tsconfig.build.json && npx tsc -p packages/eval/tsconfig.build.json
// Usage: node tools/bench/eval/pca.js [--backend wasm|cpu] [--no-python]
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const tf = require('@tensorflow/tfjs');
const { initEngine, Rng } = require('@infomax/engine');
const { loadBundledDigits } = require('@infomax/data');
const { pca, pcaTransform } = require('../../../packages/eval/dist');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const backend = arg('backend', 'wasm');
const python = !process.argv.includes('--no-python');
const OUT = path.join(__dirname, 'out');

/** relu(x·R) for a fixed R [784, width] of seeded normals scaled by 1/sqrt(784). */
async function randomRelu(pixels, n, width) {
  const rng = new Rng(1);
  const r = Float32Array.from({ length: 784 * width }, () => rng.normal() / 28);
  const out = tf.tidy(() => tf.relu(tf.tensor2d(pixels, [n, 784]).matMul(tf.tensor2d(r, [784, width]))));
  const values = await out.data();
  out.dispose();
  return values;
}

/**
 * Max |a − b| over rows and the well-determined axes, each column of b's sign flipped to agree
 * with a's on the column's largest |a|. An axis is well determined when its variance is apart
 * from both neighbours' by more than 1e-4·λ₁: the covariance is a float32 product, and an axis
 * moves by about ‖ΔC‖ / gap (Davis–Kahan); within a cluster of equal variances any rotation of
 * the axes is right.
 */
function projectionDiff(a, b, k, variance) {
  const apart = (c, d) => d < 0 || d >= k || Math.abs(variance[c] - variance[d]) > 1e-4 * variance[0];
  let worst = 0;
  for (let c = 0; c < k; c++) {
    if (!apart(c, c - 1) || !apart(c, c + 1)) continue;
    let big = 0;
    for (let i = 0; i < a.length / k; i++) if (Math.abs(a[i * k + c]) > Math.abs(a[big * k + c])) big = i;
    const sign = Math.sign(a[big * k + c]) === Math.sign(b[big * k + c]) ? 1 : -1;
    for (let i = 0; i < a.length / k; i++) worst = Math.max(worst, Math.abs(a[i * k + c] - sign * b[i * k + c]));
  }
  return worst;
}

async function main() {
  const info = await initEngine({ backend, log: null });
  fs.mkdirSync(OUT, { recursive: true });
  const { train, test } = await loadBundledDigits();
  const pixels = (d) => Float32Array.from(d.images, (v) => v / 255);
  const raw = { train: pixels(train), test: pixels(test) };
  const sets = [
    { id: 'pixels', label: 'raw pixels, 784-d', dim: 784, ...raw, ks: [2, 16, 64, 784] },
    {
      id: 'relu1024',
      label: 'random ReLU projection, 1,024-d',
      dim: 1024,
      train: await randomRelu(raw.train, train.count, 1024),
      test: await randomRelu(raw.test, test.count, 1024),
      ks: [2, 16, 64, 1024],
    },
  ];
  const rows = [];
  for (const s of sets) {
    for (const k of s.ks) {
      // `auto` first; for small k the other solver too, to show where they cross.
      const solvers = ['auto'];
      for (let i = 0; i < solvers.length; i++) {
        const t0 = performance.now();
        const fit = await pca(s.train, s.dim, { k, solver: solvers[i] });
        const fitSeconds = (performance.now() - t0) / 1000;
        const t1 = performance.now();
        const projected = await pcaTransform(fit, s.test);
        const transformSeconds = (performance.now() - t1) / 1000;
        rows.push({ set: s.id, label: s.label, k, solver: fit.solver, picked: i === 0, fitSeconds, transformSeconds, fit, projected });
        console.error(`${s.label}, k = ${k}, ${fit.solver}: ${fitSeconds.toFixed(2)} s`);
        if (i === 0 && k <= 16) solvers.push(fit.solver === 'full' ? 'subspace' : 'full');
      }
    }
    fs.writeFileSync(path.join(OUT, `pca-${s.id}-train.f32`), Buffer.from(s.train.buffer, s.train.byteOffset, s.train.byteLength));
    fs.writeFileSync(path.join(OUT, `pca-${s.id}-test.f32`), Buffer.from(s.test.buffer, s.test.byteOffset, s.test.byteLength));
  }

  let note = 'scikit-learn reference skipped (--no-python)';
  const reference = new Map();
  if (python) {
    const spec = { dir: OUT, sets: sets.map((s) => ({ id: s.id, dim: s.dim, ks: s.ks })) };
    const ref = spawnSync('/usr/bin/python3', [path.join(__dirname, 'pca-reference.py'), JSON.stringify(spec)], {
      encoding: 'utf8',
      env: { ...process.env, OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' },
    });
    if (ref.status !== 0) throw new Error(`pca-reference.py failed:\n${ref.stderr}`);
    const out = JSON.parse(ref.stdout);
    note = out.note;
    for (const r of out.rows) {
      const projected = new Float32Array(fs.readFileSync(path.join(OUT, `pca-${r.set}-sklearn-${r.k}.f32`)).buffer.slice(0));
      reference.set(`${r.set}/${r.k}`, { ...r, projected });
    }
  }

  console.log(
    '| features | k | solver | fit s | transform s (2,000 rows) | Σ explained ratio | scikit-learn fit s | max Δ ratio | max Δ projection |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  const results = [];
  for (const r of rows) {
    const ref = reference.get(`${r.set}/${r.k}`);
    const kept = r.fit.explainedVarianceRatio.reduce((a, b) => a + b, 0);
    const dRatio = ref ? Math.max(...ref.ratio.map((v, i) => Math.abs(v - r.fit.explainedVarianceRatio[i]))) : null;
    const dProjection = ref ? projectionDiff(ref.projected, r.projected, r.k, r.fit.explainedVariance) : null;
    const cell = (v, digits) => (v === null ? '–' : v.toExponential(digits));
    console.log(
      `| ${r.label} | ${r.k} | ${r.solver}${r.picked ? ' (auto)' : ''} | ${r.fitSeconds.toFixed(2)} | ${r.transformSeconds.toFixed(2)} | ` +
        `${(100 * kept).toFixed(2)}% | ${ref ? ref.seconds.toFixed(2) : '–'} | ${cell(dRatio, 1)} | ${cell(dProjection, 1)} |`,
    );
    results.push({
      set: r.set,
      k: r.k,
      solver: r.solver,
      auto: r.picked,
      fitSeconds: r.fitSeconds,
      transformSeconds: r.transformSeconds,
      kept,
      sklearnSeconds: ref?.seconds ?? null,
      dRatio,
      dProjection,
    });
  }
  console.log(`\n${note}`);
  fs.writeFileSync(
    path.join(OUT, 'pca-results.json'),
    JSON.stringify({ backend: info.backend, rows: results, note, date: new Date().toISOString() }, null, 2),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
