#!/usr/bin/env bash
# False positives of strata on real, secret-free content, each scanned as one layer (a directory):
#   debian  a Debian bookworm minbase rootfs (debootstrap)
#   node    the node_modules of a typical Node app (npm install of popular packages)
# Both are built once and cached as tarballs (default ~/.cache/strata-eval); reruns only extract
# and scan. Prints a markdown summary: findings by rule and confidence, and every high-confidence
# finding (rule, path, redacted secret) for a human to judge. Secrets stay redacted.
#
# Usage: tests/eval/real_content_fp.sh [--only debian|node] [--cache DIR] [--strata BIN] [--refresh]
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cache="${STRATA_EVAL_CACHE:-$HOME/.cache/strata-eval}"
strata="${STRATA:-$repo/build/src/app/strata}"
only=""
refresh=0
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
node_packages=(express react react-dom next lodash axios typescript webpack eslint jest
  @aws-sdk/client-s3 firebase stripe openai googleapis mongoose pg redis dotenv jsonwebtoken
  passport aws-sdk@2)

while (($#)); do
  case "$1" in
    --only) only="$2"; shift 2 ;;
    --cache) cache="$2"; shift 2 ;;
    --strata) strata="$2"; shift 2 ;;
    --refresh) refresh=1; shift ;;
    -h | --help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "real_content_fp: unknown argument: $1" >&2; exit 2 ;;
  esac
done
[[ -x "$strata" ]] || { echo "real_content_fp: strata binary not found: $strata" >&2; exit 2; }
mkdir -p "$cache/reports"
work="$(mktemp -d "${TMPDIR:-/tmp}/strata-eval.XXXXXX")"
trap 'rm -rf "$work"' EXIT

log() { echo "real_content_fp: $*" >&2; }

# Functions below run inside `if`, where set -e is off: every step checks its own status.
# Device nodes are left out: an image layer's /dev is empty, and a directory scan must not read
# /dev/zero.
build_debian() {
  local tarball="$cache/debian-bookworm-minbase.tar.gz"
  if [[ -f "$tarball" && $refresh -eq 0 ]]; then echo "$tarball"; return; fi
  if ! command -v debootstrap > /dev/null; then
    log "installing debootstrap"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap; } >&2 || return 1
  fi
  local root="$work/debian-build"
  log "debootstrap --variant=minbase bookworm (about 30 s)"
  debootstrap --variant=minbase bookworm "$root" "$mirror" > "$work/debootstrap.log" 2>&1 ||
    { tail -20 "$work/debootstrap.log" >&2; return 1; }
  tar -C "$root" --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' -czf "$tarball.part" . || return 1
  mv "$tarball.part" "$tarball" || return 1
  rm -rf "$root"
  echo "$tarball"
}

build_node() {
  local tarball="$cache/node-app-node_modules.tar.gz"
  if [[ -f "$tarball" && $refresh -eq 0 ]]; then echo "$tarball"; return; fi
  command -v npm > /dev/null || { log "npm not found (apt-get install npm)"; return 1; }
  local app="$work/node-app"
  mkdir -p "$app" && (cd "$app" && npm init -y > /dev/null) || return 1
  log "npm install ${#node_packages[@]} packages (a few minutes)"
  # --ignore-scripts: the content is what is measured; install scripts may fetch binaries.
  (cd "$app" && npm install --ignore-scripts --no-audit --no-fund --loglevel=error "${node_packages[@]}") >&2 || return 1
  cp "$app/package.json" "$app/package-lock.json" "$cache/" || return 1
  tar -C "$app" -czf "$tarball.part" node_modules package.json package-lock.json || return 1
  mv "$tarball.part" "$tarball" || return 1
  echo "$tarball"
}

scan_one() { # NAME TARBALL
  local name="$1" tarball="$2" dir="$work/$1"
  mkdir -p "$dir"
  tar -C "$dir" -xzf "$tarball"
  local files bytes
  files="$(find "$dir" -type f | wc -l)"
  bytes="$(du -sb "$dir" | cut -f1)"
  local start end rc=0
  start="$(date +%s.%N)"
  "$strata" scan "$dir" --format json -q -o "$cache/reports/$name.json" || rc=$?
  end="$(date +%s.%N)"
  if ((rc > 1)); then log "$name: strata exit $rc (incomplete scan or error)"; fi
  python3 "$here/summarize_findings.py" "$cache/reports/$name.json" --title "$name" --root "$dir" \
    --files "$files" --bytes "$bytes" --seconds "$(echo "$end - $start" | bc)" --exit "$rc"
  rm -rf "$dir"
}

echo "# strata false positives on real content"
echo
echo "- date: $(date -u +%Y-%m-%dT%H:%MZ)"
rules_line="$("$strata" rules list 2>&1 | tail -1)" || true
echo "- rules: ${rules_line:-(strata rules list printed nothing)}"
echo "- raw reports (redacted): $cache/reports/"
echo
status=0
if [[ -z "$only" || "$only" == debian ]]; then
  if tb="$(build_debian)"; then scan_one debian-bookworm-minbase "$tb"; else log "debian: build failed"; status=1; fi
fi
if [[ -z "$only" || "$only" == node ]]; then
  if tb="$(build_node)"; then scan_one node-modules "$tb"; else log "node: build failed"; status=1; fi
fi
exit "$status"
