import { pythonWithNumpy, runPythonJson } from '../test-utils/python';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { encodeNpy } from './npy';

const { python, reason } = pythonWithNumpy();
if (!python) console.warn(`npy.spec: numpy round trips skipped: ${reason}`);
const withNumpy = python ? test : test.skip;

test('the v1.0 layout: magic, version 1.0, a dict header ending in \\n, data at a multiple of 64 bytes, little-endian <f4', () => {
  const values = Float32Array.of(1.5, -2, 3.25, 1e-30, -0, 7);
  const npy = encodeNpy(values, [2, 3]);
  expect(npy.subarray(0, 6).toString('latin1')).toBe('\x93NUMPY');
  expect([npy[6], npy[7]]).toEqual([1, 0]);
  const headerLength = npy.readUInt16LE(8);
  expect((10 + headerLength) % 64).toBe(0);
  const header = npy.subarray(10, 10 + headerLength).toString('latin1');
  expect(header).toMatch(/^\{'descr': '<f4', 'fortran_order': False, 'shape': \(2, 3\), \} *\n$/);
  expect(npy.length).toBe(10 + headerLength + 4 * values.length);
  values.forEach((v, i) => expect(npy.readFloatLE(10 + headerLength + 4 * i)).toBe(v));
  expect(encodeNpy(Float32Array.of(1), [1]).toString('latin1')).toContain("'shape': (1,), }");
});

withNumpy('numpy.load reads shapes (n,), (n, d) and (0, d) back with every float32 bit pattern intact', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'infomax-npy-'));
  try {
    const cases: Array<[number[], Float32Array]> = [
      [[5], Float32Array.of(0.1, -1e38, 3.4e38, 1.4e-45, Math.PI)],
      [[3, 4], Float32Array.from({ length: 12 }, (_, i) => Math.fround(Math.sin(i) * 10 ** (i - 6)))],
      [[0, 7], new Float32Array(0)],
      // A shape long enough that the header takes a second 64-byte block.
      [[123456789, 0], new Float32Array(0)],
    ];
    for (const [i, [shape, values]] of cases.entries()) {
      const file = path.join(dir, `a${i}.npy`);
      fs.writeFileSync(file, encodeNpy(values, shape));
      const got = runPythonJson(
        python!,
        'import sys, json, numpy\na = numpy.load(sys.argv[1])\n' +
          'print(json.dumps({"shape": list(a.shape), "dtype": a.dtype.str, "bits": a.view("<u4").ravel().tolist()}))',
        [file],
      ) as { shape: number[]; dtype: string; bits: number[] };
      expect(got.shape).toEqual(shape);
      expect(got.dtype).toBe('<f4');
      expect(got.bits).toEqual(Array.from(new Uint32Array(values.buffer)));
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
