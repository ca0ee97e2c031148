#!/usr/bin/env node
// GEMM throughput on wasm: infomax's SIMD GEMM (FMA and plain builds) against the stock
// tfjs-wasm BatchMatMul (XNNPACK), on the products of a DCGAN training step. As in training,
// the right-hand operand is a fresh tensor on every call (weights change after each step),
// which is what makes XNNPACK repack it.
// Usage: node tools/bench/engine/gemm.js [--reps 5]. Writes out/gemm.json and docs/benchmarks/engine-gemm.md.
const tf = require('@tensorflow/tfjs');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { initEngine, stockKernel } = require('@infomax/engine');

const args = process.argv.slice(2);
const reps = Number(args[args.indexOf('--reps') + 1] || 5) || 5;
// [label, M, N, K, transposeA, transposeB]
const SHAPES = [
  ['dense forward x·W (64×6272 · 6272×1024)', 64, 1024, 6272, false, false],
  ['dense dx = dy·Wᵀ', 64, 6272, 1024, false, true],
  ['dense dW = xᵀ·dy', 6272, 1024, 64, true, false],
  ['conv 14×14×64 → 7×7×128 as im2col GEMM', 3136, 128, 1024, false, false],
  ['square 512³', 512, 512, 512, false, false],
];

(async () => {
  await initEngine({ backend: 'wasm', log: null });
  const be = tf.backend();
  const run = (kernel, a, b, ta, tb) => {
    const fresh = tf.add(b, 0); // a new operand each call, as after an optimizer step
    const out = kernel.kernelFunc({ inputs: { a, b: fresh }, backend: be, attrs: { transposeA: ta, transposeB: tb } });
    be.disposeData(out.dataId);
    fresh.dispose();
  };
  const time = (f) => {
    f();
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) f();
    return (performance.now() - t0) / reps;
  };
  const rows = [];
  for (const [label, m, n, k, ta, tb] of SHAPES) {
    const a = tf.randomNormal(ta ? [1, k, m] : [1, m, k]);
    const b = tf.randomNormal(tb ? [1, n, k] : [1, k, n]);
    const flop = 2 * m * n * k;
    const row = { label, m, n, k, transposeA: ta, transposeB: tb };
    for (const [name, fma] of [
      ['fma', true],
      ['plain', false],
    ]) {
      await initEngine({ backend: 'wasm', log: null, relaxedSimd: fma });
      row[name] = time(() => run(tf.getKernel('BatchMatMul', 'wasm'), a, b, ta, tb));
    }
    await initEngine({ backend: 'wasm', log: null });
    row.xnnpack = time(() => run(stockKernel('BatchMatMul', 'wasm'), a, b, ta, tb));
    row.gflops = { fma: flop / row.fma / 1e6, plain: flop / row.plain / 1e6, xnnpack: flop / row.xnnpack / 1e6 };
    rows.push(row);
    tf.dispose([a, b]);
  }
  const f1 = (v) => v.toFixed(1);
  const table = [
    '| product | infomax, FMA: ms (GFLOP/s) | infomax, plain SIMD: ms (GFLOP/s) | stock XNNPACK: ms (GFLOP/s) | XNNPACK ÷ infomax FMA |',
    '|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.label} | ${f1(r.fma)} (${f1(r.gflops.fma)}) | ${f1(r.plain)} (${f1(r.gflops.plain)}) | ${f1(r.xnnpack)} (${f1(r.gflops.xnnpack)}) | ${(r.xnnpack / r.fma).toFixed(1)}× |`,
    ),
  ];
  console.log(table.join('\n'));
  const meta = { date: new Date().toISOString(), cpu: os.cpus()[0]?.model, node: process.version, reps };
  fs.mkdirSync(path.join(__dirname, 'out'), { recursive: true });
  fs.writeFileSync(path.join(__dirname, 'out', 'gemm.json'), JSON.stringify({ meta, rows }, null, 2));
  const md = [
    '## Engine: the wasm GEMM against XNNPACK',
    '',
    'Each product of a DCGAN train step (28×28×1, batch 64), timed through the BatchMatMul kernel with a fresh right-hand operand on every call, as in training.',
    `Command: \`node tools/bench/engine/gemm.js${args.length ? ' ' + args.join(' ') : ''}\` (${meta.cpu}, Node ${meta.node}, ${meta.date.slice(0, 10)}; mean of ${reps} calls after one warm-up). One thread.`,
    '',
    ...table,
    '',
  ].join('\n');
  fs.writeFileSync(path.join(__dirname, '..', '..', '..', 'docs', 'benchmarks', 'engine-gemm.md'), md);
})();
