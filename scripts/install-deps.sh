#!/usr/bin/env bash
# Installs everything strata needs to build, test and make its demo image, from Debian 12's
# packages. Safe to run again. Needs root (or sudo).
set -euo pipefail
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

# --build-only: just what compiling the strata binary needs (the image's builder stage uses it).
build_only=false
[ "${1:-}" = "--build-only" ] && build_only=true

build_deps=(
  build-essential cmake ninja-build pkg-config
  libhyperscan-dev libarchive-dev nlohmann-json3-dev libspdlog-dev libcli11-dev
  libyaml-cpp-dev libpcre2-dev libcurl4-openssl-dev libssl-dev libzstd-dev zlib1g-dev
  libisal-dev libsqlite3-dev libpq-dev
)
# clang-19 and its runtimes: the sanitizer build and the libFuzzer harnesses (debug preset).
dev_deps=(clang-format libgtest-dev libgmock-dev libbenchmark-dev python3-jsonschema
  clang-19 libclang-rt-19-dev)
# Real image tooling for the demo and the integration tests (all offline except debootstrap,
# which makes the Debian base of strata's own image from the Debian mirror once).
image_tools=(buildah skopeo umoci podman docker.io docker-registry apache2-utils busybox-static openssl jq
  curl python3 postgresql git debootstrap)

wanted=("${build_deps[@]}")
$build_only || wanted+=("${dev_deps[@]}" "${image_tools[@]}")
missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
$build_only && exit 0
# busybox-static's .deb is the base of every test image; keep it in apt's cache.
if ! ls /var/cache/apt/archives/busybox-static_*.deb >/dev/null 2>&1; then
  (cd /var/cache/apt/archives && $SUDO apt-get download busybox-static) || true
fi
# Microsoft's SARIF validator for the --format sarif integration test (a self-contained Linux
# binary shipped through npm), kept in a per-user cache. The test also honours
# $STRATA_SARIF_MULTITOOL.
sarif_dir="${HOME}/.cache/strata-tools/sarif"
sarif_bin="${sarif_dir}/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
if [ ! -x "$sarif_bin" ]; then
  if ! command -v npm >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends npm ||
      true
  fi
  if command -v npm >/dev/null 2>&1; then
    echo "install-deps: installing @microsoft/sarif-multitool 5.7.0 into ${sarif_dir}"
    mkdir -p "$sarif_dir"
    npm install --prefix "$sarif_dir" --no-audit --no-fund @microsoft/sarif-multitool@5.7.0 ||
      echo "install-deps: npm install failed; the SARIF validator test will be skipped" >&2
    # npm may skip the package's postinstall, which only marks the binary executable.
    if [ -f "$sarif_bin" ]; then chmod u+x "$sarif_bin"; fi
  else
    echo "install-deps: npm not found; the SARIF validator test will be skipped" >&2
  fi
fi
