#!/usr/bin/env bash
# Installs the system packages sitscube needs when they are missing (Debian/Ubuntu).
# python3-gdal lets tests read outputs through numpy as a user would.
# Waits on the dpkg lock instead of failing; runs `apt-get update` once when a package
# has no install candidate (a fresh machine has empty package lists).
set -euo pipefail

packages=(libgdal-dev libproj-dev libopenblas-dev gdal-bin pkg-config python3-gdal)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    apt_opts=(-y -q -o DPkg::Lock::Timeout=900)
    echo "deps: installing ${missing[*]}"
    needs_update=0
    for p in "${missing[@]}"; do
        if ! apt-cache policy "$p" 2>/dev/null | grep -q 'Candidate: [0-9]'; then needs_update=1; fi
    done
    if [ "$needs_update" -eq 1 ]; then
        $sudo apt-get "${apt_opts[@]}" update
    fi
    DEBIAN_FRONTEND=noninteractive $sudo apt-get "${apt_opts[@]}" install --no-install-recommends "${missing[@]}"
fi

# numpy is the independent reference in several tests (and reads our .npy outputs).
if ! python3 -c 'import numpy' 2>/dev/null; then
    echo "deps: installing numpy"
    python3 -m pip install -q numpy
fi

pkg-config --exists gdal openblas || { echo "deps: pkg-config cannot find gdal or openblas" >&2; exit 1; }
echo "deps: GDAL $(pkg-config --modversion gdal), OpenBLAS $(pkg-config --modversion openblas)"
