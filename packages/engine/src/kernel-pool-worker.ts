/**
 * A thread of {@link KernelPool}: instantiates the kernel module on the shared wasm
 * memory, then runs the calls the main thread hands it until told to stop (kernel 0).
 * It never returns to its event loop while running: it waits on its control word.
 */
import { parentPort, type MessagePort } from 'worker_threads';
import { ARGS_AT, CONTROL, KERNEL_NAMES, MAX_ARGS, waitUntil } from './kernel-pool';

interface Start {
  memory: WebAssembly.Memory;
  module: WebAssembly.Module;
  block: SharedArrayBuffer;
  errors: MessagePort;
}

parentPort!.once('message', (msg: Start) => {
  let kernels: Array<(...args: number[]) => unknown>;
  try {
    const exports = new WebAssembly.Instance(msg.module, { env: { memory: msg.memory } }).exports as Record<string, unknown>;
    kernels = KERNEL_NAMES.map((n) => exports[n] as (...args: number[]) => unknown);
    if (kernels.some((k) => typeof k !== 'function')) throw new Error(`the module lacks one of ${KERNEL_NAMES.join(', ')}`);
  } catch (e) {
    parentPort!.postMessage({ kind: 'error', message: (e as Error).message });
    return;
  }
  parentPort!.postMessage({ kind: 'ready' });
  const control = new Int32Array(msg.block, 0, 8);
  const args = new Float64Array(msg.block, ARGS_AT, MAX_ARGS);
  let seen = 0;
  for (;;) {
    const last = seen;
    seen = waitUntil(control, CONTROL.seq, (v) => v !== last);
    const code = control[CONTROL.kernel];
    if (code === 0) return;
    try {
      kernels[code - 1](...args.subarray(0, control[CONTROL.args]));
      control[CONTROL.failed] = 0;
    } catch (e) {
      control[CONTROL.failed] = 1;
      msg.errors.postMessage((e as Error).message);
    }
    Atomics.store(control, CONTROL.done, seen);
    Atomics.notify(control, CONTROL.done);
  }
});
