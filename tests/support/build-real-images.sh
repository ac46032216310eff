#!/usr/bin/env bash
# Builds the integration-test images with real tools (buildah, skopeo, podman, Docker Engine),
# offline, into OUTDIR. See ../shared/recipes/real-images.md for the measurements behind it.
#
#   tests/support/build-real-images.sh OUTDIR
#
# Idempotent: does nothing when OUTDIR/.done-<hash of this script and real-images/> exists.
# All fake secrets are generated here (deterministic seed; no complete token in this text) and
# written to OUTDIR/secrets.json as {"NAME": "value"} so the tests know what to expect.
# A missing or failing tool skips only the images that need it ("SKIP <image>: <reason>").
# Exit 0 when at least the buildah images were made, non-zero otherwise.
set -uo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 OUTDIR" >&2
  exit 2
fi
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
INPUTS=$HERE/real-images
mkdir -p "$1"
OUT=$(cd "$1" && pwd)
HASH=$( (
  cat "$HERE/build-real-images.sh"
  find "$INPUTS" -type f -print0 | LC_ALL=C sort -z | xargs -0 cat
  # A tool installed later makes the images it was missing for.
  command -v buildah skopeo podman dockerd jq openssl || true
) | sha256sum | cut -c1-16)
if [ -e "$OUT/.done-$HASH" ]; then
  echo "build-real-images: up to date ($OUT/.done-$HASH)"
  exit 0
fi

T_START=$(date +%s.%N)
log() { printf 'build-real-images: %s\n' "$*"; }
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

# Fresh outputs each time (only names this script makes: OUTDIR may hold other things); the
# busybox .deb cache survives.
(cd "$OUT" && rm -rf -- buildah-* docker-buildkit.* docker-classic.* clean.* multi-platform.* \
  multi-image.* secrets.json driver.txt .done-* work)
mkdir -p "$OUT/cache"
W=$OUT/work
mkdir -p "$W/logs" "$W/ctx"
# Short paths: dockerd's exec-root holds unix sockets (paths under 108 bytes) and podman
# refuses a storage runroot longer than 50 characters.
SHORT=$(mktemp -d /tmp/strata-fixtures.XXXXXX)
DOCKER_EXEC=$SHORT/docker
RUNROOT=$SHORT/run
DOCKER_PID=""

cleanup() {
  if [ -n "$DOCKER_PID" ] && kill -0 "$DOCKER_PID" 2>/dev/null; then
    kill "$DOCKER_PID" 2>/dev/null
    for _ in $(seq 1 150); do kill -0 "$DOCKER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$DOCKER_PID" 2>/dev/null && kill -9 "$DOCKER_PID" 2>/dev/null
    wait "$DOCKER_PID" 2>/dev/null
  fi
  # Unmount anything the storage drivers left under our private dirs, deepest first.
  awk -v w="$W" -v d="$SHORT" 'index($2, w) == 1 || index($2, d) == 1 { print $2 }' /proc/mounts |
    sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
  rm -rf "$W" "$SHORT"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# attempt NAME FUNCTION: runs FUNCTION in a subshell with errexit (it must not be called in a
# condition, or bash would ignore errexit), logs its time, keeps its output in logs/NAME.log.
declare -A RESULT
attempt() {
  local name=$1 fn=$2 t0 rc
  t0=$(date +%s.%N)
  (
    set -e
    "$fn"
  ) >"$W/logs/$name.log" 2>&1
  rc=$?
  RESULT[$name]=$rc
  if [ $rc -eq 0 ]; then
    log "$name: ok ($(elapsed "$t0") s)"
  else
    log "$name: FAILED ($(elapsed "$t0") s), last lines of its log:"
    tail -n 15 "$W/logs/$name.log" | sed 's/^/    /'
  fi
  return 0
}
ok() { [ "${RESULT[$1]:-1}" -eq 0 ]; }
skip() { echo "SKIP $1: $2"; }
have() { command -v "$1" >/dev/null 2>&1; }

# ---------------------------------------------------------------------------------------------
# Fake secrets (generators in real-images/lib.sh), fixed seed: every run makes the same values,
# except the private key, which openssl generates.
# shellcheck disable=SC2034  # read by lib.sh
SEED=strata-real-images-v1
# shellcheck source=real-images/lib.sh
source "$INPUTS/lib.sh"

declare -A S
make_secrets() {
  S[NPM_TOKEN]=$(checksummed_token npm-arg npm)
  S[GITHUB_TOKEN]=$(checksummed_token github-arg ghp)
  S[STRIPE_KEY]=$(stripe_live_key stripe-env)
  S[AWS_ACCESS_KEY_ID]=$(aws_access_key_id aws-id)
  S[AWS_SECRET_ACCESS_KEY]=$(aws_secret_access_key aws-secret)
  S[CACHE_TOKEN]=$(checksummed_token cache-token ghp)
  S[OVERWRITTEN_TOKEN]=$(checksummed_token overwritten ghp)
  S[IDENTICAL_TOKEN]=$(checksummed_token identical npm)
  S[MOUNT_SECRET]=$(checksummed_token mount-secret npm)
  S[BUILDER_TOKEN]=$(checksummed_token builder npm)
  S[BUILDER_ONLY_TOKEN]=$(checksummed_token builder-only ghp)
  S[ARM_ONLY_TOKEN]=$(checksummed_token arm-only ghp)
  S[ID_RSA]=$(fake_rsa_key)
  [ -n "${S[ID_RSA]}" ] || { echo "openssl failed to make the fake key" >&2; return 1; }
  local args=() k
  for k in "${!S[@]}"; do args+=(--arg "$k" "${S[$k]}"); done
  jq -n -S '$ARGS.named' "${args[@]}" >"$OUT/secrets.json"
}

fill_template() {  # SRC DEST: replaces @NAME@ with generated values
  local overwritten=${S[OVERWRITTEN_TOKEN]}
  sed -e "s|@STRIPE_KEY@|${S[STRIPE_KEY]}|g" \
    -e "s|@OVERWRITTEN_HEAD@|${overwritten:0:4}|g" \
    -e "s|@OVERWRITTEN_TAIL@|${overwritten:4}|g" "$1" >"$2"
}

# ---------------------------------------------------------------------------------------------
# Base root filesystem: busybox-static (real-images/lib.sh).
make_rootfs() { make_busybox_rootfs "$W" "$OUT/cache"; }

make_contexts() {
  local c=$W/ctx
  mkdir -p "$c/leaky/cache" "$c/multistage" "$c/clean/site" "$c/docker" "$c/arm64"
  fill_template "$INPUTS/leaky.Containerfile" "$c/leaky/Containerfile"
  printf '# local settings\nAWS_ACCESS_KEY_ID=%s\nAWS_SECRET_ACCESS_KEY=%s\nAWS_REGION=eu-west-1\n' \
    "${S[AWS_ACCESS_KEY_ID]}" "${S[AWS_SECRET_ACCESS_KEY]}" >"$c/leaky/.env"
  printf '%s\n' "${S[ID_RSA]}" >"$c/leaky/id_rsa"
  printf 'keep me\n' >"$c/leaky/cache/keep"
  printf 'GITHUB_TOKEN=%s\n' "${S[CACHE_TOKEN]}" >"$c/leaky/cache/token"
  printf '//registry.npmjs.org/:_authToken=%s\n' "${S[IDENTICAL_TOKEN]}" \
    >"$c/leaky/identical.conf"
  printf '%s' "${S[MOUNT_SECRET]}" >"$W/npm_token.secret"

  cp "$INPUTS/multistage.Containerfile" "$c/multistage/Containerfile"

  cp "$INPUTS/clean.Containerfile" "$c/clean/Containerfile"
  printf '<!doctype html>\n<title>hello</title>\n<p>Hello from a clean image.</p>\n' \
    >"$c/clean/site/index.html"
  printf 'User-agent: *\nDisallow:\n' >"$c/clean/site/robots.txt"

  fill_template "$INPUTS/docker.Dockerfile" "$c/docker/Dockerfile"
  cp "$W/rootfs.tar" "$c/docker/"
  cp "$c/leaky/.env" "$c/leaky/id_rsa" "$c/docker/"
  mkdir -p "$c/docker-classic"
  grep -v -- '--mount=' "$c/docker/Dockerfile" >"$c/docker-classic/Dockerfile"
  cp "$W/rootfs.tar" "$c/leaky/.env" "$c/leaky/id_rsa" "$c/docker-classic/"

  printf 'arm64 variant: configuration only, no binaries\n' >"$c/arm64/README"
}

# ---------------------------------------------------------------------------------------------
# buildah
DRIVER=""
bh() { buildah --root "$W/store/root" --runroot "$RUNROOT" --storage-driver "$DRIVER" "$@"; }
STORE_REF() { echo "containers-storage:[$DRIVER@$W/store/root+$RUNROOT]$1"; }
BASE=localhost/fixture/base:latest
COMMON_BUD=(bud -q --isolation chroot --pull=never --timestamp 0 --identity-label=false)

make_base() {
  local ctr
  buildah_base_image "$BASE" "$W/rootfs.tar" bh
  # Prove that RUN works with this driver before building on it.
  ctr=$(bh from --pull=never "$BASE")
  bh run --isolation chroot "$ctr" -- /bin/sh -c 'echo probe > /tmp/probe && cat /tmp/probe'
  bh rm "$ctr"
}

pick_driver() {
  local d
  # STRATA_FIXTURE_DRIVERS="vfs" forces the fallback (the vfs driver makes no opaque whiteouts).
  for d in ${STRATA_FIXTURE_DRIVERS:-overlay vfs}; do
    DRIVER=$d
    rm -rf "$W/store" "$RUNROOT"
    attempt "base-$d" make_base
    if ok "base-$d"; then
      echo "$d" >"$OUT/driver.txt"
      log "storage driver: $d"
      return 0
    fi
    awk -v w="$W/store" -v r="$RUNROOT" 'index($2, w) == 1 || index($2, r) == 1 { print $2 }' \
      /proc/mounts | sort -r |
      while read -r m; do umount -l "$m" 2>/dev/null; done
  done
  return 1
}

LEAKY=localhost/fixture/buildah-leaky:latest
build_leaky() {
  bh "${COMMON_BUD[@]}" --layers --secret id=npm_token,src="$W/npm_token.secret" \
    --build-arg NPM_TOKEN="${S[NPM_TOKEN]}" --build-arg GITHUB_TOKEN="${S[GITHUB_TOKEN]}" \
    -t "$LEAKY" "$W/ctx/leaky"
  bh push -q "$LEAKY" "docker-archive:$OUT/buildah-leaky.docker.tar:$LEAKY"
  bh push -q "$LEAKY" "oci-archive:$OUT/buildah-leaky.oci.tar:latest"
  bh push -q --compression-format zstd "$LEAKY" "oci-archive:$OUT/buildah-leaky.zstd.oci.tar:latest"
  bh push -q "$LEAKY" "oci:$OUT/buildah-leaky.oci-gzip:latest"
  bh push -q --compression-format zstd "$LEAKY" "oci:$OUT/buildah-leaky.oci-zstd:latest"
  # buildah push --disable-compression still gzips for oci:, and skopeo from a docker-archive
  # mislabels the layers: copy from containers-storage.
  skopeo copy -q --dest-oci-accept-uncompressed-layers "$(STORE_REF "$LEAKY")" \
    "oci:$OUT/buildah-leaky.oci-uncompressed:latest"
}

build_squashed() {
  local ref=localhost/fixture/buildah-squashed:latest
  bh "${COMMON_BUD[@]}" --layers=false --secret id=npm_token,src="$W/npm_token.secret" \
    --build-arg NPM_TOKEN="${S[NPM_TOKEN]}" --build-arg GITHUB_TOKEN="${S[GITHUB_TOKEN]}" \
    -t "$ref" "$W/ctx/leaky"
  bh push -q "$ref" "docker-archive:$OUT/buildah-squashed.docker.tar:$ref"
  bh push -q "$ref" "oci:$OUT/buildah-squashed.oci:latest"
}

build_multistage() {
  local ref=localhost/fixture/buildah-multistage:latest
  bh "${COMMON_BUD[@]}" --layers \
    --build-arg BUILDER_TOKEN="${S[BUILDER_TOKEN]}" \
    --build-arg BUILDER_ONLY_TOKEN="${S[BUILDER_ONLY_TOKEN]}" \
    -t "$ref" "$W/ctx/multistage"
  bh push -q "$ref" "docker-archive:$OUT/buildah-multistage.docker.tar:$ref"
  bh push -q "$ref" "oci:$OUT/buildah-multistage.oci:latest"
}

CLEAN=localhost/fixture/clean:latest
build_clean() {
  bh "${COMMON_BUD[@]}" --layers -t "$CLEAN" "$W/ctx/clean"
  bh push -q "$CLEAN" "oci:$OUT/clean.oci:latest"
  bh push -q "$CLEAN" "docker-archive:$OUT/clean.docker.tar:$CLEAN"
}

build_multi_platform() {
  local arm=localhost/fixture/leaky-arm64:latest list=localhost/fixture/multi-platform:latest ctr
  ctr=$(bh from scratch)
  bh copy "$ctr" "$W/ctx/arm64/README" /README
  bh config --arch arm64 --os linux --env "ARM_ONLY_TOKEN=${S[ARM_ONLY_TOKEN]}" \
    --created-by "fixture: arm64 variant" "$ctr"
  bh commit -q --timestamp 0 --identity-label=false "$ctr" "$arm"
  bh rm "$ctr"
  bh manifest create "$list"
  bh manifest add "$list" "containers-storage:$LEAKY"
  bh manifest add --arch arm64 --os linux "$list" "containers-storage:$arm"
  bh manifest push -q --all "$list" "oci:$OUT/multi-platform.oci:latest"
}

build_multi_platform_archive() {
  bh manifest push -q --all localhost/fixture/multi-platform:latest \
    "oci-archive:$OUT/multi-platform.oci.tar:latest"
}

build_multi_image() {
  podman --root "$W/store/root" --runroot "$RUNROOT" --storage-driver "$DRIVER" \
    --events-backend none --cgroup-manager cgroupfs \
    save -q -m --format docker-archive -o "$OUT/multi-image.docker.tar" "$LEAKY" "$CLEAN"
}

# ---------------------------------------------------------------------------------------------
# Docker Engine (Debian's 20.10: BuildKit built into /usr/bin/docker), its own daemon and storage.
DOCKER_SOCK=$DOCKER_EXEC/docker.sock
dk() { /usr/bin/docker -H "unix://$DOCKER_SOCK" "$@"; }

start_dockerd() {
  mkdir -p "$W/docker/data" "$DOCKER_EXEC"
  dockerd --host "unix://$DOCKER_SOCK" --data-root "$W/docker/data" \
    --exec-root "$DOCKER_EXEC/exec" --pidfile "$DOCKER_EXEC/dockerd.pid" \
    --bridge=none --iptables=false --ip6tables=false >"$W/logs/dockerd.log" 2>&1 &
  DOCKER_PID=$!
  local i
  for i in $(seq 1 300); do
    if dk version >/dev/null 2>&1; then return 0; fi
    kill -0 "$DOCKER_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "dockerd did not come up; last lines of its log:"
  tail -n 15 "$W/logs/dockerd.log"
  return 1
}

build_docker_buildkit() {
  DOCKER_BUILDKIT=1 dk build -q --network=none \
    --build-arg NPM_TOKEN="${S[NPM_TOKEN]}" \
    --secret id=npm_token,src="$W/npm_token.secret" \
    -t localhost/fixture/docker-buildkit:latest "$W/ctx/docker"
  dk save localhost/fixture/docker-buildkit:latest -o "$OUT/docker-buildkit.docker.tar"
}

build_docker_classic() {
  DOCKER_BUILDKIT=0 dk build -q --network=none \
    --build-arg NPM_TOKEN="${S[NPM_TOKEN]}" \
    -t localhost/fixture/docker-classic:latest "$W/ctx/docker-classic"
  dk save localhost/fixture/docker-classic:latest -o "$OUT/docker-classic.docker.tar"
}

# The --mount=type=secret value must be nowhere in what we built (uncompressed artifacts).
check_mount_secret_absent() {
  local f hits=""
  for f in "$OUT"/*.docker.tar "$OUT"/buildah-leaky.oci-uncompressed; do
    [ -e "$f" ] || continue
    if grep -rqF -- "${S[MOUNT_SECRET]}" "$f"; then hits+=" $(basename "$f")"; fi
  done
  if [ -n "$hits" ]; then
    echo "WARNING: the mounted secret's value appears in:$hits"
    return 1
  fi
}

# ---------------------------------------------------------------------------------------------
main() {
  local missing=""
  for t in buildah skopeo jq openssl dpkg; do have "$t" || missing+=" $t"; done
  if [ -n "$missing" ]; then
    echo "build-real-images: missing required tools:$missing (scripts/install-deps.sh installs them)"
    for i in buildah-leaky buildah-squashed buildah-multistage clean multi-platform multi-image \
      docker-buildkit docker-classic; do skip "$i" "missing$missing"; done
    return 1
  fi
  # In this shell, not a subshell: the values are used by every later step.
  if ! make_secrets 2>"$W/logs/secrets.log"; then
    log "could not generate the fake secrets: $(cat "$W/logs/secrets.log")"
    return 1
  fi
  attempt rootfs make_rootfs
  ok rootfs || return 1
  attempt contexts make_contexts
  ok contexts || return 1
  if ! pick_driver; then
    for i in buildah-leaky buildah-squashed buildah-multistage clean multi-platform multi-image; do
      skip "$i" "buildah cannot build here with overlay or vfs (see the log above)"
    done
  else
    attempt buildah-leaky build_leaky
    attempt buildah-squashed build_squashed
    attempt buildah-multistage build_multistage
    attempt clean build_clean
    if ok buildah-leaky; then
      attempt multi-platform build_multi_platform
      if ok multi-platform; then
        attempt multi-platform.oci.tar build_multi_platform_archive
        ok multi-platform.oci.tar || skip multi-platform.oci.tar "buildah manifest push to oci-archive failed"
      fi
    else
      skip multi-platform "needs buildah-leaky"
    fi
    if ! have podman; then
      skip multi-image "podman not installed"
    elif ok buildah-leaky && ok clean; then
      attempt multi-image build_multi_image
      ok multi-image || skip multi-image "podman save -m failed"
    else
      skip multi-image "needs buildah-leaky and clean"
    fi
  fi

  if ! have dockerd || [ ! -x /usr/bin/docker ]; then
    skip docker-buildkit "dockerd or /usr/bin/docker not installed (docker.io)"
    skip docker-classic "dockerd or /usr/bin/docker not installed (docker.io)"
  else
    # In this shell, not a subshell: cleanup needs DOCKER_PID.
    local t0
    t0=$(date +%s.%N)
    if start_dockerd >"$W/logs/dockerd-start.log" 2>&1; then
      log "dockerd: up ($(elapsed "$t0") s)"
      RESULT[dockerd]=0
    else
      log "dockerd: FAILED to start: $(tail -n 5 "$W/logs/dockerd-start.log")"
    fi
    if ok dockerd; then
      attempt docker-buildkit build_docker_buildkit
      ok docker-buildkit || skip docker-buildkit "docker build with BuildKit failed"
      attempt docker-classic build_docker_classic
      ok docker-classic || skip docker-classic "docker build with the classic builder failed"
    else
      skip docker-buildkit "dockerd did not start"
      skip docker-classic "dockerd did not start"
    fi
  fi

  attempt mount-secret-check check_mount_secret_absent

  local made=()
  for f in "$OUT"/*; do
    case $(basename "$f") in cache | work | secrets.json | driver.txt) ;; *) made+=("$(basename "$f")") ;; esac
  done
  log "made: ${made[*]}"
  if ok buildah-leaky && ok buildah-squashed && ok buildah-multistage && ok clean &&
    ok mount-secret-check; then
    return 0
  fi
  return 1
}

main
rc=$?
if [ $rc -eq 0 ]; then
  touch "$OUT/.done-$HASH"
  log "done in $(elapsed "$T_START") s"
else
  log "FAILED after $(elapsed "$T_START") s"
fi
exit $rc
