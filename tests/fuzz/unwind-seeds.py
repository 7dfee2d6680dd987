#!/usr/bin/env python3
"""unwind-seeds.py CAPTURE BASE OUTDIR [N]: writes fuzz-unwind seeds from the
first N (default 8) samples of a file-mode --call-graph dwarf capture whose
sample_type is IP|TID|TIME|ADDR|CALLCHAIN|PERIOD|REGS_USER|STACK_USER|DATA_SRC
(perf 6.1's) with sample_regs_user 0xff0fff: u64 BASE (the ELF's load
address, from `perf script --show-mmap-events`), a flags byte (1: the copy
was full), the 20 registers, and the first 2 KiB of the stack copy (so the
walks of longer stacks end as cut by the copy size)."""
import os
import struct
import sys

cap, base, out = sys.argv[1], int(sys.argv[2], 0), sys.argv[3]
n = int(sys.argv[4]) if len(sys.argv) > 4 else 8
data = open(cap, "rb").read()
doff, dsize = struct.unpack_from("<QQ", data, 40)
pos, end, k = doff, doff + dsize, 0
os.makedirs(out, exist_ok=True)
while pos + 8 <= end and k < n:
    typ, misc, size = struct.unpack_from("<IHH", data, pos)
    if size == 0:
        break
    if typ == 9:  # PERF_RECORD_SAMPLE
        p = pos + 8 + 8 * 5  # ip, pid/tid, time, addr, period
        nr = struct.unpack_from("<Q", data, p)[0]
        p += 8 + 8 * nr
        abi = struct.unpack_from("<Q", data, p)[0]
        p += 8
        if abi:
            regs = data[p : p + 160]
            p += 160
            ssize = struct.unpack_from("<Q", data, p)[0]
            stack = data[p + 8 : p + 8 + ssize]
            keep = min(len(stack), 2048)
            seed = struct.pack("<QB", base, 1) + regs + stack[:keep]
            open(os.path.join(out, "sample-%d" % k), "wb").write(seed)
            k += 1
    pos += size
