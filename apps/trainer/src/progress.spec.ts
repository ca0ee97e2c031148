import { Writable } from 'stream';
import { clock, Progress } from './progress';

class Sink extends Writable {
  text = '';
  isTTY?: boolean;
  columns = 200;
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

const update = (step: number) => ({
  step,
  epoch: 0,
  fraction: step / 100,
  stepsPerSecond: 2,
  batchSize: 64,
  metrics: { loss: 1.25, mi_local: 0.5 },
});

test('clock formats m:ss and h:mm:ss', () => {
  expect([clock(0), clock(59.6), clock(61), clock(3725), clock(NaN)]).toEqual(['0:00', '1:00', '1:01', '1:02:05', '--:--']);
});

test('not a terminal: one plain line every N steps, nothing in between', () => {
  const out = new Sink();
  const p = new Progress(out, 10);
  for (let s = 1; s <= 25; s++) p.update(update(s));
  expect(out.text.split('\n').filter((l) => l !== '')).toEqual([
    'step 10  epoch 0  2.00 step/s (128 img/s)  loss 1.2500  mi_local 0.5000',
    'step 20  epoch 0  2.00 step/s (128 img/s)  loss 1.2500  mi_local 0.5000',
  ]);
});

test('a terminal: one line redrawn in place with the bar and the ETA, ended before a message', () => {
  const out = new Sink();
  out.isTTY = true;
  const p = new Progress(out, 10);
  p.update(update(25));
  p.update(update(50));
  p.message('done');
  expect(out.text.startsWith('\r[######..................]  25% step 25 ep 0  2.00 step/s (128 img/s) ETA 0:38')).toBe(true);
  // 50 of 100 steps at 2 steps/s: 25 s to go.
  expect(out.text).toContain('[############............]  50% step 50 ep 0  2.00 step/s (128 img/s) ETA 0:25');
  expect(out.text.endsWith('\x1b[K\ndone\n')).toBe(true);
  expect(out.text.split('\n')).toHaveLength(3);
});
