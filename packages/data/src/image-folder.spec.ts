import { mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'fs';
import * as path from 'path';
import sharp from 'sharp';
import { loadImageFolder } from './image-folder';
import { pixel, tempDir, errorOf } from './test-utils/fixtures';

const tmp = tempDir('folder');
afterAll(() => tmp.remove());

const H = 5;
const W = 6;

/** Raw RGB pixels of test image n, from the shared formula. */
function rgb(n: number, height = H, width = W): Buffer {
  const out = Buffer.alloc(height * width * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) for (let c = 0; c < 3; c++) out[(y * width + x) * 3 + c] = pixel(n, y, x, c);
  return out;
}

const png = (raw: Buffer, channels: 1 | 3, height = H, width = W) =>
  (channels === 1 ? sharp(raw, { raw: { width, height, channels } }).toColourspace('b-w') : sharp(raw, { raw: { width, height, channels } }))
    .png()
    .toBuffer();

async function put(root: string, cls: string, name: string, bytes: Buffer | Promise<Buffer>): Promise<string> {
  mkdirSync(path.join(root, cls), { recursive: true });
  const file = path.join(root, cls, name);
  writeFileSync(file, await bytes);
  return file;
}


function expectImage(images: Uint8Array, at: number, expected: Buffer): void {
  expect(Buffer.compare(Buffer.from(images.subarray(at * expected.length, (at + 1) * expected.length)), expected)).toBe(0);
}

describe('loadImageFolder', () => {
  it('PNG + lossless WebP in two class folders: classes sorted, labels by folder, pixels exact, other files ignored', async () => {
    const root = path.join(tmp.dir, 'ok');
    await put(root, 'dogs', 'b.webp', sharp(rgb(2), { raw: { width: W, height: H, channels: 3 } }).webp({ lossless: true }).toBuffer());
    await put(root, 'cats', 'a.png', png(rgb(0), 3));
    await put(root, 'cats', 'b.PNG', png(rgb(1), 3));
    await put(root, 'cats', 'notes.txt', Buffer.from('not an image'));
    await put(root, 'cats', '.hidden.png', Buffer.from('hidden'));
    const warnings: string[] = [];
    const ds = await loadImageFolder(root, { warn: (m) => warnings.push(m) });
    expect(ds.classes).toEqual(['cats', 'dogs']);
    expect(Array.from(ds.labels)).toEqual([0, 0, 1]);
    expect([ds.count, ds.height, ds.width, ds.channels]).toEqual([3, H, W, 3]);
    [0, 1, 2].forEach((n) => expectImage(ds.images, n, rgb(n)));
    expect(warnings).toEqual([]);
  });

  it('JPEG decodes within JPEG error of the source (mean |error| < 8 grey levels)', async () => {
    const root = path.join(tmp.dir, 'jpeg');
    const smooth = Buffer.alloc(16 * 16 * 3);
    for (let i = 0; i < smooth.length; i++) smooth[i] = 60 + ((i / 3) % 16) * 8;
    await put(root, 'only', 'x.jpg', sharp(smooth, { raw: { width: 16, height: 16, channels: 3 } }).jpeg({ quality: 95 }).toBuffer());
    const ds = await loadImageFolder(root);
    let err = 0;
    for (let i = 0; i < smooth.length; i++) err += Math.abs(ds.images[i] - smooth[i]);
    expect(err / smooth.length).toBeLessThan(8);
  });

  it('mixed sizes: resized to the first image size with a warning, or to an explicit size; a constant image stays constant', async () => {
    const root = path.join(tmp.dir, 'sizes');
    await put(root, 'a', '1.png', png(rgb(0), 3));
    await put(root, 'b', '2.png', png(Buffer.alloc(12 * 10 * 3, 77), 3, 12, 10));
    const warnings: string[] = [];
    const ds = await loadImageFolder(root, { warn: (m) => warnings.push(m) });
    expect([ds.height, ds.width]).toEqual([H, W]);
    expect(warnings.join()).toMatch(/1 of 2 images .* resized/);
    expect(Array.from(ds.images.subarray(H * W * 3)).every((v) => v === 77)).toBe(true);
    const small = await loadImageFolder(root, { size: [3, 4] });
    expect([small.count, small.height, small.width, small.images.length]).toEqual([2, 3, 4, 2 * 3 * 4 * 3]);
  });

  it('grayscale + RGB mix: mixed-channels error naming a file of each; channels 3 or 1 converts (grey → R=G=B)', async () => {
    const root = path.join(tmp.dir, 'mix');
    const greyRaw = Buffer.from(Array.from({ length: H * W }, (_, i) => (i * 9) % 256));
    const greyFile = await put(root, 'g', 'grey.png', png(greyRaw, 1));
    const colourFile = await put(root, 'c', 'colour.png', png(rgb(3), 3));
    const err = await errorOf(loadImageFolder(root));
    expect(err.code).toBe('mixed-channels');
    expect(err.message).toContain(greyFile);
    expect(err.message).toContain(colourFile);
    expect(err.message).toContain('channels: 1 or 3');
    const as3 = await loadImageFolder(root, { channels: 3 });
    const grey3 = as3.images.subarray(H * W * 3); // class 'g' sorts after 'c'
    for (let p = 0; p < H * W; p++) for (let c = 0; c < 3; c++) expect(grey3[p * 3 + c]).toBe(greyRaw[p]);
    const as1 = await loadImageFolder(root, { channels: 1 });
    expect(as1.channels).toBe(1);
    expect(Buffer.compare(Buffer.from(as1.images.subarray(H * W)), greyRaw)).toBe(0);
  });

  it('corrupt images (garbage bytes, a PNG cut in half): fail naming the file, or skip each with a warning', async () => {
    const root = path.join(tmp.dir, 'corrupt');
    await put(root, 'a', '1.png', png(rgb(0), 3));
    const garbage = await put(root, 'a', '2.png', Buffer.from('this is not a png at all'));
    const whole = await png(rgb(5, 40, 40), 3);
    const cut = await put(root, 'b', '3.png', whole.subarray(0, whole.length >> 1));
    await put(root, 'b', '4.png', png(rgb(4), 3));
    const err = await errorOf(loadImageFolder(root, { size: [H, W], channels: 3 }));
    expect(err.code).toBe('corrupt-image');
    expect([garbage, cut]).toContain(err.file);
    const warnings: string[] = [];
    const ds = await loadImageFolder(root, { onBadImage: 'skip', warn: (m) => warnings.push(m) });
    expect(ds.count).toBe(2);
    expect(Array.from(ds.labels)).toEqual([0, 1]);
    expectImage(ds.images, 1, rgb(4));
    expect(warnings.filter((m) => m.includes('skipped')).length).toBe(2);
    expect(warnings.join('\n')).toContain(garbage);
    expect(warnings.join('\n')).toContain(cut);
  });

  it('missing folder, folder with no class folders, class folder with no images: typed errors naming the folder', async () => {
    const missing = path.join(tmp.dir, 'does-not-exist');
    expect(await errorOf(loadImageFolder(missing))).toMatchObject({ code: 'missing', file: missing });
    const empty = path.join(tmp.dir, 'empty');
    mkdirSync(empty);
    writeFileSync(path.join(empty, 'stray.png'), 'x');
    expect(await errorOf(loadImageFolder(empty))).toMatchObject({ code: 'empty', file: empty });
    const noImages = path.join(tmp.dir, 'no-images');
    await put(noImages, 'a', '1.png', png(rgb(0), 3));
    await put(noImages, 'b', 'readme.txt', Buffer.from('no images here'));
    const err = await errorOf(loadImageFolder(noImages));
    expect(err).toMatchObject({ code: 'empty', file: path.join(noImages, 'b') });
  });

  it('decoded cache: the second load reads the cache (a damaged source with the same size and mtime is not decoded); a changed mtime invalidates it', async () => {
    const root = path.join(tmp.dir, 'cached');
    const cacheDir = path.join(tmp.dir, 'cache');
    await put(root, 'a', '1.png', png(rgb(0), 3));
    const victim = await put(root, 'b', '2.png', png(rgb(1), 3));
    const stamp = new Date('2026-01-02T03:04:05Z');
    utimesSync(victim, stamp, stamp);
    const first = await loadImageFolder(root, { cacheDir, size: [H, W] });
    expect(readdirSync(cacheDir).filter((f) => f.endsWith('.part'))).toEqual([]);
    const before = statSync(victim);
    writeFileSync(victim, Buffer.alloc(before.size, 0x41));
    utimesSync(victim, stamp, stamp);
    const second = await loadImageFolder(root, { cacheDir, size: [H, W] });
    expect(Buffer.compare(Buffer.from(second.images), Buffer.from(first.images))).toBe(0);
    expect(second.classes).toEqual(['a', 'b']);
    expect((await errorOf(loadImageFolder(root, { size: [H, W] }))).code).toBe('corrupt-image');
    utimesSync(victim, stamp, new Date(stamp.getTime() + 5000));
    expect((await errorOf(loadImageFolder(root, { cacheDir, size: [H, W] }))).code).toBe('corrupt-image');
  });

  it('a damaged cache file is ignored: the folder is decoded again and the cache rewritten', async () => {
    const root = path.join(tmp.dir, 'recache');
    const cacheDir = path.join(tmp.dir, 'cache2');
    await put(root, 'a', '1.png', png(rgb(7), 3));
    await loadImageFolder(root, { cacheDir });
    const [cacheName] = readdirSync(cacheDir);
    const cacheFile = path.join(cacheDir, cacheName);
    const good = readFileSync(cacheFile);
    writeFileSync(cacheFile, good.subarray(0, good.length - 10));
    const ds = await loadImageFolder(root, { cacheDir });
    expectImage(ds.images, 0, rgb(7));
    expect(Buffer.compare(readFileSync(cacheFile), good)).toBe(0);
  });

  it('skip mode with an unreadable first image: the size comes from the next one, one warning per bad file', async () => {
    const root = path.join(tmp.dir, 'bad-first');
    const first = await put(root, 'a', '0.png', Buffer.from('garbage'));
    await put(root, 'a', '1.png', png(rgb(1), 3));
    const warnings: string[] = [];
    const ds = await loadImageFolder(root, { onBadImage: 'skip', warn: (m) => warnings.push(m) });
    expect([ds.count, ds.height, ds.width]).toEqual([1, H, W]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(first);
  });

  it('rejects bad options before touching files', async () => {
    for (const bad of [{ size: 0 }, { channels: 2 as 1 }, { concurrency: 0 }, { fit: 'stretch' as 'fill' }, { onBadImage: 'ignore' as 'skip' }]) {
      expect((await errorOf(loadImageFolder(path.join(tmp.dir, 'ok'), bad))).code).toBe('invalid-option');
    }
  });
});
