#!/usr/bin/env node
// Train-step throughput of the DCGAN-style encoder (forward + backward + Adam) on every
// backend available here, side by side with PyTorch on the same architecture and threads.
// Usage: node tools/bench/engine/run.js [--seconds 4] [--soak 1000] [--no-stock] [--no-torch]
// Writes tools/bench/engine/out/engine.json and docs/benchmarks/engine.md. Build first (npm run build).
const tf = require('@tensorflow/tfjs');
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const os = require('os');
const { initEngine, restoreStockKernels, registerEngineKernels, DataParallel, adam } = require('@infomax/engine');
const { dcganEncoder, makeStep } = require('./dcgan');

const args = process.argv.slice(2);
const flag = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i < 0 ? dflt : args[i + 1] === undefined || args[i + 1].startsWith('--') ? true : args[i + 1];
};
const seconds = Number(flag('seconds', 4));
const soakSteps = Number(flag('soak', 0));
const shapes = [
  [28, 28, 1, 64],
  [28, 28, 1, 128],
  [32, 32, 3, 64],
  [32, 32, 3, 128],
];

function timeSteps(h, w, c, batch, minSeconds, warmup = 2, minSteps = 3) {
  const model = dcganEncoder(h, w, c);
  const opt = adam(1e-4);
  const step = makeStep(model, opt);
  const x = tf.randomUniform([batch, h, w, c], 0, 1, 'float32', 3);
  for (let i = 0; i < warmup; i++) step(x);
  let n = 0;
  const t0 = performance.now();
  let dt;
  do {
    step(x);
    n++;
    dt = (performance.now() - t0) / 1000;
  } while (dt < minSeconds || n < minSteps);
  tf.dispose([x, model]);
  opt.dispose();
  return { steps: n, seconds: dt, imgPerS: (n * batch) / dt };
}

async function timeParallel(h, w, c, batch, workers, minSeconds) {
  const dp = await DataParallel.create({ module: path.join(__dirname, 'dcgan-task.js'), options: { h, w, c, seed: 1 }, workers });
  const values = new Float32Array(batch * h * w * c).map((_, i) => ((i * 2654435761) % 1000) / 1000);
  const input = [{ values, shape: [batch, h, w, c], dtype: 'float32' }];
  for (let i = 0; i < 2; i++) await dp.step(input);
  let n = 0;
  const t0 = performance.now();
  let dt;
  do {
    await dp.step(input);
    n++;
    dt = (performance.now() - t0) / 1000;
  } while (dt < minSeconds || n < 3);
  await dp.dispose();
  return { steps: n, seconds: dt, imgPerS: (n * batch) / dt };
}

function torchRun(h, w, c, batch, threads) {
  try {
    const out = execFileSync('/usr/bin/python3', [path.join(__dirname, 'torch_step.py'), h, w, c, batch, threads, seconds].map(String), {
      encoding: 'utf8',
      env: { ...process.env, OMP_NUM_THREADS: String(threads) },
    });
    const r = JSON.parse(out.trim().split('\n').pop());
    return { steps: r.steps, seconds: r.seconds, imgPerS: r.img_per_s, torch: r.torch };
  } catch (e) {
    return null;
  }
}

(async () => {
  const rows = [];
  const torchOk =
    !flag('no-torch', false) &&
    (() => {
      try {
        execFileSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' });
        return true;
      } catch {
        return false;
      }
    })();
  await initEngine({ backend: 'wasm', log: null });
  for (const [h, w, c, b] of shapes) {
    const shape = `${h}×${w}×${c}, batch ${b}`;
    const wasm = timeSteps(h, w, c, b, seconds);
    rows.push({ shape, backend: 'wasm + infomax kernels', threads: 1, ...wasm });
    rows.push({ shape, backend: 'wasm + infomax kernels, DataParallel', threads: 2, ...(await timeParallel(h, w, c, b, 2, seconds)) });
    if (torchOk) {
      for (const threads of [1, 2]) {
        const t = torchRun(h, w, c, b, threads);
        if (t) rows.push({ shape, backend: `PyTorch ${t.torch} (CPU)`, threads, ...t });
      }
    }
  }
  if (!flag('no-stock', false)) {
    // Stock tfjs cpu is so slow that one step of the smallest shape is all we time.
    await initEngine({ backend: 'cpu', log: null, fastKernels: false });
    restoreStockKernels('cpu');
    const stock = timeSteps(28, 28, 1, 64, 0, 0, 1);
    rows.push({ shape: '28×28×1, batch 64', backend: 'stock tfjs cpu', threads: 1, ...stock });
    registerEngineKernels('cpu');
    const ours = timeSteps(28, 28, 1, 64, seconds, 1, 2);
    rows.push({ shape: '28×28×1, batch 64', backend: 'cpu + infomax kernels', threads: 1, ...ours });
  }
  let soak = null;
  if (soakSteps > 0) {
    await initEngine({ backend: 'wasm', log: null });
    const model = dcganEncoder(28, 28, 1);
    const opt = adam(1e-4);
    const step = makeStep(model, opt);
    const x = tf.randomUniform([64, 28, 28, 1], 0, 1, 'float32', 3);
    step(x);
    global.gc?.();
    const t0 = tf.memory().numTensors;
    const r0 = process.memoryUsage().rss;
    for (let i = 0; i < soakSteps; i++) step(x);
    global.gc?.();
    soak = {
      steps: soakSteps,
      tensorsBefore: t0,
      tensorsAfter: tf.memory().numTensors,
      rssBeforeMB: r0 / 2 ** 20,
      rssAfterMB: process.memoryUsage().rss / 2 ** 20,
    };
    tf.dispose([x, model]);
    opt.dispose();
  }

  const ref = (shape, threads) => rows.find((r) => r.shape === shape && r.backend.startsWith('PyTorch') && r.threads === threads);
  const fmt = (v, d = 1) => (v == null ? '—' : v.toFixed(d));
  const table = ['| shape | backend | threads | img/s | × PyTorch 1 thread | × PyTorch 2 threads |', '|---|---|---|---|---|---|'];
  for (const r of rows) {
    const p1 = ref(r.shape, 1);
    const p2 = ref(r.shape, 2);
    table.push(
      `| ${r.shape} | ${r.backend} | ${r.threads} | ${fmt(r.imgPerS)} | ${p1 ? fmt(r.imgPerS / p1.imgPerS, 2) : '—'} | ${p2 ? fmt(r.imgPerS / p2.imgPerS, 2) : '—'} |`,
    );
  }
  const stock = rows.find((r) => r.backend === 'stock tfjs cpu');
  const wasm64 = rows.find((r) => r.shape === '28×28×1, batch 64' && r.backend.startsWith('wasm'));
  const lines = [...table, ''];
  if (stock && wasm64)
    lines.push(`wasm + infomax kernels vs stock tfjs cpu (28×28×1, batch 64): ${fmt(wasm64.imgPerS / stock.imgPerS, 0)}×`);
  if (soak)
    lines.push(
      `soak: ${soak.steps} steps (28×28×1, batch 64, wasm): tensors ${soak.tensorsBefore} → ${soak.tensorsAfter}; RSS ${fmt(soak.rssBeforeMB)} → ${fmt(soak.rssAfterMB)} MB (+${fmt(soak.rssAfterMB - soak.rssBeforeMB)} MB)`,
    );
  console.log(lines.join('\n'));

  const outDir = path.join(__dirname, 'out');
  fs.mkdirSync(outDir, { recursive: true });
  const meta = { date: new Date().toISOString(), cpus: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version, seconds };
  fs.writeFileSync(path.join(outDir, 'engine.json'), JSON.stringify({ meta, rows, soak }, null, 2));
  const md = [
    '## Engine: train-step throughput',
    '',
    `DCGAN-style encoder (conv 64-128(-256) 4×4 s2 → fc 1024 → 64), forward + backward + Adam, mean-squared-code loss.`,
    `Command: \`node ${args.length ? `tools/bench/engine/run.js ${args.join(' ')}` : 'tools/bench/engine/run.js'}\` on ${meta.cpus} cores (${meta.cpu}), Node ${meta.node}, ${meta.date.slice(0, 10)}.`,
    'Ratios come from one run on a shared machine; absolute img/s move with load.',
    '',
    ...lines,
    '',
  ].join('\n');
  fs.mkdirSync(path.join(__dirname, '..', '..', '..', 'docs', 'benchmarks'), { recursive: true });
  fs.writeFileSync(path.join(__dirname, '..', '..', '..', 'docs', 'benchmarks', 'engine.md'), md);
})();
