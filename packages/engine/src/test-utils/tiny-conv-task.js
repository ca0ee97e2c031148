// A ParallelTask for the data-parallel test: a small conv net with seeded weights and Adam.
const tf = require('@tensorflow/tfjs');

exports.createTask = ({ seed }) => {
  let s = seed;
  const init = () => tf.initializers.glorotUniform({ seed: s++ });
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [8, 8, 1],
        filters: 4,
        kernelSize: 3,
        strides: 2,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: init(),
      }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 3, kernelInitializer: init() }),
    ],
  });
  const variables = model.trainableWeights.map((w) => w.read());
  return {
    variables,
    optimizer: tf.train.adam(0.01),
    loss: ([x, y]) => tf.losses.meanSquaredError(y, model.apply(x)),
  };
};
