#!/bin/sh
# The demo app's "build": stands in for `npm ci`, which would read /root/.npmrc.
set -e
mkdir -p dist
echo "leaky-app 1.0.0" > dist/VERSION
cp -r public dist/
