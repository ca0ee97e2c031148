import * as tf from '@tensorflow/tfjs';
import { initEngine, ConfigError } from '@infomax/engine';
import { channelSplit } from './channel-split';
import { expectClose, expectNoLeak, testImages } from './test-utils/helpers';

describe('channelSplit (wasm)', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'wasm', log: null });
  });

  it('sizes [1, 2] take channel 0, then channels 1-2; default is one view per channel', () => {
    const x = testImages([2, 3, 3, 3]);
    const v = x.dataSync();
    const [first, rest] = channelSplit(x, { sizes: [1, 2] });
    expectClose(
      first.dataSync(),
      Array.from(v).filter((_, i) => i % 3 === 0),
      0,
    );
    expectClose(
      rest.dataSync(),
      Array.from(v).filter((_, i) => i % 3 !== 0),
      0,
    );
    const each = channelSplit(x);
    expect(each.map((t) => t.shape)).toEqual([
      [2, 3, 3, 1],
      [2, 3, 3, 1],
      [2, 3, 3, 1],
    ]);
    expectClose(
      each[2].dataSync(),
      Array.from(v).filter((_, i) => i % 3 === 2),
      0,
    );
    tf.dispose([x, first, rest, ...each]);
  });

  it('rejects sizes that do not sum to the channel count; leaves no tensors behind', () => {
    const x = testImages([1, 2, 2, 3]);
    expect(() => channelSplit(x, { sizes: [1, 1] })).toThrow(ConfigError);
    expect(() => channelSplit(x, { sizes: [1, 1] })).toThrow(/channelSplit: option 'sizes': expected .* the 3 channels .*, got \[1, 1\]$/);
    expect(() => channelSplit(x, { sizes: [0, 3] })).toThrow(ConfigError);
    expectNoLeak(() => channelSplit(x, { sizes: [2, 1] }));
    x.dispose();
  });
});
