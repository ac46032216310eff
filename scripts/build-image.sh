#!/usr/bin/env bash
# Builds strata's own image offline from the repository's Dockerfile and checks it:
#  1. the Debian 12 base comes from scripts/import-debian-base.sh (debootstrap once, cached) and
#     is imported into a Docker Engine started on its own socket and into buildah's own store;
#  2. `docker build` (BuildKit) and `buildah bud` each build the image (timed);
#  3. each built image runs in Docker (the buildah-built one loaded from its archive, as buildah
#     cannot run containers here): `strata --version`, and a scan of a test image (a
#     docker-archive with a fake Stripe key, mounted read-only): it must exit 1 and name that
#     finding;
#  4. the host's strata scans both built images (docker save / buildah push archives): no finding;
#  5. prints each image's size, uncompressed and compressed (docker save | gzip -c | wc -c).
#
# Usage: scripts/build-image.sh [--docker-only | --buildah-only]
# Env:   STRATA           host strata binary for the self-scan (default build/src/app/strata)
#        STRATA_IMAGE_WORK  state kept between runs: Docker and buildah stores, so a second
#                         build is warm (default build/image); delete it for a cold build
#        IMAGE_TAG        the tag to build (default localhost/strata:VERSION)
# Exit: 0 all checks passed; 1 a check failed; 2 a tool is missing or a step failed to run.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=../tests/support/real-images/lib.sh
source "$REPO/tests/support/real-images/lib.sh"

MODE=${1:-both}
VERSION=$(sed -n 's/^project(strata VERSION \([0-9.]*\).*/\1/p' "$REPO/CMakeLists.txt")
REVISION=$(git -C "$REPO" rev-parse HEAD 2>/dev/null || echo unknown)
SOURCE=$(git -C "$REPO" remote get-url origin 2>/dev/null || echo unknown)
TAG=${IMAGE_TAG:-localhost/strata:$VERSION}
BASE_REF=localhost/debian:12-minbase
WORK=${STRATA_IMAGE_WORK:-$REPO/build/image}
STRATA=${STRATA:-$REPO/build/src/app/strata}
# dockerd's exec-root holds unix sockets (paths under 108 bytes): keep it short.
SHORT=$(mktemp -d /tmp/strata-image.XXXXXX)
DOCKER_SOCK=$SHORT/docker.sock
DOCKER_PID=""
FAILED=0
mkdir -p "$WORK/logs" "$WORK/out"

log() { printf 'build-image: %s\n' "$*" >&2; }
die() { log "$*"; exit 2; }
fail() { log "FAIL: $*"; FAILED=1; }
need() { command -v "$1" >/dev/null 2>&1 || die "$1 is not installed (scripts/install-deps.sh)"; }
dk() { /usr/bin/docker -H "unix://$DOCKER_SOCK" "$@"; }
bh() { buildah --root "$WORK/buildah/root" --runroot "$SHORT/bh" --storage-driver vfs "$@"; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
gz_size() { gzip -c "$1" | wc -c; }

cleanup() {
  if [ -n "$DOCKER_PID" ]; then
    kill "$DOCKER_PID" 2>/dev/null || true
    wait "$DOCKER_PID" 2>/dev/null || true
  fi
  rm -rf "$SHORT"
}
trap cleanup EXIT

build_args=(--build-arg "BASE=$BASE_REF" --build-arg "VERSION=$VERSION"
  --build-arg "REVISION=$REVISION" --build-arg "SOURCE=$SOURCE")

start_dockerd() {
  mkdir -p "$WORK/docker"
  dockerd --host "unix://$DOCKER_SOCK" --data-root "$WORK/docker" --exec-root "$SHORT/exec" \
    --pidfile "$SHORT/dockerd.pid" --bridge=none --iptables=false --ip6tables=false \
    >"$WORK/logs/dockerd.log" 2>&1 &
  DOCKER_PID=$!
  for _ in $(seq 1 300); do
    dk version >/dev/null 2>&1 && return 0
    kill -0 "$DOCKER_PID" 2>/dev/null || break
    sleep 0.1
  done
  tail -n 15 "$WORK/logs/dockerd.log" >&2
  die "dockerd did not start (log: $WORK/logs/dockerd.log)"
}

# A docker-archive holding one file with a fake Stripe key: what the container must find.
make_test_image() {
  local ctx=$SHORT/test-ctx
  [ -s "$WORK/out/leaky.docker.tar" ] && return 0  # the same seed: the same key
  mkdir -p "$ctx"
  printf 'STRIPE_KEY=%s\n' "$(stripe_live_key build-image)" >"$ctx/settings.env"
  printf 'FROM scratch\nCOPY settings.env /app/settings.env\n' >"$ctx/Dockerfile"
  DOCKER_BUILDKIT=1 dk build -q --network=none -t localhost/strata-test/leaky:1 "$ctx" >/dev/null
  dk save localhost/strata-test/leaky:1 -o "$WORK/out/leaky.docker.tar"
  chmod 644 "$WORK/out/leaky.docker.tar"
}

# The image's strata runs (--version) and scans the test image, mounted read-only, with no
# network: it must exit 1 with the one Stripe key.
check_container() {  # IMAGE LABEL
  local out rc=0
  out=$(dk run --rm --network=none "$1" --version) || fail "$2: strata --version in the container"
  log "$2 container: $out"
  make_test_image
  out=$(dk run --rm --network=none -v "$WORK/out/leaky.docker.tar:/in/leaky.docker.tar:ro" \
    "$1" scan /in/leaky.docker.tar --format json 2>"$WORK/logs/container-scan-$2.err") || rc=$?
  if [ "$rc" -ne 1 ]; then
    fail "$2: scan in the container exited $rc, want 1 (stderr: $WORK/logs/container-scan-$2.err)"
  elif ! printf '%s' "$out" | jq -e '[.findings[] | select(.rule_id | startswith("stripe"))]
        | length == 1' >/dev/null; then
    fail "$2: scan in the container did not report the one Stripe key: $(printf '%s' "$out" | head -c 400)"
  else
    log "$2 container: the test image's Stripe key found (exit 1)"
  fi
}

# The host's strata on an image archive: the image must hold no secret (its own rule examples
# are suppressed by scripts/image-self-scan.strataignore, which says why).
self_scan() {  # ARCHIVE LABEL
  local rc=0
  "$STRATA" scan "$1" --no-progress --ignore-file "$REPO/scripts/image-self-scan.strataignore" \
    >"$WORK/logs/self-scan-$2.txt" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ]; then
    fail "strata scan of the $2-built image exited $rc: see $WORK/logs/self-scan-$2.txt"
    tail -n 20 "$WORK/logs/self-scan-$2.txt" >&2
  else
    log "self-scan of the $2-built image: no finding"
  fi
}

report_size() {  # ARCHIVE LABEL
  log "$2 image: $(($(stat -c %s "$1") / 1000000)) MB uncompressed, $(($(gz_size "$1") / 1000)) kB compressed (gzip)"
}

build_with_docker() {
  local t0
  [ -x /usr/bin/docker ] || die "/usr/bin/docker (docker.io, BuildKit built in) is not installed"
  need dockerd
  start_dockerd
  dk image inspect "$BASE_REF" >/dev/null 2>&1 || dk import "$BASE_TARBALL" "$BASE_REF" >/dev/null
  t0=$(now)
  DOCKER_BUILDKIT=1 dk build --network=host --progress=plain "${build_args[@]}" -t "$TAG" \
    "$REPO" >"$WORK/logs/docker-build.log" 2>&1 ||
    { tail -n 30 "$WORK/logs/docker-build.log" >&2; die "docker build failed"; }
  log "docker build: $(since "$t0") s"
  check_container "$TAG" docker
  dk save "$TAG" -o "$WORK/out/strata-docker.docker.tar"
  report_size "$WORK/out/strata-docker.docker.tar" docker
  self_scan "$WORK/out/strata-docker.docker.tar" docker
}

build_with_buildah() {
  local t0 ctr
  need buildah
  if ! bh inspect "$BASE_REF" >/dev/null 2>&1; then
    ctr=$(bh from scratch)
    bh add "$ctr" "$BASE_TARBALL" / >/dev/null
    bh config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
      --cmd '["bash"]' --created-by "debootstrap --variant=minbase bookworm" "$ctr"
    bh commit -q "$ctr" "$BASE_REF" >/dev/null
    bh rm "$ctr" >/dev/null
  fi
  t0=$(now)
  bh bud --isolation chroot --layers --pull=never "${build_args[@]}" -t "$TAG" "$REPO" \
    >"$WORK/logs/buildah-build.log" 2>&1 ||
    { tail -n 30 "$WORK/logs/buildah-build.log" >&2; die "buildah bud failed"; }
  log "buildah bud: $(since "$t0") s"
  rm -f "$WORK/out/strata-buildah.docker.tar"
  bh push -q "$TAG" "docker-archive:$WORK/out/strata-buildah.docker.tar:$TAG-buildah"
  report_size "$WORK/out/strata-buildah.docker.tar" buildah
  self_scan "$WORK/out/strata-buildah.docker.tar" buildah
  # buildah cannot run containers here (crun fails on this cgroup setup): Docker runs its image.
  if [ -n "$DOCKER_PID" ]; then
    dk load -q -i "$WORK/out/strata-buildah.docker.tar" >/dev/null
    check_container "$TAG-buildah" buildah
  fi
}

need jq
[ -x "$STRATA" ] || die "no host strata at $STRATA (build it, or set STRATA=)"
BASE_TARBALL=$("$REPO/scripts/import-debian-base.sh")
case $MODE in
  both) build_with_docker; build_with_buildah ;;
  --docker-only) build_with_docker ;;
  --buildah-only) build_with_buildah ;;
  *) die "unknown option $MODE (use --docker-only or --buildah-only)" ;;
esac
[ "$FAILED" -eq 0 ] && log "all checks passed ($TAG)"
exit "$FAILED"
