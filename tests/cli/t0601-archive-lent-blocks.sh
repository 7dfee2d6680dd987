#!/bin/sh
# A gzip or zstd archive read with -j 2 or more is decompressed in blocks
# whose bytes go to the members' readers on other threads without a copy
# (formats/lentblocks.h); -j 1 reads its members through libarchive's own
# buffers. What comes out must not depend on it: bad members before and
# after big ones that span many blocks, damage in the middle of the stream,
# an archive on stdin: the same output, the same messages (member names,
# lines, byte offsets) in the same order, the same exit code as -j 1.
. "$(dirname "$0")/lib.sh"
have() { command -v "$1" >/dev/null 2>&1; }

# The members, in order: good, a skipped line, not a dump, empty, then a
# 3 MiB dump (48 blocks of 64 KiB, its reader still on them while the
# members after it are handed out), more bad members, and another big one,
# which the damage below falls in.
mkdir -p "$T/src"
cd "$T/src" || exit 1
member() { mkdir -p "$1" && cat >"$1/perf.folded"; }
big() { # N lines of distinct stacks, seeded by $1
  awk -v s="$1" -v n="$2" 'BEGIN { for (i = 0; i < n; i++)
    printf "main;f%d;g%d;h%d %d\n", (i * 7 + s) % 97, (i * 13 + s) % 89, i % 1009, i % 50 + 1 }'
}
printf 'main;a 1\nmain;b 2\n' | member h01
printf 'main;a 1\nthis line has no count\nmain;c 3\n' | member h02
head -c 3000 /dev/urandom | member h03
: | member h04
big 1 150000 | member h05
printf 'main;d 4\n;;; 5\nmain;e\n' | member h06
head -c 3000 /dev/urandom | member h07
printf 'main;f 6\n' | member h08
big 2 150000 | member h09
printf 'main;g 7\n' | member h10
tar cf "$T/a.tar" h01 h02 h03 h04 h05 h06 h07 h08 h09 h10
cd "$T" || exit 1

# compare NAME CMD...: -j 2 and -j 3 run as -j 1 does.
compare() {
  name=$1
  shift
  run "$@" -j 1
  want_rc=$rc want_out=$out want_err=$err
  for j in 2 3; do
    run "$@" -j $j
    is "$rc" "$want_rc" "$name, -j $j: the exit code of -j 1"
    is "$out" "$want_out" "$name, -j $j: the output of -j 1"
    is "$err" "$want_err" "$name, -j $j: the messages of -j 1, in its order"
  done
}

for c in gzip zstd; do
  if ! have $c; then
    skip "$c not installed"
    continue
  fi
  $c -c <a.tar >"a.tar.$c"
  size=$(wc -c <"a.tar.$c")
  compare "tar.$c" "$FLAMEKIT" fold "a.tar.$c"
  is "$want_rc" 0 "tar.$c: skips alone leave the exit code 0"
  like "a.tar.$c:h02/perf.folded:2: " "$want_err" "tar.$c: a skipped line before the big member, with its line"
  like "a.tar.$c:h06/perf.folded:3: " "$want_err" "tar.$c: one after it"
  like "a.tar.$c:h07/perf.folded: no reader recognizes" "$want_err" "tar.$c: a member no reader takes, after it"
  like "main;g 7" "$want_out" "tar.$c: the last member is read"
  # Cut in the second big member: it keeps what decodes, the message says
  # where in the member and in the stream; the members before it stand.
  head -c $((size * 9 / 10)) "a.tar.$c" >"cut.tar.$c"
  compare "cut tar.$c" "$FLAMEKIT" fold "cut.tar.$c"
  like "cut.tar.$c:h09/perf.folded: cut at byte [0-9]+ of the member: .*truncated $c stream" "$want_err" \
    "cut tar.$c: the member cut short, where"
  like "main;f 6" "$want_out" "cut tar.$c: the members before it are read"
  # Damaged in the middle (the decoder fails while the walk is behind it).
  cp "a.tar.$c" "bad.tar.$c"
  printf 'garbage!garbage!garbage!garbage!' |
    dd of="bad.tar.$c" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
  compare "damaged tar.$c" "$FLAMEKIT" fold "bad.tar.$c"
  is "$want_rc" 1 "damaged tar.$c: exit 1"
  like "bad.tar.$c" "$want_err" "damaged tar.$c: the archive is named"
  # On stdin, cut, with a file after it.
  compare "cut tar.$c on stdin" sh -c "exec \"\$0\" fold --group-by file - \"\$1\" \"\$@\" <'cut.tar.$c'" \
    "$FLAMEKIT" "$T/src/h01/perf.folded"
  like "fold: -:h09/perf.folded: cut at byte [0-9]+ of the member" "$want_err" "cut tar.$c on stdin: the member cut short, named"
  like "src/h01/perf.folded\\];main;a 2" "$want_out" "cut tar.$c on stdin: the file after it is read"
  # info says the same of every member, whatever -j.
  compare "info of tar.$c" "$FLAMEKIT" info "cut.tar.$c"
done

done_testing
