#!/usr/bin/env bash
# Runs every benchmark beside its peer and writes the ratios to bench/results/.
set -euo pipefail
sitscube="$1"
cd "$(dirname "$0")"
mkdir -p results
shopt -s nullglob
for b in bench-*.sh; do
    echo "bench: $b"
    bash "$b" "$sitscube"
done
