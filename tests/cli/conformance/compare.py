#!/usr/bin/env python3
"""compare.py -- compare flamekit's folded output with a peer's, as stack ->
weight maps. flamekit's names are compared as they are: the only tidying is
quotes (stackcollapse-perf.pl deletes `"` and `'`, "quotes aside"), and the
deliberate differences a comparison names, each listed in docs/formats/ and
each required to matter (a difference that no longer shows fails, so the list
stays true).

usage: compare.py MANIFEST
Each line of MANIFEST is
`MODE<TAB>EXPECTED<TAB>ACTUAL<TAB>DESCRIPTION<TAB>DIFFS<TAB>INPUT`;
prints `PASS DESCRIPTION` or `FAIL DESCRIPTION`, `DIFF NAME DESCRIPTION` for
each deliberate difference that was applied, and `#` lines with the
differences. DIFFS is a comma-separated list of the names in DIFFERENCES
(may be empty).
MODE: perl     stackcollapse-perf.pl: quotes dropped on both sides
      inferno  inferno's collapsers: no tidying
      exact    no tidying
      bpftrace EXPECTED is a bpftrace map dump (text); the truth is computed
               from it here, independently of flamekit: every `@map[...]: N`
               entry, frames trimmed, decimal offsets dropped, leaf last,
               scalar keys as root frames, `[empty stack]` for no frames
"""
import re
import subprocess
import sys

ANNOT = re.compile(r"(_\[[kji]\])$")
# Frames perf printed without a symbol (`ip  (dso)`): the peers keep a blank
# name, flamekit names them `[dso]` as it does `[unknown]`. In files that have
# them, both are compared as one placeholder.
BLANK = re.compile(r"^(\[[^;]*\]|\s*)$")


def top_level_space(f):
    """The index of the last space outside brackets, or -1."""
    depth, last = 0, -1
    for i, c in enumerate(f):
        if c in "<{[(":
            depth += 1
        elif c in ">}])":
            depth = max(depth - 1, 0)
        elif c == " " and depth == 0:
            last = i
    return last


def drop_return_type(f):
    """The peers keep old perf's return type (`oopDesc* A::copy<false>`);
    flamekit names the function as perf.data does (`A::copy<false>`)."""
    i = top_level_space(f)
    if i < 0 or "::" not in f[i + 1:]:
        return f
    if not re.fullmatch(r"(?:[\w$*&<>,\[\]() ]|::)+", f[:i]):
        return f
    return f[i + 1:]


def operator_call(f):
    """inferno cuts `X::operator()` to `X::operator` (its parameter cut does
    not know operators); flamekit keeps `operator()`, as perf.data."""
    return re.sub(r"operator\(\)$", "operator", f)


def dtrace_unscoped_params(f):
    """inferno-collapse-dtrace keeps the parameter list of a name without
    `::` (`libjvm.dylib`java_start(Thread*)`); flamekit drops it as for
    every name and reader (perf.data names it `java_start`)."""
    mod, tick, fn = f.rpartition("`")
    if "::" in fn or "(" not in fn:
        return f
    return mod + tick + fn[: fn.index("(")]


def dtrace_generic_cut(f, printed):
    """inferno-collapse-dtrace cuts a scoped name DTrace printed demangled
    at its last `(` or `<`, template and generic arguments included
    (`<tokio::future::poll_fn::PollFn<F> as Future>::poll` becomes
    `<tokio::future::poll_fn::PollFn`), which merges different functions;
    flamekit keeps them whole. (Names it demangles itself, Rust legacy
    `_$LT$...`, it cuts before demangling, so they stay whole: PRINTED is
    the set of frames as the input printed them, offsets and Rust hashes
    cut.)"""
    if f not in printed:
        return f
    scope = f.find("::")
    if scope < 0:
        return f
    rest = f[scope + 2:]
    cut = max(rest.rfind("("), rest.rfind("<"))
    return f if cut < 0 else f[: scope + 2 + cut]


def printed_frames(path):
    out = set()
    with open(path, encoding="utf-8", errors="surrogateescape") as fh:
        for line in fh:
            f = re.sub(r"\+0x[0-9a-f]+$", "", line.strip())
            f = re.sub(r" \(\.llvm\.\d+\)$", "", f)  # both cut these
            out.add(re.sub(r"::h[0-9a-f]{16}$", "", f))
    return out


def symbol_version(f):
    """The peers keep the ELF symbol version perf script prints
    (`pthread_cond_signal@@GLIBC_2.3.2`); flamekit drops it, as its perf.data
    reader does."""
    return re.sub(r"@@?[A-Z][A-Z0-9_]*_[0-9][0-9.]*$", "", f)


def demangle(f, names):
    """The peers keep the mangled names a perf without demangling printed
    (`_ZN10JavaThread3runEv`); flamekit demangles them as its perf.data
    reader does (`JavaThread::run`). NAMES maps them through binutils'
    c++filt without parameter lists."""
    return names.get(f, f)


def cxxfilt(path):
    """The mangled frames of the peer's result EXPECTED, demangled by c++filt
    (binutils, as libiberty does for flamekit)."""
    frames = set()
    with open(path, encoding="utf-8", errors="surrogateescape") as fh:
        for line in fh:
            for f in line.rpartition(" ")[0].split(";"):
                m = ANNOT.search(f)
                f = f[: m.start()] if m else f
                if re.match(r"_+[ZR]", f):
                    frames.add(f)
    frames = sorted(frames)
    if not frames:
        return {}
    try:
        out = subprocess.run(["c++filt", "-p"], input="\n".join(frames) + "\n",
                             capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        print("#   c++filt (binutils) did not run: %s" % e)
        return {}
    return dict(zip(frames, out.split("\n")))


# name -> (side the rule rewrites, function, what it needs from the input). "want": the peer's expected
# frames are rewritten into flamekit's name; "got": flamekit's into the
# peer's (when the peer's form has lost what flamekit keeps).
DIFFERENCES = {
    "return-type": ("want", drop_return_type, None),
    "operator-call": ("got", operator_call, None),
    "dtrace-unscoped-params": ("want", dtrace_unscoped_params, None),
    "dtrace-generic-cut": ("got", dtrace_generic_cut, printed_frames),
    "symbol-version": ("want", symbol_version, None),
    "demangle": ("want", demangle, "expected"),
}


def rewrite(stack, fn):
    out = []
    for f in stack.split(";"):
        m = ANNOT.search(f)
        suffix = ""
        if m:
            suffix = m.group(1)
            f = f[: m.start()]
        out.append(fn(f) + suffix)
    return ";".join(out)


def load(path, mode, blank_dso=False):
    d = {}
    with open(path, encoding="utf-8", errors="surrogateescape") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line:
                continue
            stack, _, count = line.rpartition(" ")
            if mode == "perl":
                stack = stack.replace('"', "").replace("'", "")
            if blank_dso:
                stack = ";".join(BLANK.sub("[?]", f) for f in stack.split(";"))
            d[stack] = d.get(stack, 0) + int(count)
    return d


def apply(d, fn, ctx):
    out = {}
    for k, v in d.items():
        k = rewrite(k, lambda f: fn(f, ctx) if ctx is not None else fn(f))
        out[k] = out.get(k, 0) + v
    return out


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


def compare(mode, expected, actual, diffs, desc, input_path):
    if mode == "bpftrace":
        want = bpftrace_reference(expected)
        got = load(actual, "exact")
        return report(want, got)
    with open(expected, encoding="utf-8", errors="surrogateescape") as fh:
        blank = any(";  " in l or "; ;" in l for l in fh)
    want = load(expected, mode, blank)
    got = load(actual, mode, blank)
    ok = True
    for name in diffs:
        side, fn, need = DIFFERENCES[name]
        if need == "expected":
            ctx = cxxfilt(expected)
        else:
            ctx = need(input_path) if need else None
        before = (want, got)
        if side == "want":
            want = apply(want, fn, ctx)
        else:
            got = apply(got, fn, ctx)
        if (want, got) == before:
            print("#   deliberate difference %s no longer shows: drop it from the list" % name)
            ok = False
        else:
            print("DIFF %s %s" % (name, desc))
    return report(want, got) and ok


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
            mode, expected, actual, desc, diffs, inp = line.rstrip("\n").split("\t")
            ok = compare(mode, expected, actual, [d for d in diffs.split(",") if d], desc, inp)
            print("%s %s" % ("PASS" if ok else "FAIL", desc), flush=True)


main()
