import { DatasetError } from '@infomax/data';
import { ModelIOError } from '@infomax/engine';
import { NonFiniteError } from '@infomax/estimators';
import {
  CheckpointError,
  ConfigError,
  EXIT,
  exitCodeFor,
  formatError,
  NumericError,
  QueueBusyError,
  QueueError,
  RunBusyError,
} from './errors';

test("every package's typed errors map to the documented exit codes", () => {
  expect(exitCodeFor(new ConfigError('train.steps', 'x'))).toBe(EXIT.usage);
  expect(exitCodeFor(new DatasetError('missing', 'x'))).toBe(EXIT.data);
  expect(exitCodeFor(new NumericError('x'))).toBe(EXIT.numeric);
  expect(exitCodeFor(new NonFiniteError('x'))).toBe(EXIT.numeric);
  expect(exitCodeFor(new CheckpointError('x'))).toBe(EXIT.io);
  expect(exitCodeFor(new ModelIOError('x'))).toBe(EXIT.io);
  expect(exitCodeFor(Object.assign(new Error('no such file'), { code: 'ENOENT' }))).toBe(EXIT.io);
  expect(exitCodeFor(new TypeError('bug'))).toBe(EXIT.internal);
  expect(exitCodeFor(new RunBusyError('x'))).toBe(EXIT.busy);
  expect(exitCodeFor(new QueueBusyError('x'))).toBe(EXIT.busy);
  expect(exitCodeFor(new QueueError('x'))).toBe(EXIT.queue);
  expect([EXIT.ok, EXIT.usage, EXIT.data, EXIT.numeric, EXIT.io, EXIT.busy, EXIT.queue]).toEqual([0, 2, 3, 4, 5, 6, 7]);
});

test('messages are one line without a stack unless verbose', () => {
  const e = new CheckpointError('runs/a/checkpoints/ckpt-5/tensors.bin is corrupt');
  expect(formatError(e, false)).toBe('infomax: CheckpointError: runs/a/checkpoints/ckpt-5/tensors.bin is corrupt');
  expect(formatError(new Error('a\nb'), false)).toBe('infomax: a (--verbose for details)');
  expect(formatError(e, true).split('\n').length).toBeGreaterThan(1);
});
