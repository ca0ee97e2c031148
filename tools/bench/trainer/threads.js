#!/usr/bin/env node
// The quick start's training step (DIM(L), JSD, DCGAN 28×28 encoder, batch 64, Adam 1e-4,
// the bundled MNIST digits) on 1 thread and on 2 (`--threads 2`: the engine's
// ExampleParallel, the per-example part split by images), side by side in one process:
// rounds alternate between the two so that both see the same machine load. Also times
// the parts of a step on one thread, to show where the time goes. Prints a table, writes
// docs/benchmarks/trainer-threads.json and the threads section of docs/benchmarks/trainer.md.
//
// Build first: npm run build
// Usage: node tools/bench/trainer/threads.js [--rounds 4] [--steps 15] [--report-only]
const fs = require('fs');
const os = require('os');
const path = require('path');
const tf = require('@tensorflow/tfjs');
const { initEngine, adam, ExampleParallel } = require('@infomax/engine');
const { loadBundledDigits, batchStream } = require('@infomax/data');
const { buildObjective, trainStepAsync } = require('@infomax/objectives');
const { PAGE, writeBetween } = require('./page');
// The engine's own copies between threads, timed alone (internal: not part of its API).
const wire = require('../../../packages/engine/dist/wire-tensor.js');

const ROOT = path.join(__dirname, '..', '..', '..');
const TASK = path.join(ROOT, 'apps', 'trainer', 'dist', 'internal', 'split-task.js');
const JSON_OUT = path.join(ROOT, 'docs', 'benchmarks', 'trainer-threads.json');
const BEGIN = '<!-- threads table: written by tools/bench/trainer/threads.js from trainer-threads.json -->';
const END = '<!-- end of the threads table -->';
const BATCH = 64;

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const load = () => os.loadavg().map((v) => Number(v.toFixed(2)));

/** Median ms of `f` over `n` calls after one warm-up call. */
function timeIt(f, n) {
  f();
  const ms = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    f();
    ms.push(performance.now() - t0);
  }
  return median(ms);
}

/** One-thread times of a step's parts: the per-example part (forward + backward) on the batch and on half, the batch part. */
function profile(objective, images) {
  const split = objective.split();
  const half = tf.slice(images, 0, BATCH / 2);
  const examples = (x) => () =>
    tf.dispose(tf.variableGrads(() => tf.addN(split.examples(x, { training: true }).map((o) => tf.sum(o))), split.variables));
  const outputs = split.examples(images, { training: true });
  const batchPart = () => tf.dispose(tf.grads((...o) => split.batchLoss(o, { training: true, step: 0 }).loss)(outputs));
  const weights = split.variables.reduce((s, v) => s + v.size, 0);
  const shapes = split.variables.map((v) => v.shape);
  const views = wire.sharedViews(new SharedArrayBuffer(wire.sharedBytes(shapes)), shapes);
  // A step's copies: weights out (main) and in (worker), gradients out (worker), in and summed (main).
  const transfer = () => {
    wire.copyInto(views, split.variables);
    wire.assignFrom(split.variables, views);
    wire.copyInto(views, split.variables);
    tf.tidy(() => split.variables.map((v, i) => tf.add(v, wire.tensorOf(views[i], v.shape))));
  };
  const r = {
    examplesFull: timeIt(examples(images), 5),
    examplesHalf: timeIt(examples(half), 5),
    batchPart: timeIt(batchPart, 5),
    transfer: timeIt(transfer, 5),
    perExampleWeights: weights,
  };
  tf.dispose([half, outputs]);
  return r;
}

async function measure(rounds, steps) {
  await initEngine({ backend: 'wasm', log: null });
  const { train } = await loadBundledDigits();
  const runs = [1, 2].map((threads) => ({
    threads,
    objective: buildObjective({ kind: 'dim', inputShape: [28, 28, 1], seed: 0 }),
    optimizer: adam(1e-4),
    ms: [],
  }));
  for (const r of runs)
    r.parallel =
      r.threads > 1
        ? await ExampleParallel.create({ module: TASK, options: { objective: r.objective.config }, threads: r.threads })
        : undefined;
  const stream = batchStream(train, { batchSize: BATCH, seed: 1, epochs: 100, dropLast: true });
  const loadBefore = load();
  let step = 0;
  for (let round = 0; round < rounds; round++) {
    for (const r of runs) {
      for (let i = 0; i < steps + (round === 0 ? 2 : 0); i++) {
        const { value: batch } = await stream.next();
        const t0 = performance.now();
        await trainStepAsync(r.objective, r.optimizer, { images: batch.images }, step++, { parallel: r.parallel });
        if (round > 0 || i >= 2) r.ms.push(performance.now() - t0);
        tf.dispose([batch.images, batch.labels]);
      }
    }
    console.log(
      `round ${round + 1}/${rounds}: ${runs.map((r) => `${r.threads} thread(s) ${median(r.ms).toFixed(0)} ms`).join(', ')} (load ${load().join(', ')})`,
    );
  }
  const { value: batch } = await stream.next();
  const parts = profile(runs[0].objective, batch.images);
  await stream.return(undefined);
  for (const r of runs) await r.parallel?.dispose();
  return {
    command: 'node tools/bench/trainer/threads.js',
    date: new Date().toISOString().slice(0, 10),
    machine: {
      cpus: os.cpus().length,
      model: os.cpus()[0]?.model.trim() ?? 'unknown',
      node: process.version,
      loadBefore,
      loadAfter: load(),
    },
    step: 'DIM(L), JSD, DCGAN 28×28 (conv 64-128, fc 1024, 64-d code), batch 64, Adam 1e-4, bundled digits',
    rounds,
    stepsPerRound: steps,
    runs: runs.map((r) => ({
      threads: r.threads,
      steps: r.ms.length,
      medianStepMs: Number(median(r.ms).toFixed(1)),
      stepsPerSecond: Number((1000 / median(r.ms)).toFixed(2)),
    })),
    profileOneThreadMs: Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, Number(v.toFixed(1))])),
  };
}

function table(b) {
  const [one, two] = b.runs;
  const p = b.profileOneThreadMs;
  // The rest of a one-thread step: Adam, the finiteness checks, the read-back.
  const rest = one.medianStepMs - p.examplesFull - p.batchPart;
  const ideal = p.examplesHalf + p.batchPart + rest + p.transfer;
  const r2 = (v) => v.toFixed(1);
  return [
    `Measured ${b.date} on ${b.machine.cpus} cores (${b.machine.model}), Node ${b.machine.node}; load average ${b.machine.loadBefore.join(', ')} at the start, ` +
      `${b.machine.loadAfter.join(', ')} at the end. ${b.rounds} rounds of ${b.stepsPerRound} steps per thread count, alternating.`,
    '',
    '| threads | median step | steps/s | vs 1 thread |',
    '|---|---|---|---|',
    ...b.runs.map(
      (r) => `| ${r.threads} | ${r.medianStepMs} ms | ${r.stepsPerSecond} | ${(r.stepsPerSecond / one.stepsPerSecond).toFixed(2)}× |`,
    ),
    '',
    'Where the time goes (medians, ms; the parts timed alone on one thread):',
    '',
    '| part | ms |',
    '|---|---|',
    `| per-example part (encoder + local-term heads), forward + backward, 64 images | ${p.examplesFull} |`,
    `| the same on 32 images (one thread's shard) | ${p.examplesHalf} |`,
    `| batch part (scores [64, 64, 49], JSD), forward + backward: on the main thread only | ${p.batchPart} |`,
    `| rest of a one-thread step (Adam, finiteness checks, read-back) | ${r2(rest)} |`,
    `| moving the ${(p.perExampleWeights / 1e6).toFixed(1)} M per-example weights to a worker and its gradients back (4 copies, 1 sum) | ${p.transfer} |`,
    `| 2 threads if the threads never waited: shard + batch part + rest + moving | ${r2(ideal)} |`,
    `| 2 threads, measured; the difference is the threads waiting for each other and for a core | ${two.medianStepMs} (+${r2(two.medianStepMs - ideal)}) |`,
    '',
    `Ratio, 2 threads against 1: **${(two.stepsPerSecond / one.stepsPerSecond).toFixed(2)}×**.`,
  ];
}

async function main() {
  let bench;
  if (process.argv.includes('--report-only')) {
    bench = JSON.parse(fs.readFileSync(JSON_OUT, 'utf8'));
  } else {
    if (!fs.existsSync(TASK)) throw new Error(`${path.relative(ROOT, TASK)} is missing: run npm run build first`);
    bench = await measure(arg('rounds', 4), arg('steps', 15));
    fs.writeFileSync(JSON_OUT, `${JSON.stringify(bench, null, 2)}\n`);
  }
  writeBetween(BEGIN, END, table(bench));
  console.log(table(bench).join('\n'));
  console.log(`wrote ${[JSON_OUT, PAGE].map((f) => path.relative(ROOT, f)).join(', ')}`);
}

main().catch((e) => {
  console.error(`trainer threads bench: ${e.stack}`);
  process.exitCode = 1;
});
