import { createHash } from 'crypto';
import { readdirSync, readFileSync, writeFileSync } from 'fs';
import * as http from 'http';
import { type AddressInfo } from 'net';
import * as path from 'path';
import { gzipSync } from 'zlib';
import { download } from './download';
import { loadIdxFolder } from './idx';
import { downloadIdxDataset, IDX_SOURCES } from './idx-downloads';
import { greyImages, idxBytes, tempDir, errorOf } from './test-utils/fixtures';

const tmp = tempDir('download');
const body = Buffer.from(Array.from({ length: 70000 }, (_, i) => (i * 13) % 251));
const sha256 = createHash('sha256').update(body).digest('hex');
const md5 = createHash('md5').update(body).digest('hex');
const idxFiles: Record<string, Buffer> = {
  'train-images-idx3-ubyte.gz': gzipSync(idxBytes([4, 3, 3], greyImages(4, 3, 3))),
  'train-labels-idx1-ubyte.gz': gzipSync(idxBytes([4], [1, 0, 1, 0])),
  't10k-images-idx3-ubyte.gz': gzipSync(idxBytes([2, 3, 3], greyImages(2, 3, 3))),
  't10k-labels-idx1-ubyte.gz': gzipSync(idxBytes([2], [0, 1])),
};
const requests: string[] = [];
let base = '';

// Serves generated files on 127.0.0.1 only; the OS picks a free port.
const server = http.createServer((req, res) => {
  requests.push(req.url ?? '');
  const name = (req.url ?? '').split('/').pop() ?? '';
  if (req.url === '/file.bin') return res.end(body);
  if (req.url === '/moved') return res.writeHead(302, { location: '/file.bin' }).end();
  if (req.url === '/loop') return res.writeHead(302, { location: '/loop' }).end();
  if (req.url === '/half') {
    res.writeHead(200, { 'content-length': String(body.length) });
    res.write(body.subarray(0, 1000));
    return void setTimeout(() => res.destroy(), 10);
  }
  if (req.url?.startsWith('/idx/') && idxFiles[name]) return res.end(idxFiles[name]);
  res.writeHead(404).end('not here');
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  tmp.remove();
});

const listing = (dir: string) => {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
};

describe('download (local server on 127.0.0.1)', () => {
  it('fetches, verifies sha256, renames into the cache; a second call is served from the cache without a request', async () => {
    const cache = path.join(tmp.dir, 'ok');
    const file = await download(`${base}/file.bin`, cache, { sha256 });
    expect(file).toBe(path.join(cache, 'file.bin'));
    expect(Buffer.compare(readFileSync(file), body)).toBe(0);
    expect(listing(cache)).toEqual(['file.bin']);
    const before = requests.length;
    await download(`${base}/file.bin`, cache, { sha256 });
    expect(requests.length).toBe(before);
  });

  it('follows a redirect and verifies md5; a damaged cached copy is replaced', async () => {
    const cache = path.join(tmp.dir, 'redirect');
    const file = await download(`${base}/moved`, cache, { md5, fileName: 'data.bin' });
    writeFileSync(file, 'damaged');
    await download(`${base}/moved`, cache, { md5, fileName: 'data.bin' });
    expect(Buffer.compare(readFileSync(file), body)).toBe(0);
  });

  it('checksum mismatch: DatasetError naming the file, and nothing (final or partial) left in the cache', async () => {
    const cache = path.join(tmp.dir, 'mismatch');
    const wrong = 'f'.repeat(64);
    const err = await errorOf(download(`${base}/file.bin`, cache, { sha256: wrong }));
    expect(err.code).toBe('checksum');
    expect(err.file).toBe(path.join(cache, 'file.bin'));
    expect(err.message).toContain(sha256);
    expect(err.message).toContain(wrong);
    expect(listing(cache)).toEqual([]);
  });

  it('HTTP 404, a redirect loop and a connection cut mid-body are download errors leaving nothing behind', async () => {
    const cache = path.join(tmp.dir, 'failures');
    const e404 = await errorOf(download(`${base}/nothing.bin`, cache, { sha256 }));
    expect(e404.code).toBe('download');
    expect(e404.message).toContain('HTTP 404');
    expect((await errorOf(download(`${base}/loop`, cache, { sha256, fileName: 'loop.bin' }))).message).toMatch(/too many redirects/);
    expect((await errorOf(download(`${base}/half`, cache, { sha256, fileName: 'half.bin' }))).code).toBe('download');
    expect(listing(cache)).toEqual([]);
  });

  it('rejects a call without a checksum and a non-http URL', async () => {
    expect((await errorOf(download(`${base}/file.bin`, tmp.dir, {}))).message).toMatch(/sha256 or md5/);
    expect((await errorOf(download('ftp://127.0.0.1/x', tmp.dir, { sha256 }))).code).toBe('invalid-option');
  });
});

describe('downloadIdxDataset (local mirror)', () => {
  it('generated files under the official names fail the official MD5s; the cache stays empty', async () => {
    const cache = path.join(tmp.dir, 'idx-official');
    const err = await errorOf(downloadIdxDataset('fashion-mnist', cache, { baseUrl: `${base}/idx` }));
    expect(err.code).toBe('checksum');
    expect(err.message).toContain(IDX_SOURCES['fashion-mnist'].files['train-images-idx3-ubyte.gz']);
    expect(listing(path.join(cache, 'fashion-mnist'))).toEqual([]);
  });

  it('with matching checksums (download per file) the folder loads with loadIdxFolder', async () => {
    const cache = path.join(tmp.dir, 'idx-mirror');
    for (const [name, bytes] of Object.entries(idxFiles)) {
      await download(`${base}/idx/${name}`, cache, { md5: createHash('md5').update(bytes).digest('hex') });
    }
    const { train, test } = await loadIdxFolder(cache);
    expect([train.count, test.count]).toEqual([4, 2]);
    expect(Array.from(train.labels)).toEqual([1, 0, 1, 0]);
  });
});
