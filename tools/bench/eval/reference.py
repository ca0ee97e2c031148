"""Reference timings for tools/bench/eval/run.js (called by it; prints JSON on stdout).

NumPy's full symmetric eigendecomposition of the covariance is the PCA reference.

The same linear probe in PyTorch (standardise with training statistics, std floor
1e-6; softmax regression from zero weights; Adam lr 1e-2 annealed per epoch by
CosineAnnealingLR (the probe's default 'cosine' schedule); batch 256; L2 penalty
1e-4/2 * |W|^2; seeded shuffles) and kNN (k=20, cosine, majority vote, ties to the
nearest), on 1 thread. scikit-learn's LogisticRegression (lbfgs, default C) runs
too when it is installed for this interpreter.
"""
import json
import os
import sys
import time

import numpy as np

spec = json.loads(sys.argv[1])
d = spec["dir"]
y_train = np.fromfile(os.path.join(d, "train-labels.i32"), dtype=np.int32)
y_test = np.fromfile(os.path.join(d, "test-labels.i32"), dtype=np.int32)
rows, notes = [], []

try:
    import torch

    torch.set_num_threads(1)
except ImportError:
    torch = None
    notes.append("PyTorch is not installed for /usr/bin/python3: no PyTorch rows")

try:
    import sklearn
    from sklearn.linear_model import LogisticRegression
except ImportError:
    sklearn = None
    notes.append("scikit-learn is not installed for /usr/bin/python3: no LogisticRegression rows")


def standardize(train, test):
    mean = train.mean(0, dtype=np.float64)
    std = np.maximum(train.std(0, dtype=np.float64), 1e-6)
    return ((train - mean) / std).astype(np.float32), ((test - mean) / std).astype(np.float32)


def torch_probe(x_train, x_test, epochs):
    start = time.perf_counter()
    x_train, x_test = standardize(x_train, x_test)
    xt, yt = torch.from_numpy(x_train), torch.from_numpy(y_train.astype(np.int64))
    w = torch.zeros(xt.shape[1], 10, requires_grad=True)
    b = torch.zeros(10, requires_grad=True)
    opt = torch.optim.Adam([w, b], lr=1e-2)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs)
    gen = torch.Generator().manual_seed(0)
    for _ in range(epochs):
        order = torch.randperm(xt.shape[0], generator=gen)
        for first in range(0, xt.shape[0], 256):
            rows_ = order[first : first + 256]
            loss = torch.nn.functional.cross_entropy(xt[rows_] @ w + b, yt[rows_]) + 0.5e-4 * (w * w).sum()
            opt.zero_grad()
            loss.backward()
            opt.step()
        schedule.step()
    with torch.no_grad():
        pred = (torch.from_numpy(x_test) @ w + b).argmax(1).numpy()
    return time.perf_counter() - start, float((pred == y_test).mean())


def torch_knn(x_train, x_test, k=20):
    start = time.perf_counter()
    tr = torch.nn.functional.normalize(torch.from_numpy(x_train), dim=1)
    te = torch.nn.functional.normalize(torch.from_numpy(x_test), dim=1)
    labels = y_train
    correct = 0
    for first in range(0, te.shape[0], 512):
        idx = (te[first : first + 512] @ tr.T).topk(k, dim=1).indices.numpy()
        for i, row in enumerate(idx):
            votes = np.bincount(labels[row], minlength=10)
            best = votes.max()
            pred = next(labels[j] for j in row if votes[labels[j]] == best)
            correct += int(pred == y_test[first + i])
    return time.perf_counter() - start, correct / te.shape[0]


def numpy_pca(x):
    start = time.perf_counter()
    xc = x.astype(np.float64) - x.mean(0, dtype=np.float64)
    values, vectors = np.linalg.eigh(xc.T @ xc / xc.shape[0])
    explained = values[::-1][:2] / values.sum()
    _points = xc @ vectors[:, ::-1][:, :2]
    return time.perf_counter() - start, [float(e) for e in explained]


def sklearn_probe(x_train, x_test):
    start = time.perf_counter()
    x_train, x_test = standardize(x_train, x_test)
    clf = LogisticRegression(max_iter=1000).fit(x_train, y_train)
    acc = float((clf.predict(x_test) == y_test).mean())
    return time.perf_counter() - start, acc


for s in spec["sets"]:
    load = lambda split: np.fromfile(os.path.join(d, f"{s['id']}-{split}.f32"), dtype=np.float32).reshape(-1, s["dim"])
    x_train, x_test = load("train"), load("test")
    if torch is not None:
        secs, acc = torch_probe(x_train, x_test, spec["epochs"])
        rows.append(dict(set=s["id"], kind="probe", method=f"softmax regression, Adam, {spec['epochs']} epochs",
                         impl=f"PyTorch {torch.__version__}, 1 thread", seconds=secs, accuracy=acc))
        secs, acc = torch_knn(x_train, x_test)
        rows.append(dict(set=s["id"], kind="knn", method="kNN k=20 cosine",
                         impl=f"PyTorch {torch.__version__}, 1 thread", seconds=secs, accuracy=acc))
    secs, explained = numpy_pca(x_test)
    rows.append(dict(set=s["id"], kind="pca", method=f"full eigh of the covariance, {x_test.shape[0]} test rows",
                     impl=f"NumPy {np.__version__}, 1 thread", seconds=secs, accuracy=None, explained=explained))
    if sklearn is not None:
        secs, acc = sklearn_probe(x_train, x_test)
        rows.append(dict(set=s["id"], kind="probe", method="LogisticRegression (lbfgs, C=1)",
                         impl=f"scikit-learn {sklearn.__version__}", seconds=secs, accuracy=acc))

print(json.dumps(dict(rows=rows, notes=notes)))
