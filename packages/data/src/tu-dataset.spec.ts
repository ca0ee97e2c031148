import { readdirSync, readFileSync, writeFileSync } from 'fs';
import * as path from 'path';
import { zipSync } from 'fflate';
import { featureHistogram, type GraphDataset } from './graph-dataset';
import { loadTuDataset } from './tu-dataset';
import { errorOf, tempDir } from './test-utils/fixtures';
import { findTuDatasets, SMALL_TU, writeTu } from './test-utils/tu-fixtures';

const tmp = tempDir('tu');
afterAll(() => tmp.remove());
let cases = 0;
/** A fresh folder holding SMALL_TU with some files replaced (undefined: the file is left out). */
function variant(changes: Record<string, string | undefined>): string {
  const files = { ...SMALL_TU, ...changes };
  for (const [k, v] of Object.entries(files)) if (v === undefined) delete files[k];
  return writeTu(path.join(tmp.dir, `case${++cases}`), 'TOY', files as Record<string, string>);
}

describe('loadTuDataset on a hand-checked dataset', () => {
  it('three graphs: offsets, 0-based edges ordered by graph, one-hot labels, classes in numeric order', async () => {
    const ds = await loadTuDataset(variant({}));
    expect(ds).toMatchObject({
      name: 'TOY',
      count: 3,
      nodeCount: 6,
      edgeCount: 6,
      featureSize: 3,
      nodeFeatures: 'labels',
      classes: ['-1', '1'],
    });
    expect(Array.from(ds.nodeOffsets)).toEqual([0, 3, 5, 6]);
    expect(Array.from(ds.edgeOffsets)).toEqual([0, 4, 6, 6]);
    expect(Array.from(ds.edgeSource)).toEqual([0, 1, 1, 2, 3, 4]);
    expect(Array.from(ds.edgeTarget)).toEqual([1, 0, 2, 1, 4, 3]);
    expect(Array.from(ds.labels)).toEqual([1, 0, 1]);
    expect(Array.from(ds.edgeLabels!)).toEqual([0, 0, 1, 1, 2, 2]);
    expect(Array.from(ds.features)).toEqual([1, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0, 1, 0, 1, 0]);
    expect(Array.from(featureHistogram(ds))).toEqual([2, 1, 0, 0, 0, 2, 0, 1, 0]);
  });

  it("'degree' features one-hot the out-degree (capped by maxDegree); 'constant' is one 1 per node", async () => {
    const dir = variant({});
    const deg = await loadTuDataset(dir, { nodeFeatures: 'degree' });
    expect(deg.featureSize).toBe(3);
    expect(Array.from(deg.features)).toEqual([0, 1, 0, 0, 0, 1, 0, 1, 0, 0, 1, 0, 0, 1, 0, 1, 0, 0]);
    const capped = await loadTuDataset(dir, { nodeFeatures: 'degree', maxDegree: 1 });
    expect(Array.from(featureHistogram(capped))).toEqual([0, 3, 0, 2, 1, 0]);
    const constant = await loadTuDataset(dir, { nodeFeatures: 'constant' });
    expect(Array.from(constant.features)).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('edges listed twice, or lines in another graph order, give the same dataset; without node labels, degrees', async () => {
    const a = await loadTuDataset(variant({}));
    const lines = SMALL_TU.A.trim().split('\n');
    const labels = SMALL_TU.edge_labels.trim().split('\n');
    const order = [4, 0, 5, 1, 4, 2, 3, 0];
    const b = await loadTuDataset(
      variant({ A: order.map((i) => lines[i]).join('\n'), edge_labels: order.map((i) => labels[i]).join('\n') }),
    );
    for (const key of ['edgeSource', 'edgeTarget', 'edgeLabels', 'edgeOffsets', 'features'] as const)
      expect(Array.from(b[key]!)).toEqual(Array.from(a[key]!));
    const noLabels = await loadTuDataset(variant({ node_labels: undefined, edge_labels: undefined }));
    expect(noLabels.nodeFeatures).toBe('degree');
    expect(noLabels.nodeLabels).toBeUndefined();
    expect(noLabels.edgeLabels).toBeUndefined();
  });

  it('a .zip of the files (in a folder inside) reads the same as the folder', async () => {
    const dir = variant({});
    const zip = path.join(tmp.dir, 'TOY.zip');
    const entries = Object.fromEntries(readdirSync(dir).map((f) => [`TOY/${f}`, new Uint8Array(readFileSync(path.join(dir, f)))]));
    writeFileSync(zip, zipSync(entries));
    const [a, b] = [await loadTuDataset(dir), await loadTuDataset(zip)];
    expect({ ...b, name: a.name }).toEqual(a);
  });
});

describe('loadTuDataset on malformed files: a typed error naming the file and line', () => {
  // Every row has five entries: a shorter row would make jest pass its `done` callback as `line`.
  const cases: Array<[string, Record<string, string | undefined>, string, RegExp, number | null]> = [
    ['a non-numeric value', { A: '1, 2\n2, x\n' }, 'bad-line', /TOY_A\.txt line 2: expected 2 comma-separated integers, got "2, x"/, 2],
    ['a row with one value', { A: '1, 2\n2\n' }, 'bad-line', /TOY_A\.txt line 2: expected 2 comma-separated integers/, 2],
    ['a fractional label', { graph_labels: '1\n1.5\n1\n' }, 'bad-line', /TOY_graph_labels\.txt line 2: expected an integer, got "1\.5"/, 2],
    [
      'an empty line inside',
      { graph_indicator: '1\n1\n\n1\n2\n2\n3\n' },
      'bad-line',
      /TOY_graph_indicator\.txt line 3: expected an integer, got an empty line/,
      3,
    ],
    ['a node id past the node count', { A: '1, 2\n2, 7\n' }, 'out-of-range', /TOY_A\.txt line 2: node id 7 is outside 1…6/, 2],
    [
      'a graph id past the graph count',
      { graph_indicator: '1\n1\n1\n2\n2\n4\n' },
      'out-of-range',
      /TOY_graph_indicator\.txt line 6: graph id 4 is outside 1…3/,
      6,
    ],
    ['graph id 0', { graph_indicator: '0\n1\n1\n2\n2\n3\n' }, 'out-of-range', /line 1: graph id 0 is outside 1…3/, 1],
    [
      'node labels for 5 of 6 nodes',
      { node_labels: '0\n1\n0\n2\n2\n' },
      'count-mismatch',
      /TOY_node_labels\.txt has 5 lines; expected 6, one per node/,
      null,
    ],
    [
      'edge labels for 7 of 6 edges',
      { edge_labels: '0\n0\n1\n1\n2\n2\n2\n' },
      'count-mismatch',
      /TOY_edge_labels\.txt has 7 lines; expected 6, one per edge/,
      null,
    ],
    [
      'a graph without nodes',
      { graph_indicator: '1\n1\n1\n3\n3\n3\n', A: '1, 2\n2, 1\n' },
      'empty',
      /graph 2 \(line 2 of .*TOY_graph_labels\.txt\) has no nodes/,
      null,
    ],
    [
      'graphs out of order',
      { graph_indicator: '1\n1\n2\n1\n2\n3\n', A: '1, 2\n2, 1\n' },
      'bad-line',
      /TOY_graph_indicator\.txt line 4: graph id 1 after 2/,
      4,
    ],
    ['an edge between two graphs', { A: '1, 2\n3, 4\n' }, 'bad-line', /TOY_A\.txt line 2: edge 3, 4 joins graph 1 to graph 2/, 2],
    ['no graph labels file', { graph_labels: undefined }, 'missing', /has no TOY_graph_labels\.txt/, null],
    ['an empty graph labels file', { graph_labels: '' }, 'empty', /TOY_graph_labels\.txt lists no graphs/, null],
  ];
  it.each(cases)('%s', async (_, changes, code, message, line) => {
    const err = await errorOf(loadTuDataset(variant(changes)));
    expect(err.code).toBe(code);
    expect(err.message).toMatch(message);
    expect(err.message).toMatch(/^loadTuDataset: /);
    if (line !== null) expect(err.line).toBe(line);
  });

  it('no such folder, a folder without a dataset, a corrupt zip, labels asked of an unlabelled dataset, bad options', async () => {
    expect((await errorOf(loadTuDataset(path.join(tmp.dir, 'nothing-here')))).code).toBe('missing');
    expect((await errorOf(loadTuDataset(tempDir('tu-empty').dir))).message).toMatch(/holds no <name>_A\.txt/);
    const zip = path.join(tmp.dir, 'broken.zip');
    writeFileSync(zip, Buffer.from('PK\u0003\u0004 this is not a zip archive'));
    expect((await errorOf(loadTuDataset(zip))).code).toBe('corrupt-zip');
    const unlabelled = variant({ node_labels: undefined });
    expect((await errorOf(loadTuDataset(unlabelled, { nodeFeatures: 'labels' }))).message).toMatch(
      /nodeFeatures must be 'degree' or 'constant' for TOY/,
    );
    expect((await errorOf(loadTuDataset(unlabelled, { name: 'OTHER' }))).message).toMatch(/has no OTHER_A\.txt \(found: TOY_A\.txt\)/);
    expect((await errorOf(loadTuDataset(unlabelled, { maxDegree: -1 }))).code).toBe('invalid-option');
    expect((await errorOf(loadTuDataset(unlabelled, { nodeFeatures: 'onehot' as 'labels' }))).code).toBe('invalid-option');
  });
});

const shipped = findTuDatasets();
if (!shipped) console.log('TU dataset tests skipped: no shared/datasets/tu above the working folder (set INFOMAX_TU_DIR)');

/** Edges that leave their graph's node range or lack their reverse (0 for an undirected dataset). */
function badEdges(ds: GraphDataset): number {
  const keys = new Set<number>();
  for (let e = 0; e < ds.edgeCount; e++) keys.add(ds.edgeSource[e] * ds.nodeCount + ds.edgeTarget[e]);
  let bad = 0;
  for (let g = 0; g < ds.count; g++) {
    const [first, end] = [ds.nodeOffsets[g], ds.nodeOffsets[g + 1]];
    for (let e = ds.edgeOffsets[g]; e < ds.edgeOffsets[g + 1]; e++) {
      const [s, t] = [ds.edgeSource[e], ds.edgeTarget[e]];
      if (s < first || s >= end || t < first || t >= end || !keys.has(t * ds.nodeCount + s)) bad++;
    }
  }
  return bad;
}

(shipped ? describe : describe.skip)('the shipped TU datasets: counts as their READMEs and SOURCE.md give them', () => {
  // graphs and nodes: SOURCE.md's table; edges: A.txt lines (IMDB's listed twice, kept once); class sizes: graph_labels.txt.
  const table: Array<[string, number, number, number, number[], number]> = [
    ['MUTAG', 188, 3371, 7442, [63, 125], 7],
    ['PTC_MR', 344, 4915, 10108, [192, 152], 18],
    ['NCI1', 4110, 122747, 265506, [2053, 2057], 37],
    ['PROTEINS_full', 1113, 43471, 162088, [663, 450], 3],
    ['IMDB-BINARY.zip', 1000, 19773, 193062, [500, 500], 136],
    ['IMDB-MULTI.zip', 1500, 19502, 197806, [500, 500, 500], 89],
  ];
  it.each(table)(
    '%s: %i graphs, %i nodes, %i directed edges, class sizes %j, %i features',
    async (name, graphs, nodes, edges, sizes, features) => {
      const ds = await loadTuDataset(path.join(shipped!, name));
      expect([ds.count, ds.nodeCount, ds.edgeCount, ds.featureSize]).toEqual([graphs, nodes, edges, features]);
      expect(sizes.map((_, c) => ds.labels.filter((l) => l === c).length)).toEqual(sizes);
      expect(ds.nodeFeatures).toBe(name.endsWith('.zip') ? 'degree' : 'labels');
      expect(badEdges(ds)).toBe(0);
      const rowSums = featureHistogram(ds);
      for (let g = 0; g < ds.count; g++) {
        let total = 0;
        for (let j = 0; j < ds.featureSize; j++) total += rowSums[g * ds.featureSize + j];
        expect(total).toBe(ds.nodeOffsets[g + 1] - ds.nodeOffsets[g]);
      }
    },
  );

  it('MUTAG: the first molecule has 17 atoms, 38 bond directions, class 1 (label 1), atoms C and N and O', async () => {
    const ds = await loadTuDataset(path.join(shipped!, 'MUTAG'));
    expect(ds.nodeOffsets[1]).toBe(17);
    expect(ds.edgeOffsets[1]).toBe(38);
    expect(ds.classes[ds.labels[0]]).toBe('1');
    expect(Array.from(featureHistogram(ds).subarray(0, 7))).toEqual([14, 1, 2, 0, 0, 0, 0]);
  });
});
