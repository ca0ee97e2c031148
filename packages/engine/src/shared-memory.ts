/**
 * tfjs's wasm backend on a shared memory, so that other threads can run infomax's kernels
 * on the backend's tensors in place (see kernel-pool.ts).
 *
 * The backend's single-threaded build defines its own memory. {@link shareModuleMemory}
 * rewrites a WebAssembly binary so that, instead, it imports a memory of the same initial
 * size marked shared; its code is unchanged (plain loads and stores are valid on a shared
 * memory, and the export of the memory now hands out the imported one).
 * {@link startOnSharedMemory} applies it to the backend's binary while the backend starts.
 * Node-only in practice: a browser page needs cross-origin isolation for shared memory.
 */
import { EngineError } from './errors';

/** Where the rewritten module finds its memory: `imports[SHARED_MEMORY_IMPORT.module][SHARED_MEMORY_IMPORT.name]`. */
export const SHARED_MEMORY_IMPORT = { module: 'infomax', name: 'memory' } as const;

/** A section of a WebAssembly binary: its id and where its header and body are. */
interface Section {
  id: number;
  start: number;
  body: number;
  end: number;
}

function readU32(bytes: Uint8Array, at: number): [number, number] {
  let value = 0;
  let shift = 0;
  let pos = at;
  for (;;) {
    if (pos >= bytes.length || shift > 28) throw new EngineError('shareModuleMemory: malformed LEB128 number in the binary');
    const b = bytes[pos++];
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if ((b & 0x80) === 0) return [value, pos];
  }
}

function u32(n: number): number[] {
  const out: number[] = [];
  let rest = n;
  do {
    const low = rest % 128;
    rest = Math.floor(rest / 128);
    out.push(rest > 0 ? low | 0x80 : low);
  } while (rest > 0);
  return out;
}

function name(s: string): number[] {
  const bytes = [...new TextEncoder().encode(s)];
  return [...u32(bytes.length), ...bytes];
}

function sections(bytes: Uint8Array): Section[] {
  const magic = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  if (bytes.length < 8 || magic.some((b, i) => bytes[i] !== b))
    throw new EngineError('shareModuleMemory: not a WebAssembly (version 1) binary');
  const out: Section[] = [];
  let pos = 8;
  while (pos < bytes.length) {
    const [size, body] = readU32(bytes, pos + 1);
    out.push({ id: bytes[pos], start: pos, body, end: body + size });
    pos = body + size;
  }
  if (pos !== bytes.length) throw new EngineError('shareModuleMemory: a section runs past the end of the binary');
  return out;
}

/** Section ids in the order the format fixes (custom sections, id 0, may sit anywhere). */
const ORDER = [1, 2, 3, 4, 5, 13, 6, 7, 8, 9, 12, 10, 11];

/**
 * Rewrites a module that defines one memory (32-bit, not shared) into one that imports it,
 * shared, as `(import "infomax" "memory" (memory min max shared))`.
 * @param binary the module's bytes
 * @param maxPages the maximum to declare when the module declares none (shared memories need one)
 * @returns the new bytes and the memory's limits in 64 KiB pages
 * @throws EngineError when the binary is malformed or does not define exactly one plain memory
 */
export function shareModuleMemory(
  binary: Uint8Array,
  maxPages: number,
): { binary: Uint8Array<ArrayBuffer>; initial: number; maximum: number } {
  const secs = sections(binary);
  const mem = secs.filter((s) => s.id === 5);
  if (mem.length !== 1) throw new EngineError('shareModuleMemory: the module defines no memory of its own');
  const [count, at] = readU32(binary, mem[0].body);
  const flags = binary[at];
  if (count !== 1 || flags > 1)
    throw new EngineError(`shareModuleMemory: expected one unshared 32-bit memory, got ${count} (limits flags ${flags})`);
  const [initial, next] = readU32(binary, at + 1);
  const maximum = flags === 1 ? readU32(binary, next)[0] : maxPages;
  if (secs.some((s) => s.id === 2 && memoryImports(binary, s) > 0))
    throw new EngineError('shareModuleMemory: the module already imports a memory');
  const entry = [...name(SHARED_MEMORY_IMPORT.module), ...name(SHARED_MEMORY_IMPORT.name), 0x02, 0x03, ...u32(initial), ...u32(maximum)];

  const parts: number[][] = [[...binary.subarray(0, 8)]];
  const importSection = (body: number[]): number[] => [2, ...u32(body.length), ...body];
  let placed = false;
  for (const s of secs) {
    if (s.id === 5) continue;
    if (s.id === 2) {
      const [n, rest] = readU32(binary, s.body);
      parts.push(importSection([...u32(n + 1), ...binary.subarray(rest, s.end), ...entry]));
      placed = true;
      continue;
    }
    // No import section: one goes before the first section that must follow it.
    if (!placed && s.id !== 0 && ORDER.indexOf(s.id) > ORDER.indexOf(2)) {
      parts.push(importSection([...u32(1), ...entry]));
      placed = true;
    }
    parts.push([...binary.subarray(s.start, s.end)]);
  }
  if (!placed) parts.push(importSection([...u32(1), ...entry]));
  return { binary: Uint8Array.from(parts.flat()), initial, maximum };
}

/** How many memories an import section imports. */
function memoryImports(bytes: Uint8Array, s: Section): number {
  let [n, pos] = readU32(bytes, s.body);
  let memories = 0;
  const skipName = (p: number): number => {
    const [len, q] = readU32(bytes, p);
    return q + len;
  };
  const skipLimits = (p: number): number => {
    const flags = bytes[p];
    let q = readU32(bytes, p + 1)[1];
    if (flags & 1) q = readU32(bytes, q)[1];
    return q;
  };
  while (n-- > 0) {
    pos = skipName(skipName(pos));
    const kind = bytes[pos++];
    if (kind === 0) pos = readU32(bytes, pos)[1];
    else if (kind === 1) pos = skipLimits(pos + 1);
    else if (kind === 2) {
      memories++;
      pos = skipLimits(pos);
    } else if (kind === 3) pos += 2;
    else if (kind === 4) pos = readU32(bytes, pos + 1)[1];
    else throw new EngineError(`shareModuleMemory: unknown import kind ${kind}`);
  }
  return memories;
}

/**
 * Runs `start` (which instantiates the tfjs wasm backend's module) with every
 * WebAssembly module instantiated from bytes meanwhile given a shared memory in place of
 * its own (at most one: the backend's). A backend that had started before, or that
 * instantiates a compiled module, keeps its own memory.
 * @returns `start`'s result
 */
export async function startOnSharedMemory<T>(start: () => Promise<T>, maxPages: number): Promise<T> {
  const original = WebAssembly.instantiate;
  let shared = false;
  const patched = (source: BufferSource | WebAssembly.Module, imports?: WebAssembly.Imports): Promise<unknown> => {
    if (shared || source instanceof WebAssembly.Module) return original(source as WebAssembly.Module, imports);
    const bytes = ArrayBuffer.isView(source)
      ? new Uint8Array(source.buffer, source.byteOffset, source.byteLength)
      : new Uint8Array(source as ArrayBuffer);
    const rewritten = shareModuleMemory(bytes, maxPages);
    const memory = new WebAssembly.Memory({ initial: rewritten.initial, maximum: rewritten.maximum, shared: true });
    shared = true;
    return original(rewritten.binary, { ...imports, [SHARED_MEMORY_IMPORT.module]: { [SHARED_MEMORY_IMPORT.name]: memory } });
  };
  (WebAssembly as { instantiate: unknown }).instantiate = patched;
  try {
    return await start();
  } finally {
    (WebAssembly as { instantiate: unknown }).instantiate = original;
  }
}
