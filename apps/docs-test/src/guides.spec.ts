/**
 * The guides must not lie: every `buildObjective({...})` config written in a guide
 * and the `objective:` section of the quick start's YAML config build a real
 * objective (which validates every key and throws a ConfigError on a wrong one).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { parse as parseYaml } from 'yaml';
import { initEngine } from '@infomax/engine';
import { buildObjective } from '@infomax/objectives';

const GUIDES = path.resolve(__dirname, '../../../docs/guides');

/** The argument text of every `buildObjective(` call in `source` (balanced parentheses). */
function buildObjectiveArgs(source: string): string[] {
  const out: string[] = [];
  for (let at = source.indexOf('buildObjective('); at >= 0; at = source.indexOf('buildObjective(', at + 1)) {
    let depth = 0;
    const start = at + 'buildObjective('.length;
    for (let i = start - 1; i < source.length; i++) {
      if (source[i] === '(') depth++;
      else if (source[i] === ')' && --depth === 0) {
        out.push(source.slice(start, i));
        break;
      }
    }
  }
  return out;
}

describe('guides', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'wasm', log: null });
  });

  const calls = fs
    .readdirSync(GUIDES)
    .filter((f) => f.endsWith('.md'))
    .flatMap((f) =>
      buildObjectiveArgs(fs.readFileSync(path.join(GUIDES, f), 'utf8'))
        // Skip schematic mentions such as `{ kind: 'dim' \| 'cmc', ... }` in tables.
        .filter((arg) => arg.trim().startsWith('{') && !arg.includes('...') && !arg.includes('\\|'))
        .map((arg, i) => [f, i, arg] as const),
    );

  it('the guides contain buildObjective configs for dim, cmc and cpc', () => {
    const kinds = calls.map(([, , arg]) => /kind:\s*'(\w+)'/.exec(arg)?.[1]);
    expect(kinds).toEqual(expect.arrayContaining(['dim', 'cmc', 'cpc']));
  });

  it.each(calls)('%s, buildObjective call %i: the config builds', (_file, _i, arg) => {
    // The snippet is a JS object literal (comments allowed); evaluate it as one.
    const config = new Function(`return (${arg});`)() as { kind: string } & Record<string, unknown>;
    const objective = buildObjective(config);
    expect(objective.config.kind).toBe(config.kind);
    objective.dispose();
  });

  it('quick start: the YAML config parses and its objective section builds', () => {
    const text = fs.readFileSync(path.join(GUIDES, 'quick-start.md'), 'utf8');
    const block = /```yaml\n([\s\S]*?)```/.exec(text);
    expect(block).not.toBeNull();
    const config = parseYaml(block![1]) as { objective: Record<string, unknown>; train: Record<string, unknown> };
    expect(config.train.learningRate).toBe(1e-4);
    const objective = buildObjective({ ...config.objective, kind: String(config.objective.kind), inputShape: [28, 28, 1] });
    expect(objective.config).toMatchObject({ kind: 'dim', estimator: 'jsd', alpha: 0.5, beta: 1, gamma: 0.1 });
    objective.dispose();
    tf.disposeVariables();
  });
});
