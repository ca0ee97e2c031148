import { mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'fs';
import * as path from 'path';
import sharp from 'sharp';
import { crc32, deflateSync } from 'zlib';
import { loadImageFolder } from './image-folder';
import { pixel, tempDir, errorOf } from './test-utils/fixtures';

const tmp = tempDir('folder');
afterAll(() => tmp.remove());

const H = 5;
const W = 6;

/** Raw RGB pixels of test image n, from the shared formula. */
function rgb(n: number, height = H, width = W): Buffer {
  const out = Buffer.alloc(height * width * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) for (let c = 0; c < 3; c++) out[(y * width + x) * 3 + c] = pixel(n, y, x, c);
  return out;
}

const png = (raw: Buffer, channels: 1 | 3, height = H, width = W) =>
  (channels === 1
    ? sharp(raw, { raw: { width, height, channels } }).toColourspace('b-w')
    : sharp(raw, { raw: { width, height, channels } })
  )
    .png()
    .toBuffer();

async function put(root: string, cls: string, name: string, bytes: Buffer | Promise<Buffer>): Promise<string> {
  mkdirSync(path.join(root, cls), { recursive: true });
  const file = path.join(root, cls, name);
  writeFileSync(file, await bytes);
  return file;
}

/** A PNG whose header says `width`×`height` RGB and whose pixel data is 10 zero bytes. */
function pngHeaderOnly(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  [ihdr[8], ihdr[9]] = [8, 2]; // 8 bits, RGB
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(10))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** `run()`'s result and how far the process's resident memory rose above its start while it ran (sampled every 2 ms), in MB. */
async function peakRssGrowth<T>(run: () => Promise<T>): Promise<{ result: T; growthMb: number }> {
  const before = process.memoryUsage().rss;
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 2);
  try {
    const result = await run();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, growthMb: (peak - before) / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
}

function expectImage(images: Uint8Array, at: number, expected: Buffer): void {
  expect(Buffer.compare(Buffer.from(images.subarray(at * expected.length, (at + 1) * expected.length)), expected)).toBe(0);
}

describe('loadImageFolder', () => {
  it('PNG + lossless WebP in two class folders: classes sorted, labels by folder, pixels exact, other files ignored', async () => {
    const root = path.join(tmp.dir, 'ok');
    await put(
      root,
      'dogs',
      'b.webp',
      sharp(rgb(2), { raw: { width: W, height: H, channels: 3 } })
        .webp({ lossless: true })
        .toBuffer(),
    );
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
    await put(
      root,
      'only',
      'x.jpg',
      sharp(smooth, { raw: { width: 16, height: 16, channels: 3 } })
        .jpeg({ quality: 95 })
        .toBuffer(),
    );
    const ds = await loadImageFolder(root);
    let err = 0;
    for (let i = 0; i < smooth.length; i++) err += Math.abs(ds.images[i] - smooth[i]);
    expect(err / smooth.length).toBeLessThan(8);
  });

  it('mixed sizes: resized to the most common size (ties: the first) with a warning, or to an explicit size; a constant image stays constant', async () => {
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

  it('one 6000×6000 PNG sorted first: the folder loads at its most common size, 32×32, and the process grows < 200 MB (was 4.4 GB)', async () => {
    const root = path.join(tmp.dir, 'huge-first');
    mkdirSync(path.join(root, 'a-big'), { recursive: true });
    const big = path.join(root, 'a-big', '0.png');
    await sharp({ create: { width: 6000, height: 6000, channels: 3, background: { r: 200, g: 30, b: 90 } } })
      .png()
      .toFile(big);
    for (let n = 0; n < 10; n++) await put(root, 'b', `${n}.png`, png(rgb(n, 32, 32), 3, 32, 32));
    const warnings: string[] = [];
    const { result: ds, growthMb } = await peakRssGrowth(() => loadImageFolder(root, { warn: (m) => warnings.push(m) }));
    expect([ds.count, ds.height, ds.width, ds.channels]).toEqual([11, 32, 32, 3]);
    expect(growthMb).toBeLessThan(200);
    expect(warnings).toEqual([
      `loadImageFolder: 1 of 11 images in ${root} were resized to 32×32 (the most common size); pass size to choose`,
    ]);
    // Downscaled, not cropped: the big image's every pixel is its one colour.
    for (let p = 0; p < 32 * 32; p++) expect(Array.from(ds.images.subarray(p * 3, p * 3 + 3))).toEqual([200, 30, 90]);
    expectImage(ds.images, 1, rgb(0, 32, 32));
    // Size and channels given (no header pass): the big image is still decoded straight to 48×48.
    const sized = await peakRssGrowth(() => loadImageFolder(root, { size: 48, channels: 3 }));
    expect([sized.result.height, sized.result.width]).toEqual([48, 48]);
    expect(sized.growthMb).toBeLessThan(200);
  });

  it('images larger than maxSide (default 256): the most common size scaled to fit, aspect kept, with a warning; maxSide and size override', async () => {
    const root = path.join(tmp.dir, 'photos');
    for (let n = 0; n < 3; n++)
      await put(
        root,
        'a',
        `${n}.jpg`,
        sharp(rgb(n, 400, 600), { raw: { width: 600, height: 400, channels: 3 } })
          .jpeg()
          .toBuffer(),
      );
    await put(root, 'b', 'odd.png', png(rgb(9, 50, 50), 3, 50, 50));
    const warnings: string[] = [];
    const ds = await loadImageFolder(root, { warn: (m) => warnings.push(m) });
    expect([ds.height, ds.width]).toEqual([171, 256]); // 400 × 256/600 = 170.7
    expect(warnings).toEqual([
      `loadImageFolder: 4 of 4 images in ${root} were resized to 171×256 (the most common size, 400×600, scaled to fit maxSide 256); pass size to choose`,
    ]);
    expect([
      (await loadImageFolder(root, { maxSide: 1000, warn: () => {} })).height,
      (await loadImageFolder(root, { maxSide: 60, warn: () => {} })).width,
    ]).toEqual([400, 60]);
    const sized = await loadImageFolder(root, { size: [300, 320] });
    expect([sized.height, sized.width]).toEqual([300, 320]);
  });

  it('an image past 16383² pixels (a PNG header saying 20000×20000): too-large naming the file and its size, or skipped', async () => {
    const root = path.join(tmp.dir, 'bomb');
    await put(root, 'a', '1.png', png(rgb(1), 3));
    const bomb = await put(root, 'a', '2.png', pngHeaderOnly(20000, 20000));
    const err = await errorOf(loadImageFolder(root));
    expect(err).toMatchObject({ code: 'too-large', file: bomb });
    expect(err.message).toBe(
      `loadImageFolder: ${bomb} is 20000×20000 (400 megapixels), more than the 268 megapixels an image may have; shrink it or leave it out`,
    );
    const warnings: string[] = [];
    const ds = await loadImageFolder(root, { onBadImage: 'skip', warn: (m) => warnings.push(m) });
    expect(ds.count).toBe(1);
    expect(warnings).toEqual([`${err.message}; skipped`]);
  });

  it('rejects bad options before touching files', async () => {
    for (const bad of [
      { size: 0 },
      { channels: 2 as 1 },
      { concurrency: 0 },
      { fit: 'stretch' as 'fill' },
      { onBadImage: 'ignore' as 'skip' },
      { maxSide: 0 },
    ]) {
      expect((await errorOf(loadImageFolder(path.join(tmp.dir, 'ok'), bad))).code).toBe('invalid-option');
    }
  });
});
