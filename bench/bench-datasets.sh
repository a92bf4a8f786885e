#!/usr/bin/env bash
# `sitscube patches` vs NumPy fancy indexing: 100k 9×9 patches from a 12-step × 9-band cube of
# 2000×2000 px, in samples/s and peak RSS. sitscube reads the cube block by block; NumPy loads
# it whole (1.7 GB) and then indexes. Writes bench/results/datasets.md.
#
# Usage (from bench/, as run.sh calls it): bash bench-datasets.sh PATH_TO_SITSCUBE
# Environment: SAMPLES (default 100000), THREADS (default 2), WORK (default bench/work/datasets;
# the cube is made once and reused).
set -euo pipefail
sitscube="$(realpath "$1")"
here="$(cd "$(dirname "$0")" && pwd)"
samples="${SAMPLES:-100000}"
threads="${THREADS:-2}"
work="${WORK:-$here/work/datasets}"
py=/usr/bin/python3   # Debian's python3 has numpy and osgeo.gdal
mkdir -p "$work" "$here/results"
out="$here/results/datasets.md"

if [ ! -f "$work/cube/cube.json" ]; then
    echo "bench-datasets: making the 2000×2000 × 12 × 9 cube (once)" >&2
    rm -rf "$work/cube"
    "$py" "$here/datasets_bench.py" make-cube "$work/cube.tmp"
    mv "$work/cube.tmp" "$work/cube"
fi
"$py" "$here/datasets_bench.py" make-labels "$work/cube" "$samples" "$work/labels.csv"
rm -rf "$work/ours" "$work/peer.npy"
sync

# Peak RSS (kB), CPU seconds (user + system) and wall seconds from GNU time's -v report.
measure() {
    local log="$1"; shift
    /usr/bin/time -v "$@" 2>"$log.time" >"$log.out" || { cat "$log.time" >&2; exit 1; }
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log.time")
    cpu=$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {print u + s}' "$log.time")
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$log.time" | awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
}

echo "bench-datasets: sitscube patches, $samples samples, $threads threads" >&2
measure "$work/ours" "$sitscube" patches "$work/cube" --labels "$work/labels.csv" --crs EPSG:32722 --field class \
    --size 9 --threads "$threads" -o "$work/ours"
ours_rss=$rss; ours_wall=$wall; ours_cpu=$cpu
echo "bench-datasets: numpy peer" >&2
measure "$work/peer" "$py" "$here/datasets_bench.py" numpy "$work/cube" "$work/labels.csv" "$work/peer.npy"
peer_rss=$rss; peer_wall=$wall; peer_cpu=$cpu
peer_json=$(cat "$work/peer.out")
check=$("$py" "$here/datasets_bench.py" compare "$work/ours" "$work/peer.npy" "$work/labels.csv")

load=$(cut -d' ' -f1-3 /proc/loadavg)
"$py" - "$samples" "$ours_wall" "$ours_rss" "$peer_wall" "$peer_rss" "$peer_json" "$check" "$threads" "$ours_cpu" "$peer_cpu" "$load" >"$out" <<'PY'
import json, sys, platform, os
n, ow, orss, pw, prss = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
peer, check, threads = json.loads(sys.argv[6]), json.loads(sys.argv[7]), sys.argv[8]
ocpu, pcpu, load = float(sys.argv[9]), float(sys.argv[10]), sys.argv[11]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.machine())
print("# Datasets: 9×9 patches from a cube\n")
print(f"{n} labeled pixels, 9×9 windows of 12 time steps × 9 bands, from a 2000×2000 Float32 cube "
      f"(12 GeoTIFFs, 512×512 tiles, DEFLATE + floating-point predictor; 1.7 GB decompressed). "
      f"Both write x.npy (N, 12, 9, 9, 9) Float32 ({n * 12 * 9 * 81 * 4 / 1e9:.1f} GB). "
      f"Machine: {cpu}, {os.cpu_count()} cores, load average {load} at the end (a shared machine: "
      f"CPU seconds are steadier than wall time); sitscube with --threads {threads}.\n")
print("| | wall s | samples/s (wall) | CPU s (user+sys) | peak RSS |")
print("|---|---:|---:|---:|---:|")
print(f"| `sitscube patches` (block-wise reads, labels CSV → dataset folder) | {ow:.1f} | {n / ow:,.0f} | {ocpu:.1f} | {orss / 1024:,.0f} MiB |")
print(f"| NumPy: load whole cube with GDAL, fancy indexing into a memmap | {pw:.1f} | {n / pw:,.0f} | {pcpu:.1f} | {prss / 1024:,.0f} MiB |")
print(f"|   of which loading / indexing (wall) | {peer['load_s']:.1f} / {peer['index_s']:.1f} | | | |")
print(f"\nRatio (sitscube / NumPy): {pw / ow:.2f}× the throughput (wall), {pcpu / ocpu:.2f}× (CPU time), at {orss / prss:.2f}× the peak memory.")
print(f"sitscube's time includes reading the labels, splits, the normalisation pass and samples.csv/dataset.json.")
print(f"\nCheck: {check['compared']} patches (every 97th) compared with NumPy's: {check['mismatches']} differ.")
PY
cat "$out"
