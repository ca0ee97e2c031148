"""scikit-learn's PCA(n_components=k, svd_solver='full') on the rows tools/bench/eval/pca.js wrote:
fit on the training rows (timed), explained-variance ratios, and the test rows' projections
(written as float32 files beside them). Prints JSON: {rows: [{set, k, seconds, ratio}], note}."""
import json
import os
import sys
import time

import numpy as np

spec = json.loads(sys.argv[1])
d = spec["dir"]
try:
    import sklearn
    from sklearn.decomposition import PCA
except ImportError:
    print(json.dumps(dict(rows=[], note="scikit-learn is not installed for /usr/bin/python3: no reference rows")))
    sys.exit(0)

rows = []
for s in spec["sets"]:
    load = lambda split: np.fromfile(os.path.join(d, f"pca-{s['id']}-{split}.f32"), dtype=np.float32).reshape(-1, s["dim"])
    x_train, x_test = load("train").astype(np.float64), load("test").astype(np.float64)
    for k in s["ks"]:
        start = time.perf_counter()
        fit = PCA(n_components=k, svd_solver="full").fit(x_train)
        seconds = time.perf_counter() - start
        fit.transform(x_test).astype(np.float32).tofile(os.path.join(d, f"pca-{s['id']}-sklearn-{k}.f32"))
        rows.append(dict(set=s["id"], k=k, seconds=seconds, ratio=fit.explained_variance_ratio_.tolist()))
print(json.dumps(dict(rows=rows, note=f"reference: scikit-learn {sklearn.__version__}, NumPy {np.__version__}, float64, 1 thread")))
