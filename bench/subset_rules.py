#!/usr/bin/env python3
"""Writes a random subset of the rule files' rules to a new directory, for benchmarking with a
rule set of another size (the issue's reference numbers used 189 patterns):

    bench/subset_rules.py patterns 189 SEED OUT_DIR
    bench/image-bench.sh IMAGE --patterns OUT_DIR

The subset is drawn with Python's random.sample over the rule ids, seeded, so a seed always
names the same subset. Each kept rule is written unchanged, in its original file's name."""
import os
import random
import sys

import yaml


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    source, count, seed, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    files = {}
    for name in sorted(os.listdir(source)):
        if name.endswith((".yml", ".yaml")):
            with open(os.path.join(source, name)) as f:
                files[name] = (yaml.safe_load(f) or {}).get("rules", [])
    ids = sorted(rule["id"] for rules in files.values() for rule in rules)
    if count > len(ids):
        sys.exit(f"only {len(ids)} rules in {source}")
    keep = set(random.Random(seed).sample(ids, count))
    os.makedirs(out, exist_ok=True)
    for name, rules in files.items():
        kept = [rule for rule in rules if rule["id"] in keep]
        if kept:
            with open(os.path.join(out, name), "w") as f:
                yaml.safe_dump({"rules": kept}, f, sort_keys=False, allow_unicode=True, width=1000)
    print(f"{len(keep)} of {len(ids)} rules (seed {seed}) in {out}")


if __name__ == "__main__":
    main()
