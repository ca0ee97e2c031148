import { rejects } from './test-utils/config-errors';
import { resolveConfig } from './config';
import { scheduleFor } from './optimizer-config';

test('defaults: adam 1e-4 at a constant rate; each kind fills in its own defaults and learning rate', () => {
  const c = resolveConfig({});
  expect(c.optimizer).toEqual({ kind: 'adam', betas: [0.9, 0.999], clipNorm: null });
  expect(c.schedule).toEqual({ kind: 'constant', warmupSteps: 0 });
  expect(resolveConfig({ optimizer: { kind: 'adamw' } }).optimizer).toEqual({
    kind: 'adamw',
    betas: [0.9, 0.999],
    weightDecay: 0.01,
    clipNorm: null,
  });
  const sgd = resolveConfig({ optimizer: { kind: 'sgd', momentum: 0.9, nesterov: true, clipNorm: 2 } });
  expect(sgd.optimizer).toEqual({ kind: 'sgd', momentum: 0.9, nesterov: true, weightDecay: 0, clipNorm: 2 });
  expect(sgd.train.learningRate).toBe(0.01);
  const lars = resolveConfig({ optimizer: { kind: 'lars' }, train: { learningRate: 0.3 } });
  expect(lars.optimizer).toEqual({
    kind: 'lars',
    momentum: 0.9,
    nesterov: false,
    weightDecay: 0,
    trustCoefficient: 0.001,
    excludeBiases: true,
    clipNorm: null,
  });
  expect(lars.train.learningRate).toBe(0.3);
  expect(resolveConfig({ schedule: { kind: 'step', every: 100 } }).schedule).toEqual({
    kind: 'step',
    warmupSteps: 0,
    every: 100,
    gamma: 0.1,
  });
  const cosine = resolveConfig({ schedule: { kind: 'cosine', warmupSteps: 5 } });
  expect(cosine.schedule).toEqual({ kind: 'cosine', warmupSteps: 5, minLr: 0 });
  expect(resolveConfig(JSON.parse(JSON.stringify(lars)))).toEqual(lars); // config.json round trip
});

test('cosine length: given, or the step limit, or epochs × batches; a time budget alone needs it given', () => {
  const s = { kind: 'cosine' as const, warmupSteps: 10, minLr: 0 };
  expect(scheduleFor({ ...s, totalSteps: 50 }, 1, { steps: 400, epochs: null }, 7)).toEqual({ ...s, totalSteps: 50 });
  expect(scheduleFor(s, 1, { steps: 400, epochs: null }, 7)).toEqual({ ...s, totalSteps: 400 });
  expect(scheduleFor(s, 1, { steps: null, epochs: 3 }, 7)).toEqual({ ...s, totalSteps: 21 });
  expect(() => scheduleFor(s, 1, { steps: null, epochs: null }, 7)).toThrow(
    /config 'schedule\.totalSteps': a cosine schedule of a run limited by train\.timeBudget alone/,
  );
  expect(() => scheduleFor(s, 1, { steps: 10, epochs: null }, 7)).toThrow(/config 'schedule\.warmupSteps': is 10, not below the 10 steps/);
});

test('bad optimizer and schedule values are ConfigErrors naming the key', () => {
  rejects({ optimizer: { kind: 'rmsprop' } }, 'optimizer.kind', /one of adam, adamw, sgd, lars/);
  rejects({ optimizer: { kind: 'adam', lr: 0.1 } }, 'optimizer.lr', /train\.learningRate \(flag --lr\)/);
  rejects(
    { optimizer: { kind: 'adam', momentum: 0.9 } },
    'optimizer.momentum',
    /unknown key; known keys of 'optimizer': kind, betas, epsilon, clipNorm/,
  );
  rejects({ optimizer: { kind: 'sgd', momentum: 1 } }, 'optimizer.momentum', /a number in \[0, 1\), got 1/);
  rejects(
    { optimizer: { kind: 'sgd', nesterov: true } },
    'optimizer.nesterov',
    /expected false while momentum is 0 \(Nesterov needs momentum\), got true/,
  );
  rejects({ optimizer: { kind: 'adamw', weightDecay: -1 } }, 'optimizer.weightDecay');
  rejects({ optimizer: { betas: [0.9] } }, 'optimizer.betas');
  rejects({ optimizer: { betas: [0.9, 1] } }, 'optimizer.betas[1]');
  rejects({ optimizer: { clipNorm: 0 } }, 'optimizer.clipNorm', /a finite number > 0, got 0/);
  rejects({ optimizer: { kind: 'lars', trustCoefficient: 'x' } }, 'optimizer.trustCoefficient');
  rejects({ schedule: { kind: 'linear' } }, 'schedule.kind');
  rejects({ schedule: { kind: 'step' } }, 'schedule.every');
  rejects({ schedule: { kind: 'step', every: 10, gamma: 2 } }, 'schedule.gamma');
  rejects({ schedule: { kind: 'constant', every: 10 } }, 'schedule.every', /unknown key/);
  rejects({ schedule: { kind: 'cosine', minLr: 1 } }, 'schedule.minLr', /\[0, train\.learningRate = 0\.0001\]/);
  rejects({ schedule: { warmupSteps: -1 } }, 'schedule.warmupSteps');
  rejects(
    { schedule: { kind: 'cosine', totalSteps: 10, warmupSteps: 10 } },
    'schedule.warmupSteps',
    /an integer below totalSteps = 10, got 10/,
  );
});
