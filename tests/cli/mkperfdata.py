#!/usr/bin/env python3
"""mkperfdata.py OUT [--comm NAME] [--dso PATH] [--pid N] [--samples N] [--sample-pid N]

Writes a small file-mode perf.data the way perf 6.1 lays one out (one
cpu-clock attr with IP|TID|TIME|PERIOD|CALLCHAIN and sample_id_all, a COMM,
two MMAP2 records, samples), for tests that need names no real capture
holds: a DSO PATH with line breaks or ';', a comm with control characters.
Process PID maps PATH at 0x400000 and anonymous memory (//anon, where perf
looks JIT symbols up in /tmp/perf-PID.map) at 0x7f0000000000; each sample's
chain is PATH's 0x400100 called from the JIT code at 0x7f0000000010.
Names are given as Python string literals' escapes allow ("\\n", "\\x1b").
--sample-pid N puts N as the samples' pid and tid (-1: what the kernel
records for a sample without a task, which no COMM names)."""
import argparse
import struct


def rec(rtype, misc, body):
    size = 8 + len(body)
    assert size % 8 == 0
    return struct.pack("<IHH", rtype, misc, size) + body


def cstr(s, align=8):
    b = s.encode("utf-8", "surrogateescape") + b"\0"
    return b + b"\0" * (-len(b) % align)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--comm", default="prog")
    ap.add_argument("--dso", default="/bin/prog")
    ap.add_argument("--pid", type=int, default=4242)
    ap.add_argument("--samples", type=int, default=3)
    ap.add_argument("--sample-pid", type=int)
    a = ap.parse_args()
    unescape = lambda s: s.encode("utf-8", "surrogateescape").decode("unicode_escape")
    comm, dso, pid = unescape(a.comm), unescape(a.dso), a.pid

    sample_type = 0x1 | 0x2 | 0x4 | 0x20 | 0x100  # IP TID TIME CALLCHAIN PERIOD
    attr = struct.pack("<IIQQQQQ", 1, 64, 0, 1001001, sample_type, 0, 1 << 18)
    attr += b"\0" * (64 - len(attr))
    attrs = attr + struct.pack("<QQ", 0, 0)  # no ids

    def trailer(t):  # sample_id_all: TID, TIME
        return struct.pack("<IIQ", pid, pid, t)

    data = b""
    data += rec(3, 0, struct.pack("<II", pid, pid) + cstr(comm) + trailer(10))
    for start, length, path in ((0x400000, 0x1000, dso), (0x7F0000000000, 0x10000, "//anon")):
        body = struct.pack("<IIQQQ", pid, pid, start, length, 0)
        body += struct.pack("<IIQQ", 0, 0, 0, 0)  # maj, min, ino, ino_generation
        body += struct.pack("<II", 5, 2)  # prot, flags
        body += cstr(path) + trailer(20)
        data += rec(10, 2, body)
    for i in range(a.samples):
        chain = [(1 << 64) - 512, 0x400100, 0x7F0000000010 + 1]
        sp = pid if a.sample_pid is None else a.sample_pid
        body = struct.pack("<QiiQQQ", 0x400100, sp, sp, 100 + i, 1000, len(chain))
        body += b"".join(struct.pack("<Q", c) for c in chain)
        data += rec(9, 2, body)
    data += rec(68, 0, b"")  # FINISHED_ROUND

    attrs_off = 104
    data_off = attrs_off + len(attrs)
    header = b"PERFILE2" + struct.pack("<QQ", 104, len(attrs))
    header += struct.pack("<QQ", attrs_off, len(attrs))
    header += struct.pack("<QQ", data_off, len(data))
    header += struct.pack("<QQ", 0, 0) + b"\0" * 32
    assert len(header) == 104
    with open(a.out, "wb") as f:
        f.write(header + attrs + data)


main()
