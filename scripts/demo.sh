#!/usr/bin/env bash
# Quick start, command 1: installs dependencies, builds strata, builds the leaky demo image
# from examples/leaky-app with buildah, and scans it. Exit code 1 is expected: the demo leaks.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/build.sh
mkdir -p out
./examples/build-demo.sh out/leaky-app.docker.tar
set +e
./build/src/app/strata scan out/leaky-app.docker.tar --dockerfile examples/leaky-app/Dockerfile
code=$?
echo "strata exited with $code (1 = leaks found, as expected for the demo)"
exit $code
