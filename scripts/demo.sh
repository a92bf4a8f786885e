#!/usr/bin/env bash
# `make demo`: the demo pipeline (pipelines/demo.yaml, after the FLU study, seed 000) on the
# sample archive — scenes, cube, 9×9 patches, a small CNN-LSTM, its evaluation, and the map
# of the forest-loss pixels — then where the map, quicklook and report are.
set -euo pipefail
sitscube="$1"; archive="$2"; out="$3"

"$sitscube" run pipelines/demo.yaml \
    --set "archive=$archive" \
    --set "samples.labels=$archive/labels/classes.tif" \
    --set "predict.mask=$archive/labels/forest_loss.tif" \
    --set "workdir=$out"

echo
echo "demo done:"
[ -f "$out/map.tif" ] && echo "  map        $out/map.tif (class codes; open in QGIS)"
[ -f "$out/map.png" ] && echo "  quicklook  $out/map.png (with its legend)"
echo "  report     $out/report.html and $out/report.md"
echo "  cube       $out/cube (cube.vrt for GIS viewers), dataset $out/dataset, model $out/models/cnn-lstm"
