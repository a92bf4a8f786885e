#!/usr/bin/python3
"""Writes a synthetic Landsat 7 Collection 2 Level-2 (L2SP) archive for the cube benchmark.

Folder and file names, MTL groups and keys, data types, nodata and tiling follow USGS
products: `LE07_L2SP_PPPRRR_YYYYMMDD_YYYYMMDD_02_T1/…_SR_B1.TIF`, UInt16 SR_B1–B5, SR_B7,
ST_B6 and QA_PIXEL, tiled 256×256 DEFLATE GeoTIFFs with the horizontal predictor (as USGS
COGs), fill = 0 outside a tilted scene footprint. Values are a smooth landscape of parcels
and land classes with seasonal phenology plus sensor noise; clouds are smooth blobs with
QA bits (cloud, dilated cloud, cirrus, shadow and their confidences) and bright/dark DNs.

Usage: make_landsat_archive.py OUT_DIR [--size 2000] [--scenes 24] [--seed 7] [--jobs 2]
Reuses OUT_DIR when its `.complete` marker records the same parameters.

Runs with Debian's /usr/bin/python3 (osgeo.gdal + numpy); no other dependency.
"""
import argparse
import datetime as dt
import json
import os
import shutil
import sys
from multiprocessing import Pool

import numpy as np
from osgeo import gdal

gdal.UseExceptions()

PATH, ROW = 222, 76
EPSG = 32722  # WGS 84 / UTM 22S
RES = 30.0
X0, Y0 = 342_015.0, 7_455_015.0  # upper-left corner, on the Landsat 15 m pixel-edge lattice
REFL_MULT, REFL_ADD = 2.75e-05, -0.2
TEMP_MULT, TEMP_ADD = 0.00341802, 149.0
SR_BANDS = ["SR_B1", "SR_B2", "SR_B3", "SR_B4", "SR_B5", "SR_B7"]  # blue green red nir swir1 swir2
CREATION = ["TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256", "COMPRESS=DEFLATE", "PREDICTOR=2"]

# Land classes: (dormant, peak) reflectance for blue, green, red, nir, swir1, swir2; peak day of year.
CLASSES = [
    ((0.040, 0.070, 0.060, 0.30, 0.16, 0.08), (0.030, 0.060, 0.035, 0.36, 0.15, 0.07), 60),   # forest
    ((0.070, 0.100, 0.120, 0.22, 0.28, 0.20), (0.035, 0.080, 0.040, 0.45, 0.22, 0.11), 40),   # crop, summer
    ((0.070, 0.100, 0.120, 0.22, 0.28, 0.20), (0.035, 0.080, 0.040, 0.42, 0.22, 0.11), 200),  # crop, winter
    ((0.060, 0.090, 0.100, 0.25, 0.30, 0.22), (0.045, 0.080, 0.070, 0.32, 0.26, 0.16), 20),   # pasture
    ((0.090, 0.120, 0.150, 0.22, 0.32, 0.27), (0.090, 0.120, 0.150, 0.23, 0.32, 0.27), 0),    # bare / urban
    ((0.050, 0.050, 0.030, 0.02, 0.01, 0.01), (0.050, 0.055, 0.035, 0.02, 0.01, 0.01), 0),    # water
]

# QA_PIXEL bits (USGS Landsat C2 L2 science product guide).
FILL, DILATED, CIRRUS, CLOUD, SHADOW, CLEAR, WATER = 1, 2, 4, 8, 16, 64, 128
def conf(cloud=1, shadow=1, snow=1, cirrus=1):
    return (cloud << 8) | (shadow << 10) | (snow << 12) | (cirrus << 14)


def smooth_field(rng, size, cells, octaves=3):
    """A smooth random field in about [-1, 1]: coarse noise bilinearly upsampled, a few octaves."""
    out = np.zeros((size, size), np.float32)
    amp = 1.0
    for o in range(octaves):
        n = cells * 2 ** o + 2
        coarse = rng.standard_normal((n, n)).astype(np.float32)
        pos = np.linspace(0, n - 1.001, size)
        i = pos.astype(int)
        f = (pos - i).astype(np.float32)
        rows = coarse[i] * (1 - f)[:, None] + coarse[i + 1] * f[:, None]
        out += amp * (rows[:, i] * (1 - f)[None, :] + rows[:, i + 1] * f[None, :])
        amp *= 0.5
    return out / 1.75


def landscape(size, seed):
    """Per-pixel class index and two smooth variation fields, the same for every scene."""
    rng = np.random.default_rng(seed)
    parcel = 40  # ~1.2 km parcels
    pr, pc = np.meshgrid(np.arange(size) // parcel, np.arange(size) // parcel, indexing="ij")
    cls_of_parcel = rng.choice(len(CLASSES) - 1, size=(size // parcel + 1, size // parcel + 1), p=[0.3, 0.2, 0.15, 0.25, 0.1])
    cls = cls_of_parcel[pr, pc].astype(np.uint8)
    # Rivers and lakes where a smooth field dips low; forest on the hills where it is high.
    terrain = smooth_field(rng, size, 6)
    cls[terrain < -0.85] = len(CLASSES) - 1
    cls[terrain > 0.75] = 0
    var1 = smooth_field(rng, size, 30)
    var2 = smooth_field(rng, size, 12)
    return cls, var1, var2, terrain


def footprint(size, shift):
    """Inside of a tilted scene footprint (WRS-2 scenes are rotated ~12°); outside is fill."""
    r, c = np.mgrid[0:size, 0:size].astype(np.float32)
    r -= size / 2 + shift[0]
    c -= size / 2 + shift[1]
    a = np.deg2rad(12.0)
    u = c * np.cos(a) + r * np.sin(a)
    v = -c * np.sin(a) + r * np.cos(a)
    return (np.abs(u) < 0.50 * size) & (np.abs(v) < 0.52 * size)


def acquisition_dates(count, start_year=2001):
    """Landsat 7's 16-day cycle over two years, `count / 4` scenes per half-year spread evenly."""
    first = dt.date(start_year, 1, 7)
    cycle = [first + dt.timedelta(days=16 * i) for i in range(46)]
    halves = {}
    for d in cycle:
        halves.setdefault((d.year, d.month > 6), []).append(d)
    keys = sorted(halves)[:4]
    dates = []
    for h, key in enumerate(keys):
        want = count // 4 + (1 if h < count % 4 else 0)
        pool = halves[key]
        step = len(pool) / want
        dates += [pool[int(step * j + step / 2)] for j in range(want)]
    return sorted(dates)


def product_id(date):
    processed = dt.date(2020, 8, 20) + dt.timedelta(days=(date.toordinal() % 40))
    return f"LE07_L2SP_{PATH:03d}{ROW:03d}_{date:%Y%m%d}_{processed:%Y%m%d}_02_T1", processed


def mtl_text(pid, processed, date, size, cloud_cover, cloud_land):
    files = {f"FILE_NAME_BAND_{b[4:]}": f"{pid}_{b}.TIF" for b in SR_BANDS}
    lines = ["GROUP = LANDSAT_METADATA_FILE"]

    def group(name, items):
        lines.append(f"  GROUP = {name}")
        for k, v in items:
            lines.append(f"    {k} = {v}")
        lines.append(f"  END_GROUP = {name}")

    q = lambda s: f'"{s}"'
    group("PRODUCT_CONTENTS", [
        ("ORIGIN", q("Image courtesy of the U.S. Geological Survey")),
        ("DIGITAL_OBJECT_IDENTIFIER", q("https://doi.org/10.5066/P9C7I13B")),
        ("LANDSAT_PRODUCT_ID", q(pid)), ("PROCESSING_LEVEL", q("L2SP")),
        ("COLLECTION_NUMBER", "02"), ("COLLECTION_CATEGORY", q("T1")), ("OUTPUT_FORMAT", q("GEOTIFF")),
        *[(k, q(v)) for k, v in files.items()],
        ("FILE_NAME_BAND_ST_B6", q(f"{pid}_ST_B6.TIF")),
        ("FILE_NAME_QUALITY_L1_PIXEL", q(f"{pid}_QA_PIXEL.TIF")),
        ("FILE_NAME_METADATA_ODL", q(f"{pid}_MTL.txt")),
        *[(f"DATA_TYPE_BAND_{b[4:]}", q("UINT16")) for b in SR_BANDS],
        ("DATA_TYPE_BAND_ST_B6", q("UINT16")), ("DATA_TYPE_QUALITY_L1_PIXEL", q("UINT16")),
    ])
    group("IMAGE_ATTRIBUTES", [
        ("SPACECRAFT_ID", q("LANDSAT_7")), ("SENSOR_ID", q("ETM")), ("WRS_TYPE", "2"),
        ("WRS_PATH", str(PATH)), ("WRS_ROW", str(ROW)), ("DATE_ACQUIRED", f"{date:%Y-%m-%d}"),
        ("SCENE_CENTER_TIME", q("13:05:12.3456780Z")), ("STATION_ID", q("CUB")),
        ("CLOUD_COVER", f"{cloud_cover:.2f}"), ("CLOUD_COVER_LAND", f"{cloud_land:.2f}"),
        ("IMAGE_QUALITY", "9"), ("SUN_AZIMUTH", "61.23456789"), ("SUN_ELEVATION", "48.12345678"),
    ])
    group("PROJECTION_ATTRIBUTES", [
        ("MAP_PROJECTION", q("UTM")), ("DATUM", q("WGS84")), ("ELLIPSOID", q("WGS84")), ("UTM_ZONE", "-22"),
        ("GRID_CELL_SIZE_REFLECTIVE", "30.00"), ("GRID_CELL_SIZE_THERMAL", "30.00"),
        ("REFLECTIVE_LINES", str(size)), ("REFLECTIVE_SAMPLES", str(size)),
        ("THERMAL_LINES", str(size)), ("THERMAL_SAMPLES", str(size)), ("ORIENTATION", q("NORTH_UP")),
        ("CORNER_UL_PROJECTION_X_PRODUCT", f"{X0 + 15:.3f}"), ("CORNER_UL_PROJECTION_Y_PRODUCT", f"{Y0 - 15:.3f}"),
        ("CORNER_LR_PROJECTION_X_PRODUCT", f"{X0 + RES * size - 15:.3f}"), ("CORNER_LR_PROJECTION_Y_PRODUCT", f"{Y0 - RES * size + 15:.3f}"),
    ])
    group("LEVEL2_PROCESSING_RECORD", [
        ("LANDSAT_PRODUCT_ID", q(pid)), ("PROCESSING_LEVEL", q("L2SP")),
        ("DATE_PRODUCT_GENERATED", f"{processed:%Y-%m-%d}T11:22:33Z"),
        ("PROCESSING_SOFTWARE_VERSION", q("LPGS_15.3.1c")), ("ALGORITHM_SOURCE_SURFACE_REFLECTANCE", q("LEDAPS_3.4.0")),
    ])
    sr = []
    for b in SR_BANDS:
        n = b[4:]
        sr += [(f"REFLECTANCE_MAXIMUM_BAND_{n}", "1.602213"), (f"REFLECTANCE_MINIMUM_BAND_{n}", "-0.199972")]
    for b in SR_BANDS:
        n = b[4:]
        sr += [(f"QUANTIZE_CAL_MAX_BAND_{n}", "65535"), (f"QUANTIZE_CAL_MIN_BAND_{n}", "1")]
    for b in SR_BANDS:
        sr.append((f"REFLECTANCE_MULT_BAND_{b[4:]}", f"{REFL_MULT:.2e}"))
    for b in SR_BANDS:
        sr.append((f"REFLECTANCE_ADD_BAND_{b[4:]}", f"{REFL_ADD}"))
    group("LEVEL2_SURFACE_REFLECTANCE_PARAMETERS", sr)
    group("LEVEL2_SURFACE_TEMPERATURE_PARAMETERS", [
        ("TEMPERATURE_MAXIMUM_BAND_ST_B6", "372.999941"), ("TEMPERATURE_MINIMUM_BAND_ST_B6", "149.003418"),
        ("QUANTIZE_CAL_MAXIMUM_BAND_ST_B6", "65535"), ("QUANTIZE_CAL_MINIMUM_BAND_ST_B6", "1"),
        ("TEMPERATURE_MULT_BAND_ST_B6", f"{TEMP_MULT}"), ("TEMPERATURE_ADD_BAND_ST_B6", f"{TEMP_ADD}"),
    ])
    # USGS also ships the Level-1 TOA factors under the same key names: the reader must not use them.
    group("LEVEL1_RADIOMETRIC_RESCALING", [(f"REFLECTANCE_MULT_BAND_{b[4:]}", "1.0000E-05") for b in SR_BANDS])
    lines += ["END_GROUP = LANDSAT_METADATA_FILE", "END"]
    return "\n".join(lines) + "\n"


def write_tif(path, array, nodata):
    size = array.shape[0]
    ds = gdal.GetDriverByName("GTiff").Create(path, size, size, 1, gdal.GDT_UInt16, CREATION)
    ds.SetGeoTransform((X0, RES, 0, Y0, 0, -RES))
    ds.SetProjection(f"EPSG:{EPSG}")
    ds.SetMetadataItem("AREA_OR_POINT", "Point")
    band = ds.GetRasterBand(1)
    if nodata is not None:
        band.SetNoDataValue(nodata)
    band.WriteArray(array)
    ds = None


_LAND = None


def make_scene(job):
    out, size, seed, index, date = job
    global _LAND
    if _LAND is None or _LAND[0] != (size, seed):
        _LAND = ((size, seed), landscape(size, seed))
    cls, var1, var2, terrain = _LAND[1]
    rng = np.random.default_rng([seed, index])
    pid, processed = product_id(date)
    folder = os.path.join(out, pid)
    tmp = folder + ".partial"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)

    inside = footprint(size, rng.integers(-25, 26, size=2))
    # Clouds: a smooth field thresholded at a quantile that gives this scene's cloud fraction.
    target = float(rng.uniform(0.0, 0.30))
    field = smooth_field(rng, size, 10, octaves=4)
    thick = field > np.quantile(field, 1 - target) if target > 0.002 else np.zeros_like(inside)
    halo = field > np.quantile(field, 1 - min(1.0, target * 1.35 + 0.01)) if target > 0.002 else thick
    dilated = halo & ~thick
    cirrus_field = smooth_field(rng, size, 5, octaves=2)
    cirrus = (cirrus_field > 1.1 - rng.uniform(0, 0.3)) & ~thick
    dy, dx = 45, -30  # shadows fall away from the sun
    shadow = np.zeros_like(thick)
    shadow[dy:, : size + dx] = thick[:-dy, -dx:]
    shadow &= ~halo
    water = cls == len(CLASSES) - 1

    qa = np.full((size, size), CLEAR | conf(), np.uint16)
    qa[water] |= WATER
    qa[cirrus] = CIRRUS | conf(cirrus=3)
    qa[shadow] = SHADOW | conf(shadow=3)
    qa[dilated] = DILATED | conf(cloud=2)
    qa[thick] = CLOUD | conf(cloud=3)
    qa[~inside] = FILL
    write_tif(os.path.join(tmp, f"{pid}_QA_PIXEL.TIF"), qa, None)

    doy = date.timetuple().tm_yday
    cloud_veil = np.clip((field - np.quantile(field, 1 - target)) * 3 + 0.6, 0.3, 1.0) if target > 0.002 else None
    for b, name in enumerate(SR_BANDS):
        dormant = np.array([c[0][b] for c in CLASSES], np.float32)
        peak = np.array([c[1][b] for c in CLASSES], np.float32)
        phase = np.array([c[2] for c in CLASSES], np.float32)
        green = 0.5 + 0.5 * np.cos(2 * np.pi * (doy - phase) / 365.25)
        base = (dormant + green * (peak - dormant))[cls]
        refl = base * (1 + 0.15 * var1 + 0.05 * var2) + 0.01 * terrain
        refl += rng.normal(0, 0.004 + 0.002 * b, (size, size)).astype(np.float32)
        refl = np.where(thick, cloud_veil * (0.55 - 0.03 * b), refl)
        refl = np.where(dilated, refl * 0.6 + 0.18, refl)
        refl = np.where(cirrus, refl + 0.06, refl)
        refl = np.where(shadow, refl * 0.45, refl)
        dn = np.clip(np.rint((refl - REFL_ADD) / REFL_MULT), 7273, 43636).astype(np.uint16)
        dn[~inside] = 0
        write_tif(os.path.join(tmp, f"{pid}_{name}.TIF"), dn, 0)
    season = np.cos(2 * np.pi * (doy - 20) / 365.25)  # southern hemisphere: warm in January
    kelvin = 296 + 6 * season + 3 * var1 - 4 * terrain + 3 * (cls == 4) - 4 * (cls == len(CLASSES) - 1)
    kelvin = kelvin + rng.normal(0, 0.4, (size, size)).astype(np.float32)
    kelvin = np.where(thick, 265.0 + 10 * field, kelvin)
    st = np.clip(np.rint((kelvin - TEMP_ADD) / TEMP_MULT), 1, 65535).astype(np.uint16)
    st[~inside] = 0
    write_tif(os.path.join(tmp, f"{pid}_ST_B6.TIF"), st, 0)

    valid = inside.sum()
    cloud_cover = 100.0 * ((thick | dilated | cirrus) & inside).sum() / max(1, valid)
    land = inside & ~water
    cloud_land = 100.0 * ((thick | dilated | cirrus) & land).sum() / max(1, land.sum())
    with open(os.path.join(tmp, f"{pid}_MTL.txt"), "w") as f:
        f.write(mtl_text(pid, processed, date, size, cloud_cover, cloud_land))
    shutil.rmtree(folder, ignore_errors=True)
    os.rename(tmp, folder)
    return pid, cloud_cover


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("out")
    p.add_argument("--size", type=int, default=2000)
    p.add_argument("--scenes", type=int, default=24)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--jobs", type=int, default=2)
    a = p.parse_args()
    params = {"size": a.size, "scenes": a.scenes, "seed": a.seed, "version": 2}
    marker = os.path.join(a.out, ".complete")
    try:
        with open(marker) as f:
            if json.load(f) == params:
                print(f"{a.out}: up to date ({a.scenes} scenes of {a.size}×{a.size})")
                return
    except (OSError, ValueError):
        pass
    shutil.rmtree(a.out, ignore_errors=True)
    os.makedirs(a.out)
    dates = acquisition_dates(a.scenes)
    jobs = [(a.out, a.size, a.seed, i, d) for i, d in enumerate(dates)]
    with Pool(a.jobs) as pool:
        for pid, cc in pool.imap_unordered(make_scene, jobs):
            print(f"  {pid}  cloud {cc:5.1f} %", flush=True)
    with open(marker, "w") as f:
        json.dump(params, f)
    print(f"{a.out}: {a.scenes} scenes of {a.size}×{a.size} px")


if __name__ == "__main__":
    sys.exit(main())
