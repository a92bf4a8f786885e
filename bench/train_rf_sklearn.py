"""scikit-learn's RandomForestClassifier on a dataset of bench-train.sh (1×1 patches: the
centre-pixel series flattened t-major, as `sitscube train --model rf` reads them): fit seconds
on the train rows, predicted rows per second on the test rows, test accuracy; one JSON line.

Usage: train_rf_sklearn.py DIR --trees 400 --depth 10 --min-leaf 1 --jobs 2
"""
import argparse, csv, json, time

import numpy as np
import sklearn
from sklearn.ensemble import RandomForestClassifier

ap = argparse.ArgumentParser()
ap.add_argument("dir")
ap.add_argument("--trees", type=int, default=400)
ap.add_argument("--depth", type=int, default=10)
ap.add_argument("--min-leaf", type=int, default=1)
ap.add_argument("--jobs", type=int, default=2)
a = ap.parse_args()
x = np.load(f"{a.dir}/x.npy")
x = x.reshape(x.shape[0], -1)  # (N, T, C, 1, 1) → t-major (N, T·C)
y = np.load(f"{a.dir}/y.npy")
split = np.array([r["split"] for r in csv.DictReader(open(f"{a.dir}/samples.csv"))])
tr, te = split == "train", split == "test"
rf = RandomForestClassifier(n_estimators=a.trees, max_depth=a.depth, min_samples_leaf=a.min_leaf, n_jobs=a.jobs, random_state=1)
t0 = time.perf_counter()
rf.fit(x[tr], y[tr])
fit = time.perf_counter() - t0
t0 = time.perf_counter()
pred = rf.predict(x[te])
predict = time.perf_counter() - t0
print(json.dumps({"impl": f"scikit-learn {sklearn.__version__}", "fit_s": fit, "predict_s": predict,
                  "predict_px_s": int(te.sum()) / predict, "test_accuracy": float((pred == y[te]).mean())}))
