import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { LOCK_FILE, RunLock, type LockOwner } from './run-lock';
import { RunBusyError } from './errors';
import { exitCodeFor, EXIT } from './errors';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'infomax-lock-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const lockFile = () => path.join(dir, LOCK_FILE);
const writeOwner = (o: Partial<LockOwner>) =>
  fs.writeFileSync(
    lockFile(),
    JSON.stringify({
      pid: process.pid,
      host: os.hostname(),
      since: '2026-01-01T00:00:00.000Z',
      processStart: null,
      command: 'infomax train',
      ...o,
    }),
  );

test('a second acquire of a held folder is refused (exit 6) naming pid, host and start; release lets the next one in', () => {
  const a = RunLock.acquire(dir, 'infomax train');
  const owner = JSON.parse(fs.readFileSync(lockFile(), 'utf8')) as LockOwner;
  expect(owner).toMatchObject({ pid: process.pid, host: os.hostname(), command: 'infomax train' });
  let err: unknown;
  try {
    RunLock.acquire(dir, 'infomax train');
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(RunBusyError);
  expect(exitCodeFor(err)).toBe(EXIT.busy);
  expect((err as Error).message).toBe(
    `'${dir}' is in use by infomax train (pid ${process.pid} on ${os.hostname()}, since ${owner.since}): ` +
      'wait for it to finish or stop it; --overwrite and --resume refuse a live run',
  );
  a.release();
  expect(fs.existsSync(lockFile())).toBe(false);
  a.release();
  const b = RunLock.acquire(dir, 'infomax train');
  b.release();
});

test('the lock of a process that has exited is stale and taken over', () => {
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  writeOwner({ pid: Number(dead.stdout.toString()) });
  const lock = RunLock.acquire(dir, 'infomax train');
  expect(JSON.parse(fs.readFileSync(lockFile(), 'utf8')).pid).toBe(process.pid);
  lock.release();
});

test('a live pid whose start time differs (a reused pid) is stale; the same start time is live', () => {
  writeOwner({ pid: process.pid, processStart: 1 });
  const taken = RunLock.acquire(dir, 'infomax train');
  const mine = (JSON.parse(fs.readFileSync(lockFile(), 'utf8')) as LockOwner).processStart;
  taken.release();
  if (mine === null) return; // no /proc here: only the pid is compared
  writeOwner({ pid: process.pid, processStart: mine });
  expect(() => RunLock.acquire(dir, 'infomax train')).toThrow(RunBusyError);
});

test('a lock from another host is never taken over; the message says how to clear it', () => {
  writeOwner({ pid: 1, host: 'elsewhere' });
  expect(() => RunLock.acquire(dir, 'infomax train')).toThrow(/on elsewhere, .*If that process is gone, delete '.*\.lock'/);
});

test('an unreadable lock file is a writer starting now when fresh, stale when old', () => {
  fs.writeFileSync(lockFile(), '');
  expect(() => RunLock.acquire(dir, 'infomax train')).toThrow(/starting now/);
  const old = new Date(Date.now() - 60_000);
  fs.utimesSync(lockFile(), old, old);
  RunLock.acquire(dir, 'infomax train').release();
});

test('release leaves a lock that another process took meanwhile', () => {
  const a = RunLock.acquire(dir, 'infomax train');
  writeOwner({ pid: process.pid, since: 'another time' });
  a.release();
  expect(fs.existsSync(lockFile())).toBe(true);
});
