#!/usr/bin/env bash
# End-to-end bench of one image (an OCI layout from bench/make-corpus.sh): strata vs one-thread
# decode floors, a one-thread libarchive walk+scan, and `tar -x && rg -f`; prints a table.
#
#   bench/image-bench.sh ~/.cache/strata-bench/two-gzip [--runs 5] [--no-rg]
#   BUILD_DIR=build-h2 bench/image-bench.sh IMAGE     # reuse a build directory
#   bench/image-bench.sh IMAGE --patterns DIR          # another rule set, for every measure
#
# Builds strata and strata_layer_floor (Release-like RelWithDebInfo) in $BUILD_DIR first.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build-bench}
[[ $# -ge 1 ]] || { sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
if [[ ! -f "$build_dir/build.ninja" ]]; then
  cmake --preset default -B "$build_dir" -DSTRATA_BUILD_TESTS=OFF -DSTRATA_BUILD_BENCH=ON > /dev/null
fi
cmake --build "$build_dir" --target strata strata_layer_floor -j2 > /dev/null
command -v rg > /dev/null || echo "image-bench: ripgrep not installed (apt-get install ripgrep): no rg baseline" >&2
args=("$@")
command -v rg > /dev/null || args+=(--no-rg)
exec python3 bench/image_bench.py --strata "$build_dir/src/app/strata" \
  --floor "$build_dir/bench/strata_layer_floor" --patterns patterns "${args[@]}"
