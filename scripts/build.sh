#!/usr/bin/env bash
# Configures and builds strata (Release with debug info) into ./build.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --preset default >/dev/null
cmake --build --preset default
