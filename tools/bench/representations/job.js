#!/usr/bin/env node
// One job of the representations benchmark, run by run.js in its own process:
//   node tools/bench/representations/job.js <job id> <result file> [--reprobe]
// Kinds: `unsupervised` (train an objective for a fixed number of steps, then probe
// its encoder), `random` (probe the same encoder at its initialisation), `supervised`
// (train the encoder with labels, then probe it the same way), `pixels` (probe the
// raw pixels) and `halves` (Tschannen et al.'s critic × bound grid on MNIST halves).
// The result JSON is written atomically at the end; a killed job is simply run again.
// Trained jobs also save a checkpoint in the trainer's format (<result>.checkpoints/), so
// --reprobe can probe them again under a new protocol without training again.
const fs = require('fs');
const tf = require('@tensorflow/tfjs');
const { adam, createOptimizer, initEngine, learningRates, Rng } = require('@infomax/engine');
const { buildObjective, trainStep } = require('@infomax/objectives');
const { batchStream } = require('@infomax/data');
const { buildEncoder } = require('@infomax/encoders');
const { halves } = require('@infomax/views');
const { bilinearCritic, separableCritic, concatCritic, infoNce, nwj } = require('@infomax/estimators');
const { loadSplits, imageBatch, probeLayers, writeJsonAtomic, tailMeans } = require('./lib');
const { loadConfig, jobsOf, probeOf, checkpointsOf } = require('./jobs');
const { saveCheckpoint, loadCheckpoint } = require('../../../apps/trainer/dist/checkpoint');
const { stateVariables, restoreVariables } = require('../../../apps/trainer/dist/internal/state');

const LOG_EVERY = 100;
const DIM_LAYERS = ['conv', 'fc', 'code'];

/** `[h, w, c]` of a split. */
const shapeOf = (d) => [d.height, d.width, d.channels];

/**
 * The outputs a probe reads. DIM sees whole images and its code is the encoder's global
 * output, so one encoder pass gives conv, fc and code; CMC and CPC encoders see halves or
 * patches, so only their code (the objective's `embed`) is read.
 */
function probeTargets(objective) {
  if (objective.config.kind === 'dim') {
    const predict = (x) => {
      const out = objective.encoder.encode(x, { training: false });
      return { conv: out.taps.conv, fc: out.taps.fc, code: out.global };
    };
    return { layers: DIM_LAYERS, predict };
  }
  return { layers: ['code'], predict: (x) => ({ code: objective.embed(x) }) };
}

/** Runs `step(batch, i)` on `steps` batches of the training split; returns the per-step metrics and seconds. */
async function trainLoop(train, batchSize, seed, steps, label, step) {
  const records = [];
  const start = performance.now();
  const stream = batchStream(train, { batchSize, seed, epochs: Infinity, dropLast: true });
  for await (const batch of stream) {
    try {
      records.push(step(batch, records.length));
    } finally {
      tf.dispose([batch.images, batch.labels]);
    }
    const n = records.length;
    if (n % LOG_EVERY === 0 || n === steps) {
      const m = tailMeans(records, LOG_EVERY);
      const s = (performance.now() - start) / 1000;
      console.error(
        `  ${label} step ${n}/${steps}, ${(n / s).toFixed(2)} step/s: ${Object.entries(m)
          .map(([k, v]) => `${k} ${v.toFixed(3)}`)
          .join(', ')}`,
      );
    }
    if (n >= steps) break;
  }
  return { records, seconds: (performance.now() - start) / 1000 };
}

/** Probes every layer the objective's encoder offers; the result fields every trained or random job reports. */
async function probed(objective, splits, cfg, job, training = null) {
  const { layers, predict } = probeTargets(objective);
  const t0 = performance.now();
  const probes = await probeLayers(predict, splits, layers, probeOf(cfg, job), job.seed);
  const evalMinutes = (performance.now() - t0) / 60000;
  if (training === null) return { trainMinutes: 0, evalMinutes, layers: probes };
  return { trainMinutes: training.seconds / 60, evalMinutes, finalMetrics: tailMeans(training.records, 50), layers: probes };
}

/** Runs `use(objective, splits)` on the job's objective, built at its seed for its dataset's image shape; disposes it after. */
async function withObjective(job, cfg, use) {
  const splits = await loadSplits(cfg.datasets[job.dataset], job.seed);
  const objective = buildObjective({ seed: job.seed, inputShape: shapeOf(splits.train), ...job.objective });
  try {
    return await use(objective, splits);
  } finally {
    objective.dispose();
  }
}

/** Saves a trained objective as the trainer does (every state variable and the encoder model), beside the job's result. */
function saveTrained(objective, job, output) {
  const variables = stateVariables(objective).map((v) => ({ name: v.name, tensor: v }));
  const position = {
    step: job.steps,
    epoch: 0,
    position: 0,
    epochSeed: job.seed,
    rng: new Rng(job.seed).state(),
    metricsBytes: 0,
    elapsedMs: 0,
  };
  return saveCheckpoint(
    checkpointsOf(output),
    position,
    { objective: objective.config, seed: job.seed },
    { variables },
    objective.encoder.model,
    1,
  );
}

async function unsupervised(job, cfg, output) {
  return withObjective(job, cfg, async (objective, splits) => {
    // A method may set its own batch and step size, and a schedule of it (the trainer's `schedule` section).
    const lr = job.learningRate ?? cfg.learningRate;
    const optimizer = job.schedule ? createOptimizer({ kind: 'adam', lr }) : adam(lr);
    const lrAt = job.schedule ? learningRates(job.schedule, lr) : null;
    try {
      const training = await trainLoop(splits.train, job.batchSize ?? cfg.batchSize, job.seed, job.steps, job.id, (batch, i) => {
        if (lrAt) optimizer.learningRate = lrAt(i);
        return trainStep(objective, optimizer, { images: batch.images }, i);
      });
      await saveTrained(objective, job, output);
      return { threads: job.threads, ...(await probed(objective, splits, cfg, job, training)) };
    } finally {
      optimizer.dispose();
    }
  });
}

async function random(job, cfg) {
  return withObjective(job, cfg, (objective, splits) => probed(objective, splits, cfg, job));
}

/** The DIM encoder (its job's objective: DIM's initialisation at this seed) + a linear softmax layer on its code, cross-entropy. */
async function supervised(job, cfg, output) {
  return withObjective(job, cfg, async (objective, splits) => {
    const classes = splits.classes.length;
    const rng = new Rng(job.seed + 1000);
    const codeSize = objective.encoder.globalSize;
    const limit = Math.sqrt(6 / (codeSize + classes));
    const w = tf.variable(
      tf.tensor2d(
        Float32Array.from({ length: codeSize * classes }, () => (2 * rng.uniform() - 1) * limit),
        [codeSize, classes],
      ),
    );
    const b = tf.variable(tf.zeros([classes]));
    const vars = [...objective.encoder.trainableVariables, w, b];
    const optimizer = adam(cfg.learningRate);
    try {
      const training = await trainLoop(splits.train, cfg.batchSize, job.seed, job.steps, job.id, (batch) => {
        const loss = optimizer.minimize(
          () => {
            const code = objective.encoder.encode(batch.images, { training: true }).taps.code;
            return tf.losses.softmaxCrossEntropy(tf.oneHot(batch.labels, classes), code.matMul(w).add(b));
          },
          true,
          vars,
        );
        const value = loss.dataSync()[0];
        loss.dispose();
        return { cross_entropy: value };
      });
      await saveTrained(objective, job, output);
      return await probed(objective, splits, cfg, job, training);
    } finally {
      optimizer.dispose();
      tf.dispose([w, b]);
    }
  });
}

async function pixels(job, cfg) {
  const splits = await loadSplits(cfg.datasets[job.dataset], 0);
  const t0 = performance.now();
  const probes = await probeLayers((x) => ({ pixels: x }), splits, ['pixels'], probeOf(cfg, job), 0);
  return { trainMinutes: 0, evalMinutes: (performance.now() - t0) / 60000, layers: probes };
}

function buildCritic(spec, dim, seed) {
  const { kind, steps: _steps, ...options } = spec; // steps: the critic's training length, not a critic option
  const base = { xDim: dim, yDim: dim, seed, ...options };
  if (kind === 'bilinear') return bilinearCritic(base);
  if (kind === 'separable') return separableCritic(base);
  if (kind === 'concat') return concatCritic(base);
  throw new Error(`halves.critics: unknown kind '${kind}' (bilinear, separable, concat)`);
}

const BOUNDS = { infonce: infoNce, nwj };

/**
 * Tschannen et al. 2020, section 3: encoders g1 (top half) and g2 (bottom half), a critic
 * on (g1(x1), g2(x2)), one bound maximised. Reports both bounds evaluated on test batches
 * with the trained critic, and the linear probe of g1's code on the top halves.
 */
async function halvesJob(job, cfg) {
  const h = cfg.halves;
  const splits = await loadSplits(cfg.datasets[h.dataset], h.seed);
  const half = [Math.floor(splits.train.height / 2), splits.train.width, splits.train.channels];
  const g1 = buildEncoder({ ...h.encoder, inputShape: half, seed: h.seed });
  const g2 = buildEncoder({ ...h.encoder, inputShape: half, seed: h.seed + 1 });
  const critic = job.critic ? buildCritic(h.critics[job.critic], h.encoder.codeSize, h.seed + 2) : null;
  const topCode = (x) => tf.tidy(() => g1.encode(halves(x)[0]).global);
  const probeTop = () => probeLayers((x) => ({ code: topCode(x) }), splits, ['code'], probeOf(cfg, job), h.seed);
  try {
    if (!critic) return { trainMinutes: 0, layers: await probeTop() };
    const bound = BOUNDS[job.bound];
    const optimizer = adam(h.learningRate);
    const vars = [...g1.trainableVariables, ...g2.trainableVariables, ...critic.variables];
    const scoresOf = (images, training) => {
      const [top, bottom] = halves(images);
      return critic.scores(g1.encode(top, { training }).global, g2.encode(bottom, { training }).global);
    };
    // A critic may set its own step count (the concat critic scores B² pairs through an MLP).
    const steps = h.critics[job.critic].steps ?? h.steps;
    const { records, seconds } = await trainLoop(splits.train, h.batchSize, h.seed, steps, job.id, (batch) => {
      let estimate = 0;
      const loss = optimizer.minimize(
        () => {
          const r = bound(scoresOf(batch.images, true));
          estimate = tf.keep(r.estimate);
          return r.loss;
        },
        true,
        vars,
      );
      const values = { loss: loss.dataSync()[0], estimate: estimate.dataSync()[0] };
      tf.dispose([loss, estimate]);
      return values;
    });
    optimizer.dispose();
    // Both bounds on held-out batches of the training batch size, from one scoring of each batch by the trained critic.
    const names = Object.keys(BOUNDS);
    const sums = new Float64Array(names.length);
    let count = 0;
    for (let first = 0; first + h.batchSize <= splits.test.count; first += h.batchSize) {
      const estimates = tf.tidy(() => {
        const scores = scoresOf(imageBatch(splits.test, first, h.batchSize), false);
        return tf.stack(names.map((n) => BOUNDS[n](scores).estimate));
      });
      estimates.dataSync().forEach((v, i) => (sums[i] += v));
      estimates.dispose();
      count += 1;
    }
    const test = Object.fromEntries(names.map((n, i) => [n, sums[i] / count]));
    return {
      trainMinutes: seconds / 60,
      steps,
      finalMetrics: tailMeans(records, 50),
      testEstimates: test,
      logB: Math.log(h.batchSize),
      layers: await probeTop(),
    };
  } finally {
    g1.dispose();
    g2.dispose();
    critic?.dispose();
  }
}

const KINDS = { unsupervised, random, supervised, pixels, halves: halvesJob };

/**
 * Probes a finished trained job again under the config's current probe protocol, from
 * the checkpoint it saved, and rewrites its result with the new layers; the training
 * fields (minutes, final metrics) are kept.
 */
async function reprobe(job, cfg, output) {
  const previous = JSON.parse(fs.readFileSync(output, 'utf8'));
  const ckpt = await loadCheckpoint(checkpointsOf(output));
  return withObjective(job, cfg, async (objective, splits) => {
    restoreVariables(objective, ckpt.groups, ckpt.dir);
    const { evalMinutes, layers } = await probed(objective, splits, cfg, job);
    return { ...previous, evalMinutes, layers, probe: probeOf(cfg, job), reprobed: new Date().toISOString() };
  });
}

async function main() {
  const [id, output, mode] = process.argv.slice(2);
  const cfg = loadConfig();
  const job = jobsOf(cfg).find((j) => j.id === id);
  if (!job || !output) {
    console.error(
      `usage: job.js <job id> <result file>; ids: ${jobsOf(cfg)
        .map((j) => j.id)
        .join(', ')}`,
    );
    process.exit(2);
  }
  // A method's `threads` are the engine's kernel threads, as the trainer's `--threads` (the same numbers on any count).
  const info = await initEngine({ backend: cfg.backend, threads: job.threads ?? 1, log: null });
  if (mode === '--reprobe') {
    await writeJsonAtomic(output, await reprobe(job, cfg, output));
    return;
  }
  const started = new Date().toISOString();
  const result = await KINDS[job.kind](job, cfg, output);
  await writeJsonAtomic(output, {
    ...job,
    backend: info.backend,
    started,
    finished: new Date().toISOString(),
    probe: probeOf(cfg, job),
    ...result,
  });
}

main().catch((e) => {
  console.error(e.stack ?? String(e));
  process.exit(1);
});
