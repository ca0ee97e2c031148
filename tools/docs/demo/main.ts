/**
 * The live demo page: trains {@link DimLite} on the bundled digits in the browser
 * (tfjs wasm backend with infomax's kernels) and plots the MI estimate per step.
 * State is mirrored on `window.infomaxDemo` so the browser test can read it.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { initEngine, Rng } from '@infomax/engine';
import { DimLite, decodeDigits, digitBatch } from './dim-lite';

interface DemoState {
  status: 'idle' | 'loading' | 'training' | 'done' | 'error';
  backend: string;
  steps: number;
  estimates: number[];
  msPerStep: number;
  error?: string;
}

const BATCH = 16;
const STEPS = 100;
/** InfoNCE's ceiling for this batch: log K nats. */
const CEILING = Math.log(BATCH);

const state: DemoState = { status: 'idle', backend: '', steps: 0, estimates: [], msPerStep: 0 };
(window as unknown as { infomaxDemo: DemoState }).infomaxDemo = state;

/** The folder this script was served from (the wasm binaries and digits sit beside it). */
function assetBase(): string {
  const script = document.currentScript as HTMLScriptElement | null;
  const src = script?.src ?? new URL('assets/demo/demo.js', document.baseURI).href;
  return src.slice(0, src.lastIndexOf('/') + 1);
}
const base = assetBase();

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text = ''): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text) node.textContent = text;
  return node;
}

function plot(canvas: HTMLCanvasElement, values: number[]): void {
  const ctx = canvas.getContext('2d')!;
  const { width, height } = canvas;
  const pad = 36;
  ctx.clearRect(0, 0, width, height);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  ctx.strokeStyle = '#888';
  ctx.strokeRect(pad, 8, width - pad - 8, height - pad);
  const lo = Math.min(-0.5, ...values);
  const hi = Math.max(CEILING + 0.2, ...values);
  const x = (i: number) => pad + ((width - pad - 8) * i) / (STEPS - 1);
  const y = (v: number) => 8 + (height - pad) * (1 - (v - lo) / (hi - lo));
  ctx.fillStyle = '#333';
  ctx.font = '11px sans-serif';
  ctx.fillText(hi.toFixed(2), 2, 16);
  ctx.fillText(lo.toFixed(2), 2, height - pad + 8);
  ctx.fillText('step', width / 2, height - 8);
  ctx.strokeStyle = '#999';
  ctx.setLineDash([5, 4]);
  ctx.beginPath();
  ctx.moveTo(pad, y(CEILING));
  ctx.lineTo(width - 8, y(CEILING));
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.fillText(`log ${BATCH} = ${CEILING.toFixed(2)} (InfoNCE ceiling)`, pad + 6, y(CEILING) - 4);
  ctx.strokeStyle = '#c0392b';
  ctx.lineWidth = 2;
  if (values.length < 2) return;
  ctx.beginPath();
  values.forEach((v, i) => (i === 0 ? ctx.moveTo(x(i), y(v)) : ctx.lineTo(x(i), y(v))));
  ctx.stroke();
}

async function train(root: HTMLElement, button: HTMLButtonElement): Promise<void> {
  button.disabled = true;
  state.status = 'loading';
  const info = root.querySelector('.infomax-demo-info')!;
  const canvas = root.querySelector('canvas')!;
  try {
    setWasmPaths(base);
    const engine = await initEngine({ backend: 'wasm', log: null });
    state.backend = engine.backend;
    const response = await fetch(base + 'digits.bin');
    if (!response.ok) throw new Error(`digits.bin: HTTP ${response.status}`);
    const digits = decodeDigits(await response.arrayBuffer());
    const rng = new Rng(7);
    const order = rng.permutation(digits.count);
    const model = new DimLite({ seed: 1, units: 32, learningRate: 2e-3 });
    state.status = 'training';
    const start = performance.now();
    for (let s = 0; s < STEPS; s++) {
      const batch = digitBatch(digits.images, digits.size, order, s, BATCH);
      const { estimate } = model.step(batch);
      batch.dispose();
      state.estimates.push(estimate);
      state.steps = s + 1;
      state.msPerStep = (performance.now() - start) / state.steps;
      info.textContent =
        `backend ${state.backend} · ${digits.count} digits · batch ${BATCH} · step ${state.steps}/${STEPS} · ` +
        `MI estimate ${estimate.toFixed(3)} nats · ${state.msPerStep.toFixed(0)} ms/step · ${tf.memory().numTensors} tensors`;
      plot(canvas, state.estimates);
      // Yield to the page so the plot paints between steps.
      await new Promise((r) => setTimeout(r, 0));
    }
    model.dispose();
    state.status = 'done';
  } catch (e) {
    state.status = 'error';
    state.error = String((e as Error)?.stack ?? e);
    info.textContent = `error: ${state.error}`;
  }
  button.disabled = false;
}

function mount(): void {
  const root = document.getElementById('infomax-demo');
  if (!root) return;
  const button = el('button', { type: 'button', class: 'infomax-demo-start' }, 'Train');
  const canvas = el('canvas', { width: '640', height: '260', 'aria-label': 'MI estimate per step' });
  canvas.style.maxWidth = '100%';
  const info = el('p', { class: 'infomax-demo-info' }, 'Press Train: the model trains here, in this tab.');
  root.append(button, info, canvas);
  plot(canvas, []);
  button.addEventListener('click', () => void train(root, button));
  if (new URLSearchParams(location.search).has('autostart')) void train(root, button);
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', mount);
else mount();
