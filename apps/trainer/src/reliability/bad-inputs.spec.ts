/**
 * Reliability: bad command lines, config files, data and run folders. Each must end with its
 * documented exit code (2 usage/config, 3 data, 4 numeric, 5 checkpoint/IO, 6 run in use)
 * and one error line that names what is wrong — never an internal error, a hang or a stack.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EXIT } from '../errors';
import { errorLines, runInProcess, writeTinyConfig } from '../test-utils/cli';

let tmp: string;
let tiny: string;
let done: string;
let n = 0;
const out = () => path.join(tmp, `out-${n++}`);
const file = (name: string, text: string | Buffer) => {
  const f = path.join(tmp, name);
  fs.mkdirSync(path.dirname(f), { recursive: true });
  fs.writeFileSync(f, text);
  return f;
};

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'infomax-bad-'));
  tiny = writeTinyConfig(tmp);
  done = path.join(tmp, 'done');
  expect((await runInProcess(['train', '-c', tiny, '-o', done, '--steps', '2'], 120000)).code).toBe(0);
}, 180000);
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A bad input: the arguments (a function: files are made once the folder exists), the exit code, what the line must say. */
type Case = [name: string, args: () => string[], code: number, says: RegExp];
const train =
  (...extra: string[]) =>
  () => ['train', '-c', tiny, '-o', out(), ...extra];
const config = (name: string, text: string) => () => ['train', '-c', file(`configs/${name}`, text), '-o', out()];
const U = EXIT.usage;

const cases: Case[] = [
  // Flags: values and names.
  ...(['abc', '0', '-1', '1.5', 'NaN', 'Infinity', '1e400'] as const).map((v): Case => [
    `--steps ${v}`,
    train('--steps', v),
    U,
    /'train\.steps': expected an integer in 1\.\.∞, got /,
  ]),
  ...(['1', '0', 'abc', '2.5', '70000'] as const).map((v): Case => [
    `--batch-size ${v}`,
    train('--batch-size', v),
    U,
    /'train\.batchSize': expected an integer in 2\.\.65536/,
  ]),
  ...(['0', '-1', 'abc', 'Infinity', 'NaN'] as const).map((v): Case => [
    `--lr ${v}`,
    train('--lr', v),
    U,
    /'train\.learningRate': expected a finite number > 0, got (0|-1|'abc'|'Infinity'|'NaN')$/,
  ]),
  ...(['-1', '1.5', 'x', '3000000000'] as const).map((v): Case => [
    `--seed ${v}`,
    train('--seed', v),
    U,
    /'seed': expected an integer in 0\.\.2147483647/,
  ]),
  ...(['0', '-5', 'x'] as const).map((v): Case => [`--epochs ${v}`, train('--epochs', v), U, /'train\.epochs': expected an integer/]),
  ...(['0', '-2', 'x'] as const).map((v): Case => [
    `--time-budget ${v}`,
    train('--time-budget', v),
    U,
    /'train\.timeBudget': expected a finite number > 0/,
  ]),
  ...(['0', 'x', '-3'] as const).map((v): Case => [
    `--train-limit ${v}`,
    train('--train-limit', v),
    U,
    /'data\.trainLimit': expected an integer in 1\.\./,
  ]),
  ...(['0', '2.5'] as const).map((v): Case => [
    `--test-limit ${v}`,
    train('--test-limit', v),
    U,
    /'data\.testLimit': expected an integer in 1\.\./,
  ]),
  ['--checkpoint-every -1', train('--checkpoint-every', '-1'), U, /'checkpoint\.every': expected an integer in 0\.\./],
  ['--log-every 0', train('--log-every', '0'), U, /'log\.every': expected an integer in 1\.\./],
  ['--eval-every -4', train('--eval-every', '-4'), U, /'eval\.every': expected an integer in 0\.\./],
  ['--backend nope', train('--backend', 'nope'), U, /'backend': expected one of auto, tensorflow, webgpu, wasm, cpu, got 'nope'/],
  ['--dataset nope', train('--dataset', 'nope'), U, /'data\.dataset': expected one of digits, .*got 'nope'/],
  ['--layer nope', train('--layer', 'nope'), U, /'eval\.layer': expected one of conv, fc, code, got 'nope'/],
  ['--objective nope', train('--objective', 'nope'), U, /objective.*kind.*nope|nope.*objective/i],
  ['--estimator nope', train('--estimator', 'nope'), U, /estimator.*nope/],
  ['--encoder nope', train('--encoder', 'nope'), U, /encoder.*nope/],
  [
    '--views nope with cmc',
    () => [...config('cmc.yaml', 'backend: wasm\ndata: { dataset: synthetic, count: 200 }\n')(), '--objective', 'cmc', '--views', 'nope'],
    U,
    /config 'objective\.views\.kind': expected one of lab, labChannels, halves, crops, got 'nope'/,
  ],
  [
    '--objective cmc keeping a dim key',
    train('--objective', 'cmc', '--views', 'nope'),
    U,
    /config 'objective\.headUnits': unknown key; known keys: kind, inputShape, views/,
  ],
  ['an unknown flag', () => ['train', '--no-such-flag'], U, /unknown option '--no-such-flag'/],
  ['an unknown command', () => ['trian'], U, /unknown command 'trian'/],
  ['a flag without its value', () => ['train', '--steps'], U, /option '--steps <n>' argument missing/],
  ['evaluate without a run', () => ['evaluate'], U, /missing required argument 'run'/],
  ['estimate csv without --x', () => ['estimate', 'csv', 'f.csv', '--y', 'a'], U, /required option '--x <cols>' not specified/],
  // --set.
  ['--set without =', train('--set', 'train.steps'), U, /--set expects key\.path=value, got 'train\.steps'/],
  ['--set =3', train('--set', '=3'), U, /--set expects key\.path=value/],
  ['--set an unknown key', train('--set', 'train.stpes=3'), U, /'train\.stpes': unknown key; known keys of 'train'/],
  ['--set an unknown section', train('--set', 'trian.steps=3'), U, /'trian': unknown key; known keys: /],
  ['--set __proto__.x=1', train('--set', '__proto__.x=1'), U, /__proto__/],
  ['--set constructor.prototype.x=1', train('--set', 'constructor.prototype.x=1'), U, /constructor/],
  ['--set train.prototype=1', train('--set', 'train.prototype=1'), U, /prototype/],
  ['--set data.__proto__.x=1', train('--set', 'data.__proto__.x=1'), U, /__proto__/],
  ['--set train.steps=[1,2]', train('--set', 'train.steps=[1,2]'), U, /'train\.steps': expected an integer/],
  ['--set train.steps=.nan', train('--set', 'train.steps=.nan'), U, /'train\.steps': expected an integer in 1\.\.∞, got NaN/],
  [
    '--set train.learningRate=.inf',
    train('--set', 'train.learningRate=.inf'),
    U,
    /'train\.learningRate': expected a finite number > 0, got Infinity/,
  ],
  ['--set train={a: 1}', train('--set', 'train={a: 1}'), U, /'train\.a': unknown key/],
  ['--set eval.randomInit=maybe', train('--set', 'eval.randomInit=maybe'), U, /'eval\.randomInit': expected true or false, got 'maybe'/],
  ['--set checkpoint.keep=0', train('--set', 'checkpoint.keep=0'), U, /'checkpoint\.keep': expected an integer in 1\.\.1000/],
  ['--set data.channels=2', train('--set', 'data.channels=2'), U, /'data\.channels': expected 1 or 3, got 2/],
  ['--set data.pattern=stripes', train('--set', 'data.pattern=stripes'), U, /'data\.pattern': expected one of grating, blobs/],
  ['--set data.count=5', train('--set', 'data.count=5'), U, /'data\.count': expected an integer in 10\.\./],
  ['--set data.size=2', train('--set', 'data.size=2'), U, /'data\.size': expected an integer in 4\.\.1024/],
  ["--set out=''", () => ['train', '-c', tiny, '--set', "out=''"], U, /'out': expected a non-empty string, got ''/],
  ['--set objective.headUnits=-3', train('--set', 'objective.headUnits=-3'), U, /headUnits/],
  ['--set objective.beta=abc', train('--set', 'objective.beta=abc'), U, /beta/],
  ['--set objective.nonsense=1', train('--set', 'objective.nonsense=1'), U, /nonsense/],
  ['--set objective.encoder.kind=vgg', train('--set', 'objective.encoder.kind=vgg'), U, /encoder.*vgg|vgg.*encoder/],
  ['--set objective.encoder.codeSize=0', train('--set', 'objective.encoder.codeSize=0'), U, /codeSize/],
  ['--set objective.estimator=mine2', train('--set', 'objective.estimator=mine2'), U, /estimator.*mine2/],
  ['--set objective=3', train('--set', 'objective=3'), U, /'objective': expected an object with a kind, got 3/],
  // Config files.
  ['a missing config file', () => ['train', '-c', path.join(tmp, 'nope.yaml')], U, /cannot read config file '.*nope\.yaml'/],
  ['a config that is a folder', () => ['train', '-c', tmp], U, /cannot read config file/],
  ['bad YAML', config('bad.yaml', 'train: {steps: 3\n'), U, /cannot parse config file '.*bad\.yaml'/],
  ['bad JSON', config('bad.json', '{"train": '), U, /cannot parse config file '.*bad\.json'/],
  ['a YAML list', config('list.yaml', '- 1\n- 2\n'), U, /config file '.*list\.yaml' must hold an object/],
  ['a YAML scalar', config('scalar.yaml', 'hello\n'), U, /must hold an object/],
  ['an unknown top key', config('top.yaml', 'trian: {}\n'), U, /'trian': unknown key; known keys: seed, backend/],
  ['train as a list', config('tl.yaml', 'train: [1]\n'), U, /'train': expected an object, got \[1\]/],
  ['data as a string', config('ds.yaml', 'data: digits\n'), U, /'data': expected an object, got 'digits'/],
  ['an unknown data key', config('dk.yaml', 'data: { datset: digits }\n'), U, /'data\.datset': unknown key/],
  ['an unknown eval key', config('ek.yaml', 'eval: { evry: 3 }\n'), U, /'eval\.evry': unknown key/],
  ['an unknown checkpoint key', config('ck.yaml', 'checkpoint: { evry: 3 }\n'), U, /'checkpoint\.evry': unknown key/],
  ['an unknown log key', config('lk.yaml', 'log: { evry: 3 }\n'), U, /'log\.evry': unknown key/],
  ['seed as text', config('seed.yaml', 'seed: zero\n'), U, /'seed': expected an integer/],
  ['steps as text in YAML', config('steps.yaml', 'train: { steps: ten }\n'), U, /'train\.steps': expected an integer in 1\.\.∞, got 'ten'/],
  ['batch size as a float', config('bs.yaml', 'train: { batchSize: 3.5 }\n'), U, /'train\.batchSize'/],
  [
    'idx without data.path',
    config('idx.yaml', 'data: { dataset: idx }\n'),
    U,
    /'data\.path': expected a folder: dataset 'idx' reads its files from data\.path \(flag --data-path\), got null/,
  ],
  [
    'folder without data.path',
    config('folder.yaml', 'data: { dataset: folder }\n'),
    U,
    /'data\.path': expected a folder: dataset 'folder' reads its files from data\.path \(flag --data-path\), got null/,
  ],
  [
    'cifar10 without data.path',
    config('c10.yaml', 'data: { dataset: cifar10 }\n'),
    U,
    /'data\.path': expected a folder: dataset 'cifar10' reads its files from data\.path \(flag --data-path\), got null/,
  ],
  [
    'objective without kind text',
    config('ok.yaml', 'objective: { kind: 3 }\n'),
    U,
    /'objective\.kind': expected a non-empty string, got 3/,
  ],
  ['objective as a list', config('ol.yaml', 'objective: [dim]\n'), U, /'objective': expected an object with a kind/],
  // Data.
  ['idx: a missing folder', train('--dataset', 'idx', '--data-path', '/nonexistent/idx'), EXIT.data, /\/nonexistent\/idx/],
  [
    'idx: an empty folder',
    () => ['train', '-c', tiny, '-o', out(), '--dataset', 'idx', '--data-path', fs.mkdtempSync(path.join(tmp, 'empty-'))],
    EXIT.data,
    /empty-/,
  ],
  [
    'idx: files with a wrong magic number',
    () => {
      const d = path.join(tmp, 'badidx');
      for (const f of ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'])
        file(`badidx/${f}`, Buffer.alloc(64, 7));
      return ['train', '-c', tiny, '-o', out(), '--dataset', 'idx', '--data-path', d];
    },
    EXIT.data,
    /magic/,
  ],
  ['cifar10: a missing folder', train('--dataset', 'cifar10', '--data-path', '/nonexistent/cifar'), EXIT.data, /\/nonexistent\/cifar/],
  ['stl10: a missing folder', train('--dataset', 'stl10', '--data-path', '/nonexistent/stl'), EXIT.data, /\/nonexistent\/stl/],
  ['folder: a missing folder', train('--dataset', 'folder', '--data-path', '/nonexistent/imgs'), EXIT.data, /\/nonexistent\/imgs/],
  [
    'folder: no images in it',
    () => ['train', '-c', tiny, '-o', out(), '--dataset', 'folder', '--data-path', fs.mkdtempSync(path.join(tmp, 'noimg-'))],
    EXIT.data,
    /noimg-/,
  ],
  [
    'folder: a file that is not an image',
    () => {
      const d = path.join(tmp, 'notimg');
      for (const c of ['a', 'b']) for (let i = 0; i < 3; i++) file(`notimg/${c}/${i}.png`, 'not a png');
      return ['train', '-c', tiny, '-o', out(), '--dataset', 'folder', '--data-path', d];
    },
    EXIT.data,
    /notimg/,
  ],
  [
    'batch larger than the data',
    train('--set', 'data.count=20', '--batch-size', '64'),
    U,
    /'train\.batchSize': is 64, more than the 16 training images/,
  ],
  ['train limit below one batch', train('--train-limit', '8'), U, /'train\.batchSize': is 16, more than the 8 training images/],
  // Run folders.
  [
    '-o under /proc',
    () => ['train', '-c', tiny, '-o', '/proc/infomax-x', '--steps', '1'],
    U,
    /'out': cannot create the run folder '\/proc\/infomax-x'/,
  ],
  [
    '-o an existing file',
    () => ['train', '-c', tiny, '-o', file('afile', 'x')],
    U,
    /'out': cannot create the run folder '.*afile' \(EEXIST\): a file stands in its path/,
  ],
  ['-o below a file', () => ['train', '-c', tiny, '-o', path.join(file('bfile', 'x'), 'run')], U, /a file stands in its path/],
  [
    '-o a run without --resume or --overwrite',
    () => ['train', '-c', tiny, '-o', done],
    U,
    /'out': '.*done' already holds a run: pass --resume/,
  ],
  [
    '--resume a folder that does not exist',
    () => ['train', '--resume', path.join(tmp, 'never')],
    EXIT.io,
    /--resume: '.*never' does not exist/,
  ],
  [
    '--resume a folder with no run',
    () => ['train', '--resume', fs.mkdtempSync(path.join(tmp, 'norun-'))],
    EXIT.io,
    /norun-.*holds no checkpoint/,
  ],
  [
    '--resume with another objective',
    () => ['train', '--resume', done, '--set', 'objective.estimator=nwj'],
    U,
    /'objective': differs from the one of the checkpoint/,
  ],
  [
    '--resume a locked run',
    () => {
      file(
        'done/.lock',
        JSON.stringify({ pid: process.pid, host: os.hostname(), since: 'now', processStart: null, command: 'infomax train' }),
      );
      return ['train', '--resume', done];
    },
    EXIT.busy,
    /in use by infomax train \(pid \d+/,
  ],
  ['--overwrite a locked run', () => ['train', '-c', tiny, '-o', done, '--overwrite'], EXIT.busy, /in use by infomax train/],
  // Other commands.
  ['evaluate a missing run', () => ['evaluate', path.join(tmp, 'nothing')], EXIT.io, /nothing' does not exist/],
  ['evaluate --layer nope', () => ['evaluate', done, '--layer', 'nope'], U, /'layer': expected one of conv, fc, code/],
  ['evaluate --probe-epochs 0', () => ['evaluate', done, '--probe-epochs', '0'], U, /'probe-epochs': expected an integer in 1\.\./],
  ['evaluate --backend nope', () => ['evaluate', done, '--backend', 'nope'], U, /'backend': expected one of/],
  ['inspect a missing path', () => ['inspect', path.join(tmp, 'nothing')], EXIT.io, /nothing' does not exist/],
  ['inspect a file', () => ['inspect', file('plain.txt', 'x')], EXIT.io, /plain\.txt' holds no checkpoint/],
  ['estimate gaussian --dim 0', () => ['estimate', 'gaussian', '--dim', '0'], U, /'dim': expected an integer in 1\.\.4096/],
  [
    'estimate gaussian --levels x',
    () => ['estimate', 'gaussian', '--levels', 'x'],
    U,
    /'levels\[0\]': expected a finite number > 0, got 'x'/,
  ],
  ['estimate gaussian --bounds nope', () => ['estimate', 'gaussian', '--bounds', 'nope'], U, /'bounds\[0\]': expected one of/],
  [
    'estimate gaussian --critic nope',
    () => ['estimate', 'gaussian', '--critic', 'nope'],
    U,
    /'critic': expected one of separable, bilinear, concat/,
  ],
  ['estimate gaussian --steps 0', () => ['estimate', 'gaussian', '--steps', '0'], U, /'steps': expected an integer in 1\.\./],
  ['estimate csv: a missing file', () => ['estimate', 'csv', path.join(tmp, 'no.csv'), '--x', 'a', '--y', 'b'], EXIT.data, /no\.csv/],
  ['estimate csv: an unknown column', () => ['estimate', 'csv', file('t.csv', 'a,b\n1,2\n3,4\n'), '--x', 'zz', '--y', 'b'], U, /zz/],
  [
    'estimate csv: a non-numeric cell',
    () => ['estimate', 'csv', file('u.csv', 'a,b\n1,2\nx,4\n'), '--x', 'a', '--y', 'b'],
    EXIT.data,
    /u\.csv.*(line|row) 3|'x'/,
  ],
];

test(`at least 100 bad inputs (${cases.length})`, () => {
  expect(cases.length).toBeGreaterThanOrEqual(100);
});

test.each(cases)('%s', async (_name, args, code, says) => {
  const r = await runInProcess(args(), 60000);
  const lines = errorLines(r.stderr);
  // Commander's own usage errors print "error: ..." lines; every other error is one infomax line.
  const said = lines.length === 1 ? lines[0] : r.stderr.trim();
  expect({ code: r.code, said }).toEqual({ code, said: expect.stringMatching(says) });
  expect(lines.length).toBeLessThanOrEqual(1);
  expect(r.stderr).not.toMatch(/\n\s+at /);
});
