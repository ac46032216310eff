#!/usr/bin/env bash
# Runs every libFuzzer harness (fuzz/*.cpp) for a while, one at a time, from its seed corpus
# (fuzz/corpus/<name>/, never written to) and a scratch corpus of what it finds.
#   scripts/fuzz.sh [SECONDS_EACH] [BUILD_DIR] [HARNESS...]   defaults: 30, build-debug, all
# Build the harnesses first (the debug or fuzz preset). Prints each harness's last status line
# (executions, cov:, ft:); a crash, hang, leak or sanitizer report fails the script, and the
# input that caused it is kept in $FUZZ_ARTIFACTS (default: BUILD_DIR/fuzz-artifacts).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
build=${2:-build-debug}
shift $(( $# > 2 ? 2 : $# ))
harnesses=("$@")
if [ ${#harnesses[@]} -eq 0 ]; then
  for f in fuzz/*.cpp; do harnesses+=("$(basename "$f" .cpp)"); done
fi
artifacts=${FUZZ_ARTIFACTS:-$build/fuzz-artifacts}
mkdir -p "$artifacts"
failed=()
for name in "${harnesses[@]}"; do
  bin="$build/fuzz/fuzz_$name"
  [ -x "$bin" ] || { echo "fuzz.sh: $bin not built" >&2; exit 2; }
  work="$build/fuzz-corpus/$name"
  mkdir -p "$work"
  log="$artifacts/$name.log"
  # -timeout: one input taking 10 s is a hang; -rss_limit_mb bounds a runaway allocation.
  if nice -n 19 "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -max_len=65536 -print_final_stats=1 -artifact_prefix="$artifacts/$name-" \
      "$work" "fuzz/corpus/$name" >"$log" 2>&1; then
    status=ok
  else
    status=FAILED
    failed+=("$name")
  fi
  line=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
  echo "fuzz $name: $status after ${seconds}s: ${line:-no status line} (log: $log)"
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz.sh: failed: ${failed[*]}; reproduce with $build/fuzz/fuzz_<name> <artifact>" >&2
  for name in "${failed[@]}"; do tail -40 "$artifacts/$name.log" >&2; done
  exit 1
fi
