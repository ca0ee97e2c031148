/**
 * What an installer gets: every library package takes tfjs as a peer (so an application
 * with its own tfjs 4.x gets one copy, and one set of registered kernels and backends),
 * and the whole workspace resolves a single tfjs-core.
 */
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..', '..');
const LIBRARIES = fs.readdirSync(path.join(ROOT, 'packages')).filter((d) => fs.existsSync(path.join(ROOT, 'packages', d, 'package.json')));

interface Manifest {
  name: string;
  license?: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}
const manifest = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as Manifest;

test('every library package declares @tensorflow/tfjs as a peer (^4.22), never as a dependency, and the MIT licence the LICENSE file grants', () => {
  expect(LIBRARIES.length).toBeGreaterThanOrEqual(7);
  expect(fs.readFileSync(path.join(ROOT, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
  for (const d of LIBRARIES) {
    const m = manifest(path.join(ROOT, 'packages', d));
    expect({
      name: m.name,
      dependency: m.dependencies?.['@tensorflow/tfjs'],
      peer: m.peerDependencies?.['@tensorflow/tfjs'],
      license: m.license,
    }).toEqual({ name: m.name, dependency: undefined, peer: '^4.22.0', license: 'MIT' });
  }
});

test('every package of the workspace resolves the same @tensorflow/tfjs-core file', () => {
  const dirs = [
    ...LIBRARIES.map((d) => path.join(ROOT, 'packages', d)),
    ...['trainer', 'docs-test'].map((d) => path.join(ROOT, 'apps', d)),
  ];
  const cores = new Set(dirs.map((dir) => fs.realpathSync(require.resolve('@tensorflow/tfjs-core', { paths: [dir] }))));
  expect(cores.size).toBe(1);
  // tfjs's own packages (layers, the wasm backend) resolve it from their folders: the same file.
  for (const pkg of ['@tensorflow/tfjs-layers', '@tensorflow/tfjs-backend-wasm']) {
    const from = path.dirname(require.resolve(`${pkg}/package.json`, { paths: [path.join(ROOT, 'packages', 'engine')] }));
    expect(fs.realpathSync(require.resolve('@tensorflow/tfjs-core', { paths: [from] }))).toBe([...cores][0]);
  }
});
