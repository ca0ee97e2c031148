/**
 * A message channel one side can block on: the receiver waits on a shared word
 * (`Atomics.wait`) that the sender bumps after each message, then takes the message
 * with `receiveMessageOnPort`. It lets a synchronous computation (a gradient tape in
 * progress) exchange tensors with another thread without returning to its event loop.
 * Node-only (worker_threads).
 */
import { receiveMessageOnPort, type MessagePort, type TransferListItem } from 'worker_threads';
import { EngineError } from './errors';

/** One direction's end of a {@link SyncChannel}. */
export class SyncChannel<In, Out> {
  /**
   * @param port this side's end of a `MessageChannel`
   * @param words `Int32Array` on a SharedArrayBuffer of two words: word `mine` is bumped by the other side, `1 − mine` by this one
   * @param mine which word this side waits on (0 or 1)
   */
  constructor(
    private readonly port: MessagePort,
    private readonly words: Int32Array,
    private readonly mine: 0 | 1,
  ) {}

  /** Sends a message and wakes the other side. */
  send(message: Out, transfer: TransferListItem[] = []): void {
    this.port.postMessage(message, transfer);
    const theirs = 1 - this.mine;
    Atomics.add(this.words, theirs, 1);
    Atomics.notify(this.words, theirs);
  }

  /**
   * Blocks until a message arrives.
   * @param timeoutMs longest wait; Infinity waits for ever
   * @throws EngineError when nothing arrives in time
   */
  receive(timeoutMs: number): In {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      // Read the word before looking at the port: a message posted after the look bumps it, and the wait returns at once.
      const seen = Atomics.load(this.words, this.mine);
      const got = receiveMessageOnPort(this.port);
      if (got) return got.message as In;
      const left = deadline - performance.now();
      if (left <= 0 || Atomics.wait(this.words, this.mine, seen, left) === 'timed-out') {
        throw new EngineError(`SyncChannel: no message within ${Math.round(timeoutMs / 1000)} s (the other thread is stuck or gone)`);
      }
    }
  }
}
