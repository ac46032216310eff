#!/usr/bin/env python3
"""Sweep bench (issue 22, item 8): sweeping a loopback registry whose images share their layers,
against scanning the same unique layers once from files; see bench/README.md, "Sweeps".

    bench/sweep-bench.py LAYOUT [LAYOUT…] [--copies 3] [--rounds 5]
        [--strata build/src/app/strata]

Starts Debian's docker-registry on a free 127.0.0.1 port and pushes every OCI layout (the bench
corpus: ~/.cache/strata-bench/two-gzip, single-zstd, …) under --copies repositories each
(bench/copyK:N), so each layer is listed by several images. The baseline is `strata scan` of one
OCI layout holding every image once (skopeo copies them into it with their digests): each unique
layer scanned once, from files. Each round runs, in alternating order, that scan and a sweep of
the registry into a fresh SQLite store (fresh store key: nothing cached), then a second sweep of
the unchanged registry into the same store, then a sweep of one copy's references only
(--images-from, a fresh store): the same images, a registry --copies times smaller. Prints each
round, the median sweep/scan wall ratio with its min-max, the median second-sweep time, the peak
RSS of each, the load average, and PASS/FAIL for: ratio <= 1.1, and the whole registry's peak
RSS <= 1.2x the small one's (it must not grow with the registry's size). Exits 1 when a check
fails, 2 when the bench cannot run.
"""
import argparse
import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
MAX_RATIO = 1.1
MAX_RSS_GROWTH = 1.2  # peak RSS noise between runs of one sweep is within ~10%

spec = importlib.util.spec_from_file_location("registry_bench",
                                              os.path.join(HERE, "registry-bench.py"))
registry_bench = importlib.util.module_from_spec(spec)
sys.path.insert(0, HERE)
spec.loader.exec_module(registry_bench)
Registry, BenchError, run_scan = (registry_bench.Registry, registry_bench.BenchError,
                                  registry_bench.run_scan)


def copy_into_one_layout(layouts, target):
    """Every layout's image into one OCI layout (tags img0, img1, …), digests kept."""
    for i, layout in enumerate(layouts):
        src = f"oci:{layout}:{registry_bench.layout_tag(layout)}"
        r = subprocess.run(["skopeo", "copy", "-q", "--preserve-digests", src,
                            f"oci:{target}:img{i}"], capture_output=True, text=True)
        if r.returncode != 0:
            raise BenchError(f"skopeo copy {src} failed:\n{r.stderr}")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("layouts", nargs="+")
    p.add_argument("--copies", type=int, default=3)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--strata", default=os.path.join(REPO, "build/src/app/strata"))
    a = p.parse_args()
    work = tempfile.mkdtemp(prefix="strata-sweep-bench-")
    registry = Registry(work)
    try:
        registry.start()
        for copy in range(a.copies):
            for i, layout in enumerate(a.layouts):
                registry_bench.push(layout, f"{registry.host()}/bench/copy{copy}:{i}")
        combined = os.path.join(work, "all")
        copy_into_one_layout(a.layouts, combined)
        tmp = os.path.join(work, "tmp")
        os.makedirs(tmp)
        base_env = dict(os.environ, TMPDIR=tmp)
        scan = [a.strata, "scan", "oci:" + combined, "-q", "-f", "json", "-o", "/dev/null"]
        run_scan(scan, base_env, tmp)  # warm the page cache and the rule cache
        one_copy = os.path.join(work, "one-copy.txt")
        with open(one_copy, "w") as f:
            for i in range(len(a.layouts)):
                f.write(f"{registry.host()}/bench/copy0:{i}\n")
        rows = []
        for r in range(a.rounds):
            db = os.path.join(work, f"sweep{r}.db")
            env = dict(base_env, STRATA_STORE_KEY=os.urandom(32).hex())
            sweep = [a.strata, "sweep", registry.host(), "--db", db, "-q"]
            runs = {}
            order = ["scan", "sweep"] if r % 2 == 0 else ["sweep", "scan"]
            for what in order:
                runs[what] = run_scan(scan if what == "scan" else sweep, env, tmp)
            runs["again"] = run_scan(sweep, env, tmp)
            runs["small"] = run_scan([a.strata, "sweep", "--images-from", one_copy, "--db",
                                      os.path.join(work, f"small{r}.db"), "-q"], env, tmp)
            for what, run in runs.items():
                if run["rc"] not in (0, 1):
                    raise BenchError(f"{what} exited {run['rc']}:\n{run['stderr']}")
            ratio = runs["sweep"]["wall"] / runs["scan"]["wall"]
            rows.append((ratio, runs))
            print(f"round {r + 1}: scan {runs['scan']['wall']:.2f} s, sweep "
                  f"{runs['sweep']['wall']:.2f} s (x{ratio:.2f}), second sweep "
                  f"{runs['again']['wall']:.2f} s; peak RSS sweep {runs['sweep']['rss']:.0f} "
                  f"MiB, one copy's {runs['small']['rss']:.0f} MiB", flush=True)
        ratios = [row[0] for row in rows]
        median = statistics.median(ratios)
        again = statistics.median(row[1]["again"]["wall"] for row in rows)
        rss = {w: statistics.median(row[1][w]["rss"] for row in rows)
               for w in ("scan", "sweep", "small")}
        growth = rss["sweep"] / rss["small"]
        refs = a.copies * len(a.layouts)
        print(f"sweep / scan of the unique layers: median x{median:.2f} "
              f"(min {min(ratios):.2f}, max {max(ratios):.2f}); second sweep {again:.2f} s; "
              f"peak RSS scan {rss['scan']:.0f} MiB, sweep {rss['sweep']:.0f} MiB "
              f"({refs} references) against {rss['small']:.0f} MiB ({len(a.layouts)}): "
              f"x{growth:.2f}; load {os.getloadavg()[0]:.1f}")
        checks = [(median <= MAX_RATIO, f"ratio <= {MAX_RATIO}"),
                  (growth <= MAX_RSS_GROWTH, f"peak RSS growth <= {MAX_RSS_GROWTH}")]
        for ok, what in checks:
            print(("PASS" if ok else "FAIL") + f": {what}")
        return 0 if all(ok for ok, _ in checks) else 1
    except BenchError as e:
        print(f"sweep-bench: {e}", file=sys.stderr)
        return 2
    finally:
        registry.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
