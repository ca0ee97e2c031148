#!/usr/bin/env node
// The quick start's training step (DIM(L), JSD, DCGAN 28×28 encoder, batch 64, Adam 1e-4,
// the bundled MNIST digits) on 1 kernel thread and on 2 (`--threads 2`: the engine's
// kernel threads, which split each large GEMM, im2col and Adam call), side by side in one
// process: rounds alternate between the two so that both see the same machine load. Then
// the same with another process keeping one core busy, and a check that 2 threads give
// the weights of 1 bit for bit. Prints a table, writes docs/benchmarks/trainer-threads.json
// and the threads section of docs/benchmarks/trainer.md.
//
// Build first: npm run build
// Usage: node tools/bench/trainer/threads.js [--rounds 6] [--steps 15] [--busy-rounds 3] [--report-only]
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');
const tf = require('@tensorflow/tfjs');
const { initEngine, adam, useKernelThreads, kernelThreads } = require('@infomax/engine');
const { loadBundledDigits, batchStream } = require('@infomax/data');
const { buildObjective, trainStepAsync } = require('@infomax/objectives');
const { PAGE, writeBetween } = require('./page');

const ROOT = path.join(__dirname, '..', '..', '..');
const JSON_OUT = path.join(ROOT, 'docs', 'benchmarks', 'trainer-threads.json');
const BEGIN = '<!-- threads table: written by tools/bench/trainer/threads.js from trainer-threads.json -->';
const END = '<!-- end of the threads table -->';
const BATCH = 64;
const OBJECTIVE = { kind: 'dim', inputShape: [28, 28, 1], seed: 0 };

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const load = () => os.loadavg().map((v) => Number(v.toFixed(2)));

/** Median step (ms) on 1 and on 2 threads: `rounds` alternating rounds of `steps` steps (2 warm-up steps first). */
async function alternate(stream, rounds, steps, label) {
  const runs = [1, 2].map((threads) => ({ threads, objective: buildObjective(OBJECTIVE), optimizer: adam(1e-4), ms: [], step: 0 }));
  for (let round = 0; round < rounds; round++) {
    for (const r of runs) {
      useKernelThreads(r.threads);
      for (let i = 0; i < steps + (round === 0 ? 2 : 0); i++) {
        const { value: batch } = await stream.next();
        const t0 = performance.now();
        await trainStepAsync(r.objective, r.optimizer, { images: batch.images }, r.step++);
        if (round > 0 || i >= 2) r.ms.push(performance.now() - t0);
        tf.dispose([batch.images, batch.labels]);
      }
    }
    console.log(
      `${label} round ${round + 1}/${rounds}: ${runs.map((r) => `${r.threads} thread(s) ${median(r.ms).toFixed(0)} ms`).join(', ')} (load ${load().join(', ')})`,
    );
  }
  for (const r of runs) {
    r.objective.dispose();
    r.optimizer.dispose();
  }
  return runs.map((r) => ({
    threads: r.threads,
    steps: r.ms.length,
    medianStepMs: Number(median(r.ms).toFixed(1)),
    stepsPerSecond: Number((1000 / median(r.ms)).toFixed(2)),
  }));
}

/** Whether 3 steps on the same batches from the same start give the same weights on 1 and on 2 threads, bit for bit. */
async function sameWeights(train) {
  const weights = [];
  for (const threads of [1, 2]) {
    useKernelThreads(threads);
    const objective = buildObjective(OBJECTIVE);
    const optimizer = adam(1e-4);
    const stream = batchStream(train, { batchSize: BATCH, seed: 7, epochs: 1, dropLast: true });
    for (let step = 0; step < 3; step++) {
      const { value: batch } = await stream.next();
      await trainStepAsync(objective, optimizer, { images: batch.images }, step);
      tf.dispose([batch.images, batch.labels]);
    }
    await stream.return(undefined);
    weights.push(objective.variables.map((v) => v.dataSync().slice()));
    objective.dispose();
    optimizer.dispose();
  }
  const [one, two] = weights;
  return one.every((w, i) => w.length === two[i].length && w.every((x, j) => Object.is(x, two[i][j])));
}

/** A process that keeps one core busy until killed. */
function busyCore() {
  return spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
}

async function measure(rounds, steps, busyRounds) {
  const engine = await initEngine({ backend: 'wasm', threads: 2, log: null });
  const { train } = await loadBundledDigits();
  const stream = batchStream(train, { batchSize: BATCH, seed: 1, epochs: 100, dropLast: true });
  const loadBefore = load();
  const idle = await alternate(stream, rounds, steps, 'idle');
  const loadAfter = load();
  let busy = null;
  if (busyRounds > 0) {
    const hog = busyCore();
    try {
      busy = await alternate(stream, busyRounds, steps, 'one core busy');
    } finally {
      hog.kill();
    }
  }
  await stream.return(undefined);
  const identical = await sameWeights(train);
  return {
    command: 'node tools/bench/trainer/threads.js',
    date: new Date().toISOString().slice(0, 10),
    engine: engine.reason,
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model.trim() ?? 'unknown', node: process.version, loadBefore, loadAfter },
    step: 'DIM(L), JSD, DCGAN 28×28 (conv 64-128, fc 1024, 64-d code), batch 64, Adam 1e-4, bundled digits',
    rounds,
    stepsPerRound: steps,
    busyRounds,
    runs: idle,
    busyRuns: busy,
    splitCalls: kernelThreads().calls,
    identicalWeights: identical,
  };
}

function table(b) {
  const rows = (runs) =>
    runs.map(
      (r) => `| ${r.threads} | ${r.medianStepMs} ms | ${r.stepsPerSecond} | ${(r.stepsPerSecond / runs[0].stepsPerSecond).toFixed(2)}× |`,
    );
  const [one, two] = b.runs;
  return [
    `Measured ${b.date} on ${b.machine.cpus} cores (${b.machine.model}), Node ${b.machine.node}; load average ${b.machine.loadBefore.join(', ')} at the start, ` +
      `${b.machine.loadAfter.join(', ')} at the end. ${b.rounds} rounds of ${b.stepsPerRound} steps per thread count, alternating; \`${b.engine}\`.`,
    '',
    '| threads | median step | steps/s | vs 1 thread |',
    '|---|---|---|---|',
    ...rows(b.runs),
    '',
    `Ratio, 2 threads against 1: **${(two.stepsPerSecond / one.stepsPerSecond).toFixed(2)}×**. ` +
      `Three steps from the same start on the same batches give ${b.identicalWeights ? 'the same weights on 1 and 2 threads, bit for bit' : '**different weights** on 1 and 2 threads'}.`,
    ...(b.busyRuns
      ? [
          '',
          `With another process keeping one core busy (a busy loop; ${b.busyRounds} rounds):`,
          '',
          '| threads | median step | steps/s | vs 1 thread |',
          '|---|---|---|---|',
          ...rows(b.busyRuns),
        ]
      : []),
  ];
}

async function main() {
  let bench;
  if (process.argv.includes('--report-only')) {
    bench = JSON.parse(fs.readFileSync(JSON_OUT, 'utf8'));
  } else {
    bench = await measure(arg('rounds', 6), arg('steps', 15), arg('busy-rounds', 3));
    fs.writeFileSync(JSON_OUT, `${JSON.stringify(bench, null, 2)}\n`);
  }
  writeBetween(BEGIN, END, table(bench));
  console.log(table(bench).join('\n'));
  console.log(`wrote ${[JSON_OUT, PAGE].map((f) => path.relative(ROOT, f)).join(', ')}`);
  process.exit(0);
}

main().catch((e) => {
  console.error(`trainer threads bench: ${e.stack}`);
  process.exit(1);
});
