#!/usr/bin/env python3
"""Validates JSON files against a JSON Schema (draft 2020-12).

Usage: validate-json-schema.py SCHEMA FILE...

Prints each error as FILE: $.json.path: what failed, and exits 1 when any file is invalid,
2 when the schema or the jsonschema module is unusable. Messages name keys and schema rules,
never a value from the file: reports may hold (revealed) secrets. Written for Debian 12's
python3-jsonschema (4.10) and newer.
"""
import json
import sys


def json_path(parts):
    path = "$"
    for p in parts:
        path += f"[{p}]" if isinstance(p, int) else f".{p}"
    return path


def article(word):
    return ("an " if word[0] in "aeiou" else "a ") + word


def json_type(value):
    for name, kind in (("null", type(None)), ("boolean", bool), ("integer", int),
                       ("number", float), ("string", str), ("array", list), ("object", dict)):
        if isinstance(value, kind):
            return name
    return type(value).__name__


def path_order(error):
    return [(0, p, "") if isinstance(p, int) else (1, 0, str(p)) for p in error.absolute_path]


# These messages name only keys; every other keyword's message quotes the value.
KEY_ONLY_KEYWORDS = {"required", "additionalProperties", "dependentRequired"}


def describe(error):
    if error.validator in KEY_ONLY_KEYWORDS:
        return error.message
    rule = json.dumps(error.validator_value, sort_keys=True)
    if len(rule) > 160:
        rule = rule[:160] + "..."
    return f"fails {error.validator} {rule} (the value is {article(json_type(error.instance))})"


def main(argv):
    if len(argv) < 3:
        print("usage: validate-json-schema.py SCHEMA FILE...", file=sys.stderr)
        return 2
    try:
        import jsonschema
    except ImportError:
        print("validate-json-schema: the jsonschema module is missing: install "
              "python3-jsonschema (scripts/install-deps.sh)", file=sys.stderr)
        return 2
    try:
        with open(argv[1], encoding="utf-8") as f:
            schema = json.load(f)
        validator_class = jsonschema.validators.validator_for(schema)
        validator_class.check_schema(schema)
    except (OSError, ValueError, jsonschema.exceptions.SchemaError) as e:
        print(f"validate-json-schema: {argv[1]}: unusable schema: {e}", file=sys.stderr)
        return 2
    validator = validator_class(schema)
    failed = False
    for name in argv[2:]:
        try:
            with open(name, encoding="utf-8") as f:
                document = json.load(f)
        except (OSError, ValueError) as e:
            print(f"{name}: not JSON: {e}")
            failed = True
            continue
        errors = sorted(validator.iter_errors(document), key=path_order)
        for e in errors:
            print(f"{name}: {json_path(e.absolute_path)}: {describe(e)}")
        failed = failed or bool(errors)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
