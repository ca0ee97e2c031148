#!/usr/bin/env node
/**
 * The `infomax` command: train, evaluate, embed, export, estimate, inspect, schema, sweep, worker. Every error of the
 * stack becomes one line and an exit code (0 ok, 2 usage/config, 3 data,
 * 4 numeric failure, 5 checkpoint/IO, 6 run folder or sweep queue in use, 7 job queue
 * unreachable, 130 interrupted); `--verbose` adds stacks.
 */
import { Command, CommanderError } from 'commander';
import type { Writable } from 'stream';
import { EXIT, exitCodeFor, formatError } from './errors';
import { runEmbed, runEstimateCsv, runEstimateGaussian, runEvaluate, runExport, runInspect, runTrain } from './commands';
import { runSweep, runWorkerCommand } from './sweep/commands';
import { runConfigJsonSchema } from './config';

/** A number when the flag value is one; otherwise the raw text, so the schema names the key in its error. */
const num = (v: string): number | string => (v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v);
const list = (v: string): string[] =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

/** Where a command's output goes, and where it puts its exit code. */
export interface CliIo {
  stdout: Writable;
  stderr: Writable;
  /** Set by the command that ran (0 when it returned normally). */
  code: number;
}

/** Builds the command tree (exported for tests of the usage text). */
export function program(io: CliIo = { stdout: process.stdout, stderr: process.stderr, code: 0 }): Command {
  const p = new Command('infomax')
    .description('Representation learning by mutual-information maximization (Deep InfoMax, CMC, CPC) on TensorFlow.js')
    .option('--verbose', 'print stack traces with errors')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .exitOverride();

  p.command('train')
    .description('train an encoder; with no options: DIM(L), JSD, DCGAN on the bundled MNIST digits for 400 steps, then a linear probe')
    .option('-c, --config <file>', 'YAML or JSON config (flags override it)')
    .option('-o, --out <dir>', 'run folder (default runs/quickstart)')
    .option('--objective <kind>', 'objective: dim | cmc | cpc')
    .option('--estimator <bound>', 'MI bound: jsd | infonce | dv | nwj | smile | mine | tuba | interpolated')
    .option('--encoder <kind>', 'encoder: dcgan | alexnet | resnet | mlp')
    .option('--views <kind>', 'CMC views: lab | labChannels | halves | crops')
    .option('--dataset <name>', 'digits | fashion-mnist | idx | cifar10 | cifar100 | stl10 | folder | synthetic | tu (graphs)')
    .option('--data-path <dir>', 'dataset folder (tu: a folder or .zip)')
    .option('--train-limit <n>', 'use n training images (a seeded class-balanced subset)', num)
    .option('--test-limit <n>', 'use n test images (a seeded class-balanced subset)', num)
    .option('--epochs <n>', 'stop after n epochs', num)
    .option('--steps <n>', 'stop after n steps', num)
    .option('--time-budget <seconds>', 'stop after this much training time', num)
    .option('--batch-size <n>', 'images per step (default 64)', num)
    .option('--lr <rate>', 'learning rate (default 1e-4 for adam and adamw, 0.01 sgd, 0.1 lars)', num)
    .option('--optimizer <kind>', 'adam | adamw | sgd | lars (default adam)')
    .option('--schedule <kind>', 'learning-rate schedule: constant | cosine | step (default constant)')
    .option('--warmup-steps <n>', 'linear learning-rate warm-up steps (default 0)', num)
    .option('--clip-norm <norm>', 'clip the gradients to this global L2 norm (default: none)', num)
    .option('--seed <n>', 'seed of everything random (default 0)', num)
    .option('--backend <name>', 'auto | tensorflow | webgpu | wasm | cpu (default auto)')
    .option('--checkpoint-every <steps>', 'checkpoint interval (default 500; 0: only at the end)', num)
    .option('--threads <n>', 'wasm kernel threads; results do not depend on it (default: the cores, up to 2)', num)
    .option('--log-every <steps>', 'metrics/log line interval (default 20)', num)
    .option('--loggers <list>', 'besides metrics.jsonl: csv,tensorboard (default both; none for neither)')
    .option('--eval-every <steps>', 'linear-probe interval (default 0: only at the end)', num)
    .option('--layer <name>', 'probed encoder output: conv | fc | code (default code)')
    .option('--set <key=value>', 'set any config key, e.g. --set objective.beta=0.5 (repeatable)', collect)
    .option('--resume [run]', 'continue the run in --out (or the given folder) from its latest checkpoint')
    .option('--overwrite', 'start afresh in a run folder that holds a run')
    .action(async (opts, cmd: Command) => {
      io.code = await runTrain(opts, cmd.optsWithGlobals().verbose === true, io);
    });

  p.command('evaluate <run>')
    .description(
      "freeze a run's encoder (latest checkpoint) and report linear- or MLP-probe and kNN (k=20, cosine) test accuracy; writes eval.json",
    )
    .option('--layer <name>', "conv | fc | code (default: the run's eval.layer)")
    .option('--probe <kind>', 'linear | mlp (one hidden ReLU layer of 256, early stopping on 10% of the training images) (default linear)')
    .option('--probe-epochs <n>', 'linear probe epochs (default 100)', num)
    .option('--checkpoint <step>', 'use checkpoints/ckpt-<step> (default: the latest)', num)
    .option('--backend <name>', "backend (default: the run's)")
    .option('--output <file>', 'JSON output (default <run>/eval.json)')
    .action(async (run: string, opts) => {
      await runEvaluate(run, opts, io);
    });

  p.command('embed <run>')
    .description("write the embeddings of images under a run's frozen encoder: one float32 row per image")
    .requiredOption(
      '--input <path|name>',
      "image folder (searched recursively), IDX images file, or dataset name (digits, fashion-mnist, ..., the run's own)",
    )
    .requiredOption('--out <file>', "emb.npy (+ emb.index.csv with each row's source), emb.csv or emb.jsonl")
    .option('--layer <name>', 'code | fc | conv (default code)')
    .option('--checkpoint <step>', 'use checkpoints/ckpt-<step> (default: the latest)', num)
    .option('--resize', "stretch folder images to the encoder's size and convert their channels (default: refuse other shapes)")
    .option('--pca <k>', 'write the coordinates on the k leading principal axes of these embeddings; the fit goes to <out>.pca.json', num)
    .option('--pca-from <file>', 'project on the axes of a .pca.json an earlier --pca wrote (default: no projection)')
    .option('--backend <name>', "backend (default: the run's)")
    .action(async (run: string, opts) => {
      await runEmbed(run, opts, io);
    });

  p.command('export <run>')
    .description("write a run's encoder as a tfjs layers model (model.json + weights), safetensors, export.json and README.md")
    .option('-o, --out <dir>', 'output folder (default <run>/export)')
    .option('--checkpoint <step>', 'use checkpoints/ckpt-<step> (default: the latest)', num)
    .option('--backend <name>', "backend (default: the run's)")
    .action(async (run: string, opts) => {
      await runExport(run, opts, io);
    });

  const estimate = p.command('estimate').description('estimate mutual information with a trained critic');
  estimate
    .command('gaussian')
    .description('the Gaussian staircase: correlated X, Y in R^d with known MI, each bound against the truth')
    .option('--dim <d>', 'dimension of X and Y (default 5)', num)
    .option('--levels <nats>', 'true MI levels, comma-separated (default 1,2,4)', list)
    .option('--bounds <list>', 'bounds, comma-separated (default dv,nwj,infonce)', list)
    .option('--critic <kind>', 'separable | bilinear | concat (default separable)')
    .option('--steps <n>', 'training steps per bound and level (default 600)', num)
    .option('--batch <n>', 'pairs per batch (default 64)', num)
    .option('--lr <rate>', 'Adam learning rate (default 1e-3)', num)
    .option('--seed <n>', 'seed (default 0)', num)
    .option('--backend <name>', 'backend (default wasm)')
    .action(async (opts) => {
      await runEstimateGaussian(opts, io);
    });
  estimate
    .command('csv <file>')
    .description('MI between column groups of a CSV file (header row; columns by name or 0-based index)')
    .requiredOption('--x <cols>', 'columns of X, comma-separated', list)
    .requiredOption('--y <cols>', 'columns of Y, comma-separated', list)
    .option('--bound <name>', 'dv | nwj | infonce | jsd | smile | mine | tuba | interpolated (default nwj)')
    .option('--critic <kind>', 'separable | bilinear | concat (default separable)')
    .option('--steps <n>', 'training steps (default 500)', num)
    .option('--batch <n>', 'pairs per batch (default 128)', num)
    .option('--lr <rate>', 'Adam learning rate (default 5e-4)', num)
    .option('--seed <n>', 'seed (default 0)', num)
    .option('--backend <name>', 'backend (default wasm)')
    .action(async (file: string, opts) => {
      await runEstimateCsv(file, opts, io);
    });

  p.command('inspect <target>')
    .description('what a run or checkpoint holds: config, step, tensors, latest metrics (checks the checkpoint whole)')
    .option('--json', 'print JSON')
    .action(async (target: string, opts) => {
      await runInspect(target, opts, io);
    });

  p.command('schema')
    .description('print the JSON Schema of run config files, for editors: infomax schema > run.schema.json')
    .action(() => {
      io.stdout.write(`${JSON.stringify(runConfigJsonSchema(), null, 2)}\n`);
    });

  p.command('sweep <file>')
    .description("one training run per combination of a sweep file's axes (and seeds), then a summary table; see docs/guides/sweeps.md")
    .option('-o, --out <dir>', "root of the sweep's folder <out>/<name> (default: the file's out, else runs)")
    .option('--concurrency <n>', 'cells run at once on this machine (default: one per core)', num)
    .option('--attempts <n>', 'tries per cell while its runs are interrupted, busy or hit an IO error (default 3)', num)
    .option('--queue <url>', 'put the cells on the BullMQ queue of this Redis (redis://host:port) for `infomax worker`s')
    .option('--detach', 'with --queue: return once the cells are queued')
    .option('--status', 'print done / running / waiting / failed per cell')
    .option('--report', 'write summary.md, .csv and .json from the recorded results')
    .action(async (file: string, opts) => {
      io.code = await runSweep(file, opts, io);
    });

  p.command('worker')
    .description('run sweep cells from a BullMQ queue until SIGINT / SIGTERM')
    .requiredOption('--queue <url>', 'the Redis of the queue (redis://host:port)')
    .option('--concurrency <n>', 'cells run at once (default: one per core)', num)
    .option('--stall-timeout <seconds>', 'a worker silent this long is presumed dead and its cells go to others (default 30)', num)
    .action(async (opts) => {
      io.code = await runWorkerCommand(opts, io);
    });
  return p;
}

/**
 * Runs the command line `argv` (as `process.argv`: node, script, then arguments): every error
 * becomes one line on `stderr` (the stack too with `--verbose`) and its exit code.
 * @returns the exit code
 * @example
 * process.exitCode = await main(process.argv);
 */
export async function main(argv: string[], out: Pick<CliIo, 'stdout' | 'stderr'> = process): Promise<number> {
  const verbose = argv.includes('--verbose');
  const io: CliIo = { stdout: out.stdout, stderr: out.stderr, code: EXIT.ok };
  try {
    // Commander's configureOutput takes effect on subcommands only if each is built with it: program(io) does that.
    await program(io).parseAsync(argv);
    return io.code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Commander has printed its message; help and version are not failures.
      return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    io.stderr.write(`${formatError(e, verbose)}\n`);
    return exitCodeFor(e);
  }
}

if (require.main === module) void main(process.argv).then((code) => (process.exitCode = code));
