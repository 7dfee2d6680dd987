#!/usr/bin/env python3
"""unwind-compare.py [--names] [--cut-kernel] NATIVE TEXT [N]: the share of weight on which
`flamekit fold X.data` (NATIVE) and `perf script -i X.data | flamekit fold`
(TEXT) give the same stacks for a --call-graph dwarf capture.

Both files are normalized the same way first, for differences that are not
the unwinder's (docs/formats/perf-data.md, "DWARF unwinding"):
- flamekit's `[truncated]` marker is dropped, and so is a root-side
  `[unknown]` frame right after the process name (perf's garbage frame where
  the copy size cut a stack);
- glibc version suffixes (`@@GLIBC_2.34`, `@GLIBC_2.2.5`) that the text keeps;
- with --names (the comparison with inline frames): each frame is reduced to
  its last name component without template arguments, parameters, clone
  suffixes (.constprop.0, .isra.0, .part.0, .cold) or a Rust hash, and a
  name equals another that it starts, leading underscores aside
  (`__libc_start_main` and its DWARF name `__libc_start_main_impl`,
  `pthread_getspecific` and `___pthread_getspecific`; glibc's
  `__memcpy_avx512_unaligned_erms` is `__memmove_avx512_unaligned_erms`,
  the same code): perf names every frame it has inline information
  for by addr2line's DWARF name, flamekit by the ELF symbol, as for
  frame-pointer stacks; glibc's internal aliases (`__GI___libc_free`,
  `cfree`) are its public names; and perf's repeating of a function's name in
  place of the innermost frame inlined into it is not a difference.
With --cut-kernel every stack is cut before its first kernel frame (`_[k]`),
for captures whose kernel this machine need not know.
With --stopped-early, a fourth figure: the share of the weight, not counted
in PCT, where the text's stack is NATIVE's with 1 to 4 root-side frames left
out after the process frame (perf's unwinder stopping short of `_start`, as
perf 6.1 does in some captures at `__libc_start_call_main`). It says where
the two differ, it does not make them the same.
Prints "PCT TOTAL_NATIVE TOTAL_TEXT [STOPPED_PCT]", then with N the N stacks
that differ most."""
import re
import sys

CLONE = re.compile(r"((\.(lto_priv|constprop|isra|part|cold|clone|localalias)(\.\d+)?)|( \[clone [^]]*\]))+$")
RUSTHASH = re.compile(r"::h[0-9a-f]{16}$")


def strip_brackets(s, o, c):
    out, depth = [], 0
    for ch in s:
        if ch == o:
            depth += 1
        elif ch == c:
            depth = max(depth - 1, 0)
        elif depth == 0:
            out.append(ch)
    return "".join(out)


def short(f):
    f = RUSTHASH.sub("", CLONE.sub("", f))
    f = re.sub(r"^__GI_", "", f)
    # glibc's memcpy entry points are aliases of memmove's (one body, two
    # symbols): perf's DWARF names one, the ELF rule the other
    f = re.sub(r"^__memcpy_", "__memmove_", f)
    f = {"cfree": "free", "__libc_free": "free", "__libc_malloc": "malloc"}.get(f, f)
    if f.startswith("[") or f.startswith("<"):
        return f
    f = strip_brackets(strip_brackets(f, "(", ")"), "<", ">")
    f = strip_brackets(f, "{", "}")
    return f.rstrip(":").split("::")[-1].strip() or f


def load(path, names, cut):
    d = {}
    for line in open(path, errors="replace"):
        line = line.rstrip("\n")
        if not line:
            continue
        stack, _, w = line.rpartition(" ")
        frames = [re.sub(r"@@?GLIBC_[0-9.]+", "", f) for f in stack.split(";") if f != "[truncated]"]
        if cut:
            for i, f in enumerate(frames):
                if f.endswith("_[k]"):
                    frames = frames[:i]
                    break
        if len(frames) > 1 and frames[1] == "[unknown]":
            del frames[1]
        if names:
            frames = [short(f) for f in frames]
        key = tuple(frames)
        d[key] = d.get(key, 0) + float(w)
    return d


def same(a, b):
    """A (flamekit's) and B (perf's) differ only by names: a name that starts
    the other, or perf repeating the function's name in place of the
    innermost frame inlined into it (perf 6.1 prints the symbol on the
    address's first line and the inline chain below it, dropping one)."""
    if len(a) != len(b):
        return False
    for i, (x, y) in enumerate(zip(a, b)):
        x, y = x.lstrip("_") or x, y.lstrip("_") or y
        if not (x == y or x.startswith(y) or y.startswith(x) or b[i] in b[:i]):
            return False
    return True


args = [a for a in sys.argv[1:] if not a.startswith("--")]
names = "--names" in sys.argv
cut = "--cut-kernel" in sys.argv
a, b = load(args[0], names, cut), load(args[1], names, cut)
ta, tb = sum(a.values()), sum(b.values())
left = dict(b)
common = 0.0
rem = {}  # what of each native stack the text has not matched
for k, w in sorted(a.items()):
    if k in left:
        m = min(w, left[k])
        common += m
        left[k] -= m
        w -= m
    if w > 0 and names:
        for k2 in left:
            if left[k2] > 0 and same(k, k2):
                m = min(w, left[k2])
                common += m
                left[k2] -= m
                w -= m
                if w <= 0:
                    break
    rem[k] = w
stopped = 0.0
if "--stopped-early" in sys.argv:
    for k, w in sorted(rem.items()):
        for drop in range(1, 5):
            if w <= 0 or len(k) <= drop + 1:
                break
            short_k = k[:1] + k[1 + drop:]
            for k2 in left:
                if left[k2] > 0 and (k2 == short_k or (names and same(short_k, k2))):
                    m = min(w, left[k2])
                    stopped += m
                    left[k2] -= m
                    w -= m
                    if w <= 0:
                        break
line = "%.1f %d %d" % (common / max(ta, tb, 1) * 100, ta, tb)
if "--stopped-early" in sys.argv:
    line += " %.1f" % (stopped / max(ta, tb, 1) * 100)
print(line)
if len(args) > 2:
    diffs = sorted(((abs(a.get(k, 0) - b.get(k, 0)), k) for k in set(a) | set(b)), reverse=True)
    for d, k in [x for x in diffs if x[0] > 0][: int(args[2])]:
        print("#  %g vs %g  %s" % (a.get(k, 0), b.get(k, 0), ";".join(k)[:300]))
