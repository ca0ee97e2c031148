/** Float32 values as little-endian bytes, whatever the machine's byte order (NumPy's '<f4', safetensors' F32). */
export function float32LittleEndian(values: Float32Array): Buffer {
  const out = Buffer.alloc(values.length * 4);
  for (let i = 0; i < values.length; i++) out.writeFloatLE(values[i], 4 * i);
  return out;
}
