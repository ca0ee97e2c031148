import { checkSchedule, learningRateAt, learningRates } from './lr-schedule';
import { ConfigError } from './errors';

describe('learningRateAt', () => {
  test('constant: the base rate at every step; warm-up 4: lr/4, lr/2, 3lr/4, lr, then lr', () => {
    expect([0, 1, 1000].map((s) => learningRateAt({ kind: 'constant' }, 0.1, s))).toEqual([0.1, 0.1, 0.1]);
    const w = [0, 1, 2, 3, 4, 50].map((s) => learningRateAt({ kind: 'constant', warmupSteps: 4 }, 0.2, s));
    expect(w).toEqual([0.05, 0.1, 0.15000000000000002, 0.2, 0.2, 0.2]);
  });

  test('cosine, warm-up 10, total 110: lr at 10, the midpoint of (lr, minLr) at 60, minLr at 110 and after', () => {
    const spec = { kind: 'cosine' as const, warmupSteps: 10, totalSteps: 110, minLr: 0.01 };
    expect(learningRateAt(spec, 0.1, 9)).toBeCloseTo(0.1, 15);
    expect(learningRateAt(spec, 0.1, 10)).toBeCloseTo(0.1, 15);
    expect(learningRateAt(spec, 0.1, 60)).toBeCloseTo(0.055, 15);
    expect(learningRateAt(spec, 0.1, 35)).toBeCloseTo(0.01 + (0.09 * (1 + Math.SQRT1_2)) / 2, 15);
    expect(learningRateAt(spec, 0.1, 110)).toBe(0.01);
    expect(learningRateAt(spec, 0.1, 500)).toBe(0.01);
  });

  test('cosine decreases monotonically after warm-up', () => {
    const spec = { kind: 'cosine' as const, totalSteps: 200 };
    const values = Array.from({ length: 201 }, (_, s) => learningRateAt(spec, 1, s));
    for (let s = 1; s < values.length; s++) expect(values[s]).toBeLessThanOrEqual(values[s - 1]);
    expect(values[0]).toBe(1);
    expect(values[200]).toBe(0);
  });

  test('step, every 30, gamma 0.5: lr until 29, lr/2 from 30, lr/4 from 60; the default gamma is 0.1', () => {
    const spec = { kind: 'step' as const, every: 30, gamma: 0.5 };
    expect([0, 29, 30, 59, 60, 95].map((s) => learningRateAt(spec, 0.4, s))).toEqual([0.4, 0.4, 0.2, 0.2, 0.1, 0.05]);
    expect(learningRateAt({ kind: 'step', every: 10 }, 1, 25)).toBeCloseTo(0.01, 15);
  });

  test('bad schedules and steps throw a ConfigError naming the field', () => {
    const bad: Array<[unknown, RegExp]> = [
      [{ kind: 'linear' }, /schedule\.kind: expected one of constant, cosine, step, got 'linear'/],
      [{ kind: 'cosine' }, /schedule\.totalSteps: expected an integer in 1\.\.∞, got undefined/],
      [{ kind: 'cosine', totalSteps: 10, warmupSteps: 10 }, /schedule\.warmupSteps: expected an integer below totalSteps = 10, got 10/],
      [{ kind: 'cosine', totalSteps: 10, minLr: 1 }, /schedule\.minLr: expected a number in \[0, lr = 0\.1\], got 1/],
      [{ kind: 'step' }, /schedule\.every: expected an integer in 1\.\.∞, got undefined/],
      [{ kind: 'step', every: 5, gamma: 0 }, /schedule\.gamma: expected a number in \(0, 1\], got 0/],
      [{ kind: 'constant', warmupSteps: 1.5 }, /schedule\.warmupSteps: expected an integer in 0\.\.∞, got 1\.5/],
    ];
    for (const [spec, message] of bad) {
      expect(() => checkSchedule(spec as never, 0.1)).toThrow(ConfigError);
      expect(() => checkSchedule(spec as never, 0.1)).toThrow(message);
    }
    expect(() => learningRateAt({ kind: 'constant' }, 0.1, -1)).toThrow(
      /learningRateAt: argument step: expected an integer in 0\.\.∞, got -1/,
    );
  });
});

describe('learningRates', () => {
  it('gives learningRateAt at every step, the schedule checked once up front', () => {
    const specs = [
      { kind: 'cosine' as const, warmupSteps: 10, totalSteps: 110, minLr: 0.001 },
      { kind: 'step' as const, warmupSteps: 3, every: 7, gamma: 0.5 },
      { kind: 'constant' as const, warmupSteps: 0 },
    ];
    for (const spec of specs) {
      const lrAt = learningRates(spec, 0.1);
      for (let step = 0; step < 130; step++) expect(lrAt(step)).toBe(learningRateAt(spec, 0.1, step));
    }
    expect(() => learningRates({ kind: 'cosine', warmupSteps: 0 }, 0.1)).toThrow(ConfigError);
    expect(() => learningRates({ kind: 'constant', warmupSteps: 0 }, 0.1)(-1)).toThrow(/learningRateAt: argument step/);
    expect(() => learningRates({ kind: 'constant', warmupSteps: 0 }, 0.1)(1.5)).toThrow(/learningRateAt: argument step/);
  });
});
