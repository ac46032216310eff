#!/usr/bin/env python3
"""End-to-end bench of one image (an OCI layout); see bench/README.md. Called by image-bench.sh.

Every run measures, back to back on the same blobs (page cache warm):
  strata          `strata scan oci:DIR -f json` with the default --jobs (all cores)
  strata -j1      the same with --jobs 1 (one thread, no pipelining); its JSON must be identical
  libarchive      one-thread libarchive walk (zlib/zstd inside libarchive), data discarded
  strata decode   one-thread strata walk_layer (ISA-L gzip), data discarded
  la walk+scan    one-thread libarchive walk + FileScanner with the same rules
and, on the first run only (it is slow), `tar -xf` of every layer to the local disk then
`rg -uuu -f PATTERNS` with the rule patterns ripgrep accepts. Start-up is measured apart: a scan
of a one-file directory with an empty Hyperscan cache (cold) and again with it filled (warm).
Rates are MB/s (10^6 bytes) of uncompressed layer (tar) bytes over wall time; ratios are taken
within each run and the median over runs is printed.
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import yaml


def layers_of(layout):
    index = json.load(open(os.path.join(layout, "index.json")))
    out = []
    for m in index["manifests"]:
        manifest = json.load(open(blob_path(layout, m["digest"])))
        for layer in manifest["layers"]:
            out.append((blob_path(layout, layer["digest"]), layer["mediaType"]))
    return out


def blob_path(layout, digest):
    algo, hexd = digest.split(":", 1)
    return os.path.join(layout, "blobs", algo, hexd)


def timed(cmd, env=None, stdout=subprocess.DEVNULL):
    """Runs cmd under /usr/bin/time -v; returns (wall seconds, peak RSS KiB, exit code, CPU
    seconds: user + system, every thread)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        started = time.monotonic()
        rc = subprocess.run(["/usr/bin/time", "-v", "-o", tf.name] + cmd, env=env, stdout=stdout,
                            stderr=subprocess.DEVNULL).returncode
        wall = time.monotonic() - started
        text = tf.read()
        rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1))
        cpu = sum(float(re.search(rf"{kind} time \(seconds\): ([0-9.]+)", text).group(1))
                  for kind in ("User", "System"))
    return wall, rss, rc, cpu


def floor(tool, mode, blobs, rules=None):
    cmd = [tool, mode] + ([rules] if rules else []) + blobs
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def rg_patterns(patterns_dir, path):
    """Writes the rule patterns ripgrep accepts to `path`; returns (accepted, total)."""
    accepted, total = [], 0
    for name in sorted(os.listdir(patterns_dir)):
        if not name.endswith((".yml", ".yaml")):
            continue
        for rule in (yaml.safe_load(open(os.path.join(patterns_dir, name))) or {}).get("rules", []):
            total += 1
            pattern = ("(?i)" if rule.get("case_insensitive") else "") + rule["pattern"]
            # One alternation for all patterns: the capture names would clash, drop them.
            pattern = re.sub(r"\(\?P<[^>]+>", "(", pattern)
            if "\n" in pattern:
                continue
            r = subprocess.run(["rg", "-q", "-e", pattern, "/dev/null"], capture_output=True)
            if r.returncode == 1:  # 1: no match, the pattern compiled; 2: rejected
                accepted.append(pattern)
    with open(path, "w") as f:
        f.write("\n".join(accepted) + "\n")
    return len(accepted), total


def tar_rg(blobs, media, pattern_file, workdir, timeout):
    """Seconds for tar -x to disk && rg: (extract, total); total is None past `timeout`."""
    dest = tempfile.mkdtemp(prefix="strata-bench-rg.", dir=workdir)
    try:
        started = time.monotonic()
        for blob, mt in zip(blobs, media):
            flag = "-xzf" if mt.endswith("gzip") else "--zstd -xf" if mt.endswith("zstd") else "-xf"
            subprocess.run(f"tar -C '{dest}' {flag} '{blob}'", shell=True, check=True,
                           stderr=subprocess.DEVNULL)
        extracted = time.monotonic() - started
        # All patterns in one alternation exceed rg's default regex size limit (100 MB).
        rg = ["rg", "-uuu", "-c", "--regex-size-limit", "2G", "--dfa-size-limit", "2G"]
        try:
            rc = subprocess.run(rg + ["-f", pattern_file, dest], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, timeout=timeout).returncode
        except subprocess.TimeoutExpired:
            return extracted, None
        if rc not in (0, 1):
            sys.exit("rg failed on the combined patterns")
        return extracted, time.monotonic() - started
    finally:
        shutil.rmtree(dest, ignore_errors=True)


def startup(strata, runs, patterns):
    """Median wall seconds of a scan of a one-file directory: (cold cache, warm cache)."""
    cold, warm = [], []
    with tempfile.TemporaryDirectory(prefix="strata-bench-start.") as tmp:
        target = os.path.join(tmp, "dir")
        os.makedirs(target)
        open(os.path.join(target, "a.txt"), "w").write("hello\n")
        for i in range(runs):
            env = dict(os.environ, STRATA_CACHE_DIR=os.path.join(tmp, f"cache{i}"),
                       STRATA_PATTERNS_DIR=os.path.abspath(patterns))
            cold.append(timed([strata, "scan", target, "-q"], env=env)[0])
            warm.append(timed([strata, "scan", target, "-q"], env=env)[0])
    return statistics.median(cold), statistics.median(warm)


def without_seconds(path):
    return re.sub(rb'"seconds": *[0-9.eE+-]+', b'"seconds": 0', open(path, "rb").read())


def main():
    p = argparse.ArgumentParser()
    p.add_argument("image")
    p.add_argument("--strata", required=True)
    p.add_argument("--floor", required=True)
    p.add_argument("--patterns", required=True)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--no-rg", action="store_true")
    p.add_argument("--rg-dir", default="/var/tmp", help="local-disk directory to extract into")
    p.add_argument("--rg-timeout", type=float, default=300, help="seconds before rg is stopped")
    a = p.parse_args()

    layers = layers_of(a.image)
    blobs, media = [b for b, _ in layers], [m for _, m in layers]
    compressed = sum(os.path.getsize(b) for b in blobs)
    for b in blobs:  # page cache warm, so every measure reads from memory
        subprocess.run(f"cat '{b}' > /dev/null", shell=True, check=True)
    work = tempfile.mkdtemp(prefix="strata-bench.")
    patterns = os.path.join(work, "patterns.rg")
    rg_ok = not a.no_rg and shutil.which("rg")
    if rg_ok:
        accepted, total = rg_patterns(a.patterns, patterns)
    load_before = os.getloadavg()[0]
    rules = sum(len((yaml.safe_load(open(os.path.join(a.patterns, n))) or {}).get("rules", []))
                for n in os.listdir(a.patterns) if n.endswith((".yml", ".yaml")))

    strata_cmd = [a.strata, "scan", "oci:" + a.image, "--format", "json"]
    # strata loads the same rules as the floors and rg.
    strata_env = dict(os.environ, STRATA_PATTERNS_DIR=os.path.abspath(a.patterns))
    runs = []
    identical = True
    for run in range(a.runs):
        r = {}
        out1, outn = os.path.join(work, "j1.json"), os.path.join(work, "jn.json")
        r["strata"], r["rss"], rc, r["cpu"] = timed(strata_cmd + ["-o", outn], env=strata_env)
        if rc not in (0, 1):
            sys.exit(f"strata failed (exit {rc})")
        r["strata_j1"], r["rss_j1"], _, _ = timed(strata_cmd + ["--jobs", "1", "-o", out1],
                                                  env=strata_env)
        identical &= without_seconds(out1) == without_seconds(outn)
        la = floor(a.floor, "libarchive", blobs)
        sd = floor(a.floor, "strata", blobs)
        ls = floor(a.floor, "libarchive-scan", blobs, a.patterns)
        r["libarchive"], r["strata_decode"], r["la_scan"] = la["seconds"], sd["seconds"], ls["seconds"]
        r["tar_bytes"], r["files"], r["file_bytes"] = sd["tar_bytes"], sd["files"], sd["file_bytes"]
        runs.append(r)
        print(f"run {run + 1}/{a.runs}: strata {r['strata']:.2f}s, -j1 {r['strata_j1']:.2f}s, "
              f"libarchive {r['libarchive']:.2f}s", file=sys.stderr)
    report = json.load(open(os.path.join(work, "jn.json")))
    if rg_ok:  # once, after the strata runs: it is slow
        extracted, rg_total = tar_rg(blobs, media, patterns, a.rg_dir, a.rg_timeout)
    cold, warm = startup(a.strata, a.runs, a.patterns)
    shutil.rmtree(work, ignore_errors=True)

    tar_bytes = runs[0]["tar_bytes"]
    med = lambda key: statistics.median(r[key] for r in runs if key in r)
    rate = lambda key: tar_bytes / med(key) / 1e6
    ratio = lambda key, base: statistics.median(r[base] / r[key] for r in runs if key in r)

    kinds = sorted({m.rsplit("+", 1)[-1] if "+" in m else "none" for m in media})
    print(f"\nimage {os.path.basename(a.image.rstrip('/'))}: {len(blobs)} layer(s), "
          f"{'/'.join(kinds)}, {compressed / 1e6:.0f} MB compressed, {tar_bytes / 1e6:.0f} MB "
          f"uncompressed, {runs[0]['files']} files ({runs[0]['file_bytes'] / 1e6:.0f} MB); "
          f"{os.cpu_count()} cores, load {load_before:.1f} at start, {os.getloadavg()[0]:.1f} "
          f"at end; median of {a.runs} runs")
    print(f"findings {len(report.get('findings', []))}, errors {len(report.get('errors', []))}, "
          f"JSON --jobs 1 vs default: {'identical' if identical else 'DIFFERENT'}\n")
    print(f"| {'measure':<44} | {'MB/s':>7} | {'x libarchive floor':>18} |")
    print(f"|{'-' * 46}|{'-' * 9}|{'-' * 20}|")
    rows = [("strata scan, default --jobs", "strata"),
            ("strata scan, --jobs 1", "strata_j1"),
            ("libarchive+zlib/zstd walk, 1 thread (floor)", "libarchive"),
            ("strata decoder walk, 1 thread (floor)", "strata_decode"),
            ("libarchive walk + scan, 1 thread", "la_scan")]
    for label, key in rows:
        print(f"| {label:<44} | {rate(key):>7.0f} | {ratio(key, 'libarchive'):>18.2f} |")
    print()
    print(f"strata default vs libarchive walk+scan (1 thread): {ratio('strata', 'la_scan'):.2f}x")
    # The CPU work, spread evenly over every core, bounds the wall time from below: how close
    # the default run comes to that is how well it keeps the cores busy.
    cores = os.cpu_count()
    print(f"strata default CPU time (user+sys): {med('cpu'):.2f} s over {med('strata'):.2f} s wall, "
          f"{med('cpu') / med('strata'):.2f} of {cores} cores busy on average; that work alone caps "
          f"the rate at {tar_bytes / (med('cpu') / cores) / 1e6:.0f} MB/s "
          f"({statistics.median(r['libarchive'] * cores / r['cpu'] for r in runs):.2f}x the floor)")
    # The host is shared: in a contended period runs of the same command spread and two-thread
    # runs lose more than one-thread ones, so the spread tells how far to trust the set.
    spread = lambda key: f"{min(r[key] for r in runs):.2f}-{max(r[key] for r in runs):.2f} s"
    print(f"run spread: strata {spread('strata')}, floor {spread('libarchive')}")
    if rg_ok:
        line = f"tar -x to disk {extracted:.1f} s ({tar_bytes / extracted / 1e6:.0f} MB/s), then rg -f " \
               f"with {accepted} of {total} rule patterns: "
        if total_s := rg_total:
            line += f"{total_s:.1f} s in all ({tar_bytes / total_s / 1e6:.1f} MB/s); " \
                    f"strata is {total_s / med('strata'):.0f}x faster"
        else:
            line += f"stopped after {a.rg_timeout:.0f} s (< {tar_bytes / (extracted + a.rg_timeout) / 1e6:.1f} " \
                    f"MB/s); strata is > {(extracted + a.rg_timeout) / med('strata'):.0f}x faster"
        print(line)
    print(f"peak RSS: default {med('rss') / 1024:.0f} MiB, --jobs 1 {med('rss_j1') / 1024:.0f} MiB")
    print(f"start-up ({rules} rules): cold {cold:.2f} s, warm {warm:.2f} s, warm/cold {warm / cold:.2f}")
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
