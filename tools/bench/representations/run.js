#!/usr/bin/env node
// The representations benchmark: every method of config.json trained for its step
// budget and probed, beside raw-pixel, random-init and supervised baselines, and
// Tschannen et al.'s critic × bound grid on MNIST halves. One command, resumable:
// each job writes out/results/<job id>.json when it finishes and is skipped next time.
// Jobs run in the trainer's sweep pool, --parallel at a time; each holds the trainer's
// run-folder lock on out/locks/<job id>/ while it runs, so a job another live run.js holds
// is left to it, and a job stops itself when its run.js dies.
// Ends by folding the results into the record (docs/results/results.json, committed) and
// writing docs/results.md and its plots from it; --report-only renders the record alone.
//
// Build first: npm run build (or npx nx run-many -t build)
// Usage: node tools/bench/representations/run.js [--parallel 2] [--only <id prefix>] [--report-only] [--list]
//   [--reprobe]   (results probed under another protocol than config.json's `probe` are probed again:
//                  from the checkpoint a trained job saved, else by running the job again)
//   [--config <file> --out <dir>]   (a trial with other settings: results and report go under <dir>)
const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');
const { loadConfig, jobsOf, probedAsConfigured, checkpointsOf } = require('./jobs');
const { writeReport } = require('./report');
const { readRecord, updateRecord, formatRecord } = require('./record');
const { writeFileAtomic } = require('@infomax/engine');
const TRAINER = path.join(__dirname, '..', '..', '..', 'apps', 'trainer', 'dist');
const { RunLock } = require(path.join(TRAINER, 'run-lock'));
const { runPool } = require(path.join(TRAINER, 'sweep', 'pool'));
/** Preloaded into each job: it stops when its run.js is gone. */
const ORPHAN_GUARD = path.join(TRAINER, 'sweep', 'orphan-guard.js');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

// --config and --out give a smaller trial its own settings and results (the report then goes under --out too).
if (arg('config', null)) process.env.INFOMAX_REPRESENTATIONS_CONFIG = path.resolve(arg('config'));
const OUT = path.resolve(arg('out', path.join(__dirname, 'out')));
const RESULTS = path.join(OUT, 'results');
const LOGS = path.join(OUT, 'logs');
// A trial keeps its own record beside its results; the benchmark's is committed beside the figures of docs/results.md.
const RECORD =
  arg('out', null) === null ? path.join(__dirname, '..', '..', '..', 'docs', 'results', 'results.json') : path.join(OUT, 'results.json');

const resultFile = (id) => path.join(RESULTS, `${id}.json`);

/** The folder whose lock a running job holds. */
const lockDir = (id) => path.join(OUT, 'locks', id);

/** Whether a job's result exists and was probed under its protocol. */
function current(job, cfg) {
  if (!fs.existsSync(resultFile(job.id))) return false;
  return probedAsConfigured(cfg, JSON.parse(fs.readFileSync(resultFile(job.id), 'utf8')));
}

/** Whether a stale result can be probed again without training: a trained job that saved its checkpoint. */
const reprobable = (job) => fs.existsSync(path.join(checkpointsOf(resultFile(job.id)), 'latest'));

/** Where a job stands: 'todo' (no result), 'done' (probed under its protocol), 'reprobe' (stale, with a checkpoint to probe again) or 'rerun' (stale, to run again). */
function stateOf(job, cfg) {
  if (!fs.existsSync(resultFile(job.id))) return 'todo';
  if (current(job, cfg)) return 'done';
  return reprobable(job) ? 'reprobe' : 'rerun';
}

const STATE_LABELS = { todo: 'todo', done: 'done', reprobe: 'stale (probe again)', rerun: 'stale (run again)' };

/**
 * Runs one job in its own process (a fresh tfjs engine each), its output in out/logs/<id>.log,
 * holding the job's lock; resolves to success. A job whose lock another live process holds is left to it.
 */
async function runJob(job, cfg) {
  fs.mkdirSync(lockDir(job.id), { recursive: true });
  let lock;
  try {
    lock = RunLock.acquire(lockDir(job.id), 'the representations benchmark');
  } catch (e) {
    if (e.name !== 'RunBusyError') throw e;
    console.log(`left   ${job.id} to the process running it (${/pid \d+ on [^,]+/.exec(e.message)?.[0] ?? 'starting now'})`);
    return true;
  }
  // Decided at launch: a job another process was training when this run started may have saved its checkpoint since.
  const reprobing = stateOf(job, cfg) === 'reprobe';
  const log = path.join(LOGS, `${job.id}${reprobing ? '.reprobe' : ''}.log`);
  fs.mkdirSync(path.dirname(log), { recursive: true });
  fs.mkdirSync(path.dirname(resultFile(job.id)), { recursive: true });
  const fd = fs.openSync(log, 'w');
  const started = Date.now();
  const child = spawn(
    process.execPath,
    ['-r', ORPHAN_GUARD, path.join(__dirname, 'job.js'), job.id, resultFile(job.id), ...(reprobing ? ['--reprobe'] : [])],
    { stdio: ['ignore', fd, fd] },
  );
  fs.closeSync(fd);
  const code = await new Promise((resolve) => child.on('close', resolve));
  lock.release();
  const minutes = ((Date.now() - started) / 60000).toFixed(1);
  console.log(
    `${code === 0 ? 'done  ' : 'FAILED'} ${job.id}${reprobing ? ' (probed again)' : ''} (${minutes} min)${code === 0 ? '' : `: see ${path.relative(process.cwd(), log)}`}`,
  );
  return code === 0;
}

async function main() {
  const cfg = loadConfig();
  const all = jobsOf(cfg);
  const only = arg('only', null);
  const parallel = Number(arg('parallel', 2));
  if (!Number.isInteger(parallel) || parallel < 1) throw new Error(`--parallel must be a positive integer, got '${arg('parallel')}'`);
  const wanted = all.filter((j) => only === null || j.id.startsWith(only));
  const again = process.argv.includes('--reprobe');
  if (process.argv.includes('--list')) {
    for (const j of wanted) console.log(`${STATE_LABELS[stateOf(j, cfg)]}  ${j.id}`);
    return;
  }
  let failed = 0;
  if (!process.argv.includes('--report-only')) {
    // A job is finished when its result exists (with --reprobe: and was probed under the config's protocol).
    const finished = again ? (j) => current(j, cfg) : (j) => fs.existsSync(resultFile(j.id));
    const todo = wanted.filter((j) => !finished(j));
    console.log(`${todo.length} of ${wanted.length} jobs to run, ${parallel} at a time; logs in ${path.relative(process.cwd(), LOGS)}`);
    await runPool(todo, parallel, async (job) => {
      // Another run.js may have finished it meanwhile.
      if (!finished(job) && !(await runJob(job, cfg))) failed += 1;
    });
  }
  const results = all.filter((j) => fs.existsSync(resultFile(j.id))).map((j) => JSON.parse(fs.readFileSync(resultFile(j.id), 'utf8')));
  const record = updateRecord(cfg, all, readRecord(RECORD), results);
  fs.mkdirSync(path.dirname(RECORD), { recursive: true });
  await writeFileAtomic(RECORD, formatRecord(record));
  const written = await writeReport(cfg, all, record, arg('out', null) === null ? null : OUT);
  console.log(
    `${results.length} of ${all.length} jobs' results in ${path.relative(process.cwd(), RESULTS)}, ${record.groups.length + record.halves.length} recorded entries; ` +
      `wrote ${[RECORD, ...written].map((f) => path.relative(process.cwd(), f)).join(', ')}`,
  );
  if (failed > 0) {
    console.error(`${failed} job(s) failed; run the command again to retry them`);
    process.exitCode = 1;
  }
}

main().catch((e) => {
  console.error(e.message);
  process.exitCode = 2;
});
