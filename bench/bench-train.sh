#!/usr/bin/env bash
# Training speed: seconds per epoch of each classification model of the zoo at its paper's
# batch size (seed 000 models 512, lstm-pixel 20, seed 002 models 32), and the `rf` baseline
# against scikit-learn's RandomForestClassifier on the same 20k × 108 rows in the same run.
#
# Neural models train one epoch on TRAIN_BENCH_SAMPLES (default 2048) synthetic 12×9×9×9
# patches (+64 validation) and the seconds are scaled to a 20,000-sample epoch (an epoch's
# cost is linear in its samples); the wall time includes loading and the short validation.
# Parcel models (parcel-cnn, gru-stats, cnn-gru) need a parcels dataset and are not timed here.
#
# Usage (from bench/, as run.sh calls it): bash bench-train.sh [PATH_TO_SITSCUBE]
# `sitscube evaluate` reads the whole dataset and the model before it predicts, so rf predict time
# is the difference between scoring the 50,000 test rows and the 1,000 validation rows: what
# both runs share (start-up, reading, writing the report) cancels out.
#
# Environment: THREADS (default: all cores), TRAIN_BENCH_SAMPLES, TRAIN_BENCH_MODELS (names),
# TRAIN_BENCH_RF_ONLY=1 (keep the neural rows of the last run, redo rf).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
threads="${THREADS:-$(nproc)}"
samples="${TRAIN_BENCH_SAMPLES:-2048}"
models="${TRAIN_BENCH_MODELS:-tempcnn lstm-pixel cnn3d-cls spatiotemp-cnn lstm cnn2d cnn3d cnn-lstm convlstm cnn-mhsa}"
mkdir -p "$here/results"
out="$here/results/train.md"
work="$(mktemp -d)"
raw="$here/results/train-raw.jsonl"  # kept: the report can be redrawn from it
if [ -n "${TRAIN_BENCH_RF_ONLY:-}" ]; then
    models=""
    grep '"kind": "nn"' "$raw" >"$work/keep" || true
    cp "$work/keep" "$raw"
else
    : >"$raw"
fi
trap 'rm -rf "$work"' EXIT

# shellcheck source=lib.sh
source "$here/lib.sh"
if [ -n "${1:-}" ]; then bin="$1"; else bin="$(bench_build sitscube)"; fi

venv="$here/.venv"
have_sklearn="$(bench_sklearn_venv bench-train)"
py=python3
"$venv/bin/python" -c "import numpy" 2>/dev/null && py="$venv/bin/python"

now() { date +%s.%N; }
# b − a in seconds, with a leading zero (JSON has no ".5").
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

# Neural models: one epoch each.
[ -z "$models" ] || "$py" "$here/train_data.py" "$work/patches" --n $((samples + 64)) --val 64 --t 12 --c 9 --size 9 --classes 6
for model in $models; do
    case "$model" in
        lstm-pixel) preset=seed001 ;;
        tempcnn|cnn3d-cls|spatiotemp-cnn) preset=seed002 ;;
        *) preset=seed000 ;;
    esac
    echo "bench-train: $model ($preset), $samples samples, $threads threads" >&2
    t0=$(now)
    "$bin" train "$work/patches" --model "$model" --preset "$preset" --epochs 1 --threads "$threads" \
        -o "$work/m-$model/model.safetensors" >/dev/null 2>"$work/log-$model" || { tail -3 "$work/log-$model" >&2; continue; }
    t1=$(now)
    params=$(grep -o '([0-9]* parameters)' "$work/log-$model" | grep -o '[0-9]*' || echo 0)
    batch=$(grep -o 'batch [0-9]*' "$work/log-$model" | head -1 | grep -o '[0-9]*')
    echo "{\"kind\": \"nn\", \"model\": \"$model\", \"preset\": \"$preset\", \"batch\": $batch, \"params\": $params, \"samples\": $samples, \"seconds\": $(elapsed "$t0" "$t1")}" >>"$raw"
done

# rf: 20k train rows × 108 features (12 dates × 9 bands, 1×1 patches), 50k test rows.
"$py" "$here/train_data.py" "$work/pixels" --n 71000 --val 1000 --test 50000 --t 12 --c 9 --size 1 --classes 6
for preset in "seed001 400 10 1" "seed002 100 50 20"; do
    read -r name trees depth leaf <<<"$preset"
    echo "bench-train: rf $name, $threads threads" >&2
    t0=$(now)
    "$bin" train "$work/pixels" --model rf --preset "$name" --threads "$threads" -o "$work/rf-$name/model.safetensors" >/dev/null 2>&1
    t1=$(now)
    "$bin" evaluate "$work/rf-$name/model.safetensors" "$work/pixels" --split test --threads "$threads" >/dev/null 2>&1
    t2=$(now)
    "$bin" evaluate "$work/rf-$name/model.safetensors" "$work/pixels" --split val --threads "$threads" -o "$work/val-$name" >/dev/null 2>&1
    t3=$(now)
    acc=$("$py" -c "import json; print(json.load(open('$work/rf-$name/report.json'))['oa'])")
    echo "{\"kind\": \"rf\", \"impl\": \"sitscube\", \"preset\": \"$name\", \"fit_s\": $(elapsed "$t0" "$t1"), \"evaluate_s\": $(elapsed "$t1" "$t2"), \"predict_s\": $(awk -v a="$t1" -v b="$t2" -v c="$t3" 'BEGIN { printf "%.3f", (b - a) - (c - b) }'), \"test_accuracy\": $acc}" >>"$raw"
    if [ "$have_sklearn" = yes ]; then
        "$venv/bin/python" "$here/train_rf_sklearn.py" "$work/pixels" --trees "$trees" --depth "$depth" --min-leaf "$leaf" --jobs "$threads" \
            | sed "s/^{/{\"kind\": \"rf\", \"preset\": \"$name\", /" >>"$raw"
    fi
done

python3 - "$raw" "$out" "$threads" "$samples" "$(uptime)" <<'PY'
import json, sys, platform, datetime
raw, out, threads, samples, load = sys.argv[1:6]
rows = [json.loads(l) for l in open(raw) if l.strip()]
L = ["# Training speed", "",
     "bench/bench-train.sh. The machine is a shared 2-core VM (see the load); numbers move by tens of percent between runs.",
     "Parcel models (parcel-cnn, gru-stats, cnn-gru) need a parcels dataset and are not timed.", "",
     f"{datetime.date.today()}, {platform.machine()}, {threads} threads; load: {load.split('load average:')[-1].strip()}.", "",
     f"## Seconds per epoch (12×9×9×9 patches, 6 classes)", "",
     f"One epoch of `sitscube train --epochs 1` on {samples} synthetic samples (+64 validation), wall time scaled",
     "to 20,000 samples (includes start-up, loading and validation, so small models are slightly overstated).", "",
     "| model | preset (batch) | parameters | s / epoch of 20k |", "|---|---|---:|---:|"]
for r in (r for r in rows if r["kind"] == "nn"):
    L.append(f"| {r['model']} | {r['preset']} ({r['batch']}) | {r['params']:,} | {r['seconds'] * 20000 / r['samples']:.1f} |")
L += ["", "## rf against scikit-learn (same run, same rows)", "",
      "20,000 training rows × 108 features (12 dates × 9 bands of 1×1 patches), 50,000 test rows. sitscube's times are the",
      "wall time of `sitscube train --model rf` (fit, plus reading the dataset, scoring 1,000 validation rows and writing",
      "the model); predict is `sitscube evaluate --split test` (50,000 rows) minus `--split val` (1,000 rows), so reading",
      "and start-up cancel out (49,000 rows). scikit-learn's are fit() and predict() alone. Ratios > 1: sitscube is faster.",
      "Predict speed of the library alone, without the CLI: bench/results/rf.md (rf-bench).", "",
      "| preset | impl | fit s | predict px/s | test accuracy |", "|---|---|---:|---:|---:|"]
by = {}
for r in (r for r in rows if r["kind"] == "rf"):
    px = r.get("predict_px_s") or 49000 / r["predict_s"]
    by.setdefault(r["preset"], {})[r["impl"].split()[0]] = (r["fit_s"], px)
    L.append(f"| {r['preset']} | {r['impl']} | {r['fit_s']:.2f} | {px:,.0f} | {r['test_accuracy']:.4f} |")
L.append("")
for p, d in by.items():
    if "sitscube" in d and "scikit-learn" in d:
        L.append(f"- {p}: fit {d['scikit-learn'][0] / d['sitscube'][0]:.2f}×, predict {d['sitscube'][1] / d['scikit-learn'][1]:.2f}× (target ≥ 1×)")
open(out, "w").write("\n".join(L) + "\n")
print("\n".join(L))
PY
