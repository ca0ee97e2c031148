/**
 * Sweeps end to end with the built command: a grid of 8 short cells on the embedded runner
 * (run twice: the second records nothing), then the same grid on Redis with two worker
 * processes, one killed with SIGKILL mid-cell. Every cell must be recorded exactly once,
 * the killed cell must resume from its checkpoint and end bit for bit as the uninterrupted
 * run, and both runners must write the same summary, byte for byte.
 */
import { Queue } from 'bullmq';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EXIT } from '../errors';
import { LOCK_FILE } from '../run-lock';
import { buildCli, errorLines, metricsWithoutTime, runCli, startCli, waitFor, writeTinyConfig } from '../test-utils/cli';
import { redisMissing, startRedis, type TestRedis } from '../test-utils/redis';
import { QUEUE_NAME } from './queue';
import type { CellResult } from './result';

const SUMMARIES = ['summary.md', 'summary.csv', 'summary.json'];
let tmp: string;
let grid: string;
let ids: string[];

beforeAll(() => {
  buildCli();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'infomax-sweep-'));
  const tiny = writeTinyConfig(tmp);
  // 24 steps with a checkpoint every 4: long enough to be killed between checkpoints.
  fs.writeFileSync(tiny, fs.readFileSync(tiny, 'utf8').replace('steps: 12', 'steps: 24'));
  grid = path.join(tmp, 'grid.yaml');
  fs.writeFileSync(
    grid,
    [
      'name: tiny',
      'base: tiny.yaml',
      'axes:',
      '  train.learningRate: [1.0e-4, 1.0e-3]',
      '  objective.estimator: [jsd, infonce]',
      'seeds: [0, 1]',
    ].join('\n'),
  );
  ids = ['0.0001', '0.001'].flatMap((lr) =>
    ['jsd', 'infonce'].flatMap((e) => [0, 1].map((s) => `learningRate-${lr}_estimator-${e}_seed-${s}`)),
  );
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const sweepDir = (root: string) => path.join(tmp, root, 'tiny');
const result = (root: string, id: string) =>
  JSON.parse(fs.readFileSync(path.join(sweepDir(root), id, 'result.json'), 'utf8')) as CellResult;
const runsIn = (root: string, id: string) =>
  (fs.readFileSync(path.join(sweepDir(root), id, 'train.log'), 'utf8').match(/^infomax engine:/gm) ?? []).length;
const summaries = (root: string) => SUMMARIES.map((f) => fs.readFileSync(path.join(sweepDir(root), f)));

test('embedded runner, 2 at a time: 8 cells recorded, summary from their metrics; run again, nothing runs or is recorded; --status, --report', async () => {
  const first = await runCli(['sweep', grid, '-o', path.join(tmp, 'local'), '--concurrency', '2']);
  expect(first.code).toBe(EXIT.ok);
  expect(first.stderr.match(/^\[\d\/8\] done /gm)).toHaveLength(8);
  const lines = (id: string) =>
    fs
      .readFileSync(path.join(sweepDir('local'), id, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
  for (const id of ids) {
    const r = result('local', id);
    const all = lines(id);
    const { kind: _k, step: _s, epoch: _e, ms: _ms, ...lastStep } = all.filter((l) => l.kind === 'step').pop();
    expect(r.metrics).toEqual(lastStep);
    expect(r.evaluation.testAccuracy).toBe(all.filter((l) => l.kind === 'eval').pop().testAccuracy);
    expect(r.step).toBe(24);
    expect(runsIn('local', id)).toBe(1);
  }
  // The seed groups: mean and sample std of the two seeds, by hand.
  const json = JSON.parse(fs.readFileSync(path.join(sweepDir('local'), 'summary.json'), 'utf8'));
  expect(json.groups).toHaveLength(4);
  for (const [g, group] of json.groups.entries()) {
    const [a, b] = [ids[2 * g], ids[2 * g + 1]].map((id) => result('local', id).evaluation.testAccuracy);
    expect(group.n).toBe(2);
    expect(group.mean['evaluation.testAccuracy']).toBeCloseTo((a + b) / 2, 12);
    expect(group.std['evaluation.testAccuracy']).toBeCloseTo(Math.abs(a - b) / Math.SQRT2, 12);
  }

  const before = ids.map((id) => fs.statSync(path.join(sweepDir('local'), id, 'result.json')).mtimeMs);
  const again = await runCli(['sweep', grid, '-o', path.join(tmp, 'local')]);
  expect(again.code).toBe(EXIT.ok);
  expect(again.stderr.match(/^\[\d\/8\] had /gm)).toHaveLength(8);
  expect(ids.map((id) => fs.statSync(path.join(sweepDir('local'), id, 'result.json')).mtimeMs)).toEqual(before);
  expect(ids.map((id) => runsIn('local', id))).toEqual(ids.map(() => 1));

  const status = await runCli(['sweep', grid, '-o', path.join(tmp, 'local'), '--status']);
  expect(status.stdout).toMatch(/tiny: 8 done, 0 running, 0 waiting, 0 failed of 8 cells/);
  const written = summaries('local');
  SUMMARIES.forEach((f) => fs.rmSync(path.join(sweepDir('local'), f)));
  const report = await runCli(['sweep', grid, '-o', path.join(tmp, 'local'), '--report']);
  expect(report.code).toBe(EXIT.ok);
  expect(summaries('local')).toEqual(written);
}, 300000);

test('a cell the trainer refuses (batch larger than the data: exit 2) fails for good, once; the others finish; the sweep exits 2', async () => {
  const bad = path.join(tmp, 'bad.yaml');
  fs.writeFileSync(bad, ['name: tiny', 'base: tiny.yaml', 'axes:', '  train.batchSize: [16, 500]', '  train.steps: [2]'].join('\n'));
  const r = await runCli(['sweep', bad, '-o', path.join(tmp, 'bad'), '--concurrency', '2']);
  expect(r.code).toBe(EXIT.usage);
  expect(r.stderr).toMatch(
    /^\[\d\/2\] FAILED batchSize-500_steps-2: exit 2: ConfigError: config 'train\.batchSize': is 500, more than the 160 training images/m,
  );
  expect(r.stderr).not.toMatch(/retry/);
  expect(r.stderr).toMatch(/^\[\d\/2\] done batchSize-16_steps-2: /m);
  expect(JSON.parse(fs.readFileSync(path.join(sweepDir('bad'), 'batchSize-500_steps-2', 'failed.json'), 'utf8')).code).toBe(EXIT.usage);
  expect(runsIn('bad', 'batchSize-500_steps-2')).toBe(1);
  const status = await runCli(['sweep', bad, '-o', path.join(tmp, 'bad'), '--status']);
  expect(status.stdout).toMatch(/^failed {3}batchSize-500_steps-2: exit 2: ConfigError/m);
  expect(status.stdout).toMatch(/tiny: 1 done, 0 running, 0 waiting, 1 failed of 2 cells/);
  expect(fs.readFileSync(path.join(sweepDir('bad'), 'summary.md'), 'utf8')).toMatch(/^\| batchSize-500_steps-2 \| 500 \| 2 \| — \|/m);
}, 120000);

const missing = redisMissing();
if (missing) console.log(`skipped the Redis tests: ${missing}`);
const withRedis = missing ? describe.skip : describe;

withRedis('on a Redis queue (a private redis-server on a free port, no persistence)', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  /** The parent pid of a live process (Linux). */
  const parentOf = (pid: number) => {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  };

  test('2 workers, one SIGKILLed mid-cell: every cell recorded once, the killed cell resumed bit for bit, the same summary as the embedded runner', async () => {
    const workers = [0, 1].map(() => startCli(['worker', '--queue', redis.url, '--concurrency', '1', '--stall-timeout', '4']));
    const sweep = startCli(['sweep', grid, '-o', path.join(tmp, 'queued'), '--queue', redis.url]);
    // The victim: the worker running the first cell whose latest checkpoint is at step 4, 8 or 12 of 24 (its trainer holds the folder's lock).
    let victim: { worker: number; cell: string } | null = null;
    const latestStep = (dir: string) => {
      try {
        return Number(/^ckpt-(\d+)/.exec(fs.readFileSync(path.join(dir, 'checkpoints', 'latest'), 'utf8'))?.[1]);
      } catch {
        return NaN;
      }
    };
    await waitFor(
      () => {
        for (const id of ids) {
          const dir = path.join(sweepDir('queued'), id);
          if (![4, 8, 12].includes(latestStep(dir))) continue;
          try {
            const trainer = JSON.parse(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8')).pid as number;
            const worker = workers.findIndex((w) => w.child.pid === parentOf(trainer));
            if (worker >= 0) victim = { worker, cell: id };
          } catch {
            // The run finished between the checks.
          }
          if (victim) return true;
        }
        return false;
      },
      180000,
      'a cell past its first checkpoint',
    );
    const { worker, cell } = victim as unknown as { worker: number; cell: string };
    workers[worker].child.kill('SIGKILL');
    const done = await sweep.done;
    expect(done.code).toBe(EXIT.ok);
    const survivor = workers[1 - worker];
    survivor.child.kill('SIGTERM');
    expect((await survivor.done).code).toBe(EXIT.ok);
    expect((await workers[worker].done).signal).toBe('SIGKILL');

    // Exactly once: one "recorded" line per cell across both workers, one result file each, no temp files left.
    const recorded = workers.flatMap((w) => [...w.output().matchAll(/ recorded tiny\/(\S+):/g)].map((m) => m[1]));
    expect(recorded.sort()).toEqual([...ids].sort());
    for (const id of ids)
      expect(fs.readdirSync(path.join(sweepDir('queued'), id)).filter((f) => f.startsWith('result.json'))).toEqual(['result.json']);
    const queue = new Queue(QUEUE_NAME, { connection: { url: redis.url } });
    try {
      expect(await queue.getJobCounts('completed', 'failed', 'active', 'wait', 'delayed')).toEqual({
        completed: 8,
        failed: 0,
        active: 0,
        wait: 0,
        delayed: 0,
      });
      for (const id of ids) expect((await queue.getJob(`tiny/${id}`))?.returnvalue.evaluation).toEqual(result('queued', id).evaluation);
    } finally {
      await queue.close();
    }

    // The killed cell went on from a checkpoint, and ended as the uninterrupted run of the same cell did.
    const log = fs.readFileSync(path.join(sweepDir('queued'), cell, 'train.log'), 'utf8');
    const resumedAt = Number(/infomax: resumed \S+ at step (\d+)/.exec(log)?.[1]);
    expect(resumedAt).toBeGreaterThanOrEqual(4);
    expect(resumedAt).toBeLessThan(24);
    // Its orphaned trainer noticed the worker was gone, checkpointed at that step and stopped.
    expect(Number(/infomax: interrupted at step (\d+); checkpoint saved/.exec(log)?.[1])).toBe(resumedAt);
    expect(runsIn('queued', cell)).toBe(2);
    expect(metricsWithoutTime(path.join(sweepDir('queued'), cell))).toEqual(metricsWithoutTime(path.join(sweepDir('local'), cell)));
    expect(summaries('queued')).toEqual(summaries('local'));
  }, 400000);

  test("a queue holding another sweep's unfinished cells: exit 6, one line naming it", async () => {
    const other = path.join(tmp, 'other.yaml');
    fs.writeFileSync(other, ['name: other', 'base: tiny.yaml', 'seeds: [0]'].join('\n'));
    const queued = await runCli(['sweep', other, '-o', path.join(tmp, 'queued'), '--queue', redis.url, '--detach']);
    expect(queued.code).toBe(EXIT.ok);
    expect(queued.stderr).toMatch(/0 of 1 cells done, 1 queued now/);
    const refused = await runCli(['sweep', grid, '-o', path.join(tmp, 'third'), '--queue', redis.url]);
    expect(refused.code).toBe(EXIT.busy);
    expect(errorLines(refused.stderr)).toEqual([
      expect.stringMatching(/QueueBusyError: the queue at redis:\S+ holds 1 unfinished cell\(s\) of sweep 'other'/),
    ]);
    expect(fs.existsSync(sweepDir('third'))).toBe(false);
  }, 60000);
});
