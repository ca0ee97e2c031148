/**
 * Reliability: every file of a checkpoint damaged in every way we can think of (flipped
 * bytes, cut, deleted, hand-edited, re-signed with bad values). `inspect`, `evaluate` and
 * `train --resume` must each refuse with exit 5 and one error line naming the file:
 * none may accept it, hang or fail with an internal error.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { canonicalJson, sha256Hex } from '../internal/checkpoint-format';
import { errorLines, runInProcess, writeTinyConfig } from '../test-utils/cli';

let tmp: string;
let base: string;
beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'infomax-corrupt-'));
  base = path.join(tmp, 'base');
  const r = await runInProcess(['train', '-c', writeTinyConfig(tmp), '-o', base, '--steps', '4', '--checkpoint-every', '2'], 120000);
  expect(r.code).toBe(0);
}, 180000);
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** One damaged copy of the base run: what to do to it, and the text the error must name. */
interface Case {
  name: string;
  damage: (run: string, ckpt: string) => void;
  names: RegExp;
  /** Only `train --resume` reads this (the metrics history): the readers may accept it. */
  resumeOnly?: boolean;
}

const weightsOf = (ckpt: string) => `encoder/${fs.readdirSync(path.join(ckpt, 'encoder')).find((f) => f.endsWith('.bin'))}`;
const at = (ckpt: string, rel: string) => path.join(ckpt, rel === 'weights' ? weightsOf(ckpt) : rel);
const FILES = ['state.json', 'tensors.bin', 'encoder/model.json', 'weights'] as const;
const fileRe = (rel: string) =>
  rel === 'weights' ? /encoder[/\\]weights\.[0-9a-f]{12}\.bin/ : new RegExp(rel.replace('.', '\\.').replace('/', '[/\\\\]'));

function flip(file: string, where: number): void {
  const b = fs.readFileSync(file);
  const i = Math.min(b.length - 1, Math.max(0, Math.floor(where * b.length)));
  b[i] ^= 0x04;
  fs.writeFileSync(file, b);
}

function cut(file: string, keep: number): void {
  const b = fs.readFileSync(file);
  fs.writeFileSync(file, b.subarray(0, keep < 0 ? b.length + keep : Math.floor(keep * b.length)));
}

/** Rewrites state.json with `edit` applied; `resign` recomputes its digest and the latest pointer (a writer bug, not damage). */
function editState(ckpt: string, edit: (s: Record<string, unknown>) => void, resign: boolean): void {
  const file = path.join(ckpt, 'state.json');
  const state = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  edit(state);
  const { digest, ...body } = state;
  const text = JSON.stringify({ ...body, digest: resign ? sha256Hex(canonicalJson(body)) : digest }, null, 1);
  fs.writeFileSync(file, text);
  if (resign) fs.writeFileSync(path.join(path.dirname(ckpt), 'latest'), `${path.basename(ckpt)}\n${sha256Hex(text)}\n`);
}

const cases: Case[] = [];
for (const rel of FILES) {
  for (const where of [0, 0.37, 0.5, 0.999])
    cases.push({ name: `${rel}: a flipped byte at ${where}`, damage: (_r, c) => flip(at(c, rel), where), names: fileRe(rel) });
  for (const keep of [0, 0.5, -1])
    cases.push({
      name: `${rel}: cut to ${keep === -1 ? 'all but the last byte' : `${keep * 100}%`}`,
      damage: (_r, c) => cut(at(c, rel), keep),
      names: fileRe(rel),
    });
  cases.push({ name: `${rel}: deleted`, damage: (_r, c) => fs.rmSync(at(c, rel)), names: fileRe(rel) });
}
const edits: Array<[string, (s: Record<string, unknown>) => void]> = [
  ['step + 1', (s) => (s.step = (s.step as number) + 1)],
  ['step "ten"', (s) => (s.step = 'ten')],
  ['epoch', (s) => (s.epoch = 7)],
  ['position', (s) => (s.position = 1)],
  ['epochSeed', (s) => (s.epochSeed = 12345)],
  ['rng word', (s) => ((s.rng as number[])[2] = 99)],
  ['metricsBytes', (s) => (s.metricsBytes = 0)],
  ['elapsedMs', (s) => (s.elapsedMs = 1)],
  ['a tensor offset', (s) => ((s.tensors as Array<Record<string, unknown>>)[1].offset = 0)],
  ['a tensor shape', (s) => ((s.tensors as Array<Record<string, unknown>>)[0].shape = [1])],
  ['an index entry dropped', (s) => (s.tensors as unknown[]).splice(3, 1)],
  ['the config seed', (s) => ((s.config as Record<string, unknown>).seed = 5)],
  ['a file hash', (s) => ((s.files as Record<string, string>)['tensors.bin'] = '0'.repeat(64))],
  ['the format tag', (s) => (s.format = 'infomax-checkpoint/1')],
  ['the digest removed', (s) => delete s.digest],
];
for (const [what, edit] of edits)
  cases.push({ name: `state.json hand-edited: ${what}`, damage: (_r, c) => editState(c, edit, false), names: /state\.json/ });
const signed: Array<[string, (s: Record<string, unknown>) => void, RegExp]> = [
  ['step "ten"', (s) => (s.step = 'ten'), /field 'step'/],
  ['rng missing', (s) => delete s.rng, /field 'rng'/],
  ['rng all zero', (s) => (s.rng = [0, 0, 0, 0]), /field 'rng'/],
  ['position -1', (s) => (s.position = -1), /field 'position'/],
  ['an unknown key', (s) => (s.extra = 1), /extra/],
  [
    'an index entry dropped',
    (s) => (s.tensors as unknown[]).splice(3, 1),
    /cover \d+ of the \d+ bytes of tensors\.bin|does not fit tensors\.bin/,
  ],
  ['a tensor offset', (s) => ((s.tensors as Array<Record<string, unknown>>)[1].offset = 0), /does not fit tensors\.bin/],
  ['the encoder files unlisted', (s) => (s.files = { 'tensors.bin': (s.files as Record<string, string>)['tensors.bin'] }), /field 'files'/],
  [
    'a file outside the checkpoint',
    (s) => ((s.files as Record<string, string>)['../config.json'] = '0'.repeat(64)),
    /not a path inside the checkpoint/,
  ],
];
for (const [what, edit, names] of signed)
  cases.push({ name: `state.json re-signed with ${what}`, damage: (_r, c) => editState(c, edit, true), names });
cases.push(
  { name: 'latest: garbage', damage: (r) => fs.writeFileSync(path.join(r, 'checkpoints/latest'), 'garbage'), names: /latest/ },
  { name: 'latest: empty', damage: (r) => fs.writeFileSync(path.join(r, 'checkpoints/latest'), ''), names: /latest/ },
  {
    name: 'latest: names a missing folder',
    damage: (r) => fs.writeFileSync(path.join(r, 'checkpoints/latest'), `ckpt-9\n${'0'.repeat(64)}\n`),
    names: /ckpt-9/,
  },
  {
    name: 'latest: a flipped byte (name or hash)',
    damage: (r) => flip(path.join(r, 'checkpoints/latest'), 0.5),
    names: /latest|state\.json/,
  },
  {
    name: 'latest: another hash digit',
    damage: (r) => {
      const file = path.join(r, 'checkpoints/latest');
      const text = fs.readFileSync(file, 'utf8');
      const i = text.indexOf('\n') + 10;
      fs.writeFileSync(file, text.slice(0, i) + (text[i] === 'a' ? 'b' : 'a') + text.slice(i + 1));
    },
    names: /state\.json' is not the file 'latest' recorded/,
  },
  { name: 'latest: deleted', damage: (r) => fs.rmSync(path.join(r, 'checkpoints/latest')), names: /holds no checkpoint/ },
  { name: 'the newest checkpoint folder deleted', damage: (_r, c) => fs.rmSync(c, { recursive: true }), names: /ckpt-4/ },
  { name: 'encoder/ folder deleted', damage: (_r, c) => fs.rmSync(path.join(c, 'encoder'), { recursive: true }), names: /encoder/ },
  {
    name: 'metrics.jsonl: shorter than the checkpoint expects',
    damage: (r) => cut(path.join(r, 'metrics.jsonl'), 0.5),
    names: /metrics\.jsonl.*was cut/,
    resumeOnly: true,
  },
  {
    name: 'metrics.jsonl: a kept line edited',
    damage: (r) => flip(path.join(r, 'metrics.jsonl'), 0.3),
    names: /metrics\.jsonl.*edited/,
    resumeOnly: true,
  },
  {
    name: 'metrics.jsonl: deleted',
    damage: (r) => fs.rmSync(path.join(r, 'metrics.jsonl')),
    names: /metrics\.jsonl.*missing/,
    resumeOnly: true,
  },
);

test(`at least 45 damaged checkpoints (${cases.length})`, () => {
  expect(cases.length).toBeGreaterThanOrEqual(45);
});

describe.each(cases.map((c, i) => [i, c.name, c] as const))('case %i, %s', (i, _name, c) => {
  test('inspect, evaluate and train --resume each refuse it: exit 5, one error line naming it', async () => {
    const run = path.join(tmp, `case-${i}`);
    fs.cpSync(base, run, { recursive: true });
    c.damage(run, path.join(run, 'checkpoints', 'ckpt-4'));
    const commands = c.resumeOnly
      ? [['train', '--resume', run, '--steps', '6']]
      : [
          ['inspect', run],
          ['evaluate', run, '--probe-epochs', '1'],
          ['train', '--resume', run, '--steps', '6'],
        ];
    for (const args of commands) {
      const r = await runInProcess(args, 60000);
      const lines = errorLines(r.stderr);
      expect({ args: args[0], code: r.code, lines: lines.length }).toEqual({ args: args[0], code: 5, lines: 1 });
      expect(lines[0]).toMatch(c.names);
      expect(lines[0]).toMatch(/^infomax: (CheckpointError|ModelIOError): /);
    }
    // Nothing was accepted: no step past the checkpoint was written.
    const metrics = path.join(run, 'metrics.jsonl');
    if (fs.existsSync(metrics)) expect(fs.readFileSync(metrics, 'utf8')).not.toMatch(/"step":5/);
  });
});
