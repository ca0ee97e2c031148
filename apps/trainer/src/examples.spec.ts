import * as fs from 'fs';
import * as path from 'path';
import { buildObjective } from '@infomax/objectives';
import { initEngine } from '@infomax/engine';
import { readConfigFile, resolveConfig } from './config';

const dir = path.join(__dirname, '..', 'examples');
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.yaml'));

beforeAll(async () => {
  await initEngine({ backend: 'wasm', log: null });
});

test('there are example configs', () => {
  expect(files.length).toBeGreaterThanOrEqual(4);
});

test.each(files)('%s passes the schema and builds its objective', async (file) => {
  const config = resolveConfig(await readConfigFile(path.join(dir, file)));
  const objective = buildObjective({ seed: config.seed, inputShape: [28, 28, 1], ...config.objective });
  expect(objective.config.kind).toBe(config.objective.kind);
  objective.dispose();
});

test('the quick-start example resolves to the defaults (apart from its own comments)', async () => {
  const example = resolveConfig(await readConfigFile(path.join(dir, 'quickstart.yaml')));
  const defaults = resolveConfig({});
  expect({ ...example, objective: defaults.objective }).toEqual(defaults);
  const built = [example.objective, defaults.objective].map((o) => buildObjective({ seed: 0, inputShape: [28, 28, 1], ...o }));
  expect(built[0].config).toEqual(built[1].config);
  built.forEach((o) => o.dispose());
});
