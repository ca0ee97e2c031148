import Ajv from 'ajv';
import * as tf from '@tensorflow/tfjs';
import { initEngine } from './backend';
import { ConfigError } from './errors';
import { adam, adamw, FusedAdam } from './optimizers';
import { MomentumSgd, sgd } from './optimizers-sgd';
import { Lars, lars } from './optimizers-lars';
import { createOptimizer, OPTIMIZER_KEYS, optimizerConfigSchema, optimizerSpecSchema, type OptimizerSpec } from './optimizer-spec';
import { scheduleConfigSchema, scheduleSpecSchema } from './lr-schedule';
import { jsonSchemaOf, parseConfig } from './schema/parse-config';

const fail = (path: string, message: string) => new Error(`${path}: ${message}`);
/** The schema's JSON Schema as a predicate (ajv's own function takes a context as its second argument). */
function validator(schema: Parameters<typeof jsonSchemaOf>[0]): (value: unknown) => boolean {
  const validate = new Ajv({ strict: false }).compile(jsonSchemaOf(schema, { title: 't' }));
  return (value) => validate(value);
}

beforeAll(async () => {
  await initEngine({ backend: 'cpu', log: null });
});

test('createOptimizer fills in each kind’s defaults, the same as the functions do; no kind is adam', () => {
  const before = tf.memory().numTensors;
  const byFunction = [adamw(), adam(), sgd(), lars()] as const;
  const made = [
    createOptimizer({ lr: 0.5 } as OptimizerSpec),
    createOptimizer({ kind: 'adamw', lr: 0.5 }),
    createOptimizer({ kind: 'sgd', lr: 0.5 }),
    createOptimizer({ kind: 'lars', lr: 0.5, clipNorm: 2 }),
  ];
  expect(made.map((o) => o.constructor)).toEqual([FusedAdam, FusedAdam, MomentumSgd, Lars]);
  const [a, w, s, l] = made as [FusedAdam, FusedAdam, MomentumSgd, Lars];
  expect(a.getConfig()).toEqual({ ...byFunction[1].getConfig(), learningRate: 0.5, beta1: 0.9, beta2: 0.999 });
  expect([a.weightDecay, a.clipNorm, w.weightDecay]).toEqual([0, undefined, 0.01]);
  expect(w.getConfig()).toEqual({ ...byFunction[0].getConfig(), learningRate: 0.5 });
  expect(s.getConfig()).toEqual({ learningRate: 0.5, momentum: 0, nesterov: false, weightDecay: 0 });
  expect(l.getConfig()).toEqual({
    learningRate: 0.5,
    momentum: 0.9,
    nesterov: false,
    weightDecay: 0,
    clipNorm: 2,
    trustCoefficient: 0.001,
    epsilon: 1e-8,
    excludeBiases: true,
  });
  expect(byFunction.map((o) => o.learningRate)).toEqual([0.001, 0.001, 0.01, 0.1]);
  const unclipped = createOptimizer({ kind: 'sgd', lr: 1, clipNorm: null } as unknown as OptimizerSpec);
  expect(unclipped.getConfig().clipNorm).toBeUndefined();
  [...made, ...byFunction, unclipped].forEach((o) => o.dispose());
  expect(tf.memory().numTensors).toBe(before);
});

test.each<[() => unknown, string]>([
  [
    () => createOptimizer({ kind: 'rmsprop', lr: 1 } as never),
    "createOptimizer: option 'kind': expected one of adam, adamw, sgd, lars, got 'rmsprop'",
  ],
  [() => createOptimizer({ kind: 'adam' } as never), "createOptimizer: option 'lr': expected a finite number > 0, got undefined"],
  [
    () => createOptimizer({ kind: 'sgd', lr: 1, betas: [0.9, 0.99] }),
    "createOptimizer: option 'betas': unknown key; known keys: kind, lr, momentum, nesterov, weightDecay, clipNorm",
  ],
  [() => createOptimizer({ kind: 'adam', lr: 1, betas: [0.9] as never }), "createOptimizer: option 'betas': expected a list of 2 values"],
  [
    () => createOptimizer({ kind: 'adamw', lr: 1, betas: [0.9, 1] }),
    "createOptimizer: option 'betas[1]': expected a number in [0, 1), got 1",
  ],
  [
    () => createOptimizer({ kind: 'lars', lr: 1, nesterov: true, momentum: 0 }),
    "createOptimizer: option 'nesterov': expected false while momentum is 0 (Nesterov needs momentum), got true",
  ],
  [() => createOptimizer({ kind: 'sgd', lr: 1, clipNorm: -1 }), "createOptimizer: option 'clipNorm': expected a finite number > 0, got -1"],
  [() => createOptimizer(3 as never), 'createOptimizer: options: expected an object with a kind, got 3'],
  [() => adam({ beta1: 1 }), "adam: option 'beta1': expected a number in [0, 1), got 1"],
  [() => adam(0), "adam: option 'learningRate': expected a finite number > 0, got 0"],
  [() => adam(Number.NaN), "adam: option 'learningRate': expected a finite number > 0, got NaN"],
  [() => adam({ beta2: Number.NaN }), "adam: option 'beta2': expected a number in [0, 1), got NaN"],
  [() => adamw({ weightDecay: -0.1 }), "adamw: option 'weightDecay': expected a finite number ≥ 0, got -0.1"],
  [() => adam({ epsilon: 0 }), "adam: option 'epsilon': expected a finite number > 0, got 0"],
  [() => sgd({ momentum: 1 }), "sgd: option 'momentum': expected a number in [0, 1), got 1"],
  [() => sgd({ nesterov: true }), "sgd: option 'nesterov': expected false while momentum is 0 (Nesterov needs momentum), got true"],
  [() => sgd({ nesterov: 'yes' as never, momentum: 0.9 }), "sgd: option 'nesterov': expected true or false, got 'yes'"],
  [() => lars({ trustCoefficient: 0 }), "lars: option 'trustCoefficient': expected a finite number > 0, got 0"],
  [() => lars({ epsilon: -1 }), "lars: option 'epsilon': expected a finite number ≥ 0, got -1"],
  [() => lars({ excludeBiases: 1 as never }), "lars: option 'excludeBiases': expected true or false, got 1"],
  [() => lars({ lr: 0.1 } as never), "lars: option 'lr': unknown key; known keys: learningRate, momentum, nesterov, weightDecay, clipNorm"],
])('%#: %s', (make, message) => {
  expect(make).toThrow(ConfigError);
  expect(make).toThrow(message);
});

test('OPTIMIZER_KEYS are the keys the spec schema takes besides kind and lr', () => {
  expect(OPTIMIZER_KEYS).toEqual({
    adam: ['betas', 'epsilon', 'clipNorm'],
    adamw: ['betas', 'epsilon', 'weightDecay', 'clipNorm'],
    sgd: ['momentum', 'nesterov', 'weightDecay', 'clipNorm'],
    lars: ['momentum', 'nesterov', 'weightDecay', 'trustCoefficient', 'excludeBiases', 'clipNorm'],
  });
});

test('the config schemas: no lr, cosine may leave its length to the runner, defaults filled in', () => {
  expect(parseConfig(optimizerConfigSchema, {}, fail)).toEqual({ kind: 'adam', betas: [0.9, 0.999], clipNorm: null });
  expect(() => parseConfig(optimizerConfigSchema, { lr: 1 }, fail)).toThrow('lr: unknown key; known keys: kind, betas, epsilon, clipNorm');
  expect(parseConfig(scheduleConfigSchema, { kind: 'cosine' }, fail)).toEqual({ kind: 'cosine', warmupSteps: 0, minLr: 0 });
  expect(() => parseConfig(scheduleSpecSchema, { kind: 'cosine' }, fail)).toThrow('totalSteps: expected an integer in 1..∞, got undefined');
  expect(parseConfig(scheduleSpecSchema, {}, fail)).toEqual({ kind: 'constant', warmupSteps: 0 });
});

test("the JSON Schemas take each kind's keys only, and the keys a kind requires", () => {
  const spec = validator(optimizerSpecSchema);
  const config = validator(optimizerConfigSchema);
  expect([{ lr: 1 }, { kind: 'lars', lr: 1, trustCoefficient: 0.01 }, { kind: 'adamw', lr: 1, betas: [0.9, 0.95] }].map(spec)).toEqual([
    true,
    true,
    true,
  ]);
  expect([{}, { kind: 'sgd', lr: 1, betas: [0.9, 0.99] }, { kind: 'sgd', lr: 1, momentum: 1 }, { lr: 1, clipNorm: 0 }].map(spec)).toEqual([
    false,
    false,
    false,
    false,
  ]);
  expect([{}, { kind: 'sgd', momentum: 0.9, clipNorm: null }].map(config)).toEqual([true, true]);
  expect([{ lr: 1 }, { kind: 'sgd', betas: [0.9, 0.99] }].map(config)).toEqual([false, false]);
  const schedule = validator(scheduleSpecSchema);
  expect([{}, { kind: 'cosine', totalSteps: 9 }, { kind: 'step', every: 3, gamma: 0.5 }].map(schedule)).toEqual([true, true, true]);
  expect([{ kind: 'cosine' }, { kind: 'step' }, { kind: 'constant', every: 3 }, { warmupSteps: -1 }].map(schedule)).toEqual([
    false,
    false,
    false,
    false,
  ]);
  expect([{ kind: 'cosine' }, { kind: 'step' }].map(validator(scheduleConfigSchema))).toEqual([true, false]);
});
