# shellcheck shell=bash
# Shared by tests/support/build-real-images.sh and examples/build-demo.sh (sourced, bash):
# fake secret generation and the busybox-static base root filesystem.

# ---- fake secrets ---------------------------------------------------------------------------
# Characters come from a sha256 chain over "$SEED:NAME:i", so the same seed gives the same values
# and no complete token ever appears in a script's text.
SEED=${SEED:-strata-fake-secrets-v1}
B62=0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz

gen_chars() {  # NAME COUNT ALPHABET
  local name=$1 n=$2 alpha=$3 out="" i=0 j hex b limit
  limit=$((256 - 256 % ${#alpha}))  # reject bytes that would bias the alphabet
  while [ ${#out} -lt "$n" ]; do
    hex=$(printf '%s' "$SEED:$name:$i" | sha256sum | cut -c1-64)
    for ((j = 0; j < 64 && ${#out} < n; j += 2)); do
      b=$((16#${hex:j:2}))
      if [ $b -lt $limit ]; then out+=${alpha:b % ${#alpha}:1}; fi
    done
    i=$((i + 1))
  done
  printf '%s' "$out"
}

crc32() {  # gzip's trailer holds the CRC-32 of its input, little-endian
  printf '%s' "$1" | gzip -c | tail -c 8 | head -c 4 | od -An -tu4 | tr -d ' \n'
}

base62() {
  local n=$1 s=""
  while [ "$n" -gt 0 ]; do
    s=${B62:n % 62:1}$s
    n=$((n / 62))
  done
  printf '%s' "${s:-0}"
}

# GitHub / npm style: PREFIX_ + 30 random base62 + the 6-char base62 CRC-32 of the random part.
# Only values whose checksum needs no padding are taken, so either padding convention agrees.
checksummed_token() {  # NAME PREFIX
  local name=$1 prefix=$2 i=0 body crc
  while :; do
    body=$(gen_chars "$name.$i" 30 "$B62")
    crc=$(crc32 "$body")
    if [ "$crc" -ge 916132832 ]; then  # 62^5: exactly six base62 digits
      printf '%s_%s%s' "$prefix" "$body" "$(base62 "$crc")"
      return 0
    fi
    i=$((i + 1))
  done
}

stripe_live_key() { printf 'sk_live_%s' "$(gen_chars "$1" 24 "$B62")"; }
aws_access_key_id() { printf 'AKIA%s' "$(gen_chars "$1" 16 ABCDEFGHIJKLMNOPQRSTUVWXYZ234567)"; }
aws_secret_access_key() { gen_chars "$1" 40 "$B62"; }

# A fresh RSA key in the traditional "RSA PRIVATE KEY" PEM form, on stdout.
fake_rsa_key() {
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 2>/dev/null |
    openssl pkey -traditional
}

# ---- base root filesystem -------------------------------------------------------------------
# make_busybox_rootfs WORKDIR CACHEDIR: writes WORKDIR/rootfs.tar (busybox-static, ~2 MB,
# deterministic). The .deb comes from CACHEDIR, apt's cache, or `apt-get download` (cached in
# CACHEDIR); failing those, a static /bin/busybox.
make_busybox_rootfs() {
  local work=$1 cache=$2 deb R=$1/rootfs a
  deb=$(ls "$cache"/busybox-static_*.deb /var/cache/apt/archives/busybox-static_*.deb \
    2>/dev/null | head -n 1 || true)
  if [ -z "$deb" ]; then
    (cd "$cache" && apt-get download busybox-static) >&2 || true
    deb=$(ls "$cache"/busybox-static_*.deb 2>/dev/null | head -n 1 || true)
  fi
  mkdir -p "$R"/{bin,etc,tmp,root,app,dev,proc,sys,run}
  if [ -n "$deb" ]; then
    [ "$(dirname "$deb")" = "$cache" ] || cp "$deb" "$cache/"
    dpkg -x "$deb" "$work/bbx" || return 1
    cp "$work/bbx/bin/busybox" "$R/bin/busybox" || return 1
  elif [ -x /bin/busybox ] && file -L /bin/busybox | grep -q 'statically linked'; then
    cp /bin/busybox "$R/bin/busybox" || return 1
  else
    echo "no busybox-static .deb and no static /bin/busybox" >&2
    return 1
  fi
  for a in $("$R/bin/busybox" --list); do
    if [ "$a" != busybox ]; then ln -sf busybox "$R/bin/$a"; fi
  done
  chmod 1777 "$R/tmp"
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' \
    >"$R/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$R/etc/group"
  tar -C "$R" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf "$work/rootfs.tar" .
}

# buildah_base_image BUILDAH_CMD... REF ROOTFS_TAR: a one-layer image of the rootfs.
# (Call as: buildah_base_image "$REF" "$TAR" buildah --root … --storage-driver …)
buildah_base_image() {
  local ref=$1 tar=$2 ctr
  shift 2
  ctr=$("$@" from scratch) || return 1
  "$@" add "$ctr" "$tar" / >/dev/null &&
    "$@" config --env PATH=/bin --cmd '["/bin/sh"]' --created-by "busybox-static rootfs" "$ctr" &&
    "$@" commit -q --timestamp 0 --identity-label=false "$ctr" "$ref" >/dev/null &&
    "$@" rm "$ctr" >/dev/null
}
