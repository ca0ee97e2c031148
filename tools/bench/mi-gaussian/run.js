#!/usr/bin/env node
// The Gaussian MI staircase of Poole et al. 2019 ("On Variational Bounds of Mutual
// Information", fig. 2): X, Y ∈ R^20, each coordinate pair correlated so that the true
// MI steps through 2, 4, 6, 8, 10 nats; batch 64; separable and concat critics (2×256
// ReLU); Adam 5e-4; every estimator trains its own critic through all stages.
//
// Usage: node tools/bench/mi-gaussian/run.js [--steps 300] [--concat-steps 60] [--jobs 1] [--seed 0]
//          [--critics separable,concat] [--estimators infoNce,nwj,jsd-nwj,dv,mine,smile,interpolated]
//          [--stages 2,4,6,8,10] [--oracle-batches 200] [--no-doc] [--render-only [--also other/summary.json]]
// --steps is per stage (the paper uses 4000); --concat-steps overrides it for the concat
// critic, which costs ~8× more per step (all 64×64 pairs through the MLP). The defaults
// take ~7 min on one core here (separable ~15 ms/step, concat ~110 ms/step); they are a
// smoke run, far too short for the critics to converge. Build first: npx tsc -p packages/estimators/tsconfig.build.json
// Writes tools/bench/mi-gaussian/out/{estimates.csv, summary.json, staircase.svg, staircase.png},
// copies the figure to tools/bench/mi-gaussian/staircase.png and the tables to
// docs/benchmarks/mi-gaussian.md (unless --no-doc). Each report adds the same bounds on the
// optimal critic (no training). --render-only re-renders the doc from the last out/summary.json.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { fork } = require('child_process');

const args = process.argv.slice(2);
const flag = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i < 0 ? dflt : args[i + 1];
};
const OUT = path.join(__dirname, 'out');
const DOC = path.join(__dirname, '..', '..', '..', 'docs', 'benchmarks', 'mi-gaussian.md');

async function worker() {
  const { initEngine } = require('@infomax/engine');
  await initEngine({ backend: 'wasm', log: null });
  const { trainOne } = require('./train');
  process.on('message', ({ critic, estimator, steps, seed, stages }) => {
    const { estimates, msPerStep } = trainOne(critic, estimator, steps, seed, stages);
    process.send({ critic, estimator, steps, estimates: Array.from(estimates), msPerStep });
  });
  process.send({ ready: true });
}

/** Runs every job on `jobs` child processes (each its own single-threaded wasm backend). */
function runAll(tasks, jobs) {
  return new Promise((resolve, reject) => {
    const results = [];
    let next = 0;
    let live = 0;
    const startChild = () => {
      const child = fork(__filename, ['--worker']);
      live++;
      const give = () => {
        if (next >= tasks.length) {
          child.kill();
          if (--live === 0) resolve(results);
          return;
        }
        const task = tasks[next++];
        console.log(`  start ${task.critic}/${task.estimator}`);
        child.send(task);
      };
      child.on('message', (m) => {
        if (!m.ready) {
          results.push(m);
          console.log(`  done  ${m.critic}/${m.estimator}: ${m.msPerStep.toFixed(1)} ms/step`);
        }
        give();
      });
      child.on('error', reject);
      child.on('exit', (code) => {
        if (code !== 0 && code !== null) reject(new Error(`worker exited with ${code}`));
      });
    };
    for (let j = 0; j < Math.min(jobs, tasks.length); j++) startChild();
  });
}

const fmt = (v, digits = 2) => (Math.abs(v) >= 1e4 ? v.toExponential(1) : v.toFixed(digits));

async function main() {
  const { ESTIMATORS, CRITICS, STAGES, DIM, BATCH } = require('./train');
  const { stageStats } = require('./stats');
  const { staircaseSvg } = require('./plot');
  if (args.includes('--render-only')) {
    // Re-render the doc from the last run's out/summary.json (adds the optimal-critic rows; no training, no figure).
    return report(normalize(JSON.parse(fs.readFileSync(path.join(OUT, 'summary.json'), 'utf8'))), true);
  }
  const steps = Number(flag('steps', 300));
  const concatSteps = Number(flag('concat-steps', args.includes('--steps') ? steps : 60));
  const stepsOf = (critic) => (critic === 'concat' ? concatSteps : steps);
  const jobs = Number(flag('jobs', 1));
  const seed = Number(flag('seed', 0));
  const stages = flag('stages', STAGES.join(',')).split(',').map(Number);
  const criticNames = flag('critics', Object.keys(CRITICS).join(',')).split(',');
  const estimatorNames = flag('estimators', Object.keys(ESTIMATORS).join(',')).split(',');
  for (const c of criticNames) if (!CRITICS[c]) throw new Error(`--critics: unknown critic '${c}' (have ${Object.keys(CRITICS)})`);
  for (const e of estimatorNames)
    if (!ESTIMATORS[e]) throw new Error(`--estimators: unknown estimator '${e}' (have ${Object.keys(ESTIMATORS)})`);
  for (const [name, v] of [
    ['steps', steps],
    ['concat-steps', concatSteps],
  ]) {
    if (!(Number.isInteger(v) && v >= 2)) throw new Error(`--${name} must be an integer ≥ 2, got ${flag(name)}`);
  }
  if (!stages.every((mi) => mi > 0)) throw new Error(`--stages must be positive MI values in nats, got ${flag('stages')}`);

  const command = `node tools/bench/mi-gaussian/run.js ${args.join(' ')}`.trim();
  const stepsText = criticNames.map((c) => `${c} ${stepsOf(c)}`).join(', ');
  console.log(
    `${command}\n${criticNames.length * estimatorNames.length} runs × ${stages.length} stages; steps per stage: ${stepsText}; ${jobs} job(s)`,
  );
  const t0 = Date.now();
  // The slowest runs first, so that the last job to finish is a short one.
  const tasks = [...criticNames]
    .reverse()
    .flatMap((critic) => estimatorNames.map((estimator) => ({ critic, estimator, steps: stepsOf(critic), seed, stages })));
  const order = (r) => criticNames.indexOf(r.critic) * 100 + estimatorNames.indexOf(r.estimator);
  const runs = (await runAll(tasks, jobs)).sort((p, q) => order(p) - order(q));
  const wallMinutes = (Date.now() - t0) / 60000;

  const summary = runs.map((r) => ({
    critic: r.critic,
    estimator: r.estimator,
    steps: r.steps,
    msPerStep: r.msPerStep,
    maxEstimate: Math.max(...r.estimates),
    stages: stageStats(Float64Array.from(r.estimates), stages, r.steps),
  }));

  fs.mkdirSync(OUT, { recursive: true });
  const csv = ['critic,estimator,step,stage,true_mi,estimate'];
  for (const r of runs)
    r.estimates.forEach((v, i) =>
      csv.push(`${r.critic},${r.estimator},${i},${Math.floor(i / r.steps)},${stages[Math.floor(i / r.steps)]},${v}`),
    );
  fs.writeFileSync(path.join(OUT, 'estimates.csv'), csv.join('\n') + '\n');
  const labels = Object.fromEntries(Object.entries(ESTIMATORS).map(([k, v]) => [k, v.label]));
  const svg = staircaseSvg({
    runs: runs.map((r) => ({ ...r, estimates: Float64Array.from(r.estimates) })),
    criticNames,
    estimatorNames,
    labels,
    stages,
    logB: Math.log(BATCH),
    title: `MI estimates on correlated Gaussians (d=${DIM}, batch ${BATCH}; steps per stage: ${stepsText})`,
  });
  fs.writeFileSync(path.join(OUT, 'staircase.svg'), svg);
  await require('sharp')(Buffer.from(svg)).png().toFile(path.join(OUT, 'staircase.png'));
  await report(
    {
      command,
      date: new Date().toISOString().slice(0, 10),
      seed,
      jobs,
      stepsText,
      criticNames,
      estimatorNames,
      stages,
      wallMinutes,
      summary,
    },
    false,
  );
}

/** Fills the fields an older out/summary.json lacks from its runs. */
function normalize(saved) {
  const unique = (v) => [...new Set(v)];
  const criticNames = saved.criticNames ?? unique(saved.summary.map((s) => s.critic));
  return {
    ...saved,
    criticNames,
    estimatorNames: saved.estimatorNames ?? unique(saved.summary.map((s) => s.estimator)),
    stages: saved.stages ?? saved.summary[0].stages.map((q) => q.mi),
    jobs: saved.jobs ?? Number((/--jobs (\d+)/.exec(saved.command) ?? [0, 1])[1]),
    stepsText: saved.stepsText ?? criticNames.map((c) => `${c} ${saved.summary.find((s) => s.critic === c).steps}`).join(', '),
  };
}

/** Adds the optimal-critic statistics, prints the tables and checks, writes summary.json and the doc. */
async function report(saved, rendered) {
  const { ESTIMATORS, BATCH, oracleEstimates } = require('./train');
  const { stats } = require('./stats');
  const { initEngine } = require('@infomax/engine');
  await initEngine({ backend: 'wasm', log: null });
  const batches = Number(flag('oracle-batches', 200));
  saved.oracle = Object.fromEntries(
    saved.estimatorNames.map((e) => [
      e,
      oracleEstimates(e, saved.stages, batches, saved.seed).map((v, k) => stats(Array.from(v), saved.stages[k])),
    ]),
  );
  saved.oracleBatches = batches;
  const labels = Object.fromEntries(Object.entries(ESTIMATORS).map(([k, v]) => [k, v.label]));
  const logB = Math.log(BATCH);
  for (const s of saved.summary) {
    const cells = s.stages.map((q) => `${q.mi}: bias ${fmt(q.bias)} var ${fmt(q.variance)} med.err ${fmt(q.medianError)}`);
    console.log(`${s.critic.padEnd(9)} ${s.estimator.padEnd(12)} ${cells.join(' | ')}`);
  }
  for (const [e, rows] of Object.entries(saved.oracle)) {
    console.log(`optimal   ${e.padEnd(12)} ${rows.map((q) => `${q.mi}: bias ${fmt(q.bias)} var ${fmt(q.variance)}`).join(' | ')}`);
  }
  const checks = acceptance(saved.summary, logB);
  for (const line of checks) console.log(line.text);
  fs.mkdirSync(OUT, { recursive: true });
  fs.writeFileSync(path.join(OUT, 'summary.json'), JSON.stringify(saved, null, 1));
  console.log(`wall ${saved.wallMinutes.toFixed(1)} min; wrote ${OUT}`);
  if (!args.includes('--no-doc')) {
    if (!rendered) fs.copyFileSync(path.join(OUT, 'staircase.png'), path.join(__dirname, 'staircase.png'));
    // --also: a second run's summary.json (e.g. longer stages for the acceptance checks), appended.
    const alsoPath = flag('also', null);
    const also = alsoPath ? normalize(JSON.parse(fs.readFileSync(alsoPath, 'utf8'))) : null;
    fs.writeFileSync(
      DOC,
      renderDoc({ ...saved, checks, labels, logB, rendered, also: also && { ...also, checks: acceptance(also.summary, logB) } }),
    );
    console.log(`wrote ${DOC}`);
  }
}

/** The checks on the table: NWJ/DV/SMILE medians at 2 and 4 nats; InfoNCE ≤ log B. */
function acceptance(summary, logB) {
  const lines = [];
  for (const s of summary) {
    if (['nwj', 'dv', 'smile'].includes(s.estimator)) {
      for (const [mi, tol] of [
        [2, 0.25],
        [4, 0.5],
      ]) {
        const q = s.stages.find((x) => x.mi === mi);
        const ok = Math.abs(q.medianError) <= tol;
        lines.push({
          ok,
          text: `${ok ? 'PASS' : 'FAIL'} ${s.critic} ${s.estimator} at ${mi} nats: median ${fmt(q.median, 3)} (error ${fmt(q.medianError, 3)}, allowed ±${tol})`,
        });
      }
    }
    if (s.estimator === 'infoNce') {
      const ok = s.maxEstimate <= logB + 1e-6;
      lines.push({
        ok,
        text: `${ok ? 'PASS' : 'FAIL'} ${s.critic} infoNce: largest estimate over all steps ${fmt(s.maxEstimate, 3)} ≤ log 64 = ${fmt(logB, 3)}`,
      });
    }
  }
  return lines;
}

function renderDoc({
  command,
  date,
  stepsText,
  jobs,
  wallMinutes,
  summary,
  checks,
  criticNames,
  estimatorNames,
  labels,
  logB,
  stages,
  oracle,
  oracleBatches,
  rendered,
  also,
}) {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const stageList = stages.join(' → ');
  const out = [
    '## Estimators: the Gaussian MI staircase (Poole et al. 2019)',
    '',
    `Command: \`${command}\` (build first: \`npx tsc -p packages/estimators/tsconfig.build.json\`), ` +
      `${os.cpus().length} cores (${cpu}), Node ${process.version}, wasm backend, ${jobs} job(s), ${date ?? 'date not recorded'}; wall ${wallMinutes.toFixed(1)} min on a machine shared with other work` +
      (rendered ? '; tables re-rendered from its `out/summary.json` with `--render-only`, which adds the optimal-critic rows.' : '.'),
    '',
    `Setup as in Poole et al. 2019 (fig. 2) except the length: X, Y ∈ R^20, coordinates pairwise correlated, true MI ${stageList} nats, **steps per stage: ${stepsText}** (the paper: 4000), batch 64, ` +
      'Adam 5e-4, critics with two hidden layers of 256 ReLU units (separable: two such MLPs to 32-d embeddings, dot product; concat: one MLP on [x, y] for all 64×64 pairs). ' +
      'Every estimator trains its own critic from the same seed on the same batches. SMILE and JS rows train with the JSD objective and read SMILE (τ=5) or NWJ off the critic; I_α uses α=0.01 with a learned constant log-baseline.',
    '',
    `Statistics per stage over the **last half** of its steps (the first half is the critic catching up with the new MI): bias = mean − truth, variance of the per-batch estimates, MSE = bias² + variance, and the median's error. ` +
      "Stages shorter than the paper's leave the critic under-trained: compare with the optimal-critic table, which shows what each bound gives at batch 64 when the critic is perfect.",
    '',
    '![staircase](../../tools/bench/mi-gaussian/staircase.png)',
    '',
    '### Checks',
    '',
    ...checks.map((c) => `- ${c.text}`),
    '',
    '### Speed',
    '',
    '| critic | ms per training step (median over estimators) | × separable |',
    '|---|---|---|',
  ];
  const med = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
  const speed = Object.fromEntries(criticNames.map((c) => [c, med(summary.filter((s) => s.critic === c).map((s) => s.msPerStep))]));
  for (const c of criticNames) out.push(`| ${c} | ${speed[c].toFixed(1)} | ${(speed[c] / (speed.separable ?? speed[c])).toFixed(2)} |`);
  const header = `| estimator | ${stages.map((mi) => `${mi} nats: bias / var / MSE`).join(' | ')} |`;
  const rule = `|---|${stages.map(() => '---').join('|')}|`;
  const cells = (rows) => rows.map((q) => `${fmt(q.bias)} / ${fmt(q.variance)} / ${fmt(q.mse)}`).join(' | ');
  for (const c of criticNames) {
    out.push('', `### ${c} critic: bias / variance / MSE per stage (nats)`, '');
    out.push(`${header} median error at ${stages.slice(0, 2).join(', ')} |`, `${rule}---|`);
    for (const e of estimatorNames) {
      const s = summary.find((q) => q.critic === c && q.estimator === e);
      if (s)
        out.push(
          `| ${labels[e]} | ${cells(s.stages)} | ${s.stages
            .slice(0, 2)
            .map((q) => fmt(q.medianError))
            .join(', ')} |`,
        );
    }
  }
  if (oracle) {
    out.push(
      '',
      `### Optimal critic (the true log-ratio; ${oracleBatches} fresh batches of 64 per stage): bias / variance / MSE`,
      '',
      "The bound itself at batch 64 with nothing left to learn: InfoNCE's log 64 ceiling, DV's upward mini-batch bias and SMILE's clipping bias at high MI, NWJ's variance growing like e^I. MINE's estimate is DV's; the JS row reads NWJ off the JSD optimum.",
      '',
      header,
      rule,
    );
    for (const e of estimatorNames) if (oracle[e]) out.push(`| ${labels[e]} | ${cells(oracle[e])} |`);
  }
  if (also) {
    const alsoCells = (rows) => rows.map((q) => `${fmt(q.bias)} / ${fmt(q.variance)} / ${fmt(q.mse)}`).join(' | ');
    out.push(
      '',
      `### Longer stages: ${also.stages.join(' → ')} nats, steps per stage ${also.stepsText}`,
      '',
      `Command: \`${also.command}\` (wall ${also.wallMinutes.toFixed(1)} min, ${also.date ?? 'date not recorded'}, same machine and seed; the first two stages only, at the paper's 4000 steps for the separable critic). Bias / variance / MSE over the last half of each stage:`,
      '',
      `| critic | estimator | ${also.stages.map((mi) => `${mi} nats`).join(' | ')} | median error |`,
      `|---|---|${also.stages.map(() => '---').join('|')}|---|`,
    );
    for (const s of also.summary) {
      out.push(`| ${s.critic} | ${labels[s.estimator]} | ${alsoCells(s.stages)} | ${s.stages.map((q) => fmt(q.medianError)).join(', ')} |`);
    }
    out.push('', ...also.checks.map((c) => `- ${c.text}`));
  }
  out.push(
    '',
    `InfoNCE cannot exceed log 64 = ${logB.toFixed(3)} nats: its bias at 6–10 nats is that ceiling, not a training failure.`,
    '',
  );
  // The PyTorch side-by-side (reference.py) is measured separately; its note travels with every re-render.
  const sideBySide = path.join(__dirname, 'side-by-side.md');
  if (fs.existsSync(sideBySide)) out.push(fs.readFileSync(sideBySide, 'utf8').trimEnd(), '');
  return out.join('\n');
}

if (args.includes('--worker')) worker();
else
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
