/**
 * Which backends can read values back synchronously.
 *
 * `tensor.dataSync()` on tfjs-backend-webgpu copies the buffer through an
 * `OffscreenCanvas`, which Node.js does not have: under Node it throws
 * (`ReferenceError: OffscreenCanvas is not defined`), and in a browser it stalls the
 * GPU. Code meant to run on every backend reads with `await tensor.data()`, and skips
 * checks that would need a synchronous read where {@link canReadSync} is false.
 */
import * as tf from '@tensorflow/tfjs';

/** Backends on which `dataSync()` is unavailable; grows with {@link registerAsyncOnlyBackend}. */
const asyncOnly = new Set<string>(['webgpu']);

/**
 * Whether `backend` reads synchronously (`dataSync`, `arraySync`).
 * @param backend a tfjs backend name; default the active one
 * @example
 * if (canReadSync()) checkFinite(t.dataSync()); // skipped on webgpu
 */
export function canReadSync(backend: string = tf.getBackend()): boolean {
  return !asyncOnly.has(backend);
}

/** The parts of tfjs' cpu backend that the async-only copy rewires. */
interface CpuBackend extends tf.KernelBackend {
  readSync(dataId: object): tf.backend_util.BackendValues;
  bufferSync(t: tf.TensorInfo): tf.TensorBuffer<tf.Rank>;
  where(condition: tf.Tensor): tf.Tensor2D;
}

/**
 * Registers a copy of tfjs' `cpu` backend (the same kernels, infomax's too if registered
 * on `cpu`) whose values can be read only asynchronously, as on webgpu under Node: a
 * `dataSync()` from outside the backend throws, `await data()` works. It lets a machine
 * without a GPU test that code runs where synchronous reads are impossible.
 * @param name the backend's name; {@link canReadSync} is false for it
 * @returns `name`, for `tf.setBackend(name)`
 * @example
 * await tf.setBackend(registerAsyncOnlyBackend());
 * await t.data(); // works; t.dataSync() throws
 */
export function registerAsyncOnlyBackend(name = 'cpu-async-only'): string {
  asyncOnly.add(name);
  if (tf.findBackendFactory(name) === null) {
    const cpuFactory = tf.findBackendFactory('cpu');
    if (cpuFactory === null) throw new Error(`registerAsyncOnlyBackend: tfjs' cpu backend is not registered`);
    tf.registerBackend(name, () => {
      const backend = cpuFactory() as CpuBackend;
      // Its "install tfjs-node" notice would be noise here.
      (backend as unknown as { firstUse: boolean }).firstUse = false;
      const ownRead = backend.readSync.bind(backend);
      // The cpu backend reads its own values synchronously inside a few kernels; only reads from outside fail.
      let inside = 0;
      const internal =
        <A extends unknown[], R>(f: (...args: A) => R) =>
        (...args: A): R => {
          inside += 1;
          try {
            return f(...args);
          } finally {
            inside -= 1;
          }
        };
      backend.readSync = (dataId) => {
        if (inside === 0) {
          throw new Error(`backend '${name}' cannot read values synchronously (as webgpu under Node.js): use await tensor.data()`);
        }
        return ownRead(dataId);
      };
      backend.read = async (dataId) => ownRead(dataId);
      backend.bufferSync = internal(backend.bufferSync.bind(backend));
      backend.where = internal(backend.where.bind(backend));
      return backend;
    });
  }
  for (const kernel of tf.getKernelsForBackend('cpu')) {
    if (tf.getKernel(kernel.kernelName, name) === undefined) tf.registerKernel({ ...kernel, backendName: name });
  }
  return name;
}
