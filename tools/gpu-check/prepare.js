#!/usr/bin/env node
// Packs the GPU check for a GPU machine without Node.js or internet access (run.sh runs it
// there): .gpu-check/node.xz (this machine's Node binary, xz-compressed) and
// .gpu-check/modules.tar.xz (only the modules check.js loads: tfjs, tfjs-backend-webgpu,
// the `webgpu` package's linux-x64 dawn.node, and our packages' dist), and the Debian
// packages of the Vulkan loader and GLVND in .gl/ (NVIDIA's Vulkan driver,
// libGLX_nvidia.so.0, loads only beside GLVND's libGLdispatch). Both folders are ignored
// by git; copy them to the GPU machine with the repository.
// Build first (npm run build); needs npm and apt-get. Usage: node tools/gpu-check/prepare.js
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');

const ROOT = path.resolve(__dirname, '..', '..');
const OUT = path.join(ROOT, '.gpu-check');
const GL = path.join(ROOT, '.gl');
const WEBGPU = { webgpu: '0.6.2', '@tensorflow/tfjs-backend-webgpu': '4.22.0' };
const VULKAN_DEBS = ['libvulkan1', 'libglvnd0', 'libegl1', 'libgl1', 'libglx0', 'libgles2', 'libopengl0'];
const LIMIT_MIB = 60;

const run = (cmd, args, opts = {}) => execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'], ...opts }).toString();

function fail(message) {
  console.error(`gpu-check prepare: ${message}`);
  process.exit(2);
}

/** The optional GPU packages, from node_modules when installed there, else from the npm registry. */
function gpuPackages(tmp) {
  const modules = path.join(tmp, 'node_modules');
  for (const [name, version] of Object.entries(WEBGPU)) {
    const dest = path.join(modules, name);
    fs.mkdirSync(dest, { recursive: true });
    const tgz = run('npm', ['pack', '--silent', `${name}@${version}`], { cwd: tmp })
      .trim()
      .split('\n')
      .pop();
    run('tar', ['xzf', path.join(tmp, tgz), '-C', dest, '--strip-components', '1']);
  }
  return modules;
}

/** Where a loaded file goes inside the bundle's node_modules, or null to skip it. */
function bundlePath(file, extraModules) {
  const packages = path.join(ROOT, 'packages') + path.sep;
  if (file.startsWith(packages)) {
    const [pkg, ...rest] = file.slice(packages.length).split(path.sep);
    return path.join('@infomax', pkg, ...rest);
  }
  for (const base of [path.join(ROOT, 'node_modules'), extraModules]) {
    if (file.startsWith(base + path.sep)) return file.slice(base.length + 1);
  }
  return null;
}

function copy(from, to) {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(from, to);
}

function main() {
  for (const p of ['engine', 'estimators', 'encoders', 'views', 'objectives']) {
    if (!fs.existsSync(path.join(ROOT, 'packages', p, 'dist', 'index.js'))) fail(`packages/${p}/dist is missing: run npm run build first`);
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gpu-check-'));
  const extra = gpuPackages(tmp);
  const traced = JSON.parse(
    run(process.execPath, [path.join(__dirname, 'trace.js')], {
      env: { ...process.env, NODE_PATH: [extra, path.join(ROOT, 'node_modules')].join(path.delimiter) },
    }),
  );
  const stage = path.join(tmp, 'stage', 'node_modules');
  const roots = new Set();
  for (const file of traced.filter((f) => f !== path.join(__dirname, 'trace.js'))) {
    const rel = bundlePath(file, extra);
    if (rel === null) fail(`cannot place ${file} in the bundle`);
    copy(file, path.join(stage, rel));
    // Every package a file came from needs its package.json (for `main` and for ESM resolution).
    let dir = path.dirname(file);
    while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
    roots.add(dir);
  }
  for (const dir of roots) copy(path.join(dir, 'package.json'), path.join(stage, bundlePath(path.join(dir, 'package.json'), extra)));
  // `webgpu` is an ES module loading dawn.node through createRequire: not in require.cache.
  for (const f of ['package.json', 'index.js', 'dist/linux-x64/dawn.node'])
    copy(path.join(extra, 'webgpu', f), path.join(stage, 'webgpu', f));

  fs.rmSync(OUT, { recursive: true, force: true });
  fs.mkdirSync(OUT, { recursive: true });
  run('tar', ['-cJf', path.join(OUT, 'modules.tar.xz'), '-C', path.dirname(stage), 'node_modules']);
  fs.writeFileSync(path.join(OUT, 'node.xz'), execFileSync('xz', ['-9', '-T0', '-c', process.execPath], { maxBuffer: 1 << 30 }));
  fs.rmSync(tmp, { recursive: true, force: true });

  // The Vulkan loader (the driver's ICD comes with the machine's NVIDIA driver), as the device README says.
  fs.rmSync(GL, { recursive: true, force: true });
  fs.mkdirSync(GL, { recursive: true });
  const apt = ['-oAPT::Architecture=amd64', '-oAPT::Architectures=amd64', '-oDir::State::Lists=/tmp/amd64'];
  fs.mkdirSync('/tmp/amd64/partial', { recursive: true });
  run('apt-get', [...apt, 'update']);
  run('apt-get', [...apt, 'download', ...VULKAN_DEBS], { cwd: GL });

  const sizes = [...fs.readdirSync(OUT).map((f) => path.join(OUT, f)), ...fs.readdirSync(GL).map((f) => path.join(GL, f))].map((f) => [
    path.relative(ROOT, f),
    fs.statSync(f).size,
  ]);
  const total = sizes.reduce((a, [, s]) => a + s, 0);
  for (const [f, s] of sizes) console.log(`${(s / 2 ** 20).toFixed(1).padStart(6)} MiB  ${f}`);
  console.log(`${(total / 2 ** 20).toFixed(1).padStart(6)} MiB  total (${traced.length} module files); carry: [".gpu-check", ".gl"]`);
  if (total > LIMIT_MIB * 2 ** 20)
    fail(
      `the bundle is ${(total / 2 ** 20).toFixed(1)} MiB, over ${LIMIT_MIB} MiB (the device run carries at most 64 MiB with the working tree)`,
    );
}

main();
