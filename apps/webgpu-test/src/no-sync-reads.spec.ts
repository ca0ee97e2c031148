/**
 * No synchronous read-back on the training and evaluation path of library code. On webgpu
 * under Node.js `dataSync` / `arraySync` / `bufferSync` throw ("OffscreenCanvas is not
 * defined"), and in a browser each one stalls the GPU until its queue drains. Every such
 * call in packages/<name>/src and apps/trainer/src (specs and test utilities aside) must be
 * in the allow-list below, with the reason it cannot reach webgpu or a training step's loop.
 * Runs everywhere: it reads source files, not the GPU.
 */
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..', '..');
const SYNC_READ = /\.(dataSync|arraySync|bufferSync)\s*\(/g;

/** Allowed calls: file (from the repository root) → how many, and why. */
const ALLOWED: Record<string, { calls: number; why: string }> = {
  'packages/engine/src/optimizers.ts': {
    calls: 2,
    why: "FusedAdam reads β₁ᵗ and β₂ᵗ only where infomax's Adam kernel is registered (wasm, cpu: host memory); on webgpu and tensorflow it runs tfjs' own update",
  },
  'packages/engine/src/data-parallel-worker.ts': {
    calls: 3,
    why: 'data-parallel replicas run wasm or cpu in worker threads (DataParallelOptions.backend), values in host memory',
  },
  'packages/estimators/src/internal/layout.ts': {
    calls: 1,
    why: 'a negative mask is checked once per mask tensor (objectives reuse one), and not at all where canReadSync() is false (webgpu)',
  },
  'packages/estimators/src/bounds/mine.ts': {
    calls: 1,
    why: 'Mine.average() is a diagnostic for callers, documented as synchronous; the bound itself never reads',
  },
  'packages/objectives/src/train-step.ts': {
    calls: 2,
    why: "trainStep is the synchronous step (its one read, and after a failure the bad tensor's); webgpu and the trainer use trainStepAsync",
  },
  'packages/engine/src/optimizers-lars.ts': {
    calls: 1,
    why: "LARS reads its two norms only where the backend reads synchronously (the fused SGD kernel's backends); elsewhere, webgpu included, the trust ratio is tensor math",
  },
  'packages/engine/src/example-parallel.ts': {
    calls: 1,
    why: 'train.threads runs on the wasm and cpu backends only (resolveThreads refuses webgpu): a batch shard leaves host memory for a worker',
  },
  'packages/engine/src/wire-tensor.ts': {
    calls: 2,
    why: "the threads' wire format (wasm and cpu only): tensors copied between worker threads from host memory",
  },
  'apps/trainer/src/export.ts': {
    calls: 1,
    why: '`infomax export` checks once, after the training, that the code equals the global output; not a step',
  },
  'packages/objectives/src/internal/buffers.ts': {
    calls: 1,
    why: "resume only: a generator's 4-word state from a tensor made from checkpoint values, which stay in host memory on every backend",
  },
};

/** Source files of the library: packages/<name>/src and apps/trainer/src, without specs and test utilities. */
function libraryFiles(): string[] {
  const roots = [
    ...fs.readdirSync(path.join(ROOT, 'packages')).map((p) => path.join('packages', p, 'src')),
    path.join('apps', 'trainer', 'src'),
  ].filter((r) => fs.existsSync(path.join(ROOT, r)));
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(ROOT, rel), { withFileTypes: true })) {
      const child = path.join(rel, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'test-utils') walk(child);
      } else if (/\.(ts|js)$/.test(entry.name) && !/\.spec\.ts$/.test(entry.name)) {
        out.push(child.split(path.sep).join('/'));
      }
    }
  };
  roots.forEach(walk);
  return out;
}

/** Source text without comments (doc comments name these calls when they explain them). */
function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

const code = (file: string) => stripComments(fs.readFileSync(path.join(ROOT, file), 'utf8'));

test('every dataSync / arraySync / bufferSync on the library path is allowed, with its reason', () => {
  const found: Record<string, number> = {};
  for (const file of libraryFiles()) {
    const calls = code(file).match(SYNC_READ)?.length ?? 0;
    if (calls > 0) found[file] = calls;
  }
  const unexpected = Object.entries(found).filter(([file, calls]) => calls > (ALLOWED[file]?.calls ?? 0));
  expect(unexpected.map(([file, calls]) => `${file}: ${calls} synchronous read(s), ${ALLOWED[file]?.calls ?? 0} allowed`)).toEqual([]);
  // An entry whose calls are gone must go too, so the list stays the truth.
  expect(Object.keys(ALLOWED).filter((file) => (found[file] ?? 0) < ALLOWED[file].calls)).toEqual([]);
});

test('the scan sees what it must: the library files, the step among them, and calls outside comments only', () => {
  const files = libraryFiles();
  expect(files.length).toBeGreaterThan(100);
  expect(files).toContain('packages/objectives/src/train-step.ts');
  expect(files).toContain('apps/trainer/src/train.ts');
  expect(files.some((f) => f.includes('test-utils') || f.endsWith('.spec.ts'))).toBe(false);
  expect(code('packages/engine/src/optimizers.ts').match(SYNC_READ)).toHaveLength(2);
  expect(stripComments('x.dataSync();\n// y.dataSync()\n/* z.arraySync() */ w.bufferSync ()').match(SYNC_READ)).toHaveLength(2);
});
