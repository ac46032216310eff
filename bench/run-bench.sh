#!/usr/bin/env bash
# Builds strata_bench, runs every benchmark 5 times and prints the median ratios that are worth
# quoting (absolute rates on shared machines are noise; ratios to a floor measured in the
# same run are not). Extra arguments go to strata_bench, e.g. --benchmark_filter=walk/gzip.
#
#   bench/run-bench.sh                     # build in build-bench (tests off), run, summarize
#   BUILD_DIR=build bench/run-bench.sh     # reuse another build directory
#   bench/run-bench.sh IMAGE [--runs N]    # end-to-end bench of one image: bench/image-bench.sh
set -euo pipefail

cd "$(dirname "$0")/.."
if [[ $# -ge 1 && -e "$1" ]]; then exec bench/image-bench.sh "$@"; fi
build_dir=${BUILD_DIR:-build-bench}

cmake --preset default -B "$build_dir" -DSTRATA_BUILD_TESTS=OFF -DSTRATA_BUILD_BENCH=ON >/dev/null
cmake --build "$build_dir" --target strata_bench -j2

json="$build_dir/bench-results.json"
"$build_dir/bench/strata_bench" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
  --benchmark_out="$json" --benchmark_out_format=json "$@"

python3 - "$json" <<'EOF'
import json, sys

runs = json.load(open(sys.argv[1]))
median = {b["run_name"]: b for b in runs["benchmarks"]
          if b.get("run_type") == "aggregate" and b.get("aggregate_name") == "median"}

def rate(name):
    # Wall-time benchmarks (the pipelined walk) carry a /real_time suffix.
    b = median.get(name) or median.get(name + "/real_time")
    return b["bytes_per_second"] if b and "bytes_per_second" in b else None

def row(label, num, den):
    a, b = rate(num), rate(den)
    if a is None or b is None:
        return
    print(f"| {label:<34} | {a / 2**20:>9.0f} | {b / 2**20:>9.0f} | {a / b:>6.2f} |")

print()
print("Median of 5 repetitions; rates in MiB/s of uncompressed bytes.")
print()
print(f"| {'ratio':<34} | {'MiB/s':>9} | {'vs MiB/s':>9} | {'ratio':>6} |")
print(f"|{'-' * 36}|{'-' * 11}|{'-' * 11}|{'-' * 8}|")
for corpus in ("english", "source", "binary"):
    for chunk in ("64KiB", "256KiB"):
        row(f"scan {corpus} {chunk} / memchr", f"match/{corpus}/scan_{chunk}",
            f"match/{corpus}/memchr_floor")
row("walk gzip / zlib inflate", "walk/gzip/walk", "walk/gzip/zlib_floor")
row("walk gzip / isa-l inflate", "walk/gzip/walk", "walk/gzip/isal_floor")
row("strata gzip decoder / isa-l", "walk/gzip/strata_decoder", "walk/gzip/isal_floor")
row("walk zstd / zstd decode", "walk/zstd/walk", "walk/zstd/zstd_floor")
row("walk none / plain read", "walk/none/walk", "walk/none/read_floor")
for fmt in ("gzip", "zstd", "none"):
    row(f"walk+scan {fmt} / walk {fmt}", f"walk/{fmt}/walk_scan", f"walk/{fmt}/walk")
for fmt in ("gzip", "zstd", "none"):
    row(f"pipelined walk+scan {fmt} / walk+scan", f"walk/{fmt}/walk_scan_pipelined",
        f"walk/{fmt}/walk_scan")
for filler in ("stores", "inflate"):
    row(f"{filler} across cores / one thread", f"handover/{filler}/other_thread",
        f"handover/{filler}/same_thread")
for kind in ("cold", "warm"):
    compile = median.get(f"match/compile_shipped_rules/{kind}")
    if compile:
        print(f"compile shipped rules, {kind} cache: {compile['real_time']:.1f} {compile['time_unit']} (median)")
EOF
