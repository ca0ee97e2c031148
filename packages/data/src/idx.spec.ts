import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import * as path from 'path';
import { gzipSync } from 'zlib';
import { FASHION_MNIST_CLASSES, FASHION_MNIST_DEBIAN_DIR, findFashionMnist, loadFashionMnist } from './fashion-mnist';
import { loadIdxFolder, loadIdxPair, readIdx } from './idx';
import { greyImages, idxBytes, pixel, tempDir, errorOf } from './test-utils/fixtures';

const tmp = tempDir('idx');
afterAll(() => tmp.remove());

/** Writes an MNIST-layout folder: train 7 images, t10k 3 images, 5×4 pixels; gzipped or raw. */
function writeFolder(name: string, gz: boolean): string {
  const dir = path.join(tmp.dir, name);
  mkdirSync(dir, { recursive: true });
  const put = (file: string, bytes: Buffer) => writeFileSync(path.join(dir, gz ? `${file}.gz` : file), gz ? gzipSync(bytes) : bytes);
  put('train-images-idx3-ubyte', idxBytes([7, 5, 4], greyImages(7, 5, 4)));
  put('train-labels-idx1-ubyte', idxBytes([7], [3, 1, 4, 1, 5, 9, 2]));
  put('t10k-images-idx3-ubyte', idxBytes([3, 5, 4], greyImages(3, 5, 4, 100)));
  put('t10k-labels-idx1-ubyte', idxBytes([3], [6, 5, 3]));
  return dir;
}

describe('IDX folders', () => {
  it.each([
    ['gzipped', true],
    ['raw', false],
  ])('%s train/t10k files: sizes, labels and every pixel in place', async (label, gz) => {
    const { train, test } = await loadIdxFolder(writeFolder(`ok-${label}`, gz), { name: 'toy' });
    expect([train.count, train.height, train.width, train.channels]).toEqual([7, 5, 4, 1]);
    expect(Array.from(train.labels)).toEqual([3, 1, 4, 1, 5, 9, 2]);
    expect(Array.from(test.labels)).toEqual([6, 5, 3]);
    expect(test.name).toBe('toy/test');
    for (let n = 0; n < 3; n++) {
      for (let y = 0; y < 5; y++) for (let x = 0; x < 4; x++) expect(test.images[(n * 5 + y) * 4 + x]).toBe(pixel(100 + n, y, x, 0));
    }
  });

  it('rank-4 images [N, H, W, 3] load as RGB', async () => {
    const dir = path.join(tmp.dir, 'rgb');
    mkdirSync(dir);
    const data = Array.from({ length: 2 * 2 * 3 * 3 }, (_, i) => i);
    writeFileSync(path.join(dir, 'x-images'), idxBytes([2, 2, 3, 3], data));
    writeFileSync(path.join(dir, 'x-labels'), idxBytes([2], [0, 1]));
    const ds = await loadIdxPair(path.join(dir, 'x-images'), path.join(dir, 'x-labels'));
    expect([ds.count, ds.height, ds.width, ds.channels]).toEqual([2, 2, 3, 3]);
    expect(Array.from(ds.images)).toEqual(data);
  });
});

describe('IDX bad inputs → DatasetError naming the file', () => {
  const write = (name: string, bytes: Buffer) => {
    const file = path.join(tmp.dir, name);
    writeFileSync(file, bytes);
    return file;
  };

  it('wrong magic number (a PNG signature where 00 00 08 03 should be)', async () => {
    const file = write('bad-magic', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1]));
    const err = await errorOf(readIdx(file, 3));
    expect(err.code).toBe('bad-magic');
    expect(err.file).toBe(file);
    expect(err.message).toContain(file);
    expect(err.message).toContain('00 00 08 03');
    expect(err.message).toContain('89 50 4e 47');
  });

  it('labels file where an images file is expected (rank 1, not 3) and a non-byte type (0x0D float)', async () => {
    const labels = write('rank1', idxBytes([2], [0, 1]));
    expect((await errorOf(readIdx(labels, 3))).code).toBe('bad-magic');
    const floats = idxBytes([1], [0]);
    floats[2] = 0x0d;
    expect((await errorOf(readIdx(write('floats', floats)))).message).toMatch(/unsigned bytes/);
  });

  it('truncated IDX: header says [10, 28, 28], 100 bytes of data', async () => {
    const file = write('truncated', idxBytes([10, 28, 28], new Uint8Array(7840)).subarray(0, 16 + 100));
    expect(readFileSync(file).length).toBe(116);
    const err = await errorOf(readIdx(file));
    expect(err.code).toBe('truncated');
    expect(err.message).toMatch(/7840 bytes of data, the file has 100/);
  });

  it('trailing bytes after the data', async () => {
    const err = await errorOf(readIdx(write('trailing', Buffer.concat([idxBytes([2], [1, 2]), Buffer.from([0, 0, 0])]))));
    expect(err.code).toBe('wrong-length');
  });

  it('image/label count mismatch: 7 images, 6 labels', async () => {
    const images = write('m-images', idxBytes([7, 5, 4], greyImages(7, 5, 4)));
    const labels = write('m-labels', idxBytes([6], [1, 2, 3, 4, 5, 6]));
    const err = await errorOf(loadIdxPair(images, labels));
    expect(err.code).toBe('count-mismatch');
    expect(err.message).toContain('7 images');
    expect(err.message).toContain('6 labels');
    expect(err.file).toBe(labels);
  });

  it('corrupted gzip: a .gz cut in half, and a .gz with flipped bytes', async () => {
    const gz = gzipSync(idxBytes([7, 5, 4], greyImages(7, 5, 4)));
    const cut = write('cut.gz', gz.subarray(0, gz.length >> 1));
    const flipped = Buffer.from(gz);
    for (let i = 20; i < 40; i++) flipped[i] ^= 0xff;
    const bad = write('flipped.gz', flipped);
    for (const file of [cut, bad]) {
      const err = await errorOf(readIdx(file));
      expect(err.code).toBe('corrupt-gzip');
      expect(err.file).toBe(file);
    }
  });

  it('folder without the t10k files: missing, listing the names looked for', async () => {
    const dir = writeFolder('no-test', true);
    rmSync(path.join(dir, 't10k-images-idx3-ubyte.gz'));
    const err = await errorOf(loadIdxFolder(dir));
    expect(err.code).toBe('missing');
    expect(err.message).toContain('t10k-images-idx3-ubyte.gz');
    expect(err.message).toContain('t10k-images.idx3-ubyte');
  });
});

const fashionInstalled = existsSync(path.join(FASHION_MNIST_DEBIAN_DIR, 'train-images-idx3-ubyte.gz'));
if (!fashionInstalled) {
  console.log(
    `Fashion-MNIST test skipped: ${FASHION_MNIST_DEBIAN_DIR} has no train-images-idx3-ubyte.gz (apt-get install dataset-fashion-mnist)`,
  );
}

describe('Debian Fashion-MNIST', () => {
  (fashionInstalled ? it : it.skip)(
    '60,000 + 10,000 images 28×28×1, 6,000/1,000 per class, first train and test labels are ankle boots',
    async () => {
      expect(await findFashionMnist()).toBe(FASHION_MNIST_DEBIAN_DIR);
      const { train, test } = await loadFashionMnist();
      expect([train.count, test.count]).toEqual([60000, 10000]);
      expect([train.height, train.width, train.channels]).toEqual([28, 28, 1]);
      const perClass = (labels: Int32Array) => {
        const c = new Array<number>(10).fill(0);
        for (const l of labels) c[l]++;
        return c;
      };
      expect(perClass(train.labels)).toEqual(new Array(10).fill(6000));
      expect(perClass(test.labels)).toEqual(new Array(10).fill(1000));
      expect(train.classes?.[train.labels[0]]).toBe(FASHION_MNIST_CLASSES[9]);
      expect(test.labels[0]).toBe(9);
    },
  );

  it('findFashionMnist on a folder without the files is undefined', async () => {
    expect(await findFashionMnist(tmp.dir)).toBeUndefined();
  });
});
