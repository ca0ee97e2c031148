#!/usr/bin/env node
// Milliseconds per training step (trainStep: forward + backward + Adam, plus the
// auxiliary step where there is one) of each @infomax/objectives objective at its
// defaults, batch 64, on 28×28×1 and 32×32×3 images, in one process; and, as the
// yardstick, a step of the default DCGAN encoder alone (Adam on mean(local²) +
// mean(global²)), so each objective's cost reads as a multiple of its encoder's.
// Build first: npx tsc -p packages/objectives/tsconfig.build.json (and its dependencies). Usage:
//   node tools/bench/objectives/run.js [--backend wasm|cpu] [--reps 5] [--batch 64] [--only dim-l-28,...]
const fs = require('fs');
const path = require('path');
const tf = require('@tensorflow/tfjs');
const { adam, initEngine, Rng } = require('@infomax/engine');
const { buildEncoder } = require('@infomax/encoders');
const { buildObjective, trainStep } = require('@infomax/objectives');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const backend = arg('backend', 'wasm');
const reps = Number(arg('reps', 5));
const batch = Number(arg('batch', 64));
const only = arg('only', '');

const MNIST = [28, 28, 1];
const CIFAR = [32, 32, 3];
const CASES = [];
for (const [tag, shape] of [
  ['28', MNIST],
  ['32', CIFAR],
]) {
  CASES.push(
    [`enc-${tag}`, 'DCGAN encoder alone (yardstick)', { kind: 'encoder', inputShape: shape }],
    [`dim-l-${tag}`, 'DIM(L), JSD (trainer default)', { kind: 'dim', inputShape: shape }],
    [`dim-l-nce-${tag}`, 'DIM(L), InfoNCE', { kind: 'dim', inputShape: shape, estimator: 'infonce' }],
    [
      `dim-l-nce-all-${tag}`,
      'DIM(L), InfoNCE, negatives every location of the other images (pooled)',
      { kind: 'dim', inputShape: shape, estimator: 'infonce', localNegatives: 'batch+locations' },
    ],
    // The tiled [B·L, B·L] layout MINE alone still takes for the same negatives (28×28 only: ~7 s a step).
    ...(shape[2] === 1
      ? [
          [
            `dim-l-mine-all-${tag}`,
            'DIM(L), MINE, negatives every location of the other images (tiled)',
            { kind: 'dim', inputShape: shape, estimator: 'mine', localNegatives: 'batch+locations' },
          ],
        ]
      : []),
    [`dim-g-${tag}`, 'DIM(G), JSD', { kind: 'dim', inputShape: shape, alpha: 1, beta: 0 }],
    [`dim-lp-${tag}`, 'DIM(L) + prior (γ = 0.1)', { kind: 'dim', inputShape: shape, gamma: 0.1 }],
    shape[2] === 3
      ? [`cmc-${tag}`, 'CMC L vs ab, InfoNCE', { kind: 'cmc', inputShape: shape }]
      : [`cmc-${tag}`, 'CMC top vs bottom half, InfoNCE', { kind: 'cmc', inputShape: shape, views: { kind: 'halves' } }],
    shape[2] === 3
      ? [`cmc3-${tag}`, 'CMC L/a/b full graph, InfoNCE', { kind: 'cmc', inputShape: shape, views: { kind: 'labChannels' }, mode: 'full' }]
      : [
          `cmc3-${tag}`,
          'CMC 3 crops full graph, InfoNCE',
          { kind: 'cmc', inputShape: shape, views: { kind: 'crops', count: 3 }, mode: 'full' },
        ],
    [`cpc-${tag}`, 'CPC 8×8 patches stride 4, K = 2, InfoNCE, negatives batch+locations', { kind: 'cpc', inputShape: shape }],
    [`cpc-b-${tag}`, 'CPC as above, negatives batch only', { kind: 'cpc', inputShape: shape, negatives: 'batch' }],
  );
}
const selected = CASES.filter(([id]) => !only || only.split(',').includes(id));

/** The default DCGAN encoder as a stand-in objective whose loss touches only the encoder. */
function encoderOnly(inputShape) {
  const encoder = buildEncoder({ kind: 'dcgan', inputShape });
  return {
    variables: encoder.trainableVariables,
    auxiliaryVariables: [],
    auxiliaryOptimizers: {},
    loss: (batch, { training }) =>
      tf.tidy(() => {
        const { local, global } = encoder.encode(batch.images, { training });
        return { loss: tf.add(tf.mean(tf.square(local)), tf.mean(tf.square(global))), metrics: {} };
      }),
    dispose: () => encoder.dispose(),
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const info = await initEngine({ backend, log: null });
  const rows = [];
  const rng = new Rng(0);
  // The machine is shared and its load drifts: the cases of one input shape are built
  // together and stepped round-robin, so drift hits them alike and the ratios hold.
  for (const shape of [MNIST, CIFAR]) {
    const group = selected
      .filter(([, , config]) => config.inputShape === shape)
      .map(([id, label, config]) => {
        const objective = config.kind === 'encoder' ? encoderOnly(config.inputShape) : buildObjective(config);
        const optimizer = adam(1e-4);
        const images = tf.randomUniform([batch, ...shape], 0, 1, 'float32', rng.tfSeed());
        trainStep(objective, optimizer, { images }, 0); // warm-up: kernels, Adam slots
        return { id, label, shape, objective, optimizer, images, times: [] };
      });
    const tensors = tf.memory().numTensors;
    for (let step = 1; step <= reps; step++) {
      for (const c of group) {
        const t0 = process.hrtime.bigint();
        trainStep(c.objective, c.optimizer, { images: c.images }, step);
        c.times.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    }
    const leaked = tf.memory().numTensors - tensors;
    for (const c of group) {
      const params = c.objective.variables.reduce((n, v) => n + v.size, 0);
      const row = { id: c.id, label: c.label, shape, msPerStep: median(c.times), min: Math.min(...c.times), params, times: c.times };
      rows.push(row);
      console.error(`${c.id}: ${row.msPerStep.toFixed(0)} ms/step (min ${row.min.toFixed(0)}), ${params} params`);
      c.images.dispose();
      c.optimizer.dispose();
      c.objective.dispose();
    }
    console.error(`${shape.join('×')}: ${leaked} tensors leaked over ${reps} rounds`);
    if (leaked !== 0) process.exitCode = 1;
  }
  const base = {};
  const enc = {};
  for (const r of rows) {
    if (/^dim-l-\d+$/.test(r.id)) base[r.shape.join('×')] = r.msPerStep;
    if (r.id.startsWith('enc-')) enc[r.shape.join('×')] = r.msPerStep;
  }
  const ratio = (a, b) => (b ? (a / b).toFixed(2) : '—');
  const lines = [
    `| objective | input | ms / step (median of ${reps}) | fastest | images / s | × encoder alone | × DIM(L) default | trainable params |`,
    '|---|---|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => {
      const key = r.shape.join('×');
      return `| ${r.label} | ${key} | ${r.msPerStep.toFixed(0)} | ${r.min.toFixed(0)} | ${((batch * 1000) / r.msPerStep).toFixed(0)} | ${ratio(r.msPerStep, enc[key])} | ${ratio(r.msPerStep, base[key])} | ${(r.params / 1e6).toFixed(2)} M |`;
    }),
  ];
  console.log(lines.join('\n'));
  const outDir = path.join(__dirname, 'out');
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `objectives-${backend}.json`);
  fs.writeFileSync(file, JSON.stringify({ backend: info?.backend ?? backend, batch, reps, date: new Date().toISOString(), rows }, null, 2));
  console.error(`wrote ${file}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
