#!/usr/bin/env node
// The representations benchmark: every method of config.json trained for its step
// budget and probed, beside raw-pixel, random-init and supervised baselines, and
// Tschannen et al.'s critic × bound grid on MNIST halves. One command, resumable:
// each job writes out/results/<job id>.json when it finishes and is skipped next time;
// a job another run.js is running (out/results/<job id>.json.lock, a live pid) is left to it.
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
const RECORD = arg('out', null) === null ? path.join(__dirname, '..', '..', '..', 'docs', 'results', 'results.json') : path.join(OUT, 'results.json');

const resultFile = (id) => path.join(RESULTS, `${id}.json`);

const lockFile = (id) => `${resultFile(id)}.lock`;

/** The pid holding a job's lock when that process is alive (another run.js's job, or a stray one), else null. */
function liveLock(id) {
  let pid;
  try {
    pid = Number(fs.readFileSync(lockFile(id), 'utf8'));
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
}

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

/** Starts one job in its own process (a fresh tfjs engine each), its output in out/logs/<id>.log; resolves to success. */
function runJob(job, cfg) {
  // Decided at launch: a job another process was training when this run started may have saved its checkpoint since.
  const reprobing = stateOf(job, cfg) === 'reprobe';
  const log = path.join(LOGS, `${job.id}${reprobing ? '.reprobe' : ''}.log`);
  fs.mkdirSync(path.dirname(log), { recursive: true });
  fs.mkdirSync(path.dirname(resultFile(job.id)), { recursive: true });
  const fd = fs.openSync(log, 'w');
  const started = Date.now();
  const child = spawn(process.execPath, [path.join(__dirname, 'job.js'), job.id, resultFile(job.id), ...(reprobing ? ['--reprobe'] : [])], { stdio: ['ignore', fd, fd] });
  fs.writeFileSync(lockFile(job.id), String(child.pid));
  return new Promise((resolve) => {
    child.on('close', (code) => {
      fs.closeSync(fd);
      fs.rmSync(lockFile(job.id), { force: true });
      const minutes = ((Date.now() - started) / 60000).toFixed(1);
      console.log(`${code === 0 ? 'done  ' : 'FAILED'} ${job.id}${reprobing ? ' (probed again)' : ''} (${minutes} min)${code === 0 ? '' : `: see ${path.relative(process.cwd(), log)}`}`);
      resolve(code === 0);
    });
  });
}

/**
 * Runs the jobs that are not `finished`, at most `parallel` at a time, counting jobs that
 * another process holds (a lock with a live pid) against the limit and leaving them to it.
 * @returns the number of jobs that failed
 */
async function schedule(todo, parallel, finished, cfg) {
  let failed = 0;
  const mine = new Map();
  const pending = [...todo];
  for (;;) {
    const others = pending.filter((j) => !mine.has(j.id) && liveLock(j.id) !== null);
    const ready = pending.filter((j) => !mine.has(j.id) && !finished(j) && liveLock(j.id) === null);
    if (mine.size + others.length < parallel && ready.length > 0) {
      const job = ready[0];
      mine.set(job.id, runJob(job, cfg).then((ok) => {
        if (!ok) failed += 1;
        mine.delete(job.id);
        pending.splice(pending.indexOf(job), 1);
      }));
      continue;
    }
    if (mine.size === 0 && others.length === 0 && ready.length === 0) return failed;
    // Wait for one of ours to finish, or poll the others' locks.
    await Promise.race([...mine.values(), new Promise((r) => setTimeout(r, 5000))]);
    for (const j of [...pending]) if (!mine.has(j.id) && finished(j)) pending.splice(pending.indexOf(j), 1);
  }
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
    failed = await schedule(todo, parallel, finished, cfg);
  }
  const results = all.filter((j) => fs.existsSync(resultFile(j.id))).map((j) => JSON.parse(fs.readFileSync(resultFile(j.id), 'utf8')));
  const record = updateRecord(cfg, all, readRecord(RECORD), results);
  fs.mkdirSync(path.dirname(RECORD), { recursive: true });
  await writeFileAtomic(RECORD, formatRecord(record));
  const written = await writeReport(cfg, all, record, arg('out', null) === null ? null : OUT);
  console.log(`${results.length} of ${all.length} jobs' results in ${path.relative(process.cwd(), RESULTS)}, ${record.groups.length + record.halves.length} recorded entries; ` +
    `wrote ${[RECORD, ...written].map((f) => path.relative(process.cwd(), f)).join(', ')}`);
  if (failed > 0) {
    console.error(`${failed} job(s) failed; run the command again to retry them`);
    process.exitCode = 1;
  }
}

main().catch((e) => {
  console.error(e.message);
  process.exitCode = 2;
});
