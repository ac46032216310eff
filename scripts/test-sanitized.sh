#!/usr/bin/env bash
# CI's second pass: the debug preset (clang-19, AddressSanitizer + UBSan, libFuzzer coverage
# hooks) builds strata, its tests and the fuzz harnesses in one tree; the unit and integration
# tests run under the sanitizers, then every fuzz harness briefly (scripts/fuzz.sh).
#   scripts/test-sanitized.sh [FUZZ_SECONDS_EACH]   (default 30)
# Tests that cannot mean anything under ASan (peak memory, address-space limits) skip
# themselves (tests/support/sanitizers.hpp). Needs scripts/install-deps.sh first.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzz_seconds=${1:-30}
# A sanitizer report ends the process with an error (-fno-sanitize-recover), and names the line.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
start=$(date +%s)
cmake --preset debug >/dev/null
cmake --build --preset debug
echo "sanitizer build: $(( $(date +%s) - start )) s"
start=$(date +%s)
ctest --preset debug --output-on-failure
echo "sanitizer test suite: $(( $(date +%s) - start )) s"
start=$(date +%s)
./scripts/fuzz.sh "$fuzz_seconds" build-debug
echo "fuzz harnesses: $(( $(date +%s) - start )) s"
