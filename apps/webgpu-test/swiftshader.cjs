#!/usr/bin/env node
/**
 * Runs a command with WebGPU on SwiftShader, the CPU Vulkan driver Debian's `chromium`
 * package ships: `node swiftshader.cjs <command> [args...]`. It sets, where not set already,
 *   VK_ICD_FILENAMES  SwiftShader's ICD file (/usr/lib/chromium/vk_swiftshader_icd.json),
 *   XDG_RUNTIME_DIR   a writable folder (a new temporary one, removed afterwards),
 * and appends /usr/lib/chromium to LD_LIBRARY_PATH: Dawn loads the Vulkan loader
 * `libvulkan.so.1`, which Debian's `libvulkan1` installs system-wide and chromium ships
 * beside SwiftShader (the system's copy comes first). The loader reads these when Dawn
 * starts, and the dynamic linker reads LD_LIBRARY_PATH only when a process starts: hence
 * a wrapper, not settings made inside the tests. Exits with the command's status.
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

const CHROMIUM = '/usr/lib/chromium';
const ICD = path.join(CHROMIUM, 'vk_swiftshader_icd.json');

function writable(dir) {
  try {
    fs.accessSync(dir, fs.constants.W_OK);
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

function main() {
  const [command, ...args] = process.argv.slice(2);
  if (!command) {
    console.error('usage: node swiftshader.cjs <command> [args...]');
    process.exit(2);
  }
  const env = { ...process.env };
  env.VK_ICD_FILENAMES ||= ICD;
  let made = null;
  if (!env.XDG_RUNTIME_DIR || !writable(env.XDG_RUNTIME_DIR)) {
    made = fs.mkdtempSync(path.join(os.tmpdir(), 'infomax-xdg-'));
    fs.chmodSync(made, 0o700);
    env.XDG_RUNTIME_DIR = made;
  }
  env.LD_LIBRARY_PATH = [env.LD_LIBRARY_PATH, CHROMIUM].filter(Boolean).join(path.delimiter);
  const result = spawnSync(command, args, { stdio: 'inherit', env });
  if (made) fs.rmSync(made, { recursive: true, force: true });
  if (result.error) {
    console.error(`swiftshader.cjs: could not run ${command}: ${result.error.message}`);
    process.exit(1);
  }
  process.exit(result.status ?? 1);
}

main();
