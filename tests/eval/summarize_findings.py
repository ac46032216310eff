#!/usr/bin/env python3
"""Markdown summary of a strata JSON report from a scan of content that should hold no secrets.

Counts findings by rule and confidence and lists every high-confidence finding with its path and
redacted secret, so a human can judge each one. Secret values are never printed (scan without
--reveal; only the report's `redacted` form is shown).

Usage: summarize_findings.py REPORT.json [--title NAME] [--files N] [--bytes N] [--seconds S]
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import sys

MAX_EXAMPLE_PATHS = 3
CONTEXT_CHARS = 32


def context_of(root: str | None, loc: dict) -> str:
    """What precedes the secret on its line (a key name), or a PEM block's BEGIN line.

    Neither holds secret material; it lets a reader judge a finding without the value."""
    if not root or loc.get("kind") != "layer-file" or loc.get("offset") is None or not loc.get("path"):
        return ""
    try:
        with open(os.path.join(root, loc["path"]), "rb") as fh:
            start = max(0, loc["offset"] - CONTEXT_CHARS)
            fh.seek(start)
            data = fh.read(loc["offset"] - start + 64)
    except OSError:
        return ""
    before, at = data[: loc["offset"] - start], data[loc["offset"] - start :]
    if at.startswith(b"-----BEGIN"):
        end = at.find(b"-----", 10)
        return printable(at[: end + 5] if end > 0 else at[:40])
    before = re.split(rb"[\r\n\x00]", before)[-1]
    return "…" + printable(before) if before else ""


def printable(raw: bytes) -> str:
    text = raw.decode("latin-1")
    return "".join(c if 32 <= ord(c) < 127 and c not in "|`" else "." for c in text)


def location_text(loc: dict) -> str:
    path = loc.get("path") or loc.get("kind", "?")
    line = loc.get("line")
    return f"{path}:{line}" if line else path


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("report")
    ap.add_argument("--title", default="scan")
    ap.add_argument("--root", help="scanned directory: show each high finding's preceding text")
    ap.add_argument("--files", type=int)
    ap.add_argument("--bytes", type=int)
    ap.add_argument("--seconds", type=float)
    ap.add_argument("--exit", type=int, dest="exit_code")
    args = ap.parse_args()

    with open(args.report, encoding="utf-8") as fh:
        report = json.load(fh)
    findings = report.get("findings", [])
    stats = report.get("stats", {})

    out = sys.stdout.write
    out(f"## {args.title}\n\n")
    facts = []
    if args.files is not None:
        facts.append(f"{args.files} files")
    if args.bytes is not None:
        facts.append(f"{args.bytes / 1e6:.0f} MB")
    if stats.get("bytes_scanned") is not None:
        facts.append(f"{stats['bytes_scanned'] / 1e6:.0f} MB scanned")
    if args.seconds is not None:
        facts.append(f"scan {args.seconds:.1f} s")
    if args.exit_code is not None:
        facts.append(f"exit {args.exit_code}")
    locations = sum(len(f.get("locations", [])) for f in findings)
    out(f"- {', '.join(facts)}\n")
    out(f"- {len(findings)} findings (distinct secrets) at {locations} locations; "
        f"complete: {report.get('complete')}, errors: {len(report.get('errors', []))}, "
        f"skipped: {len(report.get('skipped', []))}\n\n")
    for err in report.get("errors", [])[:5]:
        out(f"  - error: {err if isinstance(err, str) else json.dumps(err)[:300]}\n")

    if not findings:
        out("No findings.\n\n")
        return 0

    by_rule: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    paths: dict[str, list[str]] = collections.defaultdict(list)
    for f in findings:
        rule = f.get("rule_id", "?")
        by_rule[rule][f.get("confidence", "?")] += 1
        if f.get("suppression"):
            by_rule[rule]["suppressed"] += 1
        for loc in f.get("locations", []):
            if len(paths[rule]) < MAX_EXAMPLE_PATHS:
                paths[rule].append(location_text(loc))
    out("| rule | high | medium | low | total | of which suppressed (not counted toward exit) "
        "| example locations |\n|---|---|---|---|---|---|---|\n")
    for rule, c in sorted(by_rule.items(), key=lambda kv: -(kv[1]['high'] + kv[1]['medium'] + kv[1]['low'])):
        total = c['high'] + c['medium'] + c['low']
        out(f"| {rule} | {c['high']} | {c['medium']} | {c['low']} | {total} | {c['suppressed']} | "
            f"{'; '.join(paths[rule])} |\n")

    high = [f for f in findings if f.get("confidence") == "high"]
    out(f"\n### High-confidence findings ({len(high)})\n\n")
    if high:
        out("| rule | severity | secret (redacted) | context | locations |\n|---|---|---|---|---|\n")
        for f in sorted(high, key=lambda f: (f.get("rule_id", ""), location_text(f["locations"][0]) if f.get("locations") else "")):
            locs = f.get("locations", [])
            shown = "; ".join(location_text(l) for l in locs[:MAX_EXAMPLE_PATHS])
            if len(locs) > MAX_EXAMPLE_PATHS:
                shown += f" (+{len(locs) - MAX_EXAMPLE_PATHS} more)"
            secret = f.get("secret", {}).get("redacted", "")
            ctx = context_of(args.root, locs[0]) if locs else ""
            out(f"| {f.get('rule_id')} | {f.get('severity')} | `{secret}` | `{ctx}` | {shown} |\n")
    out("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
