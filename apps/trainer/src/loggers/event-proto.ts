/**
 * The part of TensorFlow's `Event` protocol buffer (tensorflow/core/util/event.proto,
 * summary.proto) that scalar logging needs, declared for protobufjs: field numbers are
 * the format's, names are ours.
 */
import * as protobuf from 'protobufjs/light';

const root = protobuf.Root.fromJSON({
  nested: {
    Event: {
      fields: {
        wallTime: { type: 'double', id: 1 },
        step: { type: 'int64', id: 2 },
        fileVersion: { type: 'string', id: 3 },
        summary: { type: 'Summary', id: 5 },
      },
    },
    Summary: { fields: { value: { rule: 'repeated', type: 'SummaryValue', id: 1 } } },
    SummaryValue: { fields: { tag: { type: 'string', id: 1 }, simpleValue: { type: 'float', id: 2 } } },
  },
});
const EventType = root.lookupType('Event');

/** One decoded event: the file header (`fileVersion`) or scalars at a step. */
export interface TfEvent {
  /** Seconds since the Unix epoch. */
  wallTime: number;
  step: number;
  fileVersion?: string;
  summary?: { value: Array<{ tag: string; simpleValue: number }> };
}

/** The version string TensorBoard expects in an event file's first record. */
export const EVENT_FILE_VERSION = 'brain.Event:2';

/**
 * Serialises one event.
 * @example
 * encodeEvent({ wallTime: Date.now() / 1000, step: 20, summary: { value: [{ tag: 'train/loss', simpleValue: 0.5 }] } });
 */
export function encodeEvent(event: TfEvent): Uint8Array {
  return EventType.encode(EventType.fromObject(event)).finish();
}

/** Parses one event (int64 steps as numbers). */
export function decodeEvent(bytes: Uint8Array): TfEvent {
  const message = EventType.decode(bytes);
  return EventType.toObject(message, { longs: Number, defaults: false }) as TfEvent;
}
