#!/usr/bin/env node
// One optimizer update over the DCGAN encoder's weights (28×28×1: 6.4M in its dense layer),
// per kind, fused (the engine's InfomaxAdam / InfomaxSgd kernels) against the same optimizer in
// tfjs ops (kernels unregistered) and tfjs's stock optimizer where tfjs has one.
// Usage: node tools/bench/engine/optimizers.js [--seconds 2] [--backends wasm,cpu]
// Writes tools/bench/engine/out/optimizers.json and docs/benchmarks/engine-optimizers.md. Build first (npm run build).
const tf = require('@tensorflow/tfjs');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { initEngine, restoreStockKernels, registerEngineKernels, createOptimizer } = require('@infomax/engine');
const { dcganEncoder } = require('./dcgan');

const args = process.argv.slice(2);
const flag = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i < 0 ? dflt : args[i + 1];
};
const seconds = Number(flag('seconds', 2));
const backends = String(flag('backends', 'wasm,cpu')).split(',');

// [label, engine spec, tfjs's own optimizer of the same rule (null: tfjs has none)]
const KINDS_ALL = [
  ['adam', { kind: 'adam', lr: 1e-4 }, () => tf.train.adam(1e-4)],
  ['adamw (λ 0.01)', { kind: 'adamw', lr: 1e-4, weightDecay: 0.01 }, null],
  ['sgd, momentum 0.9', { kind: 'sgd', lr: 0.01, momentum: 0.9 }, () => tf.train.momentum(0.01, 0.9)],
  ['sgd, nesterov, λ 5e-4', { kind: 'sgd', lr: 0.01, momentum: 0.9, nesterov: true, weightDecay: 5e-4 }, null],
  ['lars (λ 1e-6)', { kind: 'lars', lr: 0.1, weightDecay: 1e-6 }, null],
  ['adam, clipNorm 1', { kind: 'adam', lr: 1e-4, clipNorm: 1 }, null],
];

const only = flag('only', null);
const KINDS = KINDS_ALL.filter(([label]) => only === null || label.startsWith(only));

/** Milliseconds per applyGradients over the encoder's weights, after two warm-up steps. */
function timeUpdate(makeOptimizer) {
  const model = dcganEncoder(28, 28, 1);
  const vars = model.trainableWeights.map((w) => w.read());
  const grads = vars.map((v, i) => ({ name: v.name, tensor: tf.randomNormal(v.shape, 0, 1e-3, 'float32', i + 1) }));
  const opt = makeOptimizer();
  for (let i = 0; i < 2; i++) opt.applyGradients(grads);
  const before = tf.memory().numTensors;
  let n = 0;
  const t0 = performance.now();
  do {
    opt.applyGradients(grads);
    vars[0].dataSync(); // wait for the update where a backend is asynchronous
    n++;
  } while (performance.now() - t0 < seconds * 1000 || n < 5);
  const ms = (performance.now() - t0) / n;
  const leaked = tf.memory().numTensors - before;
  opt.dispose();
  tf.dispose([model, ...grads.map((g) => g.tensor)]);
  return { ms, steps: n, leaked, weights: vars.reduce((s, v) => s + v.size, 0) };
}

async function main() {
  const rows = [];
  for (const backend of backends) {
    await initEngine({ backend, log: null });
    for (const [label, spec, stock] of KINDS) {
      const fused = timeUpdate(() => createOptimizer(spec));
      restoreStockKernels(backend);
      const ops = timeUpdate(() => createOptimizer(spec));
      const tfjs = stock ? timeUpdate(stock) : null;
      registerEngineKernels(backend);
      rows.push({
        backend,
        optimizer: label,
        weights: fused.weights,
        fusedMs: fused.ms,
        opsMs: ops.ms,
        tfjsMs: tfjs?.ms ?? null,
        leaked: fused.leaked + ops.leaked + (tfjs?.leaked ?? 0),
      });
      const r = rows[rows.length - 1];
      console.log(
        `${backend.padEnd(5)} ${label.padEnd(24)} fused ${r.fusedMs.toFixed(1).padStart(7)} ms  tfjs ops ${r.opsMs.toFixed(1).padStart(7)} ms` +
          `  tfjs optimizer ${r.tfjsMs === null ? '      –' : `${r.tfjsMs.toFixed(1).padStart(7)} ms`}  (${(r.opsMs / r.fusedMs).toFixed(1)}×)`,
      );
    }
  }
  const meta = { date: new Date().toISOString(), node: process.version, cpu: os.cpus()[0]?.model, seconds };
  const outDir = path.join(__dirname, 'out');
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'optimizers.json'), JSON.stringify({ meta, rows }, null, 2));
  const fmt = (v) => (v === null ? '–' : v.toFixed(1));
  const md = [
    '# Optimizer updates: fused kernels against tfjs ops',
    '',
    `One \`applyGradients\` over the DCGAN encoder's ${(rows[0].weights / 1e6).toFixed(2)}M weights (28×28×1), ms per update; ` +
      `\`node tools/bench/engine/optimizers.js\` (${meta.cpu}, Node ${meta.node}, ${meta.date.slice(0, 10)}). ` +
      '"tfjs ops" is the same optimizer with the engine\'s kernels unregistered; "tfjs optimizer" is tfjs\'s own, where it has one.',
    '',
    '| backend | optimizer | fused (ms) | tfjs ops (ms) | tfjs optimizer (ms) | speed-up over tfjs ops |',
    '|---|---|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.backend} | ${r.optimizer} | ${fmt(r.fusedMs)} | ${fmt(r.opsMs)} | ${fmt(r.tfjsMs)} | ${(r.opsMs / r.fusedMs).toFixed(1)}× |`,
    ),
    '',
    `Tensors left behind by all ${rows.length * 3} timed loops: ${rows.reduce((s, r) => s + r.leaked, 0)}.`,
    '',
  ].join('\n');
  fs.writeFileSync(path.join(__dirname, '..', '..', '..', 'docs', 'benchmarks', 'engine-optimizers.md'), md);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
