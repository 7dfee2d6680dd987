#!/usr/bin/env python3
"""jsoncheck.py SCHEMA FILE... -- validates each FILE against SCHEMA (JSON
Schema draft-07, python3-jsonschema) and checks what a schema cannot: every
node's total is its self plus its children's totals. Exit 0 when all pass;
77 when jsonschema is missing (the caller skips)."""
import json
import sys

try:
    import jsonschema
except ImportError:
    sys.exit(77)


def check_totals(node, columns, path):
    kids = node.get("children", [])
    for c in range(columns):
        want = node["self"][c] + sum(k["total"][c] for k in kids)
        if abs(want - node["total"][c]) > 1e-6 * max(1.0, abs(want)):
            raise ValueError("%s: total %r != self + children %r" % (path, node["total"][c], want))
    stack = [(k, path + ";" + k["name"]) for k in kids]
    while stack:
        n, p = stack.pop()
        check_totals_shallow(n, columns, p)
        stack.extend((k, p + ";" + k["name"]) for k in n.get("children", []))


def check_totals_shallow(node, columns, path):
    kids = node.get("children", [])
    for c in range(columns):
        want = node["self"][c] + sum(k["total"][c] for k in kids)
        if abs(want - node["total"][c]) > 1e-6 * max(1.0, abs(want)):
            raise ValueError("%s: total %r != self + children %r" % (path, node["total"][c], want))


def main():
    schema = json.load(open(sys.argv[1]))
    validator = jsonschema.Draft7Validator(schema)
    bad = 0
    for f in sys.argv[2:]:
        doc = json.load(open(f, encoding="utf-8"))
        errors = list(validator.iter_errors(doc))
        for e in errors[:5]:
            print("%s: %s at %s" % (f, e.message, "/".join(map(str, e.path))))
        bad += bool(errors)
        if not errors and "tree" in doc:
            try:
                check_totals(doc["tree"], len(doc["columns"]), "")
            except ValueError as e:
                print("%s: %s" % (f, e))
                bad += 1
    sys.exit(1 if bad else 0)


main()
