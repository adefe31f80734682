#!/usr/bin/env python3
"""Validate JSON lines (files or stdin) against docs/events.schema.json.

Usage: validate_events.py SCHEMA [FILE...]. Prints one line per invalid
event (file:line: why) and exits 1 if any, 2 if nothing was read."""
import json
import sys

import jsonschema


def main():
    schema = json.load(open(sys.argv[1]))
    jsonschema.Draft202012Validator.check_schema(schema)
    v = jsonschema.Draft202012Validator(schema)
    bad = n = 0
    for path in sys.argv[2:] or ["-"]:
        f = sys.stdin if path == "-" else open(path)
        for i, line in enumerate(f, 1):
            if not line.strip():
                continue
            n += 1
            errs = list(v.iter_errors(json.loads(line)))
            if errs:
                bad += 1
                best = jsonschema.exceptions.best_match(errs)
                print(f"{path}:{i}: {best.message}")
    if not n:
        print("no event read")
        return 2
    return 1 if bad else 0


sys.exit(main())
