// ParallelTask for DataParallel: the benchmark's DCGAN-style encoder and step (see dcgan.js).
const tf = require('@tensorflow/tfjs');
const { adam } = require('@infomax/engine');
const { dcganEncoder } = require('./dcgan');

exports.createTask = ({ h, w, c, seed }) => {
  const model = dcganEncoder(h, w, c, seed);
  return {
    variables: model.trainableWeights.map((v) => v.read()),
    optimizer: adam(1e-4),
    loss: ([x]) => tf.mean(tf.square(model.apply(x))),
  };
};
