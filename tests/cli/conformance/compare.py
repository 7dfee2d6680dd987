#!/usr/bin/env python3
"""compare.py -- compare flamekit's folded output with a peer's, as stack ->
weight maps, after applying to flamekit's frames the name tidying the peer does
on purpose and flamekit does not (docs/formats/perf-script.md, "Differences").

usage: compare.py MANIFEST
Each line of MANIFEST is `MODE<TAB>EXPECTED<TAB>ACTUAL<TAB>DESCRIPTION`; prints
`PASS DESCRIPTION` or `FAIL DESCRIPTION` and `#` lines with the differences.
MODE: perl     stackcollapse-perf.pl: parameter lists cut at the first '(',
               quotes dropped, Java 'L' prefixes dropped (comm java*)
      inferno  inferno-collapse-perf: parameter lists cut at the first
               top-level '(', Java 'L' prefixes dropped
      dtrace   inferno-collapse-dtrace: no tidying
      exact    no tidying
      bpftrace EXPECTED is a bpftrace map dump (text); the truth is computed
               from it here, independently of flamekit: every `@map[...]: N`
               entry, frames trimmed, decimal offsets dropped, leaf last,
               scalar keys as root frames, `[empty stack]` for no frames
"""
import re
import sys

ANNOT = re.compile(r"(_\[[kji]\])$")
# Frames perf printed without a symbol (`ip  (dso)`): the peers keep a blank
# name, flamekit names them `[dso]` as it does `[unknown]`. In files that have
# them, both are compared as one placeholder.
BLANK = re.compile(r"^(\[[^;]*\]|\s*)$")


def perl_tidy(f):
    if not re.search(r"\.\(.*\)\.", f):
        f = re.sub(r"\((?!anonymous namespace\)).*", "", f)
    return f.replace('"', "").replace("'", "")


def inferno_tidy(f):
    depth = 0
    last_dot = None
    for i, c in enumerate(f):
        if c in "<{[":
            depth += 1
        elif c in ">}])":
            depth -= 1
        elif c == "(":
            if depth == 0:
                if last_dot != i and not f[i:].startswith("(anonymous namespace)"):
                    return f[:i]
            depth += 1
        elif c == ".":
            last_dot = i + 1
    return f


def uncpp(f):
    """inferno-collapse-dtrace cuts C++ names after the first `::` at the
    last `(` or `<`; applied until nothing changes, so that flamekit's whole
    names and the peer's cut ones meet."""
    while True:
        scope = f.find("::")
        if scope < 0:
            return f
        rest = f[scope + 2:]
        cut = max(rest.rfind("("), rest.rfind("<"))
        if cut < 0:
            return f
        f = f[: scope + 2 + cut].rstrip()


def normalize(stack, mode):
    frames = stack.split(";")
    if mode == "dtrace":
        return ";".join(uncpp(f) for f in frames)
    if mode == "exact":
        return stack
    tidy = perl_tidy if mode == "perl" else inferno_tidy
    java = frames[0].startswith("java")
    out = [frames[0]]
    for f in frames[1:]:
        m = ANNOT.search(f)
        suffix = ""
        if m:
            suffix = m.group(1)
            f = f[: m.start()]
        f = tidy(f)
        if java and f.startswith("L") and "/" in f:
            f = f[1:]
        out.append(f + suffix)
    return ";".join(out)


def load(path, mode, norm, blank_dso=False):
    d = {}
    with open(path, encoding="utf-8", errors="surrogateescape") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line:
                continue
            stack, _, count = line.rpartition(" ")
            if norm or mode == "dtrace":
                stack = normalize(stack, mode)
            if mode == "perl":
                stack = stack.replace('"', "").replace("'", "")
            if blank_dso:
                stack = ";".join(BLANK.sub("[?]", f) for f in stack.split(";"))
            d[stack] = d.get(stack, 0) + int(count)
    return d


def bpftrace_reference(path):
    text = open(path, encoding="utf-8", errors="surrogateescape").read()
    d = {}
    for m in re.finditer(r"^@\w*\[(.*?)\]: (\d+)$", text, re.S | re.M):
        body, count = m.group(1), int(m.group(2))
        keys, frames = [], []
        for line in body.split("\n"):
            if line.startswith((" ", "\t")):
                frames.append(re.sub(r"\+\d+$", "", line.strip()))
            else:
                keys += [k.strip() for k in line.lstrip(",").split(", ") if k.strip()]
        stack = ";".join(keys + frames[::-1]) or "[empty stack]"
        d[stack] = d.get(stack, 0) + count
    return d


def compare(mode, expected, actual):
    if mode == "bpftrace":
        want = bpftrace_reference(expected)
        got = load(actual, "exact", False)
        return report(want, got)
    with open(expected, encoding="utf-8", errors="surrogateescape") as fh:
        blank = any(";  " in l or "; ;" in l for l in fh)
    want = load(expected, mode, False, blank)
    got = load(actual, mode, True, blank)
    return report(want, got)


def report(want, got):
    if want == got:
        return True
    n = 0
    for k in sorted(set(want) | set(got)):
        if want.get(k) != got.get(k):
            print("#   %s: want %s got %s" % (k[:200], want.get(k), got.get(k)))
            n += 1
            if n >= 5:
                break
    print("#   (%d stacks want, %d got; weight %d want, %d got)"
          % (len(want), len(got), sum(want.values()), sum(got.values())))
    return False


def main():
    with open(sys.argv[1]) as fh:
        for line in fh:
            mode, expected, actual, desc = line.rstrip("\n").split("\t")
            ok = compare(mode, expected, actual)
            print("%s %s" % ("PASS" if ok else "FAIL", desc), flush=True)


main()
