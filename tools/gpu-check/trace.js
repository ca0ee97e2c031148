// Loads what check.js loads (and tfjs-backend-webgpu, which only a GPU run loads) and
// prints every CommonJS file that came in, as JSON: prepare.js copies exactly these.
require('@infomax/engine');
require('@infomax/objectives');
require('@infomax/eval');
require('@tensorflow/tfjs');
require('@tensorflow/tfjs-backend-webgpu');
process.stdout.write(JSON.stringify(Object.keys(require.cache)));
