#!/usr/bin/env python3
"""Directory scans on every core: `strata scan DIR` with the default --jobs against --jobs 1.
Also for any other scan target given with --tree: a one-layer image (say the corpus's
single-none or single-zstd) measures how one layer's files spread over the cores.

    python3 bench/dir-bench.py [--strata BIN] [--rounds N] [--tree DIR ...]

Trees: the bench corpus's layers (make-corpus.sh) unpacked once into ~/.cache/strata-bench/dir
(debian + node, 1.3 GB, 64k files), and the machine's own /usr; or the --tree directories given.
Each round scans every tree once with --jobs 1 and once with the default (the cores), in
alternating order, after one warm-up scan of each (warm page cache). Wall time and peak RSS come
from os.wait4. Prints each round, then per tree the median speed-up (jobs 1 / default) with its
min-max and the medians of wall time and peak RSS of both. Findings are compared: the JSON
reports of the two must be the same but for the timing field.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time

CORPUS = os.path.expanduser("~/.cache/strata-bench")


def unpacked_corpus():
    root = os.path.join(CORPUS, "dir")
    done = os.path.join(root, ".complete")
    if os.path.exists(done):
        return root
    layers = [os.path.join(CORPUS, "layers", n) for n in ("debian.tar", "node.tar")]
    for layer in layers:
        if not os.path.exists(layer):
            sys.exit(f"dir-bench: {layer} is missing: run bench/make-corpus.sh first")
    os.makedirs(root, exist_ok=True)
    for layer in layers:
        dest = os.path.join(root, os.path.basename(layer)[: -len(".tar")])
        with tarfile.open(layer) as tar:
            # Device nodes and the like are left out: a directory scan reads regular files.
            members = [m for m in tar.getmembers() if m.isfile() or m.isdir() or m.issym()]
            tar.extractall(dest, members=members, filter="tar")
    open(done, "w").close()
    return root


def run_scan(strata, tree, jobs, out_path):
    argv = [strata, "scan", tree, "--format", "json", "-q", "--output", out_path]
    if jobs:
        argv += ["--jobs", jobs]
    start = time.monotonic()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    code = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace")
    if code not in (0, 1):
        sys.exit(f"dir-bench: {' '.join(argv)} exited {code}: {err[-500:]}")
    return wall, usage.ru_maxrss / 1024  # KiB -> MiB


def without_seconds(path):
    with open(path) as f:
        return re.sub(r'"seconds": *[0-9.eE+-]+', '"seconds": 0', f.read())


def bench_tree(strata, tree, rounds, workdir):
    one_out, many_out = os.path.join(workdir, "one.json"), os.path.join(workdir, "many.json")
    run_scan(strata, tree, "1", one_out)  # warm-up: page cache and rule cache
    run_scan(strata, tree, "", many_out)
    if without_seconds(one_out) != without_seconds(many_out):
        sys.exit(f"dir-bench: {tree}: the reports of --jobs 1 and the default differ")
    rows = []
    for r in range(rounds):
        order = ["1", ""] if r % 2 == 0 else ["", "1"]
        got = {}
        for jobs in order:
            got[jobs] = run_scan(strata, tree, jobs, many_out)
        (w1, m1), (wn, mn) = got["1"], got[""]
        rows.append((w1, wn, m1, mn))
        print(f"  {tree} round {r + 1}: jobs1 {w1:.2f}s {m1:.0f} MiB, default {wn:.2f}s "
              f"{mn:.0f} MiB, speed-up {w1 / wn:.2f}x  load {os.getloadavg()[0]:.2f}")
    return rows


def summary(tree, rows):
    ratios = [w1 / wn for w1, wn, _, _ in rows]
    med = statistics.median
    print(f"{tree}: speed-up median {med(ratios):.2f}x (min {min(ratios):.2f}, max "
          f"{max(ratios):.2f}, {len(rows)} rounds); wall jobs1 {med([r[0] for r in rows]):.2f}s, "
          f"default {med([r[1] for r in rows]):.2f}s; peak RSS jobs1 "
          f"{med([r[2] for r in rows]):.0f} MiB, default {med([r[3] for r in rows]):.0f} MiB "
          f"(max {max(r[3] for r in rows):.0f})")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--strata", default="build-bench/src/app/strata")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--tree", action="append", help="directories (or images) to scan (default: corpus, /usr)")
    args = ap.parse_args()
    trees = args.tree or [unpacked_corpus(), "/usr"]
    print(f"cores {os.cpu_count()}, load {os.getloadavg()}, strata {args.strata}")
    results = {}
    with tempfile.TemporaryDirectory() as workdir:
        for tree in trees:
            results[tree] = bench_tree(args.strata, tree, args.rounds, workdir)
    for tree, rows in results.items():
        summary(tree, rows)


if __name__ == "__main__":
    main()
