/**
 * Fetching dataset files over HTTP(S) into a cache folder, verified by checksum.
 * A file lands under its final name only after its checksum matched (written to
 * a temp file, then renamed), so the cache never holds a half-written or wrong file.
 */
import { createHash } from 'crypto';
import { createReadStream, createWriteStream } from 'fs';
import { mkdir, rename, unlink } from 'fs/promises';
import * as http from 'http';
import * as https from 'https';
import * as path from 'path';
import { pipeline } from 'stream/promises';
import { DatasetError, optionError } from './errors';
import { exists } from './internal/files';

/** Options of {@link download}. */
export interface DownloadOptions {
  /** Expected SHA-256 of the file, hex. At least one of `sha256` / `md5` is required. */
  sha256?: string;
  /** Expected MD5 of the file, hex (what the MNIST-family publishers give). */
  md5?: string;
  /** Name of the file in the cache folder. Default: the last segment of the URL's path. */
  fileName?: string;
  /** Give up when no data arrives for this many milliseconds. Default 30,000. */
  timeoutMs?: number;
  /** Redirects followed before giving up. Default 5. */
  maxRedirects?: number;
}

let tempCounter = 0;

/**
 * Downloads `url` into `cacheDir` unless a file with the right checksum is already there.
 *
 * @param url an `http:` or `https:` URL.
 * @param cacheDir the cache folder (created when missing).
 * @param options see {@link DownloadOptions}; a checksum is required.
 * @returns the path of the verified file in `cacheDir`.
 * @throws DatasetError `checksum` (the downloaded file is deleted), `download`
 *   (HTTP status other than 200, network error, timeout, too many redirects; the
 *   partial file is deleted), `invalid-option` (no checksum, not an http(s) URL).
 * @example
 * const file = await download('https://example.org/t10k-labels-idx1-ubyte.gz', '/tmp/cache',
 *   { md5: 'bb300cfdad3c16e7a12a480ee83cd310' });
 */
export async function download(url: string, cacheDir: string, options: DownloadOptions): Promise<string> {
  const fn = 'download';
  const expected = resolveChecksum(options);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw optionError(fn, 'url', 'an http: or https: URL', url);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw optionError(fn, 'url', 'an http: or https: URL', url);
  const fileName = options.fileName ?? path.posix.basename(parsed.pathname);
  if (!fileName || fileName.includes('/') || fileName.startsWith('.')) {
    throw optionError(fn, 'fileName', 'a plain file name (not starting with a dot)', fileName);
  }
  const target = path.join(cacheDir, fileName);
  if (await exists(target)) {
    if ((await hashFile(target, expected.algorithm)) === expected.hex) return target;
    // A stale or damaged cached copy: replace it rather than trust it.
    await unlink(target);
  }
  await mkdir(cacheDir, { recursive: true });
  // Dot-prefixed, unique per process and call, so concurrent downloads never share a temp file.
  const temp = path.join(cacheDir, `.${fileName}.${process.pid}.${++tempCounter}.part`);
  try {
    const digest = await fetchTo(parsed, temp, expected.algorithm, options.timeoutMs ?? 30000, options.maxRedirects ?? 5);
    if (digest !== expected.hex) {
      throw new DatasetError(
        'checksum',
        `${fn}: ${url} has ${expected.algorithm} ${digest}, expected ${expected.hex}; the file was deleted`,
        target,
      );
    }
    await rename(temp, target);
    return target;
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
}

function resolveChecksum(options: DownloadOptions): { algorithm: 'sha256' | 'md5'; hex: string } {
  if (options.sha256 !== undefined) {
    if (!/^[0-9a-fA-F]{64}$/.test(options.sha256)) throw optionError('download', 'sha256', '64 hex digits', options.sha256);
    return { algorithm: 'sha256', hex: options.sha256.toLowerCase() };
  }
  if (options.md5 !== undefined) {
    if (!/^[0-9a-fA-F]{32}$/.test(options.md5)) throw optionError('download', 'md5', '32 hex digits', options.md5);
    return { algorithm: 'md5', hex: options.md5.toLowerCase() };
  }
  throw optionError('download', 'sha256 or md5', 'a checksum to verify the file against', undefined);
}

async function hashFile(file: string, algorithm: string): Promise<string> {
  const hash = createHash(algorithm);
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

/** GETs `url` (following redirects) into `file`; resolves with the body's hex digest. */
async function fetchTo(url: URL, file: string, algorithm: string, timeoutMs: number, redirectsLeft: number): Promise<string> {
  const response = await get(url, timeoutMs);
  const status = response.statusCode ?? 0;
  if (status >= 300 && status < 400 && response.headers.location) {
    response.resume();
    if (redirectsLeft === 0) throw new DatasetError('download', `download: too many redirects at ${url.href}`, file);
    return fetchTo(new URL(response.headers.location, url), file, algorithm, timeoutMs, redirectsLeft - 1);
  }
  if (status !== 200) {
    response.resume();
    throw new DatasetError('download', `download: ${url.href} answered HTTP ${status}, expected 200`, file);
  }
  const hash = createHash(algorithm);
  response.on('data', (chunk: Buffer) => hash.update(chunk));
  try {
    await pipeline(response, createWriteStream(file));
  } catch (err) {
    throw new DatasetError('download', `download: ${url.href} failed mid-transfer (${(err as Error).message})`, file);
  }
  return hash.digest('hex');
}

function get(url: URL, timeoutMs: number): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http;
    const request = client.get(url, resolve);
    request.setTimeout(timeoutMs, () => request.destroy(new Error(`no data for ${timeoutMs} ms`)));
    request.on('error', (err) => reject(new DatasetError('download', `download: ${url.href} failed (${err.message})`)));
  });
}
