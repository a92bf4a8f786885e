"""scikit-learn's RandomForestClassifier on the data rf-bench wrote (--write-data DIR):
fit seconds, predicted rows per second and test accuracy, as one JSON line for
bench-rf.sh to set beside rf-bench's.

Usage: rf_sklearn.py DIR --features 108 [--trees 400] [--depth 10] [--min-leaf 1] [--jobs 2]
"""
import argparse, json, resource, time

import numpy as np
import sklearn
from sklearn.ensemble import RandomForestClassifier


def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


ap = argparse.ArgumentParser()
ap.add_argument("dir")
ap.add_argument("--features", type=int, default=108)
ap.add_argument("--trees", type=int, default=400)
ap.add_argument("--depth", type=int, default=10)
ap.add_argument("--min-leaf", type=int, default=1)
ap.add_argument("--jobs", type=int, default=2)
a = ap.parse_args()

d = a.features
x = np.fromfile(f"{a.dir}/train_x.f32", dtype="<f4").reshape(-1, d)
y = np.fromfile(f"{a.dir}/train_y.i32", dtype="<i4")
tx = np.fromfile(f"{a.dir}/test_x.f32", dtype="<f4").reshape(-1, d)
ty = np.fromfile(f"{a.dir}/test_y.i32", dtype="<i4")

rf = RandomForestClassifier(n_estimators=a.trees, max_depth=a.depth if a.depth > 0 else None,
                            min_samples_leaf=a.min_leaf, n_jobs=a.jobs, random_state=1)
c0, t0 = cpu(), time.perf_counter()
rf.fit(x, y)
fit = time.perf_counter() - t0
fit_cpu = cpu() - c0  # the parent only: joblib's threads count, worker processes would not
rf.predict(tx[:1000])  # warm-up
best = float("inf")
for _ in range(3):
    t0 = time.perf_counter()
    pred = rf.predict(tx)
    best = min(best, time.perf_counter() - t0)
nodes = sum(e.tree_.node_count for e in rf.estimators_)
depth = max(e.tree_.max_depth for e in rf.estimators_)
print(json.dumps({"impl": f"scikit-learn {sklearn.__version__}", "rows": len(y), "test_rows": len(ty), "features": d,
                  "trees": a.trees, "max_depth": a.depth, "min_samples_leaf": a.min_leaf, "threads": a.jobs,
                  "fit_s": fit, "fit_cpu_s": fit_cpu, "predict_s": best, "predict_px_s": len(ty) / best,
                  "test_accuracy": float((pred == ty).mean()), "nodes": int(nodes), "depth": int(depth)}))
