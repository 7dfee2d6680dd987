#!/bin/sh
# dies-seeds.sh -- the seeds of fuzz-dies: .debug_abbrev and .debug_info of
# small corpus binaries, as the target reads them (u32 abbrev length, the
# abbrevs, the info). Run from the top of the tree; objcopy from binutils.
set -eu
out=tests/fuzz/corpus/dies
mkdir -p "$out"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
for f in corpora/symbolize/inl corpora/symbolize/inl-gz corpora/perf-dwarf/nofp \
  corpora/perf-dwarf/sig corpora/perf-dwarf/thr corpora/perf-dwarf/tmpl; do
  objcopy --decompress-debug-sections "$f" "$T/elf"
  objcopy --dump-section .debug_abbrev="$T/abbrev" --dump-section .debug_info="$T/info" "$T/elf" "$T/junk"
  n=$(wc -c <"$T/abbrev")
  name=$(echo "$f" | tr / -)
  python3 -c "import struct, sys; sys.stdout.buffer.write(struct.pack('<I', $n))" >"$out/$name"
  cat "$T/abbrev" "$T/info" >>"$out/$name"
done
