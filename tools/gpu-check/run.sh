#!/usr/bin/env bash
# The GPU check on a GPU machine without Node.js or internet access. Prepare on a Linux x64
# machine with both:
#   npm run build && node tools/gpu-check/prepare.js
# copy the repository with .gpu-check/ and .gl/ to the GPU machine, and run from its root:
#   bash tools/gpu-check/run.sh
# It unpacks the bundled Node binary and modules, installs the Vulkan loader and GLVND where
# the machine has none, runs check.js (kernel checks and DIM(L) img/s on webgpu) and
# torch_dim.py (the same model and batch in the machine's PyTorch on CUDA), and writes both
# JSON files and a summary to $OUT (or ./gpu-check-out where OUT is unset).
# Environment: GPU_CHECK_STEPS (default 50), GPU_CHECK_BATCHES (default 64,256).
# Exit status: check.js's (0: every check passed).
set -uo pipefail
cd "$(dirname "$0")/../.."
OUT_DIR="${OUT:-$PWD/gpu-check-out}"
mkdir -p "$OUT_DIR"
STEPS="${GPU_CHECK_STEPS:-50}"
BATCHES="${GPU_CHECK_BATCHES:-64,256}"
GC=/tmp/infomax-gpu-check

if [ ! -f .gpu-check/node.xz ] || [ ! -f .gpu-check/modules.tar.xz ]; then
  echo "gpu-check: .gpu-check/ is missing: run node tools/gpu-check/prepare.js here and carry .gpu-check and .gl" >&2
  exit 2
fi
# The Vulkan loader and GLVND, where the machine has none (the device README's recipe): the
# NVIDIA ICD (libGLX_nvidia.so.0) loads only beside libGLdispatch, so the loader alone finds no driver.
if ! ldconfig -p | grep -q libvulkan.so.1 || ! ldconfig -p | grep -q libGLdispatch.so.0; then
  for f in .gl/*.deb; do dpkg -x "$f" /; done
  ldconfig
fi
# Container images with the NVIDIA driver mounted under /usr/local/nvidia keep its Vulkan ICD there.
ICD=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
if [ -f "$ICD" ] && [ -z "${VK_DRIVER_FILES:-}" ]; then export VK_DRIVER_FILES="$ICD"; fi

rm -rf "$GC" && mkdir -p "$GC"
xz -dc .gpu-check/node.xz > "$GC/node" && chmod +x "$GC/node"
tar -xJf .gpu-check/modules.tar.xz -C "$GC"
# check.js beside the carried node_modules, so that it resolves them.
cp tools/gpu-check/check.js "$GC/check.js"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null | tee "$OUT_DIR/gpu.txt"

set -o pipefail
"$GC/node" "$GC/check.js" --backend webgpu --steps "$STEPS" --batches "$BATCHES" --json "$OUT_DIR/webgpu.json" 2>&1 | tee "$OUT_DIR/webgpu.log"
status=${PIPESTATUS[0]}
: > "$OUT_DIR/torch.json"
for b in ${BATCHES//,/ }; do
  python3 tools/gpu-check/torch_dim.py "$b" "$STEPS" cuda 2>&1 | tee -a "$OUT_DIR/torch.json"
done

"$GC/node" -e '
const fs = require("fs");
const dir = process.argv[1];
const text = (f) => { try { return fs.readFileSync(`${dir}/${f}`, "utf8"); } catch { return ""; } };
let w = null;
try { w = JSON.parse(text("webgpu.json")); } catch {}
const torch = text("torch.json").split("\n").flatMap((l) => { try { return [JSON.parse(l)]; } catch { return []; } });
if (!w || torch.length === 0) { console.log("gpu-check: no ratio (a side did not finish)"); process.exit(0); }
for (const ours of w.throughputs) {
  const t = torch.find((r) => r.batch === ours.batch);
  if (!t) { console.log(`DIM(L) batch ${ours.batch}: no PyTorch figure`); continue; }
  console.log(`DIM(L) batch ${ours.batch}: webgpu ${ours.imgPerS.toFixed(0)} img/s; PyTorch ${t.torch} CUDA ${t.img_per_s.toFixed(0)} img/s ` +
    `(${t.img_per_s_read_each_step.toFixed(0)} reading the loss every step); ratio ${(ours.imgPerS / t.img_per_s).toFixed(3)}× ` +
    `(${(ours.imgPerS / t.img_per_s_read_each_step).toFixed(3)}× against the per-step read)`);
}
' "$OUT_DIR" | tee "$OUT_DIR/summary.txt"
exit "$status"
