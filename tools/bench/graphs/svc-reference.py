#!/usr/bin/env python3
"""A reference beside the graphs benchmark: scikit-learn's SVC, the paper's classifier, on
the embeddings the benchmark exported (run.js --export) and on the benchmark's own
stratified folds. In each outer fold, C in {1e-3, ..., 1e3} is chosen by 5-fold
cross-validation inside the training part (as InfoGraph's evaluation does); the epoch is
the last, or per fold the one with the best inner score (nested, as run.js chooses it).

Needs Debian's python3-sklearn (run with /usr/bin/python3).
Usage, from the repository root: /usr/bin/python3 tools/bench/graphs/svc-reference.py [DATASET ...]
(default: every exported dataset). Writes tools/bench/graphs/out/svc/<dataset>.json;
report.js shows them beside the probe's figures.
"""
import glob
import json
import os
import statistics
import subprocess
import sys

import numpy as np
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.svm import SVC

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'out')
C_GRID = [10.0**k for k in range(-3, 4)]

FOLDS_JS = """
const { stratifiedFolds } = require('@infomax/data');
const { labels, folds, seed } = JSON.parse(require('fs').readFileSync(0, 'utf8'));
console.log(JSON.stringify(stratifiedFolds(Int32Array.from(labels), { folds, seed }).map((f) => Array.from(f.test))));
"""


def bench_folds(labels, folds, seed):
    """The test rows of each fold, exactly as the benchmark's stratifiedFolds deals them."""
    text = subprocess.run(['node', '-e', FOLDS_JS], input=json.dumps({'labels': labels, 'folds': folds, 'seed': seed}),
                          capture_output=True, text=True, check=True).stdout
    return [np.array(t) for t in json.loads(text)]


def score(features, labels, tests, seed):
    """Per fold: (inner cross-validation score of the chosen C, test accuracy)."""
    out = []
    for test in tests:
        train = np.setdiff1d(np.arange(len(labels)), test)
        search = GridSearchCV(SVC(), {'C': C_GRID}, cv=StratifiedKFold(5, shuffle=True, random_state=seed))
        search.fit(features[train], labels[train])
        out.append((search.best_score_, search.score(features[test], labels[test])))
    return out


def main():
    results = {}
    wanted = set(sys.argv[1:])
    for file in sorted(glob.glob(os.path.join(OUT, 'embeddings', '*-seed-*.json'))):
        if wanted and os.path.basename(file).rsplit('-seed-', 1)[0] not in wanted:
            continue
        with open(file) as f:
            run = json.load(f)
        labels = np.array(run['labels'])
        tests = bench_folds(run['labels'], run['folds'], run['seed'])
        by_epoch = {int(e): score(np.array(v['features']).reshape(len(labels), v['dim']), labels, tests, run['seed'])
                    for e, v in run['epochs'].items()}
        trained = sorted(e for e in by_epoch if e > 0)
        last = by_epoch[trained[-1]]
        # Per fold, the epoch with the best inner score (ties: the later epoch), then its test accuracy.
        chosen = [max(reversed(trained), key=lambda e: by_epoch[e][f][0]) for f in range(len(tests))]
        seed_scores = {
            'last': statistics.mean(t for _, t in last),
            'validation': statistics.mean(by_epoch[e][f][1] for f, e in enumerate(chosen)),
            'random': statistics.mean(t for _, t in by_epoch[0]),
        }
        print(f"{run['dataset']} seed {run['seed']}: SVC last {100 * seed_scores['last']:.2f}, "
              f"validation-chosen {100 * seed_scores['validation']:.2f} (epochs {chosen}), random init {100 * seed_scores['random']:.2f}")
        results.setdefault(run['dataset'], []).append(seed_scores)
    os.makedirs(os.path.join(OUT, 'svc'), exist_ok=True)
    for dataset, seeds in results.items():
        def summary(k):
            values = [100 * s[k] for s in seeds]
            return {'mean': statistics.mean(values), 'sd': statistics.stdev(values) if len(values) > 1 else 0.0}
        r = {'dataset': dataset, 'seeds': len(seeds), **{k: summary(k) for k in ('last', 'validation', 'random')}}
        with open(os.path.join(OUT, 'svc', f'{dataset}.json'), 'w') as f:
            json.dump(r, f, indent=1)
        print(f"| {r['dataset']} | {r['seeds']} | " + ' | '.join(f"{r[k]['mean']:.2f} ± {r[k]['sd']:.2f}" for k in ('last', 'validation', 'random')) + ' |')


if __name__ == '__main__':
    main()
