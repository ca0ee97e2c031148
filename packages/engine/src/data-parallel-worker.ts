/**
 * A data-parallel replica: builds the task, computes its shard's gradient into
 * its slot of a shared buffer, and applies the weighted mean of every slot.
 * All replicas apply the same averaged gradient with the same optimizer, so they
 * stay identical without ever sending weights.
 */
import * as tf from '@tensorflow/tfjs';
import { parentPort } from 'worker_threads';
import { wasmHeapView } from './kernels/simd/module';
import { initEngine } from './node'; // Node-only: relaxed SIMD (FMA) as on the main thread
import type { FromWorker, ParallelTask, StepInput, ToWorker } from './data-parallel-protocol';

let task: ParallelTask;
let slots: Float32Array[] = [];
let mean: Float32Array<ArrayBufferLike> = new Float32Array(0);
let sizes: number[] = [];
let mine = 0;

const send = (m: FromWorker) => parentPort!.postMessage(m);

async function handle(msg: ToWorker): Promise<void> {
  switch (msg.kind) {
    case 'init': {
      await initEngine({ backend: msg.backend, log: null });
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- the task module's path is known only at run time
      const mod = require(msg.module) as { createTask: (o: unknown) => ParallelTask | Promise<ParallelTask> };
      task = await mod.createTask(msg.options);
      sizes = task.variables.map((v) => v.size);
      send({ kind: 'ready', sizes });
      return;
    }
    case 'share': {
      const total = sizes.reduce((a, b) => a + b, 0);
      slots = Array.from({ length: msg.workers }, (_, i) => new Float32Array(msg.grads, i * total * 4, total));
      mean = new Float32Array(msg.mean);
      mine = msg.index;
      send({ kind: 'shared' });
      return;
    }
    case 'grad': {
      const inputs = msg.inputs.map((i: StepInput) => tf.tensor(i.values, i.shape, i.dtype));
      const { value, grads } = tf.variableGrads(() => task.loss(inputs), task.variables);
      const slot = slots[mine];
      let offset = 0;
      for (const v of task.variables) {
        const g = grads[v.name];
        slot.set(wasmHeapView(tf.backend(), g) ?? (g.dataSync() as Float32Array), offset); // one copy on wasm
        offset += v.size;
      }
      const loss = value.dataSync()[0];
      tf.dispose([value, grads, inputs]);
      send({ kind: 'graded', loss });
      return;
    }
    case 'reduce': {
      // This replica's slice of the weighted mean of every replica's gradient.
      const total = slots[0].length;
      const lo = Math.floor((mine * total) / slots.length);
      const hi = Math.floor(((mine + 1) * total) / slots.length);
      mean.fill(0, lo, hi);
      msg.weights.forEach((w, i) => {
        if (w === 0) return;
        const s = slots[i];
        for (let j = lo; j < hi; j++) mean[j] += w * s[j];
      });
      send({ kind: 'reduced' });
      return;
    }
    case 'apply': {
      let offset = 0;
      const named = task.variables.map((v) => {
        const t = tf.tensor(mean.subarray(offset, offset + v.size), v.shape, 'float32');
        offset += v.size;
        return { name: v.name, tensor: t };
      });
      task.optimizer.applyGradients(named);
      tf.dispose(named.map((n) => n.tensor));
      send({ kind: 'applied' });
      return;
    }
    case 'read': {
      send({ kind: 'weights', values: task.variables.map((v) => v.dataSync() as Float32Array) });
      return;
    }
  }
}

parentPort!.on('message', (msg: ToWorker) => {
  handle(msg).catch((e: Error) => send({ kind: 'error', message: e.stack ?? e.message }));
});
