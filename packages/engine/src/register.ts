/**
 * Registration of infomax's kernels (the only side effect of the package).
 */
export function registerEngineKernels(_backend: 'wasm' | 'cpu'): string[] {
  return [];
}
