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
