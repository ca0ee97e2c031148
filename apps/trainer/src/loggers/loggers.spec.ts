/**
 * The CSV and TensorBoard loggers: TFRecord framing and the Event wire format checked
 * against bytes written out from the formats' specs, and whole runs (fresh, stopped and
 * resumed) read back: every logged step once, with the values of metrics.jsonl.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildCli, runInProcess, writeTinyConfig } from '../test-utils/cli';
import { decodeEvent, encodeEvent, EVENT_FILE_VERSION, type TfEvent } from './event-proto';
import { frameRecord, maskedCrc32c, readRecords } from './tfrecord';

let tmp: string;
beforeAll(() => {
  buildCli();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'infomax-loggers-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('masked CRC-32C: the check value of "123456789" (0xe3069283), rotated right by 15 plus 0xa282ead8', () => {
  const crc = 0xe3069283;
  expect(maskedCrc32c(Buffer.from('123456789'))).toBe((((crc >>> 15) | (crc << 17)) + 0xa282ead8) >>> 0);
  expect(maskedCrc32c(new Uint8Array(0))).toBe(0xa282ead8); // crc32c of nothing is 0
});

test('TFRecord: frames read back; a flipped byte is named by offset; a torn last record is dropped', () => {
  const a = frameRecord(Buffer.from('first'));
  const b = frameRecord(Buffer.from('second record'));
  expect(a.length).toBe(16 + 5);
  expect(a.readBigUInt64LE(0)).toBe(5n);
  const both = Buffer.concat([a, b]);
  expect(readRecords(both, 'f').map((r) => Buffer.from(r).toString())).toEqual(['first', 'second record']);
  expect(readRecords(both.subarray(0, both.length - 3), 'f').map((r) => Buffer.from(r).toString())).toEqual(['first']);
  const bad = Buffer.from(both);
  bad[a.length + 14] ^= 1;
  expect(() => readRecords(bad, 'events.x')).toThrow(`'events.x': the data checksum of the record at byte ${a.length} does not match`);
});

test('Event wire format: the bytes protobuf encoding prescribes for wall_time=1, step=300, summary{value{tag:"a", simple_value:0.5}}', () => {
  const f64 = Buffer.alloc(8);
  f64.writeDoubleLE(1);
  const f32 = Buffer.alloc(4);
  f32.writeFloatLE(0.5);
  const value = Buffer.concat([Buffer.from([0x0a, 1]), Buffer.from('a'), Buffer.from([0x15]), f32]); // tag = 1 (bytes), simple_value = 2 (fixed32)
  const summary = Buffer.concat([Buffer.from([0x0a, value.length]), value]); // Summary.value = 1
  // Event.wall_time = 1 (fixed64), step = 2 (varint 300 = 0xac 0x02), summary = 5 (bytes)
  const expected = Buffer.concat([Buffer.from([0x09]), f64, Buffer.from([0x10, 0xac, 0x02, 0x2a, summary.length]), summary]);
  const event: TfEvent = { wallTime: 1, step: 300, summary: { value: [{ tag: 'a', simpleValue: 0.5 }] } };
  expect(Buffer.from(encodeEvent(event)).toString('hex')).toBe(expected.toString('hex'));
  expect(decodeEvent(expected)).toEqual(event);
});

type Line = Record<string, number | string>;
const jsonl = (run: string): Line[] =>
  fs
    .readFileSync(path.join(run, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Line);

function events(run: string): TfEvent[] {
  const dir = path.join(run, 'tensorboard');
  const files = fs.readdirSync(dir).filter((f) => f.includes('tfevents'));
  expect(files).toHaveLength(1);
  const file = path.join(dir, files[0]);
  return readRecords(fs.readFileSync(file), file).map(decodeEvent);
}

/** (tag, step) → value of every scalar, as TensorBoard would list them; each pair must occur once. */
function scalars(run: string, drop = new Set(['train/ms'])): Map<string, number> {
  const out = new Map<string, number>();
  const all = events(run);
  expect(all[0].fileVersion).toBe(EVENT_FILE_VERSION);
  for (const e of all.slice(1)) {
    for (const v of e.summary!.value) {
      const key = `${v.tag}@${e.step}`;
      expect(out.has(key)).toBe(false);
      if (!drop.has(v.tag)) out.set(key, v.simpleValue);
    }
  }
  return out;
}

/** metrics.jsonl as the scalars a TensorBoard file should hold (float32). */
function expectedScalars(run: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of jsonl(run)) {
    for (const [k, v] of Object.entries(line)) {
      if (k === 'kind' || k === 'step' || k === 'epoch' || k === 'ms' || typeof v !== 'number') continue;
      out.set(`${line.kind === 'eval' ? 'eval' : 'train'}/${k}@${line.step}`, Math.fround(v));
    }
  }
  return out;
}

const csvWithoutMs = (run: string) => {
  const [head, ...rows] = fs
    .readFileSync(path.join(run, 'metrics.csv'), 'utf8')
    .trim()
    .split('\n')
    .map((r) => r.split(','));
  const ms = head.indexOf('ms');
  return [head, ...rows].map((r) => r.filter((_, i) => i !== ms).join(','));
};

test('a run writes metrics.csv and a TensorBoard event file holding every logged scalar at its step; a stopped and resumed run ends with the same', async () => {
  const config = writeTinyConfig(tmp, '');
  const whole = path.join(tmp, 'whole');
  expect((await runInProcess(['train', '-c', config, '-o', whole, '--steps', '6', '--log-every', '2'], 120000)).code).toBe(0);
  const lines = jsonl(whole);
  expect(lines.filter((l) => l.kind === 'step').map((l) => l.step)).toEqual([2, 4, 6]);
  const tb = scalars(whole);
  expect(tb).toEqual(expectedScalars(whole));
  expect([...tb.keys()].filter((k) => k.startsWith('train/loss@'))).toEqual(['train/loss@2', 'train/loss@4', 'train/loss@6']);
  expect(tb.get('eval/testAccuracy@6')).toBeGreaterThan(0);
  const csv = csvWithoutMs(whole);
  expect(csv[0].split(',').slice(0, 3)).toEqual(['kind', 'step', 'epoch']);
  expect(csv).toHaveLength(1 + lines.length);
  const header = fs.readFileSync(path.join(whole, 'metrics.csv'), 'utf8').split('\n')[0].split(',');
  const lossColumn = header.indexOf('loss');
  expect(fs.readFileSync(path.join(whole, 'metrics.csv'), 'utf8').split('\n')[1].split(',')[lossColumn]).toBe(String(lines[0].loss));

  // Stopped at step 3 (a checkpoint at 4 is not reached: the resume starts from the last one, step 3's),
  // then resumed: the logs are rebuilt from the checkpoint's metrics, so no step shows twice.
  const stopped = path.join(tmp, 'stopped');
  expect((await runInProcess(['train', '-c', config, '-o', stopped, '--steps', '3', '--log-every', '2'], 120000)).code).toBe(0);
  expect((await runInProcess(['train', '--resume', stopped, '--steps', '6'], 120000)).code).toBe(0);
  expect(scalars(stopped)).toEqual(tb);
  expect(csvWithoutMs(stopped)).toEqual(csv);
}, 300000);

test('--loggers none writes neither file; a bad logger name is a usage error naming log.loggers', async () => {
  const config = writeTinyConfig(tmp, '');
  const run = path.join(tmp, 'none');
  expect((await runInProcess(['train', '-c', config, '-o', run, '--steps', '1', '--loggers', 'none'], 120000)).code).toBe(0);
  expect(fs.existsSync(path.join(run, 'metrics.csv'))).toBe(false);
  expect(fs.existsSync(path.join(run, 'tensorboard'))).toBe(false);
  const bad = await runInProcess(['train', '-c', config, '-o', path.join(tmp, 'bad'), '--steps', '1', '--loggers', 'csv,wandb'], 60000);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain('log.loggers[1]');
  expect(bad.stderr).toContain('wandb');
}, 200000);
