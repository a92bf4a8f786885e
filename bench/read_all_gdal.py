#!/usr/bin/python3
"""The I/O floor of the cube benchmark: read every input band of an archive in full through
GDAL (ReadAsArray, native UInt16), nothing else: no masking, no compute, no writing.

Usage: read_all_gdal.py ARCHIVE [--threads 2]
Runs with Debian's /usr/bin/python3 (osgeo.gdal + numpy). GDAL's Python bindings release the
GIL while decoding, so the thread pool reads and inflates on all threads.
"""
import argparse
import glob
import os
from concurrent.futures import ThreadPoolExecutor

from osgeo import gdal

gdal.UseExceptions()
BANDS = ("SR_B1", "SR_B2", "SR_B3", "SR_B4", "SR_B5", "SR_B7", "ST_B6", "QA_PIXEL")


def read(path):
    ds = gdal.Open(path)
    a = ds.GetRasterBand(1).ReadAsArray()
    return a.size


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("archive")
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    files = sorted(f for b in BANDS for f in glob.glob(os.path.join(a.archive, "*", f"*_{b}.TIF")))
    with ThreadPoolExecutor(a.threads) as pool:
        pixels = sum(pool.map(read, files))
    print(f"read {len(files)} files, {pixels / 1e6:.0f} Mpx")


if __name__ == "__main__":
    main()
