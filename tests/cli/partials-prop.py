#!/usr/bin/env python3
"""Property test of partial results (issue 19), over random splits of the corpora.

usage: partials-prop.py FLAMEKIT WORKDIR TRIALS INPUT...

For each trial (seeds 1..TRIALS, so a failure names a seed to replay): the
INPUTs, in order, are cut into 1-5 contiguous shards; each shard is folded
into a partial (`fold --partial --group-by host`); the partials are merged
in a random bracketing (partials of partials), and the result is compared
byte for byte with one run over all INPUTs: folded, SVG, JSON, stderr and
exit code (associativity). Then the partials are merged in a shuffled
order: folded and SVG stay byte-identical, and the JSON differs only in the
order of its inputs (commutativity). Prints one line per failed property
and `checked N` at the end; exit 0 when all held.
"""
import json
import os
import random
import subprocess
import sys

fk, work, trials, inputs = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
GROUP = ["--group-by", "host"]


def run(args, tag):
    """Runs flamekit ARGS writing TAG.folded/.svg/.json; returns the outputs."""
    outs = [os.path.join(work, tag + ext) for ext in (".folded", ".svg", ".json")]
    p = subprocess.run([fk] + args + sum((["-o", o] for o in outs[1:]), []) + ["-o", outs[0]],
                       capture_output=True)
    got = {"rc": p.returncode, "err": p.stderr}
    with open(os.path.join(work, tag + ".err"), "wb") as f:
        f.write(p.stderr)
    for o, k in zip(outs, ("folded", "svg", "json")):
        with open(o, "rb") as f:
            got[k] = f.read()
    return got


def fold_partial(args, tag):
    out = os.path.join(work, tag + ".partial.folded")
    p = subprocess.run([fk, "fold", "--partial", "-o", out] + args, capture_output=True)
    return out, p.returncode


def merge_tree(parts, rng, tag):
    """Merges PARTS (a list of partial files, in order) bracketed at random:
    adjacent runs of them become a partial of partials first."""
    level = 0
    while len(parts) > 2 and rng.random() < 0.7:
        i = rng.randrange(len(parts) - 1)
        j = rng.randrange(i + 2, min(len(parts), i + 3) + 1)
        out, _ = fold_partial(parts[i:j], "%s-m%d" % (tag, level))
        parts = parts[:i] + [out] + parts[j:]
        level += 1
    return parts


def inputs_sorted(doc):
    d = json.loads(doc)
    d["inputs"] = sorted(d["inputs"], key=lambda x: json.dumps(x, sort_keys=True))
    return d


failed = 0
checked = 0
for cmd in ("fold", "graph"):
    whole = run([cmd] + GROUP + inputs, "whole-" + cmd)
    for seed in range(1, trials + 1):
        rng = random.Random(seed)
        n = rng.randint(1, min(5, len(inputs)))
        cuts = sorted(rng.sample(range(1, len(inputs)), n - 1))
        shards = [inputs[a:b] for a, b in zip([0] + cuts, cuts + [len(inputs)])]
        parts = []
        for k, shard in enumerate(shards):
            out, _ = fold_partial(GROUP + shard, "s%d-%d" % (seed, k))
            parts.append(out)
        merged = merge_tree(parts, rng, "s%d" % seed)
        got = run([cmd] + merged, "merged-%s-%d" % (cmd, seed))
        for k in ("folded", "svg", "json", "err", "rc"):
            checked += 1
            if got[k] != whole[k]:
                failed += 1
                print("seed %d: %s %s: split into %d shards (%s) differs from one run"
                      % (seed, cmd, k, len(shards), " | ".join(" ".join(s) for s in shards)))
        # --group-by host once more changes nothing: grouping is idempotent.
        again = run([cmd] + GROUP + merged, "again-%s-%d" % (cmd, seed))
        checked += 1
        if again["folded"] != whole["folded"]:
            failed += 1
            print("seed %d: %s --group-by host over partials grouped by host twice" % (seed, cmd))
        shuffled = parts[:]
        rng.shuffle(shuffled)
        got = run([cmd] + shuffled, "shuffled-%s-%d" % (cmd, seed))
        for k in ("folded", "svg"):
            checked += 1
            if got[k] != whole[k]:
                failed += 1
                print("seed %d: %s %s: partials in another order differ" % (seed, cmd, k))
        checked += 1
        if inputs_sorted(got["json"]) != inputs_sorted(whole["json"]):
            failed += 1
            print("seed %d: %s json: partials in another order differ beyond the inputs' order"
                  % (seed, cmd))
print("checked %d" % checked)
sys.exit(1 if failed else 0)
