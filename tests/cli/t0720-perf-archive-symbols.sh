#!/bin/sh
# A `perf archive` tarball given as an input, before its capture, symbolizes
# the capture on a machine that no longer has the binary (HOME points to an
# empty folder, so perf's ~/.debug cache is not there to help). Made at test
# time: skips when perf cannot record here.
. "$(dirname "$0")/lib.sh"
cc -O2 -g -fno-omit-frame-pointer -o "$T/demo" "$TOP/corpora/demo/src/demo.c" 2>/dev/null
mkdir -p "$T/home" "$T/rec"
if ! (cd "$T/rec" && HOME="$T/rec" perf record -q -e cpu-clock -F 999 -g -o x.data "$T/demo" 1 0.3 \
  >/dev/null 2>&1 && HOME="$T/rec" perf archive x.data >/dev/null 2>&1) || [ ! -f "$T/rec/x.data.tar.bz2" ]; then
  skip "perf record or perf archive does not work here"
  done_testing
  exit 0
fi
rm "$T/demo"
run env HOME="$T/home" "$FLAMEKIT" fold -q --no-inline "$T/rec/x.data.tar.bz2" "$T/rec/x.data"
is "$rc" 0 "tarball then capture: exit 0"
like ';main;checksum ' "$out" "the deleted binary's functions are named from the tarball"
# With -j, the tarball is read on a worker thread while the capture waits
# for it: the same stacks.
want=$out
for j in 1 2 3; do
  run env HOME="$T/home" "$FLAMEKIT" fold -q --no-inline -j $j "$T/rec/x.data.tar.bz2" "$T/rec/x.data"
  is "$out" "$want" "tarball then capture, -j $j: the same stacks"
done
run env HOME="$T/home" "$FLAMEKIT" fold -q --no-inline "$T/rec/x.data"
like '\[demo\]' "$out" "without the tarball they are not (the test is not vacuous)"
like 'no ELF file found' "$err" "and flamekit says which file it missed"
# flamekit info says, per build id, whether its file was found
run env HOME="$T/home" "$FLAMEKIT" info -q "$T/rec/x.data.tar.bz2" "$T/rec/x.data"
like "build-id [0-9a-f]+ $T/demo \(found: [^)]*demo/[0-9a-f]+/elf\)" "$out" "info: the binary's build id is found in the tarball's member"
run env HOME="$T/home" "$FLAMEKIT" info -q "$T/rec/x.data"
like "build-id [0-9a-f]+ $T/demo \(not found\)" "$out" "info: without it, not found"
done_testing
