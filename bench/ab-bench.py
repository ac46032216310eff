#!/usr/bin/env python3
"""Before/after: two strata binaries on one OCI image, interleaved, each against the same round's
one-thread libarchive+zlib floor (as image_bench.py measures it), so a change is judged by ratios
taken in the same run rather than by single timings on a shared host.

    bench/ab-bench.py --before OLD/strata --after build/src/app/strata IMAGE [--rounds 15]
        [--floor build/bench/strata_layer_floor] [--patterns patterns] [-- SCAN ARGS…]

Each round runs: one binary, the floor, the other binary (the order alternates every round), and
checks the two JSON reports are identical once their timing fields are zeroed (exit 1 if not).
Prints every round, then medians with their range and the per-round after/before ratios.
Both binaries read the same rule files (--patterns), so only the code differs; or, to weigh a
rule change, one binary twice with two rule directories:

    bench/ab-bench.py --before B --after B --before-patterns OLD/patterns --after-patterns patterns IMAGE

(the reports then differ by the new rules' findings, so they are not compared).
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

from oci_layout import layer_blobs

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def timed(cmd, env):
    """Wall seconds, CPU seconds, peak RSS in MiB and exit code of one command."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as t:
        start = time.monotonic()
        rc = subprocess.run(["/usr/bin/time", "-v", "-o", t.name] + cmd, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
        wall = time.monotonic() - start
        text = t.read()
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1)) / 1024
    cpu = sum(float(re.search(rf"{k} time \(seconds\): ([0-9.]+)", text).group(1))
              for k in ("User", "System"))
    return dict(wall=wall, cpu=cpu, rss=rss, rc=rc)


def without_timings(path):
    return re.sub(rb'"seconds": *[0-9.eE+-]+', b'"seconds": 0', open(path, "rb").read())


def spread(values, fmt):
    return f"{fmt.format(statistics.median(values))} ({fmt.format(min(values))}-" \
           f"{fmt.format(max(values))})"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--before", required=True)
    p.add_argument("--after", required=True)
    p.add_argument("--floor", default=os.path.join(REPO, "build/bench/strata_layer_floor"))
    p.add_argument("--patterns", default=os.path.join(REPO, "patterns"))
    p.add_argument("--before-patterns", help="rules of the before run (default: --patterns)")
    p.add_argument("--after-patterns", help="rules of the after run (default: --patterns)")
    p.add_argument("--rounds", type=int, default=15)
    p.add_argument("image")
    p.add_argument("scan_args", nargs="*")
    a = p.parse_args()
    blobs = layer_blobs(a.image)
    for b in blobs:  # every measure reads from the page cache
        subprocess.run(["cat", b], stdout=subprocess.DEVNULL, check=True)
    envs = {which: dict(os.environ, STRATA_PATTERNS_DIR=patterns or a.patterns)
            for which, patterns in (("before", a.before_patterns), ("after", a.after_patterns))}
    same_rules = envs["before"]["STRATA_PATTERNS_DIR"] == envs["after"]["STRATA_PATTERNS_DIR"]
    binaries = {"before": a.before, "after": a.after}
    out = tempfile.mkdtemp(prefix="ab-bench-")

    def scan(which, report):
        return timed([binaries[which], "scan", "oci:" + a.image, "--format", "json", "-o", report,
                      "--no-progress"] + a.scan_args, envs[which])

    for which in binaries:  # fill each build's rule and database caches, not counted
        scan(which, os.devnull)
    runs = {"before": [], "after": []}
    loads, identical = [], 0
    for i in range(a.rounds):
        order = ("before", "after") if i % 2 == 0 else ("after", "before")
        loads.append(os.getloadavg()[0])
        first = scan(order[0], f"{out}/{order[0]}.json")
        floor = json.loads(subprocess.run([a.floor, "libarchive"] + blobs, check=True,
                                          capture_output=True, text=True).stdout)["seconds"]
        second = scan(order[1], f"{out}/{order[1]}.json")
        for which, run in zip(order, (first, second)):
            runs[which].append(dict(run, floor=floor, ratio=floor / run["wall"]))
        same = not same_rules or (without_timings(f"{out}/before.json") ==
                                  without_timings(f"{out}/after.json"))
        identical += same
        b, f = runs["before"][-1], runs["after"][-1]
        print(f"round {i + 1}: load {loads[-1]:.2f}, floor {floor:.2f} s; before {b['wall']:.2f} s "
              f"x{b['ratio']:.3f}; after {f['wall']:.2f} s x{f['ratio']:.3f}; "
              f"reports {'identical' if same else 'DIFFER'}", flush=True)
    print(f"\n{os.path.basename(a.image.rstrip('/'))}: {a.rounds} rounds, "
          f"load {min(loads):.2f}-{max(loads):.2f}")
    print("| binary | wall s | CPU s | peak RSS MiB | x libarchive floor |")
    print("|---|---|---|---|---|")
    for which in binaries:
        r = runs[which]
        print(f"| {which} | {spread([x['wall'] for x in r], '{:.2f}')} | "
              f"{spread([x['cpu'] for x in r], '{:.2f}')} | "
              f"{spread([x['rss'] for x in r], '{:.0f}')} | "
              f"{spread([x['ratio'] for x in r], '{:.3f}')} |")
    for key in ("ratio", "cpu"):
        per_round = [f[key] / b[key] for f, b in zip(runs["after"], runs["before"])]
        print(f"after/before {'x floor' if key == 'ratio' else 'CPU'} per round: "
              f"{spread(per_round, '{:.3f}')}")
    if same_rules:
        print(f"reports identical (timings zeroed) in {identical}/{a.rounds} rounds")
    return 0 if identical == a.rounds else 1


if __name__ == "__main__":
    sys.exit(main())
