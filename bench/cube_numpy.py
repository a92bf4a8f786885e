"""The cube of `sitscube cube` written the way a competent numpy + rasterio user would.

Half-year windows over the years of the scenes; per window: stack the scenes, mask by
QA_PIXEL (fill, dilated cloud, cirrus, cloud, shadow) and the valid DN range of each band
(a pixel invalid in one band is dropped in all, as sitscube does), scale to reflectance and
kelvin with the MTL's Level-2 factors, `np.nanmedian` over the scenes, NDVI and NDMI from the
composite; then vectorised linear interpolation over time (window midpoints) with the nearest
value at the ends; one Float32 DEFLATE GeoTIFF per window plus a UInt16 count of valid
observations, as sitscube writes.

Usage: python cube_numpy.py ARCHIVE OUT [--max-cloud 50]
Needs numpy and rasterio (bench/.venv).
"""
import argparse
import datetime as dt
import glob
import os
import sys
import warnings

import numpy as np
import rasterio

BANDS = ["SR_B1", "SR_B2", "SR_B3", "SR_B4", "SR_B5", "SR_B7", "ST_B6"]
NAMES = ["blue", "green", "red", "nir", "swir1", "swir2", "thermal", "ndvi", "ndmi"]
RED, NIR, SWIR1 = 2, 3, 4
QA_MASK = 0b11111  # fill, dilated cloud, cirrus, cloud, cloud shadow
SR_VALID = (7273, 43636)
ST_VALID = (1, 65535)


def read_mtl(path):
    groups, stack = {}, []
    for line in open(path):
        if "=" not in line:
            continue
        key, value = (s.strip() for s in line.split("=", 1))
        value = value.strip('"')
        if key == "GROUP":
            stack.append(value)
        elif key == "END_GROUP":
            stack.pop()
        else:
            groups.setdefault(stack[-1] if stack else "", {})[key] = value
    return groups


def find_scenes(archive, max_cloud):
    scenes = []
    for mtl in sorted(glob.glob(os.path.join(archive, "**", "L*_L2SP_*_MTL.txt"), recursive=True)):
        m = read_mtl(mtl)
        if float(m["IMAGE_ATTRIBUTES"]["CLOUD_COVER"]) > max_cloud:
            continue
        sr = m["LEVEL2_SURFACE_REFLECTANCE_PARAMETERS"]
        st = m["LEVEL2_SURFACE_TEMPERATURE_PARAMETERS"]
        factors = [(float(sr[f"REFLECTANCE_MULT_BAND_{b[4:]}"]), float(sr[f"REFLECTANCE_ADD_BAND_{b[4:]}"])) for b in BANDS[:6]]
        factors.append((float(st["TEMPERATURE_MULT_BAND_ST_B6"]), float(st["TEMPERATURE_ADD_BAND_ST_B6"])))
        prefix = mtl[: -len("MTL.txt")]
        scenes.append({
            "date": dt.date.fromisoformat(m["IMAGE_ATTRIBUTES"]["DATE_ACQUIRED"]),
            "files": [prefix + b + ".TIF" for b in BANDS],
            "qa": prefix + "QA_PIXEL.TIF",
            "factors": factors,
        })
    return scenes


def half_years(scenes):
    years = range(min(s["date"] for s in scenes).year, max(s["date"] for s in scenes).year + 1)
    windows = []
    for y in years:
        windows.append((f"{y}-H1", dt.date(y, 1, 1), dt.date(y, 6, 30)))
        windows.append((f"{y}-H2", dt.date(y, 7, 1), dt.date(y, 12, 31)))
    return windows


def read_scene(scene):
    """(7, H, W) float32 in physical units, NaN where masked."""
    with rasterio.open(scene["qa"]) as src:
        qa = src.read(1)
    bad = (qa & QA_MASK) != 0
    dns = []
    for path in scene["files"]:
        with rasterio.open(path) as src:
            dns.append(src.read(1))
    dns = np.stack(dns)
    lo = np.array([SR_VALID[0]] * 6 + [ST_VALID[0]])[:, None, None]
    hi = np.array([SR_VALID[1]] * 6 + [ST_VALID[1]])[:, None, None]
    bad |= ((dns < lo) | (dns > hi)).any(axis=0)
    mult = np.array([f[0] for f in scene["factors"]], np.float32)[:, None, None]
    add = np.array([f[1] for f in scene["factors"]], np.float32)[:, None, None]
    values = dns.astype(np.float32) * mult + add
    values[:, bad] = np.nan
    return values


def normalized_difference(a, b):
    with np.errstate(divide="ignore", invalid="ignore"):
        d = (a - b) / (a + b)
    d[(a + b) == 0] = np.nan
    return d


def fill_linear(cube, positions):
    """Linear interpolation along axis 0 (time) between the nearest valid steps, nearest value at the ends."""
    t = cube.shape[0]
    valid = ~np.isnan(cube)
    idx = np.arange(t, dtype=np.int16).reshape((t,) + (1,) * (cube.ndim - 1))
    prev = np.maximum.accumulate(np.where(valid, idx, np.int16(-1)), axis=0)
    nxt = np.minimum.accumulate(np.where(valid, idx, np.int16(t))[::-1], axis=0)[::-1]
    has_prev, has_next = prev >= 0, nxt < t
    p, n = np.clip(prev, 0, t - 1), np.clip(nxt, 0, t - 1)
    vp = np.take_along_axis(cube, p, 0).astype(np.float64)
    vn = np.take_along_axis(cube, n, 0).astype(np.float64)
    x = np.asarray(positions, np.float64)
    xp, xn = x[p], x[n]
    with np.errstate(divide="ignore", invalid="ignore"):
        w = np.where(n > p, (x.reshape(idx.shape) - xp) / (xn - xp), 0.0)
    out = np.where(has_prev & has_next, vp + (vn - vp) * w, np.where(has_prev, vp, vn))
    return np.where(valid, cube, out.astype(np.float32))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("archive")
    ap.add_argument("out")
    ap.add_argument("--max-cloud", type=float, default=50)
    a = ap.parse_args()
    scenes = find_scenes(a.archive, a.max_cloud)
    if not scenes:
        sys.exit(f"{a.archive}: no scenes")
    windows = half_years(scenes)
    with rasterio.open(scenes[0]["qa"]) as src:
        profile = src.profile
    profile.update(dtype="float32", count=len(NAMES), nodata=np.nan, compress="deflate", predictor=3,
                   tiled=True, blockxsize=512, blockysize=512, interleave="band")

    composites, counts = [], []
    for label, start, end in windows:
        members = [s for s in scenes if start <= s["date"] <= end]
        h, w = profile["height"], profile["width"]
        if not members:
            composites.append(np.full((len(NAMES), h, w), np.nan, np.float32))
            counts.append(np.zeros((h, w), np.uint16))
            continue
        stack = np.stack([read_scene(s) for s in members])  # (k, 7, H, W)
        counts.append((~np.isnan(stack[:, 0])).sum(axis=0).astype(np.uint16))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN pixels
            median = np.nanmedian(stack, axis=0)
        del stack
        ndvi = normalized_difference(median[NIR], median[RED])
        ndmi = normalized_difference(median[NIR], median[SWIR1])
        composites.append(np.concatenate([median, ndvi[None], ndmi[None]]))
        print(f"  {label}: {len(members)} scenes", flush=True)

    cube = np.stack(composites)  # (T, 9, H, W)
    del composites
    epoch = dt.date(1970, 1, 1)
    mid = [(s - epoch).days + ((e - s).days) / 2 for _, s, e in windows]
    for c in range(cube.shape[1]):  # band by band: the float64 temporaries of a whole cube would not fit
        cube[:, c] = fill_linear(cube[:, c], mid)

    os.makedirs(os.path.join(a.out, "counts"), exist_ok=True)
    cprofile = dict(profile, dtype="uint16", count=1, nodata=None, predictor=2)
    for (label, _, _), step, count in zip(windows, cube, counts):
        with rasterio.open(os.path.join(a.out, f"{label}.tif"), "w", **profile) as dst:
            dst.write(step)
            dst.descriptions = tuple(NAMES)
        with rasterio.open(os.path.join(a.out, "counts", f"{label}.tif"), "w", **cprofile) as dst:
            dst.write(count, 1)
    print(f"{a.out}: {len(windows)} time steps × {len(NAMES)} bands")


if __name__ == "__main__":
    main()
