#!/usr/bin/env bash
# Cube benchmark (issue 4, item 7): `sitscube cube` beside the GDAL I/O floor and a numpy +
# rasterio script, on a synthetic Landsat 7 C2 L2 archive. Writes results/cube.md.
#
#   bash bench-cube.sh PATH_TO_SITSCUBE        (from bench/, as run.sh calls it)
#
# Environment: RUNS (timed runs of each contender, default 3), SCENES (24), SIZE (2000),
# THREADS (2), RUNS_2X (runs of the 2×-pixel memory check, default 1), SKIP_NUMPY=1 to leave
# out the numpy script (it is the slow one), REPORT_ONLY=1 to rewrite results/cube.md from the
# last timings (work/cube/times.tsv) without running anything.
set -euo pipefail
cd "$(dirname "$0")"

sitscube="${1:?usage: bench-cube.sh PATH_TO_SITSCUBE}"
[[ -x "$sitscube" || ! -x "../$sitscube" ]] || sitscube="../$sitscube"
sitscube="$(cd "$(dirname "$sitscube")" && pwd)/$(basename "$sitscube")"
RUNS="${RUNS:-3}"
SCENES="${SCENES:-24}"
SIZE="${SIZE:-2000}"
SIZE2X="$(python3 -c "print(round($SIZE * 2 ** 0.5))")"
THREADS="${THREADS:-2}"
RUNS_2X="${RUNS_2X:-1}"
GDAL_PY=/usr/bin/python3           # Debian's python3-gdal: the I/O floor and the archive generator
VENV=.venv                         # shared with the NN benchmark; numpy + rasterio from PyPI
WORK=work/cube
ARCHIVE="work/landsat-${SCENES}x${SIZE}"
ARCHIVE2X="work/landsat-${SCENES}x${SIZE2X}"
TIMES="$WORK/times.tsv"
mkdir -p "$WORK" results

log() { echo "bench-cube: $*" >&2; }

# --- the numpy side's environment, from PyPI ---------------------------------------------
if [[ ! -x "$VENV/bin/python" ]]; then
    log "creating $VENV"
    python3 -m venv "$VENV"
fi
for pkg in numpy rasterio; do
    if ! "$VENV/bin/python" -c "import $pkg" 2>/dev/null; then
        log "pip install $pkg into $VENV"
        "$VENV/bin/pip" install -q "$pkg"
    fi
done
"$GDAL_PY" -c "from osgeo import gdal" 2>/dev/null || { log "$GDAL_PY lacks osgeo.gdal (apt-get install python3-gdal)"; exit 1; }

# --- archives (generated once, reused while the parameters are the same) ------------------
"$GDAL_PY" make_landsat_archive.py "$ARCHIVE" --size "$SIZE" --scenes "$SCENES" >&2
"$GDAL_PY" make_landsat_archive.py "$ARCHIVE2X" --size "$SIZE2X" --scenes "$SCENES" >&2
for a in "$ARCHIVE" "$ARCHIVE2X"; do
    found="$("$sitscube" scenes "$a" --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["scenes"]))')"
    [[ "$found" == "$SCENES" ]] || { log "sitscube scenes found $found of $SCENES scenes in $a"; exit 1; }
done
log "sitscube scenes finds all $SCENES scenes in $ARCHIVE and $ARCHIVE2X"

if [[ "${REPORT_ONLY:-0}" != 1 ]]; then
# --- timed runs ---------------------------------------------------------------------------
# One line per run: contender, run, wall seconds, peak RSS (KiB), CPU seconds (user + system).
# Wall time from the shell's clock, peak RSS and CPU time from GNU time. CPU time is the steadier
# measure on a machine shared with other work.
: > "$TIMES"
measure() {  # measure NAME RUN OUTDIR COMMAND…
    local name="$1" run="$2" out="$3"; shift 3
    rm -rf "$out"
    local t0 t1 rss cpu
    t0="$(date +%s.%N)"
    if ! /usr/bin/time -v -o "$WORK/time.txt" "$@" > "$WORK/$name.log" 2>&1; then
        log "$name failed:"; tail -20 "$WORK/$name.log" >&2; exit 1
    fi
    t1="$(date +%s.%N)"
    rss="$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.txt")"
    cpu="$(awk -F': ' '/User time|System time/ {s += $2} END {print s}' "$WORK/time.txt")"
    printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$run" "$(echo "$t1 - $t0" | bc)" "$rss" "$cpu" >> "$TIMES"
    log "$(printf '%-12s run %s: %7.2f s wall, %7.2f s CPU, peak RSS %5d MiB' "$name" "$run" "$(echo "$t1 - $t0" | bc)" "$cpu" $((rss / 1024)))"
}

# A first untimed read puts every archive in the page cache, so all contenders read warm files.
log "warming the page cache"
"$GDAL_PY" read_all_gdal.py "$ARCHIVE" --threads "$THREADS" > /dev/null
"$GDAL_PY" read_all_gdal.py "$ARCHIVE2X" --threads "$THREADS" > /dev/null

# Interleaved, so that load from other work on the machine falls on every contender alike.
for run in $(seq 1 "$RUNS"); do
    measure sitscube "$run" "$WORK/out-sitscube" "$sitscube" cube "$ARCHIVE" -o "$WORK/out-sitscube" --threads "$THREADS"
    measure gdal-read "$run" "$WORK/none" "$GDAL_PY" read_all_gdal.py "$ARCHIVE" --threads "$THREADS"
    if [[ "${SKIP_NUMPY:-0}" != 1 ]]; then
        measure numpy "$run" "$WORK/out-numpy" "$VENV/bin/python" cube_numpy.py "$ARCHIVE" "$WORK/out-numpy"
    fi
done
for run in $(seq 1 "$RUNS_2X"); do
    measure sitscube-2x "$run" "$WORK/out-sitscube-2x" "$sitscube" cube "$ARCHIVE2X" -o "$WORK/out-sitscube-2x" --threads "$THREADS"
    measure gdal-read-2x "$run" "$WORK/none" "$GDAL_PY" read_all_gdal.py "$ARCHIVE2X" --threads "$THREADS"
done
fi

# The two cubes must hold the same values, or the comparison means nothing.
if [[ "${REPORT_ONLY:-0}" != 1 ]]; then
    if [[ "${SKIP_NUMPY:-0}" != 1 ]]; then
        "$VENV/bin/python" compare_cubes.py "$WORK/out-sitscube" "$WORK/out-numpy" > "$WORK/agreement.txt"
    else
        echo "numpy not run" > "$WORK/agreement.txt"
    fi
fi
agreement="$(cat "$WORK/agreement.txt")"
block_line="$(grep -o 'blocks of [0-9×]* on [0-9]* threads' "$WORK/sitscube.log" | head -1 || true)"

"$VENV/bin/python" cube_report.py "$TIMES" results/cube.md \
    --archive "$ARCHIVE" --archive2x "$ARCHIVE2X" --scenes "$SCENES" --size "$SIZE" --size2x "$SIZE2X" \
    --threads "$THREADS" --sitscube "$sitscube" --agreement "$agreement" --blocks "$block_line"
