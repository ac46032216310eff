#!/usr/bin/env bash
# Quick start, command 2: installs dependencies, builds, and runs every test (unit tests,
# every rule's examples, and integration tests on images built with real tools).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/build.sh
start=$(date +%s)
ctest --preset default "$@"
echo "test suite: $(( $(date +%s) - start )) s"
