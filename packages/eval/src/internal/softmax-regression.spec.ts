import * as tf from '@tensorflow/tfjs';
import { initEngine, Rng } from '@infomax/engine';
import { expectClose, expectNoLeak, gaussian, randomLabels } from '../test-utils/helpers';
import { softmaxStep } from './softmax-regression';

beforeAll(async () => {
  await initEngine({ backend: 'wasm', log: null });
});

describe('softmaxStep', () => {
  const rng = new Rng(11);
  const [batch, dim, classes] = [12, 5, 4];
  const x = gaussian(rng, batch, dim);
  const y = randomLabels(rng, batch, classes);
  const w = gaussian(rng, dim, classes);
  const b = gaussian(rng, 1, classes);

  it('B=12 dim=5 C=4 decay 0.1: loss and gradients equal autodiff of softmax cross-entropy + L2', () => {
    tf.tidy(() => {
      const [xt, yt, wt, bt] = [tf.tensor2d(x, [batch, dim]), tf.tensor1d(y, 'int32'), tf.tensor2d(w, [dim, classes]), tf.tensor1d(b)];
      const step = softmaxStep(xt, yt, wt, bt, 0.1);
      const reference = (wv: tf.Tensor, bv: tf.Tensor) =>
        tf.losses
          .softmaxCrossEntropy(tf.oneHot(yt, classes), xt.matMul(wv as tf.Tensor2D).add(bv))
          .add(tf.sum(tf.square(wv)).mul(0.05)) as tf.Scalar;
      const { value, grads } = tf.valueAndGrads(reference)([wt, bt]);
      expectClose(step.loss.dataSync()[0], value.dataSync()[0], 1e-5);
      const [gw, gb] = [step.gradW.dataSync(), step.gradB.dataSync()];
      grads[0].dataSync().forEach((g, i) => expectClose(gw[i], g, 1e-5));
      grads[1].dataSync().forEach((g, i) => expectClose(gb[i], g, 1e-5));
    });
  });

  it('leaks no tensors inside a tidy', async () => {
    const xt = tf.tensor2d(x, [batch, dim]);
    const yt = tf.tensor1d(y, 'int32');
    const wt = tf.tensor2d(w, [dim, classes]);
    const bt = tf.tensor1d(b);
    await expectNoLeak(() => tf.tidy(() => void softmaxStep(xt, yt, wt, bt, 0)));
    tf.dispose([xt, yt, wt, bt]);
  });
});
