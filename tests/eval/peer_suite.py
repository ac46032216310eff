#!/usr/bin/env python3
"""Recall and false-positive rate of strata on the noseyparker example suite.

The suite (shared/peer-suites/, outside this repository) holds positive and negative example
texts for noseyparker's rules. Each text is written to its own file in a temporary directory,
the directory is scanned once as a single layer, and findings are mapped back to files by
location path. The texts look like real credentials: they are written only to a temporary
directory that is removed afterwards, and neither texts nor secret values are ever printed.

Usage: tests/eval/peer_suite.py [--suite PATH] [--meta PATH] [--strata BIN] [--json OUT]
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SUITE = REPO_ROOT.parent / "shared" / "peer-suites" / "noseyparker-examples.jsonl"
DEFAULT_STRATA = REPO_ROOT / "build" / "src" / "app" / "strata"

# Noseyparker rulesets that flag identifiers (bucket names, account ids, client ids) or password
# hashes rather than usable secrets: excluded from the headline recall.
EXCLUDED_RULESETS = {"np.assets", "np.hashes"}
GOAL_RECALL = 0.97
GOAL_FP_RATE = 0.03

# Noseyparker rule-id slug -> provider shown in tables. Slugs not listed use the first word of
# the rule name (after "Credentials in", "Hardcoded" ...).
PROVIDER_BY_SLUG = {
    "aws": "AWS",
    "s3": "AWS",
    "arn": "AWS",
    "appsync": "AWS",
    "gcs": "Google",
    "pem": "PEM private key",
    "jwt": "JWT",
    "http": "HTTP auth",
    "pwhash": "Password hash",
    "krb5": "Password hash",
    "generic": "Generic",
    "mongodb": "MongoDB",
    "odbc": "ODBC",
    "postgres": "PostgreSQL",
    "psexec": "PsExec",
    "vmware": "VMware",
    "gradle": "Gradle",
    "netrc": "netrc",
    "phpmailer": "PHPMailer",
    "reactapp": "React App",
    "hashicorp": "HashiCorp Vault",
    "cratesio": "crates.io",
    "particleio": "particle.io",
    "dtrack": "Dependency-Track",
    "msteams": "Microsoft Teams",
    "dockerhub": "Docker Hub",
    "newrelic": "New Relic",
}

# Extra strata rule-id prefixes or name words that count as "the same provider" for a slug.
SAME_PROVIDER_ALIASES = {
    "aws": {"aws", "amazon"},
    "s3": {"aws"},
    "arn": {"aws"},
    "appsync": {"aws"},
    "gcs": {"google", "gcp"},
    "google": {"google", "gcp"},
    "pem": {"private-key", "private key", "pem"},
    "jwt": {"jwt", "json web token"},
    "hashicorp": {"hashicorp", "vault"},
    "postgres": {"postgres", "postgresql"},
    "mongodb": {"mongodb", "mongo"},
    "kubernetes": {"kubernetes", "k8s"},
    "msteams": {"msteams", "teams", "microsoft"},
    "dockerhub": {"dockerhub", "docker"},
    "cratesio": {"cratesio", "crates", "crates.io", "cargo"},
    "particleio": {"particle"},
    "dtrack": {"dependency-track", "dtrack"},
    "reactapp": {"react"},
    "http": {"http", "basic", "bearer", "url-credentials", "uri"},
    "netrc": {"netrc"},
    "odbc": {"odbc", "sqlserver", "mssql"},
    "azure": {"azure", "microsoft"},
    "npm": {"npm"},
    "pypi": {"pypi"},
    "hubspot": {"hubspot"},
}


@dataclass
class Example:
    index: int
    rule_id: str
    rule_name: str
    kind: str
    text: str
    filename: str = ""
    literal_backslash_n: bool = False
    finding_rules: set[str] = field(default_factory=set)
    finding_names: dict[str, str] = field(default_factory=dict)
    counting_rules: set[str] = field(default_factory=set)  # findings that count toward exit
    allowed_rules: set[str] = field(default_factory=set)  # matches a rule's allow list suppressed
    secrets: set[str] = field(default_factory=set)  # secret values found (kept in memory only)


def slug_of(np_rule_id: str) -> str:
    parts = np_rule_id.split(".")
    return parts[1] if len(parts) > 1 else np_rule_id


def provider_of(np_rule_id: str, rule_name: str) -> str:
    slug = slug_of(np_rule_id)
    if slug in PROVIDER_BY_SLUG:
        return PROVIDER_BY_SLUG[slug]
    name = re.sub(r"^(Credentials in|Hardcoded)\s+", "", rule_name)
    return name.split()[0] if name.split() else slug


def same_provider(np_rule_id: str, rule_name: str, strata_id: str, strata_name: str) -> bool:
    slug = slug_of(np_rule_id)
    if slug == "generic":
        return True  # no provider: any rule covers it
    prefix = strata_id.split(".")[0].lower()
    words = {slug, provider_of(np_rule_id, rule_name).lower()} | SAME_PROVIDER_ALIASES.get(slug, set())
    hay = (strata_id + " " + strata_name).lower()
    return prefix in words or any(len(w) >= 3 and w in hay for w in words)


def load_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def run_scan(strata: Path, directory: Path, env: dict) -> dict:
    proc = subprocess.run(
        [str(strata), "scan", str(directory), "--format", "json", "--reveal", "-q"],
        capture_output=True,
        env=env,
        check=False,
    )
    if proc.returncode not in (0, 1):
        err = proc.stderr.decode(errors="replace").strip()
        # Exit 2 with a report is an incomplete scan; without one the rules did not load.
        if not proc.stdout.strip():
            sys.exit(f"peer_suite: strata scan failed (exit {proc.returncode}): {err}")
        print(f"warning: strata exit {proc.returncode} (incomplete scan): {err}", file=sys.stderr)
    return json.loads(proc.stdout)


def rules_hash(strata: Path, env: dict) -> str:
    proc = subprocess.run([str(strata), "rules", "list"], capture_output=True, env=env, check=False)
    lines = proc.stdout.decode(errors="replace").strip().splitlines()
    return lines[-1] if lines else f"(rules list failed: exit {proc.returncode})"


def pct(num: int, den: int) -> str:
    return f"{100.0 * num / den:.1f}%" if den else "n/a"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--suite", type=Path, default=DEFAULT_SUITE, help="examples JSONL")
    ap.add_argument("--meta", type=Path, help="rules meta JSONL (default: beside --suite)")
    ap.add_argument("--strata", type=Path, default=Path(os.environ.get("STRATA", DEFAULT_STRATA)))
    ap.add_argument("--patterns", type=Path, help="rule directory (sets STRATA_PATTERNS_DIR)")
    ap.add_argument("--json", type=Path, metavar="OUT", help="also write the numbers as JSON")
    ap.add_argument("--all-misses", action="store_true", help="list every missed rule, not only default")
    args = ap.parse_args()

    meta_path = args.meta or args.suite.with_name("noseyparker-rules-meta.jsonl")
    for p in (args.suite, meta_path, args.strata):
        if not p.exists():
            sys.exit(f"peer_suite: not found: {p}")
    env = dict(os.environ)
    if args.patterns:
        env["STRATA_PATTERNS_DIR"] = str(args.patterns.resolve())

    meta = {m["rule_id"]: m for m in load_jsonl(meta_path)}
    examples = [
        Example(i, r["rule_id"], r["rule_name"], r["kind"], r["text"]) for i, r in enumerate(load_jsonl(args.suite))
    ]

    def rulesets(ex: Example) -> set[str]:
        return set(meta.get(ex.rule_id, {}).get("rulesets", ["default"]))

    def in_default(ex: Example) -> bool:
        rs = rulesets(ex)
        return "default" in rs and not (rs & EXCLUDED_RULESETS)

    with tempfile.TemporaryDirectory(prefix="strata-peer-") as tmp:
        tmpdir = Path(tmp)
        by_file: dict[str, Example] = {}
        for ex in examples:
            ex.filename = f"{ex.index:04d}-{ex.kind}"
            ex.literal_backslash_n = "\\n" in ex.text
            (tmpdir / ex.filename).write_bytes(ex.text.encode("utf-8"))
            by_file[ex.filename] = ex
        report = run_scan(args.strata, tmpdir, env)

    unmapped = 0
    for finding in report.get("findings", []):
        rid = finding.get("rule_id", "?")
        # A rule's own allow pattern (placeholder, documented example) or its entropy floor
        # (filler in the token's shape) says "not a secret": such matches are reported as
        # suppressed for visibility but are not detections.
        allowed = (finding.get("suppression") or {}).get("kind") in ("rule-allow", "low-entropy")
        for loc in finding.get("locations", []):
            ex = by_file.get(Path(loc.get("path", "")).name if loc.get("path") else "")
            if ex is None:
                unmapped += 0 if allowed else 1
                continue
            if allowed:
                ex.allowed_rules.add(rid)
                continue
            ex.finding_rules.add(rid)
            ex.secrets.add((finding.get("secret") or {}).get("value", ""))
            ex.finding_names[rid] = finding.get("rule_name", rid)
            if finding.get("counts_toward_exit", True):
                ex.counting_rules.add(rid)

    positives = [e for e in examples if e.kind == "positive"]
    negatives = [e for e in examples if e.kind == "negative"]
    pos_default = [e for e in positives if in_default(e)]
    neg_default = [e for e in negatives if in_default(e)]

    def found(e: Example) -> bool:
        return bool(e.finding_rules)

    def found_same(e: Example) -> bool:
        return any(same_provider(e.rule_id, e.rule_name, r, e.finding_names[r]) for r in e.finding_rules)

    found_default = [e for e in pos_default if found(e)]
    same_default = [e for e in pos_default if found_same(e)]
    counting_default = [e for e in pos_default if e.counting_rules]
    fps = [e for e in negatives if found(e)]
    fps_counting = [e for e in negatives if e.counting_rules]
    fps_default = [e for e in neg_default if found(e)]

    # Per provider (default ruleset positives): total, found, missed.
    per_provider: dict[str, dict] = collections.defaultdict(lambda: {"positives": 0, "found": 0, "same": 0})
    for e in pos_default:
        p = per_provider[provider_of(e.rule_id, e.rule_name)]
        p["positives"] += 1
        p["found"] += found(e)
        p["same"] += found_same(e)
    per_provider_neg: dict[str, dict] = collections.defaultdict(lambda: {"negatives": 0, "fp": 0})
    for e in negatives:
        p = per_provider_neg[provider_of(e.rule_id, e.rule_name)]
        p["negatives"] += 1
        p["fp"] += found(e)

    missed_rules: dict[str, dict] = {}
    for e in positives if args.all_misses else pos_default:
        if found(e):
            continue
        m = missed_rules.setdefault(
            e.rule_id,
            {"rule_name": e.rule_name, "provider": provider_of(e.rule_id, e.rule_name), "missed": 0,
             "positives": sum(1 for x in positives if x.rule_id == e.rule_id),
             "rulesets": sorted(rulesets(e)), "placeholder": 0, "allowed_by": set()},
        )
        m["missed"] += 1
        m["placeholder"] += bool(e.allowed_rules)
        m["allowed_by"] |= e.allowed_rules

    # Recall when a match a rule's allow list called a placeholder also counts: shows which misses
    # are deliberate (placeholders, variables, documented examples) rather than unknown formats.
    recognised_default = [e for e in pos_default if found(e) or e.allowed_rules]
    recognised_fps = [e for e in negatives if found(e) or e.allowed_rules]
    # 21 negatives are byte-identical to a positive of another noseyparker rule (a Slack bot token
    # is a negative of the user-token rule): no scanner can both find the positive and stay
    # quiet on the negative. Second FP measure: negatives whose exact text is no positive.
    positive_texts = {e.text for e in positives}
    neg_distinct = [e for e in negatives if e.text not in positive_texts]
    fps_distinct = [e for e in neg_distinct if found(e)]
    # Third: of those, negatives whose every reported secret is also reported on a positive of
    # the suite (the same credential written in a form that one noseyparker rule does not take,
    # e.g. quoted instead of unquoted).
    positive_secrets = {v for e in positives for v in e.secrets if v}
    fps_new_secret = [e for e in fps_distinct if not e.secrets <= positive_secrets]
    fp_rules = collections.Counter(r for e in fps for r in e.finding_rules)
    fp_by_np_rule = collections.Counter(e.rule_id for e in fps)
    excluded_pos = [e for e in positives if not in_default(e)]
    bsn = [e for e in examples if e.literal_backslash_n]
    rh = rules_hash(args.strata, env)
    recall = len(found_default) / len(pos_default) if pos_default else 0.0
    fp_rate = len(fps) / len(negatives) if negatives else 0.0

    out = sys.stdout.write
    out("# strata on the noseyparker example suite\n\n")
    out(f"- rules: {rh}\n")
    out(f"- suite: {len(positives)} positives, {len(negatives)} negatives; "
        f"{len(pos_default)} positives in the default ruleset "
        f"({len(excluded_pos)} excluded: {', '.join(sorted(EXCLUDED_RULESETS))})\n")
    bsn_only = [e for e in bsn if "\n" not in e.text]
    out(f"- texts with a literal backslash-n (scanned as they are): {len(bsn)}, {len(bsn_only)} of them with no "
        f"real newline; {sum(e.kind == 'positive' for e in bsn)} positive, "
        f"{sum(found(e) for e in bsn if e.kind == 'positive')} of those found\n")
    if unmapped:
        out(f"- finding locations not mapped to an example file: {unmapped}\n")
    out("\n| measure | value | goal |\n|---|---|---|\n")
    out(f"| recall, default ruleset, any finding | **{pct(len(found_default), len(pos_default))}** "
        f"({len(found_default)}/{len(pos_default)}) | >= {GOAL_RECALL:.0%} |\n")
    out(f"| recall, default ruleset, rule of the same provider | {pct(len(same_default), len(pos_default))} "
        f"({len(same_default)}/{len(pos_default)}) | |\n")
    out(f"| recall, default ruleset, findings that count toward exit | {pct(len(counting_default), len(pos_default))} "
        f"({len(counting_default)}/{len(pos_default)}) | |\n")
    out(f"| recall, default ruleset, found or reported as a placeholder (rule allow, entropy floor) | "
        f"{pct(len(recognised_default), len(pos_default))} ({len(recognised_default)}/{len(pos_default)}) | |\n")
    out(f"| recall, all positives (incl. assets/hashes) | {pct(sum(map(found, positives)), len(positives))} "
        f"({sum(map(found, positives))}/{len(positives)}) | |\n")
    out(f"| FP rate, all negatives | **{pct(len(fps), len(negatives))}** ({len(fps)}/{len(negatives)}) "
        f"| <= {GOAL_FP_RATE:.0%} |\n")
    out(f"| FP rate, negatives whose text is not also a positive | **{pct(len(fps_distinct), len(neg_distinct))}** "
        f"({len(fps_distinct)}/{len(neg_distinct)}) | |\n")
    out(f"| FP rate, as above, not counting a secret the suite also labels positive | "
        f"{pct(len(fps_new_secret), len(neg_distinct))} ({len(fps_new_secret)}/{len(neg_distinct)}) | |\n")
    out(f"| FP rate, negatives of default-ruleset rules | {pct(len(fps_default), len(neg_default))} "
        f"({len(fps_default)}/{len(neg_default)}) | |\n")
    out(f"| FP rate, findings that count toward exit | {pct(len(fps_counting), len(negatives))} "
        f"({len(fps_counting)}/{len(negatives)}) | |\n")
    out(f"| FP rate, all negatives, placeholders reported (suppressed) included | "
        f"{pct(len(recognised_fps), len(negatives))} ({len(recognised_fps)}/{len(negatives)}) | |\n")

    misses = sorted(
        ((name, v["positives"] - v["found"], v["positives"]) for name, v in per_provider.items()
         if v["positives"] > v["found"]),
        key=lambda t: (-t[1], t[0]),
    )
    out(f"\n## Misses by provider (default ruleset; {len(misses)} providers with a miss)\n\n")
    out("| provider | missed | positives | found by same provider |\n|---|---|---|---|\n")
    for name, miss, total in misses:
        out(f"| {name} | {miss} | {total} | {per_provider[name]['same']} |\n")

    out(f"\n## Missed rules ({len(missed_rules)})\n\n")
    out("| noseyparker rule | name | missed/positives | of the misses, matched but allowed as a placeholder by |\n"
        "|---|---|---|---|\n")
    for rid, m in sorted(missed_rules.items(), key=lambda kv: (kv[1]["provider"], kv[0])):
        tag = "" if "default" in m["rulesets"] else f" ({', '.join(m['rulesets'])})"
        allowed = f"{m['placeholder']}: {', '.join(sorted(m['allowed_by']))}" if m["placeholder"] else ""
        out(f"| {rid} | {m['rule_name']}{tag} | {m['missed']}/{m['positives']} | {allowed} |\n")

    out(f"\n## False positives on negatives ({len(fps)})\n\n")
    if fps:
        out("| noseyparker rule of the negative | FPs | text also a positive | same secret as a positive | strata rules that fired |\n"
            "|---|---|---|---|---|\n")
        for rid, n in fp_by_np_rule.most_common():
            fired = sorted({r for e in fps if e.rule_id == rid for r in e.finding_rules})
            dup = sum(1 for e in fps if e.rule_id == rid and e.text in positive_texts)
            same = sum(1 for e in fps if e.rule_id == rid and e.text not in positive_texts and e not in fps_new_secret)
            out(f"| {rid} | {n} | {dup} | {same} | {', '.join(fired)} |\n")
        out("\nstrata rules behind the FPs: " + ", ".join(f"{r} ({n})" for r, n in fp_rules.most_common()) + "\n")

    if args.json:
        numbers = {
            "rules": rh,
            "rules_hash": report.get("rules_hash"),
            "positives": len(positives),
            "negatives": len(negatives),
            "positives_default": len(pos_default),
            "found_default": len(found_default),
            "found_default_same_provider": len(same_default),
            "found_default_counting": len(counting_default),
            "recall_default": recall,
            "recall_default_same_provider": len(same_default) / len(pos_default) if pos_default else 0.0,
            "recall_all": sum(map(found, positives)) / len(positives) if positives else 0.0,
            "false_positives": len(fps),
            "fp_rate": fp_rate,
            "fp_rate_default_negatives": len(fps_default) / len(neg_default) if neg_default else 0.0,
            "fp_rate_counting": len(fps_counting) / len(negatives) if negatives else 0.0,
            "recall_default_incl_placeholders": len(recognised_default) / len(pos_default) if pos_default else 0.0,
            "negatives_not_positive_text": len(neg_distinct),
            "false_positives_not_positive_text": len(fps_distinct),
            "fp_rate_not_positive_text": len(fps_distinct) / len(neg_distinct) if neg_distinct else 0.0,
            "fp_rate_not_positive_text_new_secret": len(fps_new_secret) / len(neg_distinct) if neg_distinct else 0.0,
            "literal_backslash_n_texts": len(bsn),
            "literal_backslash_n_without_newline": len(bsn_only),
            "goal_recall": GOAL_RECALL,
            "goal_fp_rate": GOAL_FP_RATE,
            "meets_goals": recall >= GOAL_RECALL and fp_rate <= GOAL_FP_RATE,
            "per_provider": {k: dict(v) for k, v in sorted(per_provider.items())},
            "per_provider_negatives": {k: dict(v) for k, v in sorted(per_provider_neg.items())},
            "missed_rules": {k: dict(v, allowed_by=sorted(v["allowed_by"])) for k, v in missed_rules.items()},
            "fp_strata_rules": dict(fp_rules),
            "fp_by_np_rule": dict(fp_by_np_rule),
        }
        args.json.write_text(json.dumps(numbers, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
