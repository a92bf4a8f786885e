"""Compares two cube folders time step by time step (and their counts/): prints one line with
the largest absolute difference and the number of pixels whose NaN-ness differs.

Usage: python compare_cubes.py CUBE_A CUBE_B
"""
import glob
import os
import sys

import numpy as np
import rasterio


def main():
    a_dir, b_dir = sys.argv[1:3]
    files = sorted(glob.glob(os.path.join(a_dir, "*.tif")) + glob.glob(os.path.join(a_dir, "counts", "*.tif")))
    worst, nan_diff, values = 0.0, 0, 0
    for f in files:
        g = os.path.join(b_dir, os.path.relpath(f, a_dir))
        if not os.path.exists(g):
            print(f"{g} is missing")
            return
        with rasterio.open(f) as fa, rasterio.open(g) as fb:
            for i in range(1, fa.count + 1):
                x = fa.read(i).astype(np.float64)
                y = fb.read(i).astype(np.float64)
                nan_diff += int((np.isnan(x) != np.isnan(y)).sum())
                d = np.abs(x - y)
                if np.any(~np.isnan(d)):
                    worst = max(worst, float(np.nanmax(d)))
                values += x.size
    verdict = "identical values" if worst == 0 and nan_diff == 0 else "values differ"
    print(f"{verdict}: {len(files)} files, {values / 1e6:.0f} M values, max |a − b| = {worst:.3g}, NaN mismatches = {nan_diff}")


if __name__ == "__main__":
    main()
