import { mkdirSync, writeFileSync } from 'fs';
import * as path from 'path';
import { STL10_CLASSES, loadStl10 } from './stl10';
import { pixel, tempDir, errorOf } from './test-utils/fixtures';

const tmp = tempDir('stl');
afterAll(() => tmp.remove());

const S = 96;
const IMG = S * S * 3;

/** `count` images in STL-10's file order: per image, per channel, column by column (x outer, y inner). */
function xFile(count: number, first: number): Buffer {
  const out = Buffer.alloc(count * IMG);
  let i = 0;
  for (let n = 0; n < count; n++)
    for (let c = 0; c < 3; c++) for (let x = 0; x < S; x++) for (let y = 0; y < S; y++) out[i++] = pixel(first + n, y, x, c);
  return out;
}

function expectImage(images: Uint8Array, at: number, n: number): void {
  for (let y = 0; y < S; y += 7)
    for (let x = 0; x < S; x += 5) for (let c = 0; c < 3; c++) expect(images[((at * S + y) * S + x) * 3 + c]).toBe(pixel(n, y, x, c));
}

function writeStl(name: string): string {
  const dir = path.join(tmp.dir, name, 'stl10_binary');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'train_X.bin'), xFile(3, 0));
  writeFileSync(path.join(dir, 'train_y.bin'), Buffer.from([1, 10, 4]));
  writeFileSync(path.join(dir, 'test_X.bin'), xFile(2, 10));
  writeFileSync(path.join(dir, 'test_y.bin'), Buffer.from([2, 3]));
  writeFileSync(path.join(dir, 'unlabeled_X.bin'), xFile(5, 20));
  return dir;
}

describe('STL-10 binary', () => {
  it('column-major planar files → [N, 96, 96, 3]; labels 1–10 → 0–9; the first 2 unlabeled images on request', async () => {
    writeStl('ok');
    const { train, test, unlabeled } = await loadStl10(path.join(tmp.dir, 'ok'), { unlabeled: 2 });
    expect([train.count, train.height, train.width, train.channels]).toEqual([3, 96, 96, 3]);
    expect(Array.from(train.labels)).toEqual([0, 9, 3]);
    expect(Array.from(test.labels)).toEqual([1, 2]);
    expect(train.classes).toEqual(STL10_CLASSES);
    for (let n = 0; n < 3; n++) expectImage(train.images, n, n);
    expectImage(test.images, 1, 11);
    expect(unlabeled?.count).toBe(2);
    expect(Array.from(unlabeled!.labels)).toEqual([-1, -1]);
    expectImage(unlabeled!.images, 1, 21);
  });

  it('without the unlabeled option nothing of unlabeled_X.bin is read', async () => {
    const parts = await loadStl10(writeStl('no-unlabeled'));
    expect(parts.unlabeled).toBeUndefined();
  });

  it('an _X file of wrong length, X/y count mismatch, and label 0 are typed errors naming the file', async () => {
    const dir = writeStl('bad');
    writeFileSync(path.join(dir, 'test_X.bin'), Buffer.concat([xFile(1, 0), Buffer.alloc(10)]));
    const len = await errorOf(loadStl10(dir));
    expect([len.code, len.file]).toEqual(['wrong-length', path.join(dir, 'test_X.bin')]);
    writeFileSync(path.join(dir, 'test_X.bin'), xFile(2, 10));
    writeFileSync(path.join(dir, 'train_y.bin'), Buffer.from([1, 2]));
    const count = await errorOf(loadStl10(dir));
    expect([count.code, count.file]).toEqual(['count-mismatch', path.join(dir, 'train_y.bin')]);
    expect(count.message).toMatch(/3 images .* 2 labels/);
    writeFileSync(path.join(dir, 'train_y.bin'), Buffer.from([1, 0, 2]));
    expect((await errorOf(loadStl10(dir))).code).toBe('bad-label');
  });
});
