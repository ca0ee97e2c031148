import { initEngine } from '@infomax/engine';
import { estimateGaussian } from './estimate';
import { ESTIMATE_BOUNDS } from './internal/critic-fit';

beforeAll(async () => {
  await initEngine({ backend: 'wasm', log: null });
});

// d = 2, I = 1 nat, B = 128, 400 Adam steps of a separable critic: the mean of the last
// quarter's estimates. Every bound is a lower bound whose mini-batch value scatters by
// ~0.1 nats; InfoNCE is also capped at log B = 4.85, far above 1 nat, so none should sit
// far from the truth. JSD and SMILE report on a JSD-trained critic; TUBA and I_α run with
// the constant baseline a ≡ 1.
const BIAS: Record<string, [number, number]> = {
  dv: [-0.3, 0.15],
  nwj: [-0.3, 0.15],
  infonce: [-0.3, 0.15],
  jsd: [-0.4, 0.15],
  smile: [-0.4, 0.15],
  mine: [-0.3, 0.15],
  tuba: [-0.3, 0.15],
  interpolated: [-0.3, 0.15],
};

test.each(ESTIMATE_BOUNDS)(
  "%s: d=2, I=1 nat, B=128: the trained critic's estimate is within the bound's known bias of the truth",
  async (bound) => {
    const [row] = await estimateGaussian({
      dim: 2,
      levels: [1],
      bounds: [bound],
      critic: 'separable',
      steps: 400,
      batchSize: 128,
      learningRate: 1e-3,
      seed: 0,
    });
    if (process.env.SHOW) console.log(bound, row.estimate, row.std);
    expect(row.truth).toBeCloseTo(1, 6);
    const [low, high] = BIAS[bound];
    expect(row.estimate).toBeGreaterThan(row.truth + low);
    expect(row.estimate).toBeLessThan(row.truth + high);
  },
);
