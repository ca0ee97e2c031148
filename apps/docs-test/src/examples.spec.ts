/**
 * Runs the programs in examples/ (compiled by ts-jest, as a user would with tsc) on
 * tiny settings and checks what they print is right: the MI estimate against the
 * closed form, the custom objective's loss falling.
 */
import * as tf from '@tensorflow/tfjs';
import { main as estimateMiMain } from '../../../examples/estimate-mi';
import { trainCustomObjective, ends } from '../../../examples/custom-objective';

describe('examples', () => {
  it('estimate-mi: InfoNCE with a concat critic is within 0.25 nats of I = 1 nat (d=2, 4096 pairs)', async () => {
    const { estimate, truth } = await estimateMiMain({ steps: 300 });
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
