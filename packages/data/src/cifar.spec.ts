import { mkdirSync, writeFileSync } from 'fs';
import * as path from 'path';
import { CIFAR10_CLASSES, loadCifar10, loadCifar100 } from './cifar';
import { pixel, tempDir, errorOf } from './test-utils/fixtures';

const tmp = tempDir('cifar');
afterAll(() => tmp.remove());

/** One CIFAR record: label byte(s), then the R, G, B planes of image n (plain loops: the reference layout). */
function record(labels: number[], n: number): Buffer {
  const out = Buffer.alloc(labels.length + 3072);
  labels.forEach((l, i) => (out[i] = l));
  for (let c = 0; c < 3; c++)
    for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) out[labels.length + c * 1024 + y * 32 + x] = pixel(n, y, x, c);
  return out;
}

function expectImage(images: Uint8Array, at: number, n: number): void {
  for (let y = 0; y < 32; y += 3) {
    for (let x = 0; x < 32; x += 5) {
      for (let c = 0; c < 3; c++) expect(images[((at * 32 + y) * 32 + x) * 3 + c]).toBe(pixel(n, y, x, c));
    }
  }
}

function writeCifar10(root: string, withMeta: boolean): string {
  const dir = path.join(root, 'cifar-10-batches-bin');
  mkdirSync(dir, { recursive: true });
  let n = 0;
  for (let b = 1; b <= 5; b++) {
    // Batch b holds 2 images, labels (n mod 10).
    writeFileSync(path.join(dir, `data_batch_${b}.bin`), Buffer.concat([record([n % 10], n++), record([n % 10], n++)]));
  }
  writeFileSync(path.join(dir, 'test_batch.bin'), Buffer.concat([record([7], 50), record([2], 51), record([9], 52)]));
  if (withMeta) writeFileSync(path.join(dir, 'batches.meta.txt'), `${CIFAR10_CLASSES.map((c) => c.toUpperCase()).join('\n')}\n\n`);
  return dir;
}

describe('CIFAR-10 binary', () => {
  it('5 train batches + test batch from the parent folder: counts, labels, CHW planes → HWC pixels, names from batches.meta.txt', async () => {
    const root = path.join(tmp.dir, 'c10');
    writeCifar10(root, true);
    const { train, test } = await loadCifar10(root);
    expect([train.count, test.count, train.height, train.width, train.channels]).toEqual([10, 3, 32, 32, 3]);
    expect(Array.from(train.labels)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Array.from(test.labels)).toEqual([7, 2, 9]);
    for (let n = 0; n < 10; n++) expectImage(train.images, n, n);
    expectImage(test.images, 2, 52);
    expect(train.classes?.[3]).toBe('CAT');
  });

  it('without batches.meta.txt the standard class names are used', async () => {
    const dir = writeCifar10(path.join(tmp.dir, 'c10-nometa'), false);
    const { test } = await loadCifar10(dir);
    expect(test.classes).toEqual(CIFAR10_CLASSES);
  });

  it('a batch file of wrong length (one record + 100 bytes) is a wrong-length error naming it', async () => {
    const dir = writeCifar10(path.join(tmp.dir, 'c10-bad'), false);
    const file = path.join(dir, 'data_batch_3.bin');
    writeFileSync(file, Buffer.concat([record([1], 0), Buffer.alloc(100)]));
    const err = await errorOf(loadCifar10(dir));
    expect(err.code).toBe('wrong-length');
    expect(err.file).toBe(file);
    expect(err.message).toMatch(/3073-byte records.*3173 bytes \(1 records \+ 100\)/);
  });

  it('label 10 in CIFAR-10 is a bad-label error; a folder without batches is missing', async () => {
    const dir = writeCifar10(path.join(tmp.dir, 'c10-label'), false);
    writeFileSync(path.join(dir, 'test_batch.bin'), record([10], 0));
    expect((await errorOf(loadCifar10(dir))).code).toBe('bad-label');
    expect((await errorOf(loadCifar10(path.join(tmp.dir, 'nowhere')))).code).toBe('missing');
  });
});

describe('CIFAR-100 binary', () => {
  const dir = path.join(tmp.dir, 'c100', 'cifar-100-binary');
  beforeAll(() => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'train.bin'), Buffer.concat([record([3, 77], 0), record([19, 99], 1), record([0, 5], 2)]));
    writeFileSync(path.join(dir, 'test.bin'), record([12, 40], 3));
    writeFileSync(path.join(dir, 'coarse_label_names.txt'), Array.from({ length: 20 }, (_, i) => `coarse${i}`).join('\n'));
  });

  it('fine labels by default (no names file → no class names), coarse on request with names', async () => {
    const fine = await loadCifar100(path.join(tmp.dir, 'c100'));
    expect(Array.from(fine.train.labels)).toEqual([77, 99, 5]);
    expect(fine.train.classes).toBeUndefined();
    expectImage(fine.train.images, 1, 1);
    const coarse = await loadCifar100(dir, { labels: 'coarse' });
    expect(Array.from(coarse.train.labels)).toEqual([3, 19, 0]);
    expect(coarse.test.classes?.[12]).toBe('coarse12');
    expectImage(coarse.test.images, 0, 3);
  });

  it('a 3,073-byte record file (CIFAR-10 layout) is not whole 3,074-byte records', async () => {
    writeFileSync(path.join(dir, 'test.bin'), Buffer.concat([record([1], 0), record([1], 1)]));
    const err = await errorOf(loadCifar100(dir));
    expect(err.code).toBe('wrong-length');
    expect(err.message).toContain('3074-byte records');
  });
});
