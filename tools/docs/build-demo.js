// Builds the live demo's assets into tools/docs/dist/demo (git-ignored): the browser
// bundle (esbuild), the tfjs wasm binaries, and a few hundred bundled digits as one
// small binary file. typedoc-plugin.js copies them into the site. Run after the
// packages are built (it reads @infomax/data's dist).
'use strict';
const fs = require('fs');
const path = require('path');
const esbuild = require('esbuild');
const { loadBundledDigits, stratifiedSubset } = require('@infomax/data');

const ROOT = path.resolve(__dirname, '../..');
const OUT = path.join(__dirname, 'dist', 'demo');
/** Digits shipped to the page: enough for ~16 batches of 32 without repeating. */
const DIGITS = 512;

/** Writes a class-balanced sample of the training digits (the same number of every class; the stored order is by class). */
async function writeDigits() {
  const digits = stratifiedSubset((await loadBundledDigits()).train, { count: DIGITS, seed: 0 });
  const header = Buffer.alloc(16);
  header.write('IMXD', 0, 'ascii');
  header.writeUInt32LE(digits.count, 4);
  header.writeUInt32LE(digits.height, 8);
  header.writeUInt32LE(digits.width, 12);
  const bytes = Buffer.concat([header, Buffer.from(digits.images), Buffer.from(Uint8Array.from(digits.labels))]);
  fs.writeFileSync(path.join(OUT, 'digits.bin'), bytes);
  return bytes.length;
}

async function main() {
  fs.mkdirSync(OUT, { recursive: true });
  const digitBytes = await writeDigits();
  await esbuild.build({
    entryPoints: [path.join(__dirname, 'demo', 'main.ts')],
    outfile: path.join(OUT, 'demo.js'),
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2020',
    minify: true,
    sourcemap: false,
    logLevel: 'warning',
  });
  const wasmDir = path.join(ROOT, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');
  for (const f of fs.readdirSync(wasmDir).filter((f) => f.endsWith('.wasm'))) {
    fs.copyFileSync(path.join(wasmDir, f), path.join(OUT, f));
  }
  const size = fs.statSync(path.join(OUT, 'demo.js')).size;
  console.log(`demo: bundle ${(size / 1e6).toFixed(2)} MB, digits ${(digitBytes / 1e3).toFixed(0)} kB → ${path.relative(ROOT, OUT)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
