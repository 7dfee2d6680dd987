#!/usr/bin/env python3
"""symbolize-compare.py -- check the symbolizer's frames against addr2line
and against `perf script` names (helper of tests/cli/t71*-symbolize-*.sh).

  symbolize-compare.py addr2line DRIVER BIN (--stride N | --random N) [--min-same PCT] [--max-other PCT]
  symbolize-compare.py perf DRIVER BIN FRAMES

addr2line mode: addresses of BIN's .text (every Nth byte, or N random ones
with a fixed seed) through `addr2line -a -f -i -C -s` and through DRIVER
(build/tests/bench/symbolize-lookups, same output layout). Each address is
  identical  same frames, names and FILE:LINE;
  alias      same FILE:LINE everywhere, a name differs only by a clone or
             alias suffix the ELF symbol carries and DWARF does not
             (.lto_priv.0, .cold, .isra.0, .constprop.0, .part.0,
             [clone .cold]), or addr2line's DWARF name is the unqualified
             tail of it -- perf prints the ELF name too;
  quirk      as alias, except that addr2line named an inlined frame after
             a frame it is inlined into (binutils does so when the inlined
             function has no linkage name; flamekit uses its DW_AT_name), or
             addr2line printed `<artificial>` for the file of an LTO unit's
             row where flamekit reads the row's real DWARF 5 file entry;
  padding    DRIVER found no symbol (the address lies between two ELF
             symbols, where perf shows [unknown]) and addr2line named the
             nearest function;
  other      anything else: a real disagreement.
Prints the counts; exits 1 if `other` is above --max-other percent
(default 0) or identical+alias is below --min-same percent (default 95).

perf mode: FRAMES holds `perf script -F ip,sym,symoff,dso --no-inline`
lines of BIN (perf prints callchain addresses as file offsets); each address is looked up with --no-inline --no-params and
the name must equal perf's. Exits 1 on any difference."""
import os
import random
import re
import subprocess
import sys

CLONE = re.compile(r"((\.(lto_priv|constprop|isra|part|cold|clone|localalias)(\.\d+)?)|( \[clone [^]]*\]))+")


def norm_line(l):
    l = re.sub(r" \(discriminator \d+\)$", "", l).replace("??:?", "??:0")
    return "??:0" if re.match(r"^[^ ]*:\?$", l) else l


def strip_params(name):
    """f(int) const -> f: cut the last top-level parameter list."""
    name = CLONE.sub("", name)
    if not name.endswith(")") and not name.endswith(") const"):
        return name
    depth = 0
    for i in range(len(name) - 1, -1, -1):
        c = name[i]
        if c == ")":
            depth += 1
        elif c == "(":
            depth -= 1
            if depth == 0:
                return name[:i]
    return name


def same_name(a2l, ours):
    """Equal but for clone suffixes, or addr2line's DWARF name is the
    unqualified tail of the ELF symbol's name."""
    a, o = CLONE.sub("", a2l), CLONE.sub("", ours)
    return a == o or strip_params(o).endswith("::" + strip_params(a))


def same_line(a2l, ours):
    """Equal, or addr2line put the DWARF 5 file entry 0 of an LTO unit
    (`<artificial>`) where the row's file is another entry (binutils 2.40
    reads DWARF 5 file numbers one off there)."""
    return a2l == ours or (a2l.startswith("<artificial>:") and a2l.split(":")[-1] == ours.split(":")[-1])


def blocks(text):
    bl, cur = {}, None
    for l in text.splitlines():
        if l.startswith("0x") and len(l) == 18:
            cur = []
            bl[int(l, 16)] = cur
        elif cur is not None:
            cur.append(norm_line(l))
    return bl


def text_range(binp):
    out = subprocess.run(["readelf", "-SW", binp], capture_output=True, text=True, check=True).stdout
    for l in out.splitlines():
        f = l.replace("[ ", "[").split()
        if len(f) > 5 and f[1] == ".text":
            return int(f[3], 16), int(f[5], 16)
    raise SystemExit("no .text in " + binp)


def addr2line_mode(args):
    driver, binp = args[0], args[1]
    start, size = text_range(binp)
    mode, n = args[2], int(args[3])
    opts = dict(zip(args[4::2], args[5::2]))
    min_same = float(opts.get("--min-same", 95.0))
    max_other = float(opts.get("--max-other", 0.0))
    if mode == "--stride":
        addrs = list(range(start, start + size, n))
    else:
        rnd = random.Random(7)
        addrs = [start + rnd.randrange(size) for _ in range(n)]
    inp = "\n".join("%x" % a for a in addrs) + "\n"
    a2l = blocks(subprocess.run(["addr2line", "-a", "-f", "-i", "-C", "-s", "-e", binp], input=inp,
                                capture_output=True, text=True, check=True).stdout)
    ours = blocks(subprocess.run([driver, binp], input=inp, capture_output=True, text=True, check=True).stdout)
    label = "[%s]" % os.path.basename(binp)
    counts = {"identical": 0, "alias": 0, "quirk": 0, "padding": 0, "other": 0}
    shown = 0
    for a in sorted(a2l):
        x, y = a2l[a], ours.get(a, [])
        if x == y:
            kind = "identical"
        elif (len(x) == len(y) and all(x[i] == y[i] for i in range(1, len(x), 2)) and
              all(same_name(x[i], y[i]) for i in range(0, len(x), 2))):
            kind = "alias"
        elif (len(x) == len(y) and all(same_line(x[i], y[i]) for i in range(1, len(x), 2)) and
              all(same_name(x[i], y[i]) or any(same_name(x[i], o) for o in y[i + 2::2]) for i in range(0, len(x), 2))):
            kind = "quirk"
        elif y == [label, "??:0"]:
            kind = "padding"
        else:
            kind = "other"
        counts[kind] += 1
        if kind == "other" and shown < 5:
            shown += 1
            print("# 0x%x\n#  addr2line: %s\n#  flamekit:  %s" % (a, x, y), file=sys.stderr)
    total = len(a2l)
    same = 100.0 * (counts["identical"] + counts["alias"]) / max(total, 1)
    print("%s: %d addresses: %d identical, %d alias, %d addr2line quirk, %d padding, %d other (%.1f%% same)" %
          (os.path.basename(binp), total, counts["identical"], counts["alias"], counts["quirk"], counts["padding"],
           counts["other"], same))
    return 1 if 100.0 * counts["other"] / max(total, 1) > max_other or same < min_same else 0


def perf_mode(args):
    driver, binp, frames = args
    want = {}
    for l in open(frames):
        m = re.match(r"^([0-9a-f]+) (.*)\+0x[0-9a-f]+ \(", l.strip())
        if m:
            want[int(m.group(1), 16)] = m.group(2)
    inp = "\n".join("%x" % a for a in sorted(want)) + "\n"
    ours = blocks(subprocess.run([driver, "--offsets", "--no-inline", "--no-params", binp], input=inp, capture_output=True,
                                 text=True, check=True).stdout)
    bad = 0
    for a in sorted(want):
        got = ours.get(a, ["?"])[0]
        if got != want[a]:
            bad += 1
            print("# 0x%x perf: %s flamekit: %s" % (a, want[a], got), file=sys.stderr)
    print("%s: %d perf script names, %d differ" % (os.path.basename(binp), len(want), bad))
    return 1 if bad or not want else 0


if __name__ == "__main__":
    if len(sys.argv) < 4:
        raise SystemExit(__doc__)
    sys.exit(addr2line_mode(sys.argv[2:]) if sys.argv[1] == "addr2line" else perf_mode(sys.argv[2:]))
