/**
 * Runs the programs in examples/ (compiled by ts-jest, as a user would with tsc) on
 * tiny settings and checks what they print is right: the MI estimate against the
 * closed form, the custom objective's loss falling, DIM on a folder of PNGs learning.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { trainDimOnFolder, writeSyntheticFolder } from '../../../examples/dim-image-folder';
import { main as estimateMiMain } from '../../../examples/estimate-mi';
import { trainCustomObjective, ends } from '../../../examples/custom-objective';

describe('examples', () => {
  it('estimate-mi: InfoNCE with a concat critic is within 0.25 nats of I = 1 nat (d=2, 4096 pairs, batch 64)', async () => {
    const { estimate, truth } = await estimateMiMain({ steps: 300, batch: 64 });
    expect(truth).toBeCloseTo(1, 10);
    expect(Math.abs(estimate - truth)).toBeLessThan(0.25);
  });

  it('custom-objective: the InfoNCE loss of the last 10 steps is below the first 10, no tensors leak', async () => {
    await trainCustomObjective({ steps: 2 }); // warm-up: kernels and backend state
    const before = tf.memory().numTensors;
    const run = await trainCustomObjective({ steps: 40 });
    expect(tf.memory().numTensors).toBe(before);
    expect(run.losses.every(Number.isFinite)).toBe(true);
    const { first, last } = ends(run.losses);
    expect(last).toBeLessThan(first - 0.1);
    // InfoNCE never reports more than log(batch).
    expect(Math.max(...run.estimates)).toBeLessThanOrEqual(Math.log(32) + 1e-5);
  });
});

describe('examples/dim-image-folder', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await writeSyntheticFolder(fs.mkdtempSync(path.join(os.tmpdir(), 'infomax-docs-folder-')), 128, 16);
  });
  afterAll(() => fs.rmSync(folder, { recursive: true, force: true }));

  it('DIM on 128 PNGs in 4 class folders: 40 steps, loss falls, the global MI estimate rises, no tensors leak per step', async () => {
    await trainDimOnFolder(folder, { steps: 2 }); // warm-up
    // Building and disposing a DIM objective leaves a fixed number of tensors behind
    // (an @infomax/objectives issue, reported); what the example itself must not do is
    // leak per step: 40 steps leave exactly what 2 steps leave.
    const n0 = tf.memory().numTensors;
    await trainDimOnFolder(folder, { steps: 2 });
    const n1 = tf.memory().numTensors;
    const history = await trainDimOnFolder(folder, { steps: 40 });
    expect(tf.memory().numTensors - n1).toBe(n1 - n0);
    expect(history).toHaveLength(40);
    const mean = (k: string, from: number, to: number) => history.slice(from, to).reduce((a, m) => a + m[k], 0) / (to - from);
    expect(history.every((m) => Number.isFinite(m.loss) && Number.isFinite(m.mi_local) && Number.isFinite(m.mi_global))).toBe(true);
    expect(mean('loss', 30, 40)).toBeLessThan(mean('loss', 0, 10) - 0.1);
    expect(mean('mi_global', 30, 40)).toBeGreaterThan(mean('mi_global', 0, 10) + 0.3);
  });
});
