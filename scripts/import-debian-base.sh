#!/usr/bin/env bash
# Makes the Debian 12 base that stands in for debian:12-slim where no registry is reachable:
# `debootstrap --variant=minbase bookworm` once (it needs the Debian mirror and ~30 s), trimmed
# the way the slim image is (no docs, man pages, locales, apt lists), saved as a tarball in a
# cache so later runs reuse it. Prints the tarball's path on stdout.
#
# Usage: scripts/import-debian-base.sh            # build or reuse, print the path
#        DEBIAN_MIRROR=http://mirror/debian scripts/import-debian-base.sh
# Env:   STRATA_BASE_CACHE  where the tarball is kept (default ~/.cache/strata-tools/debian-base)
# Needs root (debootstrap). Exit 2 with a message when debootstrap is missing or fails.
set -euo pipefail

MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
CACHE=${STRATA_BASE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/strata-tools/debian-base}
TARBALL=$CACHE/bookworm-minbase-slim.tar

if [ -s "$TARBALL" ]; then
  echo "$TARBALL"
  exit 0
fi
if ! command -v debootstrap >/dev/null 2>&1; then
  echo "import-debian-base: debootstrap is not installed (apt-get install debootstrap)" >&2
  exit 2
fi
mkdir -p "$CACHE"
ROOT=$(mktemp -d "$CACHE/rootfs.XXXXXX")
trap 'rm -rf "$ROOT"' EXIT

echo "import-debian-base: debootstrap --variant=minbase bookworm from $MIRROR" >&2
if ! debootstrap --variant=minbase bookworm "$ROOT" "$MIRROR" >"$CACHE/debootstrap.log" 2>&1; then
  echo "import-debian-base: debootstrap failed; see $CACHE/debootstrap.log" >&2
  tail -n 5 "$CACHE/debootstrap.log" >&2
  exit 2
fi

# Keep future `apt-get install` in derived images as lean as the trimmed base itself.
cat >"$ROOT/etc/dpkg/dpkg.cfg.d/strata-slim" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/lintian/*
EOF
cat >"$ROOT/etc/apt/apt.conf.d/strata-slim" <<'EOF'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
EOF
find "$ROOT/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
find "$ROOT/usr/share/doc" -mindepth 1 -type d -empty -delete
rm -rf "$ROOT"/usr/share/{man,info,locale,lintian}/* "$ROOT"/var/lib/apt/lists/* \
  "$ROOT"/var/cache/apt/*.bin "$ROOT"/var/cache/apt/archives/*.deb "$ROOT"/var/log/*.log \
  "$ROOT"/var/cache/debconf/*-old "$ROOT"/dev/* "$ROOT"/proc/* "$ROOT"/sys/* "$ROOT"/tmp/*

# Sorted names and numeric owners: the same tree gives the same tarball.
tar -C "$ROOT" --sort=name --numeric-owner -cf "$TARBALL.tmp" .
mv "$TARBALL.tmp" "$TARBALL"
echo "import-debian-base: $(du -h "$TARBALL" | cut -f1) in $TARBALL" >&2
echo "$TARBALL"
