/** Helpers for end-to-end tests: build the CLI once, run it as a child process. */
import { execFileSync, spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Writable } from 'stream';
import { main } from '../cli';

export const APP = path.join(__dirname, '..', '..');
export const CLI = path.join(APP, 'dist', 'cli.js');

/** Compiles src → dist (the tests run the real command). */
export function buildCli(): void {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(APP, 'tsconfig.build.json')], {
    stdio: 'inherit',
  });
}

/** What a finished command returned. */
export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts `node dist/cli.js ...args`; resolves when it exits. */
export function startCli(args: string[]): { child: ChildProcess; done: Promise<CliResult>; output: () => string } {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: APP, env: { ...process.env, FORCE_COLOR: '0' } });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<CliResult>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done, output: () => stdout + stderr };
}

/** Runs the command to the end. */
export function runCli(args: string[]): Promise<CliResult> {
  return startCli(args).done;
}

/** Waits until `check()` is true (polling every 20 ms), or throws after `ms`. */
export async function waitFor(check: () => boolean, ms: number, what: string): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A tiny run config: synthetic 28×28 gratings, a small DCGAN, batch 16 (10 steps per epoch). */
export function writeTinyConfig(dir: string, extra = ''): string {
  const file = path.join(dir, 'tiny.yaml');
  fs.writeFileSync(
    file,
    [
      'backend: wasm',
      'data: { dataset: synthetic, count: 200 }',
      'objective:',
      '  kind: dim',
      '  encoder: { kind: dcgan, filters: [8, 16], fc: [32], codeSize: 16 }',
      '  headUnits: 32',
      'train: { batchSize: 16, steps: 12 }',
      'checkpoint: { every: 4 }',
      'log: { every: 1 }',
      'eval: { probeEpochs: 5, randomInit: false }',
      extra,
    ].join('\n'),
  );
  return file;
}

/** metrics.jsonl lines without the timing field (which differs between runs). */
export function metricsWithoutTime(run: string): Array<Record<string, unknown>> {
  return fs
    .readFileSync(path.join(run, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => {
      const { ms: _ms, ...rest } = JSON.parse(l) as Record<string, unknown>;
      return rest;
    });
}

/** What {@link runInProcess} returns: the exit code and both streams' text. */
export interface InProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `infomax ...args` in this process through the CLI's own `main` (same parsing, error
 * lines and exit codes as the command), failing the test if it takes longer than `ms`.
 */
export async function runInProcess(args: string[], ms = 60000): Promise<InProcessResult> {
  let stdout = '';
  let stderr = '';
  const sink = (add: (s: string) => void) =>
    new Writable({
      write(chunk, _enc, done) {
        add(String(chunk));
        done();
      },
    });
  const streams = { stdout: sink((s) => (stdout += s)), stderr: sink((s) => (stderr += s)) };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`infomax ${args.join(' ')}: no answer within ${ms} ms`)), ms);
  });
  try {
    const code = await Promise.race([main(['node', 'infomax', ...args], streams), timeout]);
    return { code, stdout, stderr };
  } finally {
    clearTimeout(timer);
  }
}

/** The `infomax: <Error>: ...` lines of a command's stderr. */
export function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.startsWith('infomax: ') && /^infomax: \w*Error\b/.test(l));
}
