#!/usr/bin/env python3
"""stack-overlap.py A B [N]: the share of weight two folded files agree on.

Prints the percentage of the larger total that both files give the same
stack, then (with N) the N stacks that differ most. With --cut-kernel,
every stack is cut before its first kernel frame (`_[k]`), for captures
whose kernel symbols this machine cannot know."""
import sys


def load(path, cut):
    d = {}
    for line in open(path, errors="replace"):
        line = line.rstrip("\n")
        if not line:
            continue
        stack, _, w = line.rpartition(" ")
        if cut:
            frames = stack.split(";")
            for i, f in enumerate(frames):
                if f.endswith("_[k]"):
                    frames = frames[:i]
                    break
            stack = ";".join(frames)
        d[stack] = d.get(stack, 0) + float(w)
    return d


args = [a for a in sys.argv[1:] if not a.startswith("--")]
cut = "--cut-kernel" in sys.argv
a, b = load(args[0], cut), load(args[1], cut)
ta, tb = sum(a.values()), sum(b.values())
common = sum(min(a.get(k, 0), b.get(k, 0)) for k in set(a) | set(b))
print("%.1f %d %d" % (common / max(ta, tb, 1) * 100, ta, tb))
if len(args) > 2:
    diffs = sorted(((abs(a.get(k, 0) - b.get(k, 0)), k) for k in set(a) | set(b)), reverse=True)
    for d, k in diffs[: int(args[2])]:
        print("#  %g vs %g  %s" % (a.get(k, 0), b.get(k, 0), k[:160]))
