#!/usr/bin/env python3
"""Registry bench: one image scanned from a loopback registry against the same image from its OCI
directory (issue 21, item 7); see bench/README.md, "Registry: scanning from a loopback registry".

    bench/registry-bench.py ~/.cache/strata-bench/two-gzip [--rounds 7]
        [--strata build/src/app/strata] [--patterns patterns] [--strace] [-- SCAN ARGS…]

Starts Debian's docker-registry on a free 127.0.0.1 port (storage in a temp dir, no auth), pushes
the layout with `skopeo copy --preserve-digests`, scans each source once (page cache, rule cache;
these two JSON reports must hold the same findings and exit codes), then runs ROUNDS rounds, each
scanning `oci:DIR` and `127.0.0.1:PORT/bench/IMAGE:1` (`-f json -o /dev/null`) in alternating
order. Wall time and peak RSS come from os.wait4. Every scan runs with TMPDIR set to an empty
directory that a thread polls every 2 ms during the scan and that must still be empty after it;
with --strace one more registry scan runs under `strace -f -e trace=openat,creat,open,rename*`
and every file opened for writing (or created) outside /dev is a failure.

Prints each round, the median registry/oci-dir wall ratio with its min-max, the median peak RSS of
each, the load average, and PASS/FAIL for: ratio <= 1.1, registry peak RSS <= 256 MiB, no temp
files. Exits 1 when a check fails, 2 when the bench itself cannot run. The registry is stopped on
every exit path (Ctrl-C, SIGTERM, exceptions).
"""
import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

from oci_layout import layer_blobs

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
MAX_RATIO = 1.1
MAX_RSS_MIB = 256


class BenchError(Exception):
    pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Registry:
    """docker-registry serving from a private storage directory; stop() is idempotent."""

    def __init__(self, workdir):
        self.workdir = workdir
        self.proc = None
        self.port = None

    def start(self, attempts=5):
        for _ in range(attempts):  # another process may take the port between pick and bind
            self.port = free_port()
            config = os.path.join(self.workdir, "config.yml")
            with open(config, "w") as f:
                f.write("version: 0.1\nlog:\n  level: warn\n  accesslog:\n    disabled: true\n"
                        f"storage:\n  filesystem:\n    rootdirectory: {self.workdir}/storage\n"
                        f"http:\n  addr: 127.0.0.1:{self.port}\n  secret: {os.urandom(16).hex()}\n")
            log = open(os.path.join(self.workdir, "registry.log"), "ab")
            self.proc = subprocess.Popen(["docker-registry", "serve", config], stdout=log,
                                         stderr=log, stdin=subprocess.DEVNULL)
            if self.wait_ready():
                return
            self.stop()
        raise BenchError("docker-registry did not start; see " + self.workdir + "/registry.log")

    def wait_ready(self, seconds=20):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and self.proc.poll() is None:
            try:
                urllib.request.urlopen(f"http://{self.host()}/v2/", timeout=1).read()
                return True
            except OSError:
                time.sleep(0.05)
        return False

    def host(self):
        return f"127.0.0.1:{self.port}"

    def cpu_seconds(self):
        """User + system CPU the registry has used so far (/proc/PID/stat, clock ticks)."""
        fields = open(f"/proc/{self.proc.pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


def layout_tag(layout):
    """The tag skopeo's oci: transport names the layout's (first) manifest by."""
    index = json.load(open(os.path.join(layout, "index.json")))
    for manifest in index["manifests"]:
        name = manifest.get("annotations", {}).get("org.opencontainers.image.ref.name")
        if name:
            return name
    raise BenchError(f"{layout}/index.json: no manifest has org.opencontainers.image.ref.name")


def push(layout, reference):
    started = time.monotonic()
    cmd = ["skopeo", "copy", "-q", "--preserve-digests", "--dest-tls-verify=false",
           f"oci:{layout}:{layout_tag(layout)}", f"docker://{reference}"]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise BenchError(f"{' '.join(cmd)} failed:\n{r.stderr}")
    return time.monotonic() - started


class DirWatch:
    """Polls a directory while a scan runs and remembers every name it ever saw in it."""

    def __init__(self, path, interval=0.002):
        self.path, self.interval = path, interval
        self.seen = set()
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self.poll, daemon=True)

    def poll(self):
        while not self.stop_event.is_set():
            self.seen.update(os.listdir(self.path))
            time.sleep(self.interval)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop_event.set()
        self.thread.join()
        self.seen.update(os.listdir(self.path))  # what is left after the scan


def run_scan(argv, env, tmpdir):
    """Wall seconds, peak RSS MiB, exit code and the TMPDIR entries seen during one scan."""
    with DirWatch(tmpdir) as watch:
        started = time.monotonic()
        proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
        try:
            stderr = proc.stderr.read()
            _, status, usage = os.wait4(proc.pid, 0)
        except BaseException:  # Ctrl-C or SIGTERM: no scan outlives the bench
            proc.kill()
            proc.wait()
            raise
        wall = time.monotonic() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
    return dict(wall=wall, rss=usage.ru_maxrss / 1024, rc=proc.returncode,
                cpu=usage.ru_utime + usage.ru_stime, tmp=sorted(watch.seen),
                stderr=stderr.decode(errors="replace"))


def findings_of(report_path):
    """What must agree between the two sources: each finding's fingerprint with its locations'
    fingerprints, layers, paths, fates and history steps (not the image's name)."""
    report = json.load(open(report_path))
    out = {}
    for finding in report["findings"]:
        locations = sorted(
            json.dumps([loc.get(k) for k in ("fingerprint", "layer_digest", "path", "fate",
                                             "history_step", "line", "kind")], sort_keys=True)
            for loc in finding["locations"])
        out[finding["fingerprint"]] = locations
    return out, len(report.get("errors", []))


def strace_writes(argv, env, workdir):
    """Files a registry scan opens for writing or creates, outside /dev (strace -f)."""
    log = os.path.join(workdir, "strace.log")
    subprocess.run(["strace", "-f", "-qq", "-o", log,
                    "-e", "trace=open,openat,creat,rename,renameat,renameat2,mkdir,mkdirat"]
                   + argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    written = []
    for line in open(log):
        if " = -1 " in line:
            continue
        path = re.search(r'"([^"]*)"', line)
        creates = re.search(r"creat\(|rename|mkdir|O_WRONLY|O_RDWR|O_CREAT|O_TMPFILE", line)
        if path and creates and not path.group(1).startswith("/dev/"):
            written.append(line.strip())
    return written


def spread(values, fmt):
    return (f"{fmt.format(statistics.median(values))} "
            f"({fmt.format(min(values))}-{fmt.format(max(values))})")


def load_text():
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


def warm_up(layout, scans, outdir):
    """Reads the blobs into the page cache and scans each source once into a JSON report; checks
    the reports agree. Returns a list of failure lines."""
    for blob in layer_blobs(layout):
        subprocess.run(["cat", blob], stdout=subprocess.DEVNULL, check=True)
    results = {}
    for name, scan in scans.items():
        report = os.path.join(outdir, f"{name}.json")
        results[name] = scan(report)
        print(f"warm-up {name}: {results[name]['wall']:.2f} s, exit {results[name]['rc']}",
              flush=True)
        if results[name]["rc"] not in (0, 1):
            raise BenchError(f"{name} scan failed (exit {results[name]['rc']}):\n"
                             f"{results[name]['stderr'][-2000:]}")
    failures = []
    (oci, oci_errors), (reg, reg_errors) = (findings_of(os.path.join(outdir, f"{n}.json"))
                                            for n in scans)
    print(f"findings: oci-dir {len(oci)}, registry {len(reg)}; errors {oci_errors} and "
          f"{reg_errors}; exit codes {results['oci-dir']['rc']} and {results['registry']['rc']}")
    if oci != reg:
        only_oci, only_reg = oci.keys() - reg.keys(), reg.keys() - oci.keys()
        failures.append(f"findings differ: {len(only_oci)} only from the OCI dir, {len(only_reg)} "
                        f"only from the registry, "
                        f"{sum(oci[k] != reg[k] for k in oci.keys() & reg.keys())} with other "
                        "locations")
    if results["oci-dir"]["rc"] != results["registry"]["rc"]:
        failures.append("exit codes differ")
    return failures


def measure(scans, rounds, registry):
    runs = {name: [] for name in scans}
    loads = []
    for i in range(rounds):
        order = list(scans) if i % 2 == 0 else list(reversed(scans))
        loads.append(os.getloadavg()[0])
        for name in order:
            cpu_before = registry.cpu_seconds()
            run = scans[name](os.devnull)
            run["registry_cpu"] = registry.cpu_seconds() - cpu_before
            runs[name].append(run)
            if run["rc"] not in (0, 1):
                raise BenchError(f"round {i + 1}: {name} scan exit {run['rc']}:\n"
                                 f"{run['stderr'][-2000:]}")
        o, r = runs["oci-dir"][-1], runs["registry"][-1]
        print(f"round {i + 1} ({order[0]} first): load {loads[-1]:.2f}; oci-dir {o['wall']:.2f} s "
              f"{o['rss']:.0f} MiB; registry {r['wall']:.2f} s {r['rss']:.0f} MiB "
              f"(registry process CPU {r['registry_cpu']:.2f} s); "
              f"ratio {r['wall'] / o['wall']:.3f}", flush=True)
    return runs, loads


def summarize(runs, loads, straced):
    o, r = runs["oci-dir"], runs["registry"]
    ratios = [b["wall"] / a["wall"] for a, b in zip(o, r)]
    ratio = statistics.median(ratios)
    rss = statistics.median(x["rss"] for x in r)
    tmp_seen = sorted({name for x in o + r for name in x["tmp"]})
    print(f"\n{len(ratios)} rounds, load at round start {min(loads):.2f}-{max(loads):.2f}, "
          f"now {load_text()}")
    print("| source | wall s | CPU s | peak RSS MiB |\n|---|---|---|---|")
    for name, rs in runs.items():
        print(f"| {name} | {spread([x['wall'] for x in rs], '{:.2f}')} | "
              f"{spread([x['cpu'] for x in rs], '{:.2f}')} | "
              f"{spread([x['rss'] for x in rs], '{:.0f}')} |")
    print(f"registry process CPU per registry scan: "
          f"{spread([x['registry_cpu'] for x in r], '{:.2f}')} s")
    print(f"registry/oci-dir wall per round: {spread(ratios, '{:.3f}')}")
    checks = [(f"ratio {ratio:.3f} <= {MAX_RATIO}", ratio <= MAX_RATIO),
              (f"registry peak RSS {rss:.0f} MiB <= {MAX_RSS_MIB} MiB "
               f"(max {max(x['rss'] for x in r):.0f})", rss <= MAX_RSS_MIB),
              ("no temp files (TMPDIR polled every 2 ms" +
               (", and strace" if straced is not None else "") + ")"
               + (f": saw {tmp_seen}" if tmp_seen else "") + (f": {straced[:5]}" if straced else ""),
               not tmp_seen and not straced)]
    for text, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}: {text}")
    return all(ok for _, ok in checks)


def interrupt(signum, frame):
    raise KeyboardInterrupt()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("image", help="an OCI layout, e.g. ~/.cache/strata-bench/two-gzip")
    p.add_argument("--rounds", type=int, default=7)
    p.add_argument("--strata", default=os.path.join(REPO, "build/src/app/strata"))
    p.add_argument("--patterns", default=os.path.join(REPO, "patterns"))
    p.add_argument("--strace", action="store_true",
                   help="also run one registry scan under strace and fail on any file written")
    argv = sys.argv[1:]  # what follows "--" goes to every scan (argparse would take it apart)
    split = argv.index("--") if "--" in argv else len(argv)
    a = p.parse_args(argv[:split])
    a.scan_args = argv[split + 1:]
    layout = os.path.abspath(os.path.expanduser(a.image))
    for tool in ["docker-registry", "skopeo"] + (["strace"] if a.strace else []):
        if not shutil.which(tool):
            raise BenchError(f"{tool} is not installed")
    work = tempfile.mkdtemp(prefix="registry-bench-", dir="/var/tmp")  # storage on disk
    registry = Registry(work)
    # SIGTERM ends the bench like Ctrl-C does, through the finally below.
    signal.signal(signal.SIGTERM, interrupt)
    try:
        registry.start()
        reference = f"{registry.host()}/bench/{os.path.basename(layout.rstrip('/'))}:1"
        print(f"{layout} -> {reference}: pushed in {push(layout, reference):.1f} s; "
              f"load {load_text()}", flush=True)
        tmpdir = os.path.join(work, "tmp")
        os.mkdir(tmpdir)
        env = dict(os.environ, TMPDIR=tmpdir, STRATA_PATTERNS_DIR=a.patterns)

        def scanner(target):
            return lambda out: run_scan([a.strata, "scan", target, "-f", "json", "-o", out,
                                         "--no-progress"] + a.scan_args, env, tmpdir)

        scans = {"oci-dir": scanner("oci:" + layout), "registry": scanner(reference)}
        failures = warm_up(layout, scans, work)
        runs, loads = measure(scans, a.rounds, registry)
        straced = None
        if a.strace:
            straced = strace_writes([a.strata, "scan", reference, "-f", "json", "-o", os.devnull,
                                     "--no-progress"] + a.scan_args, env, work)
        ok = summarize(runs, loads, straced)
        for failure in failures:
            print("FAIL: " + failure)
        return 0 if ok and not failures else 1
    except BenchError as e:
        print(f"registry-bench: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("registry-bench: interrupted", file=sys.stderr)
        return 130
    finally:
        registry.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
