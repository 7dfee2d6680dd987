#!/bin/sh
# A DWARF unit whose DIEs cannot be read (here: an abbreviation code its
# table lacks, written by the test into a copy of corpora/perf-dwarf/nofp)
# stops that unit only: it is reported as a skip with the byte offset, every
# sample is kept and named from the ELF symbols, and --strict exits 1.
. "$(dirname "$0")/lib.sh"
D="$TOP/corpora/perf-dwarf"
mkdir -p "$T/home"
export HOME="$T/home"
need_perf_script
symfs_for "$T/symfs" "$D/nofp.16k.data"
bin=$(find "$T/symfs" -name nofp -type l | head -1)
[ -n "$bin" ] || { skip "no nofp in the --symfs tree"; done_testing; exit 0; }

run "$FLAMEKIT" fold --symfs "$T/symfs" --weight samples "$D/nofp.16k.data"
good=$out
like ';scan.constprop.0;leaf_hash.constprop.0 ' "$good" "intact DWARF: the ELF and DWARF names"

# The DIE of the function `deep` gets an abbreviation code its unit's table
# lacks (0x7f; libdwarf reads only the unit's own DIE up front): the walk of
# the unit stops there.
cp "$D/nofp" "$T/nofp.bad"
die=$(readelf -wi "$D/nofp" | awk '/DW_TAG_subprogram/ { split($1, a, "[<>]"); off = a[4] }
  /DW_AT_name.*: deep$/ && off != "" { print off; exit }')
sec=$(readelf -SW "$D/nofp" | awk '$2 == ".debug_info" { print $5 }')
ok "$([ -n "$die" ] && [ -n "$sec" ]; echo $?)" "the DIE of deep is at .debug_info+0x$die"
printf '\177' | dd of="$T/nofp.bad" bs=1 seek=$((0x$sec + 0x$die)) conv=notrunc 2>/dev/null
ln -sf "$T/nofp.bad" "$bin"

run "$FLAMEKIT" fold --symfs "$T/symfs" --weight samples "$D/nofp.16k.data"
is "$rc" 0 "a bad DWARF unit: exit 0 without --strict"
like "^flamekit: fold: [^:]*nofp: \.debug_info\+0x[0-9a-f]+: abbreviation code not in the table \(unit at 0x[0-9a-f]+\): the rest of the DWARF unit is not read; its functions get no inline frames or source lines$" \
  "$err" "one message names the file and the byte offset in .debug_info"
is "$(printf '%s\n' "$err" | grep -c 'debug_info')" 1 "reported once, not once per lookup"
is "$(printf '%s\n' "$out" | awk '{ n += $NF } END { print n }')" 65 "every sample is kept"
like ';scan.constprop.0;leaf_hash.constprop.0 ' "$out" "frames are still named from the ELF symbols"
like 'skipped' "$err" "the skip is counted in the summary"

run "$FLAMEKIT" fold --symfs "$T/symfs" --strict "$D/nofp.16k.data"
is "$rc" 1 "--strict: the skipped unit exits 1"
done_testing
