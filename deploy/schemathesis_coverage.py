"""Did Schemathesis reach real objects? (issue 17) Reads the HAR files of the run (one per role)
and the API schema, and fails if any operation only ever answered 404 (it never touched an
existing object; a 401 says nothing either) or was never called at all.

    python deploy/schemathesis_coverage.py SCHEMA_URL HAR [HAR ...] [--exclude OPERATION_ID ...]"""
import argparse
import json
import re
import sys
import urllib.request
from collections import Counter, defaultdict
from urllib.parse import urlparse


def operations(schema):
    ops = {}
    for path, methods in schema["paths"].items():
        pattern = re.compile("^" + re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(path)) + "$")
        for method, op in methods.items():
            if method in ("get", "post", "put", "patch", "delete"):
                ops[(method.upper(), path)] = (pattern, op.get("operationId", ""))
    return ops


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("schema_url")
    parser.add_argument("har", nargs="+")
    parser.add_argument("--exclude", action="append", default=[])
    args = parser.parse_args()
    schema = json.load(urllib.request.urlopen(args.schema_url))
    ops = operations(schema)
    seen = defaultdict(Counter)
    for har in args.har:
        for entry in json.load(open(har, encoding="utf-8"))["log"]["entries"]:
            method, path = entry["request"]["method"].upper(), urlparse(entry["request"]["url"]).path
            for (op_method, template), (pattern, _) in ops.items():
                if op_method == method and pattern.match(path):
                    seen[(op_method, template)][entry["response"]["status"]] += 1
                    break
    bad = []
    for key, (_, operation_id) in sorted(ops.items()):
        if operation_id in args.exclude:
            continue
        statuses = seen.get(key, Counter())
        reached = {s: n for s, n in statuses.items() if s not in (401, 404)}  # 401: it never got that far
        print(f"{key[0]:6} {key[1]:55} " + " ".join(f"{s}×{n}" for s, n in sorted(statuses.items())))
        if not reached:
            bad.append(f"{key[0]} {key[1]}" + (" (never called)" if not statuses else " (only ever 404)"))
    if bad:
        print("schemathesis never reached a real object in:\n  " + "\n  ".join(bad))
        return 1
    print(f"every one of {len(ops) - len(args.exclude)} operations reached a real object")
    return 0


if __name__ == "__main__":
    sys.exit(main())
