#!/bin/sh
# The cache of inflated DWARF (formats/symbols/inflatecache.h): a run writes
# each debug file's inflated sections to FLAMEKIT_CACHE_DIR and the next run
# maps them; the output is the same with the cache cold, warm, damaged or
# off; FLAMEKIT_CACHE_MAX_MB bounds it. wordstats.bin's sections are
# compressed (corpora/perf-dwarf/make.sh), so every inline frame of its
# capture needs them.
. "$(dirname "$0")/lib.sh"
D="$TOP/corpora/perf-dwarf"
mkdir -p "$T/home"
export HOME="$T/home" # no build-id cache of this host
need_perf_script
symfs_for "$T/symfs" "$D/wordstats.16k.data"
C="$T/cache"
id=$(readelf -n "$D/wordstats.bin" | awk '/Build ID/ { print $3 }')
fold() { FLAMEKIT_CACHE_DIR=$1 run "$FLAMEKIT" fold --symfs "$T/symfs" "$D/wordstats.16k.data"; }
entry() { ls "$C" 2>/dev/null | grep "^dwarf-$id-" | head -1; }

fold ""
is "$rc" 0 "the cache off: exit 0"
want=$out
like ';wordstats::word_counts;' "$want" "the capture has wordstats' frames"
is "$(ls -A "$C" 2>/dev/null | wc -l)" 0 "the cache off: nothing written"

fold "$C"
is "$out" "$want" "a cold cache: the same stacks"
e=$(entry)
like "^dwarf-$id-[0-9a-f]{16}$" "$e" "an entry of wordstats.bin's build id is written"
is "$(stat -c %a "$C") $(stat -c %a "$C/$e")" "700 600" "the directory and the entry are the user's alone"
full=$(stat -c %s "$C/$e")
inflated=0
objcopy --decompress-debug-sections "$D/wordstats.bin" "$T/plain"
for h in $(readelf -SW "$T/plain" | sed 's/^ *\[ *[0-9]*\] *//' |
  awk '$1 ~ /^\.debug_(info|abbrev|str|ranges)$/ { print $5 }'); do
  inflated=$((inflated + 0x$h))
done
ok "$([ "$full" -ge "$inflated" ] && echo 0 || echo 1)" \
  "the entry holds the inflated sections ($full bytes for $inflated)"

touch -d 2000-01-01 "$C/$e"
fold "$C"
is "$out" "$want" "a warm cache: the same stacks"
is "$(stat -c %Y "$C/$e" | awk '{ print ($1 > 946771200) }')" 1 \
  "the warm run read the entry (it is marked used)"

truncate -s 1000 "$C/$e"
fold "$C"
is "$out" "$want" "a truncated entry is not used: the same stacks"
is "$(stat -c %s "$C/$e")" "$full" "and it is written again"

dd if=/dev/zero of="$C/$e" bs=1 seek=8 count=4 conv=notrunc 2>/dev/null
fold "$C"
is "$out" "$want" "an entry whose header does not check is not used"

rm -rf "$C"
FLAMEKIT_CACHE_MAX_MB=0 fold "$C"
is "$out" "$want" "FLAMEKIT_CACHE_MAX_MB=0: the same stacks"
is "$(ls -A "$C" 2>/dev/null | wc -l)" 0 "FLAMEKIT_CACHE_MAX_MB=0: nothing written"
FLAMEKIT_CACHE_MAX_MB=1 fold "$C"
is "$(entry)" "" "an entry larger than FLAMEKIT_CACHE_MAX_MB is not written"

rm -rf "$C"
: >"$T/file" # a directory under a file cannot be made, even by root
FLAMEKIT_CACHE_DIR="$T/file/cache" run "$FLAMEKIT" fold --symfs "$T/symfs" "$D/wordstats.16k.data"
is "$rc $out" "0 $want" "a cache directory that cannot be made: the run is as without it"
done_testing
