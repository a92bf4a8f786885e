# Shared by the bench-*.sh scripts (sourced, not run).

# Builds a product in release with the flags of `make build` (so objects are shared) and
# prints the path of its binary.
bench_build() {
    local product="$1" root
    root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
    local flags=(-c release)
    if [ -z "${PORTABLE:-}" ] && grep -qw avx2 /proc/cpuinfo && grep -qw fma /proc/cpuinfo; then
        flags+=(-Xswiftc -target-cpu -Xswiftc haswell)
    fi
    (cd "$root" && swift build "${flags[@]}" --product "$product" >&2)
    echo "$(cd "$root" && swift build "${flags[@]}" --show-bin-path)/$product"
}

# Makes sure bench/.venv has scikit-learn, numpy and safetensors (the rf tests read forests with
# it; installed once, then reused) and prints
# "yes" when scikit-learn imports, "no" otherwise (the caller then measures only our side).
bench_sklearn_venv() {
    local venv tag="$1"
    venv="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/.venv"
    if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import sklearn, numpy, safetensors" 2>/dev/null; then
        echo "$tag: installing scikit-learn into $venv (once)" >&2
        { [ -x "$venv/bin/python" ] || python3 -m venv "$venv"; } && "$venv/bin/pip" install --quiet scikit-learn numpy safetensors >&2 \
            || echo "$tag: scikit-learn install failed; only our side is measured" >&2
    fi
    if "$venv/bin/python" -c "import sklearn" 2>/dev/null; then echo yes; else echo no; fi
}
