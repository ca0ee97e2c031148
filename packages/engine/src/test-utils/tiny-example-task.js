// An ExampleTask for the ExampleParallel test: a small conv net giving two per-example outputs.
const tf = require('@tensorflow/tfjs');

exports.createTask = ({ seed }) => {
  let s = seed;
  const init = () => tf.initializers.glorotUniform({ seed: s++ });
  const conv = tf.layers.conv2d({
    inputShape: [8, 8, 1],
    filters: 4,
    kernelSize: 3,
    strides: 2,
    padding: 'same',
    activation: 'relu',
    kernelInitializer: init(),
  });
  const dense = tf.layers.dense({ units: 3, kernelInitializer: init() });
  const model = tf.sequential({ layers: [conv, tf.layers.flatten(), dense] });
  return {
    variables: model.trainableWeights.map((w) => w.read()),
    // The feature map [b, 4, 4, 4] and the code [b, 3].
    forward: ([x]) => {
      const map = conv.apply(x);
      return [map, dense.apply(tf.layers.flatten().apply(map))];
    },
  };
};
