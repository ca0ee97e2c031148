/**
 * Pixel layout conversion shared by the CIFAR and STL-10 readers, whose files
 * store one whole plane per channel while tensors want channels interleaved.
 */

/**
 * Copies one image from planar `[channels, height, width]` (or, when
 * `columnMajor`, `[channels, width, height]`, STL-10's MATLAB order) into
 * interleaved `[height, width, channels]`.
 */
export function planarToInterleaved(
  src: Uint8Array,
  dst: Uint8Array,
  height: number,
  width: number,
  channels: number,
  columnMajor: boolean,
): void {
  const plane = height * width;
  for (let c = 0; c < channels; c++) {
    const base = c * plane;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const from = base + (columnMajor ? x * height + y : y * width + x);
        dst[(y * width + x) * channels + c] = src[from];
      }
    }
  }
}
