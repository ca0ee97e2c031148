// The DCGAN-style encoder of DIM (Hjelm et al. 2019), as benchmarked here and in torch_step.py:
// conv 64-128(-256) 4×4 stride 2 'same' + ReLU → fc 1024 + ReLU → 64-d code.
const tf = require('@tensorflow/tfjs');

function dcganEncoder(height, width, channels, seed = 1) {
  const convs = height >= 32 ? [64, 128, 256] : [64, 128];
  let s = seed;
  const init = () => tf.initializers.glorotUniform({ seed: s++ });
  const layers = [];
  convs.forEach((filters, i) =>
    layers.push(
      tf.layers.conv2d({
        ...(i === 0 ? { inputShape: [height, width, channels] } : {}),
        filters,
        kernelSize: 4,
        strides: 2,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: init(),
      }),
    ),
  );
  layers.push(tf.layers.flatten());
  layers.push(tf.layers.dense({ units: 1024, activation: 'relu', kernelInitializer: init() }));
  layers.push(tf.layers.dense({ units: 64, kernelInitializer: init() }));
  return tf.sequential({ layers });
}

/** One forward + backward + Adam step; the loss is the mean squared code (same as the PyTorch side). */
function makeStep(model, optimizer) {
  return (x) => tf.dispose(optimizer.minimize(() => tf.mean(tf.square(model.apply(x))), true));
}

module.exports = { dcganEncoder, makeStep };
