#!/usr/bin/env bash
# The default chain on the sample archive, as far as it is built.
set -euo pipefail
sitscube="$1"; archive="$2"; out="$3"
mkdir -p "$out"
echo "demo: sample archive in $archive"
find "$archive" -maxdepth 2 -mindepth 1 -type d | sort | head -20
echo "demo: $(find "$archive" -type f | wc -l) files, $(du -sh "$archive" | cut -f1)"
