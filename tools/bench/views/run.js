#!/usr/bin/env node
// Throughput of @infomax/views at batch 64 on 28×28×1 and 32×32×3 images (wasm by
// default), against the budget views must meet: a view must cost < 10% of a DIM
// training step. Build first: npx tsc -p packages/engine/tsconfig.build.json &&
// npx tsc -p packages/views/tsconfig.build.json. Usage:
//   node tools/bench/views/run.js [--backend wasm|cpu] [--reps 20] [--step-ms 300]
const fs = require('fs');
const path = require('path');
const tf = require('@tensorflow/tfjs');
const { initEngine, Rng } = require('@infomax/engine');
const v = require('@infomax/views');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const backend = arg('backend', 'wasm');
const reps = Number(arg('reps', 20));
// The lead's estimate of one DIM training step (encoder fwd+bwd+Adam, batch 64) on
// this machine; not measured here.
const stepMs = Number(arg('step-ms', 300));
const BATCH = 64;

/** Median wall time of one call, after 3 warm-up calls; outputs disposed untimed. */
function time(fn, images) {
  for (let i = 0; i < 3; i++) tf.dispose(fn(images));
  const times = [];
  for (let i = 0; i < reps; i++) {
    const t0 = process.hrtime.bigint();
    const out = fn(images);
    const t1 = process.hrtime.bigint();
    tf.dispose(out);
    times.push(Number(t1 - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** Forward and backward of sum(view(x)) with respect to x. */
const withGrad = (view) => (x) => tf.tidy(() => tf.grad((t) => tf.addN([].concat(view(t)).map((o) => tf.sum(o))))(x));

function cases(channels) {
  const rng = new Rng(0);
  const seq = (x) => {
    const s = v.patchSequence(x, { size: 8, stride: 4, offsets: 3 });
    return [s.patches, ...s.targets];
  };
  const common = [
    [`patchGrid size ${channels === 1 ? 7 : 8} (no overlap)`, (x) => v.patchGrid(x, { size: channels === 1 ? 7 : 8 })],
    ['patchGrid size 8 stride 4', (x) => v.patchGrid(x, { size: 8, stride: 4 })],
    ['patchGrid size 8 stride 4, fwd+bwd', withGrad((x) => v.patchGrid(x, { size: 8, stride: 4 }))],
    ['patchGrid size 6 stride 5 (gcd 1)', (x) => v.patchGrid(x, { size: 6, stride: 5 })],
    ['patchSequence size 8 stride 4 K=3', seq],
    ['halves rows', (x) => v.halves(x)],
    ['randomResizedCrop scale [0.2,1]', (x) => v.randomResizedCrop(x, { rng, scale: [0.2, 1] })],
    ['horizontalFlip', (x) => v.horizontalFlip(x, { rng })],
    ['gaussianNoise std 0.1', (x) => v.gaussianNoise(x, { rng, std: 0.1 })],
  ];
  if (channels === 1) {
    return [...common, ['colorJitter brightness+contrast 0.4', (x) => v.colorJitter(x, { rng, brightness: 0.4, contrast: 0.4 })]];
  }
  const simclr = (x) =>
    v.randomGrayscale(
      v.colorJitter(v.horizontalFlip(v.randomResizedCrop(x, { rng, scale: [0.2, 1] }), { rng }), {
        rng,
        brightness: 0.4,
        contrast: 0.4,
        saturation: 0.4,
        hue: 0.1,
      }),
      { rng, p: 0.2 },
    );
  return [
    ...common,
    ['rgbToLab', (x) => v.rgbToLab(x)],
    ['rgbToLab fwd+bwd', withGrad((x) => v.rgbToLab(x))],
    ['labToRgb', (x) => v.labToRgb(x)],
    ['labSplit (cmc scale)', (x) => v.labSplit(x)],
    ['rgbToYCbCr', (x) => v.rgbToYCbCr(x)],
    ['channelSplit [1,2]', (x) => v.channelSplit(x, { sizes: [1, 2] })],
    ['colorJitter b/c/s 0.4, hue 0.1', (x) => v.colorJitter(x, { rng, brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1 })],
    ['randomGrayscale p 0.2', (x) => v.randomGrayscale(x, { rng, p: 0.2 })],
    ['multiView: 2 × (crop, flip, jitter, gray)', v.multiView([simclr, simclr])],
    ['multiView: crop → labSplit (CMC L vs ab)', v.multiView([(x) => v.labSplit(v.randomResizedCrop(x, { rng, scale: [0.2, 1] }))])],
  ];
}

async function main() {
  const info = await initEngine({ backend, log: null });
  const rows = [];
  for (const [h, w, c] of [
    [28, 28, 1],
    [32, 32, 3],
  ]) {
    const images = tf.randomUniform([BATCH, h, w, c], 0, 1, 'float32', 1);
    for (const [name, fn] of cases(c)) {
      const before = tf.memory().numTensors;
      const ms = time(fn, images);
      const leaked = tf.memory().numTensors - before;
      rows.push({ input: `${BATCH}×${h}×${w}×${c}`, view: name, ms, pctOfStep: (100 * ms) / stepMs, leaked });
    }
    images.dispose();
  }
  const header =
    `views on ${info.backend} (${info.threads} thread${info.threads === 1 ? '' : 's'}), median of ${reps} calls; ` +
    `% of a ${stepMs} ms DIM step (the lead's estimate, batch 64)`;
  console.log(header);
  console.log('| input | view | ms / call | % of step | leaked tensors |');
  console.log('|---|---|---:|---:|---:|');
  for (const r of rows) {
    console.log(`| ${r.input} | ${r.view} | ${r.ms.toFixed(2)} | ${r.pctOfStep.toFixed(1)}% | ${r.leaked} |`);
  }
  const outDir = path.join(__dirname, 'out');
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `views-${info.backend}.json`);
  fs.writeFileSync(
    file,
    JSON.stringify({ backend: info.backend, threads: info.threads, batch: BATCH, reps, stepMs, node: process.version, rows }, null, 2),
  );
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
