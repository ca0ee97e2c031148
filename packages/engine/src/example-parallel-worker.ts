/**
 * A replica of {@link ExampleParallel}: loads the weights the main thread sent, runs
 * the per-example part on its shard under a gradient tape, hands the outputs over and,
 * with the tape still open, waits for their gradients; then back-propagates them and
 * returns the gradients of its variables.
 */
import * as tf from '@tensorflow/tfjs';
import { parentPort, type MessagePort } from 'worker_threads';
import { initEngine } from './node'; // Node-only: relaxed SIMD (FMA) as on the main thread
import { SyncChannel } from './sync-channel';
import { assignFrom, buffersOf, copyInto, fromWire, sharedViews, toWire } from './wire-tensor';
import type { ExampleTask, FromReplica, InitMessage, ShareMessage, StepMessage, ToReplica } from './example-parallel-protocol';

let task: ExampleTask;
let channel: SyncChannel<ToReplica, FromReplica>;
let weights: Float32Array[] = [];
let grads: Float32Array[] = [];

/** Thrown inside the tape when the main thread abandons the step. */
class Aborted extends Error {}

function step(msg: StepMessage): void {
  assignFrom(task.variables, weights);
  const inputs = msg.inputs.map(fromWire);
  try {
    const result = tf.variableGrads(() => {
      const outputs = task.forward(inputs);
      const sent = outputs.map(toWire);
      channel.send({ kind: 'outputs', outputs: sent }, buffersOf(sent.map((o) => o.values)));
      const reply = channel.receive(Infinity);
      if (reply.kind === 'abort') throw new Aborted();
      // Σ output·dy: its gradient with respect to each output is dy itself.
      const terms = outputs.map((o, i) => tf.sum(tf.mul(o, fromWire(reply.dys[i]))));
      return tf.addN(terms) as tf.Scalar;
    }, task.variables);
    copyInto(
      grads,
      task.variables.map((v) => result.grads[v.name]),
    );
    tf.dispose([result.value, result.grads]);
    channel.send({ kind: 'grads' });
  } catch (e) {
    channel.send(e instanceof Aborted ? { kind: 'aborted' } : { kind: 'error', message: (e as Error).stack ?? String(e) });
  } finally {
    tf.dispose(inputs);
  }
}

parentPort!.on('message', (msg: InitMessage | ShareMessage | StepMessage) => {
  if (msg.kind === 'step') {
    step(msg);
    return;
  }
  if (msg.kind === 'share') {
    const shapes = task.variables.map((v) => v.shape);
    [weights, grads] = [sharedViews(msg.weights, shapes), sharedViews(msg.grads, shapes)];
    return;
  }
  (async () => {
    await initEngine({ backend: msg.backend, log: null });
    channel = new SyncChannel(msg.port as MessagePort, msg.words, 1);
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the task module's path is known only at run time
    const mod = require(msg.module) as { createTask: (o: unknown) => ExampleTask | Promise<ExampleTask> };
    task = await mod.createTask(msg.options);
    parentPort!.postMessage({ kind: 'ready', shapes: task.variables.map((v) => v.shape) });
  })().catch((e: Error) => parentPort!.postMessage({ kind: 'error', message: e.stack ?? e.message }));
});
