#!/usr/bin/env python3
"""verdicts.py VERDICT.json [FUNCTION...] -- prints "NAME VERDICT SELF TOTAL"
for each FUNCTION of a `flamekit diff` verdict document (every function when
none is named; "-" when absent), and "flagged N" with the number of
functions whose verdict is slower or faster, the total counted as one."""
import json
import sys

doc = json.load(open(sys.argv[1]))
funcs = {f["name"]: f for f in doc["functions"]}
names = sys.argv[2:] or sorted(funcs)
for n in names:
    f = funcs.get(n)
    if f is None:
        print(n, "-", "-", "-")
    else:
        print(n, f["verdict"], f["self"]["verdict"], f["total"]["verdict"])
flagged = sum(f["verdict"] in ("slower", "faster") for f in doc["functions"])
flagged += doc["total"]["verdict"] in ("slower", "faster")
print("flagged", flagged)
