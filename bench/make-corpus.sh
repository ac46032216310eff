#!/usr/bin/env bash
# Builds the image corpus for bench/image-bench.sh from real content: a Debian bookworm minbase
# rootfs (debootstrap) and the node_modules of a real `npm install` of popular packages, both
# cached by tests/eval/real_content_fp.sh (built there on first use), plus planted fake secrets.
# Nothing lands in git; the corpus goes to $STRATA_BENCH_DIR (default ~/.cache/strata-bench).
#
#   bench/make-corpus.sh            two-layer and single-layer images, gzip / zstd / none
#   bench/make-corpus.sh --big      also: a ~2 GiB image and an image holding one 1 GiB file
#   bench/make-corpus.sh --small    also: twelve small images on one shared base layer
#
# Images (OCI layouts, scan with `strata scan oci:DIR`):
#   two-{gzip,zstd,none}     layer 1 Debian minbase, layer 2 node_modules under /app (+ secrets)
#   single-{gzip,zstd,none}  the same content as one layer
#   big-gzip                 Debian + two node_modules layers (~2.2 GiB uncompressed), --big
#   bigfile-gzip             one layer with one 1 GiB text file, --big
#   small-gzip-0 … -11       layer 1 Debian minbase (one blob for all twelve), layer 2 eight
#                            packages of the node_modules (0.3-200 MB), --small (sweep-bench.py)
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
eval_cache="${STRATA_EVAL_CACHE:-$HOME/.cache/strata-eval}"
out="${STRATA_BENCH_DIR:-$HOME/.cache/strata-bench}"
big=0
small=0
[[ "${1:-}" == "--big" ]] && big=1
[[ "${1:-}" == "--small" ]] && small=1

debian="$eval_cache/debian-bookworm-minbase.tar.gz"
node="$eval_cache/node-app-node_modules.tar.gz"
if [[ ! -f "$debian" || ! -f "$node" ]]; then
  echo "make-corpus: building the real-content cache with tests/eval/real_content_fp.sh" >&2
  strata="${STRATA:-$repo/build/src/app/strata}"
  "$repo/tests/eval/real_content_fp.sh" --strata "$strata" > /dev/null
fi

mkdir -p "$out/layers"
if [[ ! -f "$out/layers/single.tar" ]]; then
  echo "make-corpus: layer tars" >&2
  python3 "$here/make_oci.py" layers "$out" "$debian" "$node"
fi
L="$out/layers"
for c in gzip zstd none; do
  [[ -f "$out/two-$c/index.json" ]] ||
    { echo "make-corpus: two-$c" >&2; python3 "$here/make_oci.py" image "$out" "two-$c" "$c" "$L/debian.tar" "$L/node.tar"; }
  [[ -f "$out/single-$c/index.json" ]] ||
    { echo "make-corpus: single-$c" >&2; python3 "$here/make_oci.py" image "$out" "single-$c" "$c" "$L/single.tar"; }
done

if ((big)); then
  if [[ ! -f "$out/big-gzip/index.json" ]]; then
    echo "make-corpus: big-gzip" >&2
    # Two copies of the node layer under different roots: distinct blobs, real content.
    for i in 2; do
      [[ -f "$L/node$i.tar" ]] ||
        python3 - "$L/node.tar" "$L/node$i.tar" "app$i/" <<'PY'
import sys, tarfile
with tarfile.open(sys.argv[1]) as src, tarfile.open(sys.argv[2], "w", format=tarfile.PAX_FORMAT) as out:
    for m in src:
        m.name = sys.argv[3] + m.name[len("app/"):] if m.name.startswith("app/") else m.name
        out.addfile(m, src.extractfile(m) if m.isfile() else None)
PY
    done
    python3 "$here/make_oci.py" image "$out" big-gzip gzip "$L/debian.tar" "$L/node.tar" "$L/node2.tar"
  fi
  if [[ ! -f "$out/bigfile-gzip/index.json" ]]; then
    echo "make-corpus: bigfile-gzip" >&2
    [[ -f "$L/bigfile.tar" ]] || python3 "$here/make_oci.py" bigfile "$L/bigfile.tar" $((1 << 30))
    python3 "$here/make_oci.py" image "$out" bigfile-gzip gzip "$L/bigfile.tar"
  fi
fi
if ((small)) && [[ ! -f "$out/small-gzip-11/index.json" ]]; then
  echo "make-corpus: small-gzip-0 … small-gzip-11" >&2
  python3 - "$L/node.tar" "$L" <<'PY'
import sys, tarfile
# Image k takes eight of the node_modules' packages (sorted by name, a stride apart), so the
# images differ in size the way real application layers do.
with tarfile.open(sys.argv[1]) as src:
    members = src.getmembers()
    packages = sorted({m.name.split("/")[2] for m in members
                       if m.name.startswith("app/node_modules/") and m.name.count("/") >= 2})
    for k in range(12):
        chosen = {packages[(k * 8 + j * 37) % len(packages)] for j in range(8)}
        with tarfile.open(f"{sys.argv[2]}/small{k}.tar", "w", format=tarfile.PAX_FORMAT) as out:
            for m in members:
                parts = m.name.split("/")
                if len(parts) > 2 and parts[1] == "node_modules" and parts[2] in chosen:
                    out.addfile(m, src.extractfile(m) if m.isfile() else None)
PY
  for k in $(seq 0 11); do
    python3 "$here/make_oci.py" image "$out" "small-gzip-$k" gzip "$L/debian.tar" "$L/small$k.tar"
  done
fi
du -sh "$out"/*/ 2>/dev/null | sed "s|$out/||" >&2
