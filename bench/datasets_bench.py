"""Helpers of bench-datasets.sh: the benchmark cube and labels, and the NumPy peer.

  make-cube DIR            12 time steps × 9 bands × 2000×2000 Float32 GeoTIFFs (512 tiles, DEFLATE,
                           floating-point predictor, as `sitscube cube` writes them) + cube.json
  make-labels DIR N FILE   N random labeled pixel centres (seeded) as CSV x,y,class
  numpy DIR LABELS OUT     the peer: load the whole cube with GDAL, cut every 9×9 window by fancy
                           indexing into OUT (N, T, C, 9, 9) in label order
  compare OURS PEER LABELS check that our x.npy holds the peer's windows (ours are in block order)
Needs numpy and GDAL's Python bindings (Debian's /usr/bin/python3 has both).
"""
import json, sys, time
import numpy as np

T, C, SIZE, HALF = 12, 9, 2000, 4
BANDS = ["blue", "green", "red", "nir", "swir1", "swir2", "thermal", "ndvi", "ndmi"]
X0, Y0, RES = 500000.0, 9700000.0, 30.0


def make_cube(folder):
    from osgeo import gdal, osr
    import os
    os.makedirs(folder, exist_ok=True)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(32722)
    wkt = srs.ExportToWkt(["FORMAT=WKT2_2019"])
    rng = np.random.default_rng(0)
    yy, xx = np.mgrid[0:SIZE, 0:SIZE].astype(np.float32)
    times = []
    for t in range(T):
        label = f"{2000 + t // 2}-H{1 + t % 2}"
        path = f"{folder}/{label}.tif"
        ds = gdal.GetDriverByName("GTiff").Create(path, SIZE, SIZE, C, gdal.GDT_Float32, [
            "TILED=YES", "BLOCKXSIZE=512", "BLOCKYSIZE=512", "COMPRESS=DEFLATE", "PREDICTOR=3",
            "INTERLEAVE=BAND", "NUM_THREADS=ALL_CPUS", "BIGTIFF=IF_SAFER"])
        ds.SetGeoTransform([X0, RES, 0, Y0, 0, -RES])
        ds.SetSpatialRef(srs)
        for c in range(C):
            # Smooth fields plus noise, quantised like reflectance: compresses as real data does.
            v = 0.1 + 0.05 * np.sin(xx / (40 + 7 * c) + t) * np.cos(yy / (55 + 3 * c)) + rng.normal(0, 0.01, (SIZE, SIZE)).astype(np.float32)
            b = ds.GetRasterBand(c + 1)
            b.SetDescription(BANDS[c])
            b.SetNoDataValue(float("nan"))
            b.WriteArray(np.round(v, 4).astype(np.float32))
        ds = None
        times.append({"label": label, "start": f"{2000 + t // 2}-{'01' if t % 2 == 0 else '07'}-01",
                      "end": f"{2000 + t // 2}-{'06-30' if t % 2 == 0 else '12-31'}", "file": f"{label}.tif"})
    manifest = {"format": "sitscube-cube/1",
                "grid": {"crs": wkt, "geotransform": [X0, RES, 0, Y0, 0, -RES], "width": SIZE, "height": SIZE},
                "bands": BANDS, "times": times,
                "provenance": {"scenes": [], "mask": {}, "reducer": "median", "fill": "linear", "version": "bench"}}
    json.dump(manifest, open(f"{folder}/cube.json", "w"), indent=1)


def make_labels(folder, n, path):
    rng = np.random.default_rng(1)
    rows = rng.integers(HALF, SIZE - HALF, n)
    cols = rng.integers(HALF, SIZE - HALF, n)
    classes = rng.integers(1, 7, n)
    with open(path, "w") as f:
        f.write("x,y,class\n")
        for r, c, k in zip(rows, cols, classes):
            f.write(f"{X0 + (c + 0.5) * RES},{Y0 - (r + 0.5) * RES},{k}\n")


def read_labels(path):
    d = np.loadtxt(path, delimiter=",", skiprows=1)
    cols = ((d[:, 0] - X0) / RES).astype(np.int64)
    rows = ((Y0 - d[:, 1]) / RES).astype(np.int64)
    return rows, cols


def peer(folder, labels, out):
    from osgeo import gdal
    t0 = time.perf_counter()
    manifest = json.load(open(f"{folder}/cube.json"))
    cube = np.empty((T, C, SIZE, SIZE), np.float32)
    for t, entry in enumerate(manifest["times"]):
        cube[t] = gdal.Open(f"{folder}/{entry['file']}").ReadAsArray()
    rows, cols = read_labels(labels)
    t1 = time.perf_counter()
    n = len(rows)
    x = np.lib.format.open_memmap(out, mode="w+", dtype=np.float32, shape=(n, T, C, 9, 9))
    offsets = np.arange(-HALF, HALF + 1)
    for s in range(0, n, 10000):
        r = rows[s:s + 10000, None, None] + offsets[None, :, None]
        c = cols[s:s + 10000, None, None] + offsets[None, None, :]
        x[s:s + 10000] = cube[:, :, r, c].transpose(2, 0, 1, 3, 4)   # (T,C,n,9,9) → (n,T,C,9,9)
    x.flush()
    t2 = time.perf_counter()
    print(json.dumps({"load_s": t1 - t0, "index_s": t2 - t1, "samples": n}))


def compare(ours, theirs, labels):
    import csv
    a = np.load(f"{ours}/x.npy", mmap_mode="r")
    b = np.load(theirs, mmap_mode="r")
    rows, cols = read_labels(labels)
    where = {}
    for i, (r, c) in enumerate(zip(rows, cols)):
        where.setdefault((int(r), int(c)), i)
    mismatches = 0
    with open(f"{ours}/samples.csv") as f:
        for k, rec in enumerate(csv.DictReader(f)):
            if k % 97:   # every 97th sample
                continue
            j = where[(int(rec["row"]), int(rec["col"]))]
            if not np.array_equal(a[k], b[j]):
                mismatches += 1
    print(json.dumps({"compared": (a.shape[0] + 96) // 97, "mismatches": mismatches, "ours": list(a.shape), "peer": list(b.shape)}))


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "make-cube":
        make_cube(sys.argv[2])
    elif cmd == "make-labels":
        make_labels(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    elif cmd == "numpy":
        peer(sys.argv[2], sys.argv[3], sys.argv[4])
    elif cmd == "compare":
        compare(sys.argv[2], sys.argv[3], sys.argv[4])
