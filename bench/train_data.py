"""Writes a synthetic sitscube-dataset/1 folder for bench-train.sh: N samples of T×C×S×S,
K classes (a (date, band) profile per class plus Gaussian noise), split train/val/test by
--val and --test row counts at the end. dataset.json carries band statistics of the train rows.

Usage: train_data.py DIR --n 2048 --t 12 --c 9 --size 9 --classes 6 --val 64 --test 0 [--seed 1]
"""
import argparse, json, os

import numpy as np

ap = argparse.ArgumentParser()
ap.add_argument("dir")
ap.add_argument("--n", type=int, default=2048)
ap.add_argument("--t", type=int, default=12)
ap.add_argument("--c", type=int, default=9)
ap.add_argument("--size", type=int, default=9)
ap.add_argument("--classes", type=int, default=6)
ap.add_argument("--val", type=int, default=64)
ap.add_argument("--test", type=int, default=0)
ap.add_argument("--seed", type=int, default=1)
a = ap.parse_args()
os.makedirs(a.dir, exist_ok=True)
rng = np.random.default_rng(a.seed)
n, t, c, s, k = a.n, a.t, a.c, a.size, a.classes
y = (np.arange(n) % k).astype("<i4")
profiles = rng.normal(size=(k, t, c)).astype("<f4")
x = np.empty((n, t, c, s, s), dtype="<f4")
for start in range(0, n, 4096):  # in chunks, to keep memory near the array itself
    stop = min(n, start + 4096)
    x[start:stop] = profiles[y[start:stop]][:, :, :, None, None] + rng.normal(size=(stop - start, t, c, s, s)).astype("<f4")
np.save(f"{a.dir}/x.npy", x)
np.save(f"{a.dir}/y.npy", y)
train = n - a.val - a.test
split = ["train"] * train + ["val"] * a.val + ["test"] * a.test
with open(f"{a.dir}/samples.csv", "w") as f:
    f.write("index,code,class,x,y,row,col,group,split,fold\n")
    for i in range(n):
        f.write(f"{i},{y[i] + 1},c{y[i] + 1},0,0,0,0,g{i},{split[i]},-1\n")
mean = x[:train].mean(axis=(0, 1, 3, 4)).astype(float).tolist()
std = x[:train].std(axis=(0, 1, 3, 4)).astype(float).tolist()
classes = [{"code": i + 1, "name": f"c{i + 1}", "index": i} for i in range(k)]
manifest = {
    "format": "sitscube-dataset/1", "kind": "patches", "shape": [n, t, c, s, s], "axes": "NTCHW",
    "bands": [f"b{i}" for i in range(c)], "times": [f"t{i}" for i in range(t)], "classes": classes,
    "arrays": {"x": {"file": "x.npy", "dtype": "float32", "shape": [n, t, c, s, s]}, "y": {"file": "y.npy", "dtype": "int32", "shape": [n]}},
    "normalization": {"scope": "band", "statistics_from": "train", "mean": mean, "std": std, "count": [train * t * s * s] * c},
    "splits": {"fractions": [train, a.val, a.test], "folds": 0, "seed": a.seed, "oversample": False, "grouped_by": "feature"},
    "counts": {"total": n, "by_split": {"train": train, "val": a.val, "test": a.test},
               "by_class": [dict(cl, train=0, val=0, test=0, total=0) for cl in classes], "by_fold": [], "oversampled": 0},
    "skipped": {}, "settings": {"size": s, "pad": "skip", "keep_nan": False},
    "provenance": {"cube": {"path": "synthetic", "manifest_sha256": "0"}, "labels": {"path": "synthetic", "sha256": "0", "field": "code"}, "tool": "train_data.py"},
}
json.dump(manifest, open(f"{a.dir}/dataset.json", "w"), indent=1)
