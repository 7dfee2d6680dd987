#!/bin/sh
# The container layer: archives of every format and compressor fold like the
# files they hold; nested archives and stdin; damaged, truncated and bomb-like
# archives; limits; unsafe member names; -j does not change the result.
. "$(dirname "$0")/lib.sh"
H="$TOP/corpora/hosts"
have() { command -v "$1" >/dev/null 2>&1; }

# The unpacked reference: the four hosts' folded files.
mkdir -p "$T/src"
for h in db01 db02 web01 web02; do
  mkdir -p "$T/src/$h" && cp "$H/$h/perf.folded" "$T/src/$h/"
done
run "$FLAMEKIT" fold "$T/src"
ok $rc "fold of the unpacked directory"
want=$out
is "$(printf '%s\n' "$want" | wc -l)" "$(cat "$H"/*/perf.folded | LC_ALL=C sort -u | awk '{NF--; print}' | sort -u | wc -l)" \
  "the directory walk reads every host's file"

cd "$T/src" || exit 1
tar cf "$T/a.tar" db01 db02 web01 web02
for c in gzip bzip2 xz zstd lz4; do
  if have $c; then
    $c -c <"$T/a.tar" >"$T/a.tar.$c"
    run "$FLAMEKIT" fold "$T/a.tar.$c"
    is "$out" "$want" "tar + $c folds like the files"
    $c -c <"$H/web01/perf.folded" >"$T/single.$c"
    run "$FLAMEKIT" fold "$T/single.$c"
    is "$out" "$("$FLAMEKIT" fold "$H/web01/perf.folded")" "a single $c file folds like the file"
  else
    skip "$c not installed"
  fi
done
run "$FLAMEKIT" fold "$T/a.tar"
is "$out" "$want" "plain tar"
# Format by content, not by name.
cp "$T/a.tar.gzip" "$T/misleading.txt"
run "$FLAMEKIT" fold "$T/misleading.txt"
is "$out" "$want" "a tar.gz named .txt is still an archive"
if have zip; then
  zip -qr "$T/a.zip" db01 db02 web01 web02
  run "$FLAMEKIT" fold "$T/a.zip"
  is "$out" "$want" "zip"
else skip "zip not installed"; fi
if have 7z; then
  7z a -bd -bso0 "$T/a.7z" db01 db02 web01 web02 >/dev/null
  run "$FLAMEKIT" fold "$T/a.7z"
  is "$out" "$want" "7z"
  tar cf "$T/with7z.tar" -C "$T" a.7z
  run "$FLAMEKIT" fold "$T/with7z.tar"
  is "$out" "$want" "7z nested in a tar (held in memory: 7z seeks)"
else skip "7z not installed"; skip "7z not installed"; fi
if have cpio; then
  find db01 db02 web01 web02 | cpio -o -H newc --quiet >"$T/a.cpio"
  run "$FLAMEKIT" fold "$T/a.cpio"
  is "$out" "$want" "cpio"
else skip "cpio not installed"; fi

# Nested: a fleet tarball of host tarballs, one of them a zip; and stdin.
mkdir -p "$T/fleet"
for h in db01 db02 web01; do tar czf "$T/fleet/$h.tar.gz" "$h"; done
if have zip; then zip -qr "$T/fleet/web02.zip" web02; else tar cf "$T/fleet/web02.tar" web02; fi
tar cJf "$T/fleet.tar.xz" -C "$T/fleet" .
run "$FLAMEKIT" fold "$T/fleet.tar.xz"
is "$out" "$want" "archives inside an archive"
run sh -c "cat '$T/fleet.tar.xz' | '$FLAMEKIT' fold"
is "$out" "$want" "a nested archive on stdin"
run "$FLAMEKIT" fold --max-nesting 0 "$T/fleet.tar.xz"
is $rc 1 "--max-nesting 0: the nested archives are skipped and counted; nothing left, exit 1"
like "fleet.tar.xz:\./db01.tar.gz: archive nested deeper than the limit of 0" "$err" "--max-nesting names the member"
like "skipped 4 items in all" "$err" "--max-nesting: every nested archive counted"
run "$FLAMEKIT" fold --strict --max-nesting 0 "$T/fleet.tar.xz"
is $rc 1 "--max-nesting 0 --strict: exit 1"

# -j changes nothing, on many members.
mkdir -p "$T/many"
for i in $(seq 1 24); do
  h=$(echo db01 db02 web01 web02 | cut -d' ' -f$((i % 4 + 1)))
  mkdir -p "$T/many/h$i" && cp "$H/$h/perf.folded" "$T/many/h$i/"
done
tar czf "$T/many.tar.gz" -C "$T/many" .
a=$("$FLAMEKIT" fold -j 1 "$T/many.tar.gz" | md5sum)
b=$("$FLAMEKIT" fold -j 2 "$T/many.tar.gz" | md5sum)
c=$("$FLAMEKIT" fold -j 7 "$T/many.tar.gz" | md5sum)
d=$("$FLAMEKIT" fold -j 2 "$T/many" | md5sum)
is "$b $c $d" "$a $a $a" "identical output for -j 1, 2, 7 (archive and directory)"
is "$("$FLAMEKIT" fold -j2 "$T/many.tar.gz" | md5sum)" "$a" "-j2 written as make takes it"

# Several archives are read at once, one per worker: still the same output,
# messages and exit code for every -j, with a damaged archive among them,
# a plain file, and archives found in a directory.
mkdir -p "$T/per-host"
for h in db01 db02 web01 web02; do tar cjf "$T/per-host/$h.tar.bz2" -C "$T/src" "$h"; done
head -c 300 "$T/many.tar.gz" >"$T/per-host/cut.tar.gz"
set -- "$T/many.tar.gz" "$T/per-host/db01.tar.bz2" "$H/web01/perf.folded" "$T/per-host" "$T/a.tar.zstd"
[ -f "$T/a.tar.zstd" ] || set -- "$@" "$T/a.tar"
run "$FLAMEKIT" fold -j 1 --group-by host "$@"
want_rc=$rc want_out=$out want_err=$err
is "$want_rc" 1 "several archives, one cut short: exit 1"
like "cut.tar.gz" "$want_err" "the cut archive is named"
for j in 2 3 8; do
  run "$FLAMEKIT" fold -j $j --group-by host "$@"
  is "$rc:$out" "$want_rc:$want_out" "several archives at once, -j $j: same exit code and output"
  is "$err" "$want_err" "several archives at once, -j $j: same messages in the same order"
done
# Skipped lines in many members, more than are shown: the same ones are
# shown, in input order, and the same total, for every -j.
mkdir -p "$T/badlines"
for i in $(seq 10 39); do
  mkdir -p "$T/badlines/h$i" && printf 'main;a 1\nline %s has no count\nmain;b 2\n' $i >"$T/badlines/h$i/perf.folded"
done
tar czf "$T/bad1.tar.gz" -C "$T/badlines" h10 h11 h12 h13 h14 h15 h16 h17 h18 h19
tar cjf "$T/bad2.tar.bz2" -C "$T/badlines" h20 h21 h22 h23 h24 h25 h26 h27 h28 h29
tar cf "$T/bad3.tar" -C "$T/badlines" h30 h31 h32 h33 h34 h35 h36 h37 h38 h39
run "$FLAMEKIT" fold -j 1 "$T/bad1.tar.gz" "$T/bad2.tar.bz2" "$T/bad3.tar"
want_err=$err
like "h10/perf.folded:2: .*\\.\\.\\. and 2[0-9] more.*skipped 30 items" "$(printf '%s' "$err" | tr '\n' ' ')" \
  "30 skipped lines: the first shown, then the count"
for j in 2 3; do
  run "$FLAMEKIT" fold -j $j "$T/bad1.tar.gz" "$T/bad2.tar.bz2" "$T/bad3.tar"
  is "$err" "$want_err" "skipped lines in archives read at once, -j $j: the same messages"
done

# Truncated and corrupt archives: what came before the damage, where it broke, exit 1.
(cd "$H" && tar cf - db01/perf.folded db01/perf.txt db02/perf.txt db02/perf.folded web01/perf.txt \
  web02/perf.txt) | gzip -9 >"$T/big.tar.gz"
size=$(wc -c <"$T/big.tar.gz")
head -c $((size * 3 / 4)) "$T/big.tar.gz" >"$T/trunc.tar.gz"
run "$FLAMEKIT" fold "$T/trunc.tar.gz"
is $rc 1 "truncated tar.gz: exit 1"
like "trunc.tar.gz(:[a-z0-9/.]+)?: .*(damaged at byte|truncated|stopped)" "$err" "truncated: names the archive and where"
# the stack only: db01 holds perf script text (weighed by period) and folded stacks
first=$("$FLAMEKIT" fold "$T/src/db01" | head -1 | sed 's/ [0-9.]*$//')
like "$(printf '%s' "$first" | sed 's/[][\\.*^$]/./g')" "$out" "truncated: members before the damage are kept"
cp "$T/a.tar" "$T/bad.tar"
printf 'garbage!garbage!garbage!garbage!' | dd of="$T/bad.tar" bs=1 seek=$(( $(wc -c <"$T/a.tar") / 2 / 512 * 512 )) conv=notrunc 2>/dev/null
run "$FLAMEKIT" fold "$T/bad.tar"
ok $((rc == 0 || rc == 1 ? 0 : 1)) "corrupt tar: no crash (exit $rc)"
head -c 100 "$T/a.tar.xz" >"$T/short.tar.xz"
run "$FLAMEKIT" fold "$T/short.tar.xz"
is $rc 1 "an archive cut in its first block: exit 1"
like "short.tar.xz" "$err" "and the message names it"

# Bomb-like: a small file that decompresses past the limit.
yes 'a;b;c 1' | head -c 20000000 | gzip -9 >"$T/bomb.gz"
tar cf "$T/withbomb.tar" -C "$T" bomb.gz -C "$T/src" web01
run "$FLAMEKIT" fold --max-member-bytes 1000000 "$T/withbomb.tar"
is $rc 1 "bomb: exit 1"
like "withbomb.tar:bomb.gz: larger than the limit of 1000000 bytes" "$err" "bomb: names archive and member"
like "gzip;" "$out" "bomb: the other members are still read"
run "$FLAMEKIT" fold --max-total-bytes 1000000 "$T/withbomb.tar"
like "the limit of 1000000 decompressed bytes in all" "$err" "--max-total-bytes"
run "$FLAMEKIT" fold --max-members 2 "$T/many.tar.gz"
is $rc 1 "--max-members: exit 1"
like "limit of 2 members" "$err" "--max-members says so"

# Unsafe names are labels, never paths written to.
mkdir -p "$T/evil/x"
cp "$H/db02/perf.folded" "$T/evil/x/p.folded"
(cd "$T/evil/x" && tar cf "$T/evil.tar" --absolute-names ../x/p.folded "$T/evil/x/p.folded")
mkdir -p "$T/run" && cd "$T/run" || exit 1
run "$FLAMEKIT" fold "$T/evil.tar"
ok $rc "an archive with ../ and absolute member names is read"
is "$(ls -A "$T/run")" "" "and nothing is written where the names point"
like "evil.tar:\.\./x/p.folded" "$("$FLAMEKIT" info "$T/evil.tar")" "info shows the name as it is"

done_testing
