#!/usr/bin/env bash
# The default chain on the sample archive, as far as it is built: the FLU study design
# (seed 000) on the synthetic Landsat archive.
set -euo pipefail
sitscube="$1"; archive="$2"; out="$3"
mkdir -p "$out"

echo "== 1. scenes: what the archive holds"
"$sitscube" scenes "$archive" --sensor landsat | tail -4

echo "== 2. cube: Landsat 2000-2005, half-year medians, NDVI+NDMI, linear fill"
"$sitscube" cube "$archive" --sensor landsat --from 2000-01-01 --to 2005-12-31 -o "$out/cube" 2>/dev/null
ls "$out/cube"

echo
echo "demo: cube in $out/cube (open $out/cube/cube.vrt in QGIS; cube.json describes it)"
