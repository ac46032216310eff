#!/usr/bin/env bash
# Builds the demo image examples/leaky-app with buildah, offline, and writes it as a
# docker-archive (the `docker save` format) to OUTFILE:
#
#   examples/build-demo.sh out/leaky-app.docker.tar && strata scan out/leaky-app.docker.tar
#
# The secrets it plants (.env with an AWS key pair, a deploy key, an npm token as a build arg,
# a Stripe key in ENV) are generated fakes. Needs root, buildah, openssl and busybox-static's
# .deb (scripts/install-deps.sh installs them). Takes a few seconds.
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 OUTFILE" >&2
  exit 2
fi
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mkdir -p "$(dirname "$1")"
OUTFILE=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
# shellcheck disable=SC2034  # read by lib.sh
SEED=strata-demo-v1
# shellcheck source=../tests/support/real-images/lib.sh
source "$HERE/../tests/support/real-images/lib.sh"

# A private store (podman limits the runroot path length, so keep it short) and a cleanup trap.
W=$(mktemp -d /tmp/strata-demo.XXXXXX)
cleanup() {
  awk -v w="$W" 'index($2, w) == 1 { print $2 }' /proc/mounts | sort -r |
    while read -r m; do umount -l "$m" 2>/dev/null || true; done
  rm -rf "$W"
}
trap cleanup EXIT
driver=overlay
bh() { buildah --root "$W/root" --runroot "$W/run" --storage-driver "$driver" "$@"; }

echo "build-demo: base image (busybox-static)"
mkdir -p "$W/cache"
make_busybox_rootfs "$W" "$W/cache"
if ! buildah_base_image localhost/strata-demo/base:latest "$W/rootfs.tar" bh 2>"$W/err"; then
  echo "build-demo: overlay storage failed ($(tail -n 1 "$W/err")); using vfs"
  rm -rf "$W/root" "$W/run"
  driver=vfs
  buildah_base_image localhost/strata-demo/base:latest "$W/rootfs.tar" bh
fi

echo "build-demo: context with generated fake secrets"
ctx=$W/context
cp -r "$HERE/leaky-app" "$ctx"
sed -i "s|@STRIPE_API_KEY@|$(stripe_live_key demo-stripe)|" "$ctx/Dockerfile"
printf 'DATABASE_URL=postgres://app@db:5432/app\nAWS_ACCESS_KEY_ID=%s\nAWS_SECRET_ACCESS_KEY=%s\n' \
  "$(aws_access_key_id demo-aws-id)" "$(aws_secret_access_key demo-aws-secret)" >"$ctx/.env"
fake_rsa_key >"$ctx/deploy_key"

echo "build-demo: buildah bud ($driver)"
bh bud -q --isolation chroot --pull=never --layers --timestamp 0 --identity-label=false \
  --build-arg NPM_TOKEN="$(checksummed_token demo-npm npm)" \
  -t localhost/strata-demo/leaky-app:1.0 "$ctx" >/dev/null
rm -f "$OUTFILE"
bh push -q localhost/strata-demo/leaky-app:1.0 \
  "docker-archive:$OUTFILE:localhost/strata-demo/leaky-app:1.0"
echo "build-demo: wrote $OUTFILE ($(du -h "$OUTFILE" | cut -f1)); scan it with: strata scan $OUTFILE"
