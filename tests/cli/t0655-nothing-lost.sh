#!/bin/sh
# Archives lose nothing without a count, and hostile archives cost seconds:
# members cut short keep their complete lines; links, devices, FIFOs, hard
# links, archives of nothing and empty inputs are counted skips (--strict
# fails); a decompression bomb stops within seconds with a few lines of
# messages; limits take sizes like 1G, keep exactly what they say and name
# their option. Every repro file is made here.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1

# 1000 lines of 12 to 14 bytes.
awk 'BEGIN { for (i = 1; i <= 1000; i++) print "main;f" i " 1" }' >m.folded
tar cf a.tar m.folded
# Cut inside the member's data: 512 bytes of header, then the bytes kept.
head -c 8000 a.tar >cut.tar
kept=$(head -c 7488 m.folded | grep -c '1$')
run "$FLAMEKIT" fold cut.tar
is "$rc" 1 "a member cut short: exit 1"
is "$(printf '%s\n' "$out" | grep -c .)" "$kept" "a member cut short keeps its $kept complete lines"
like "^flamekit: fold: cut.tar:m.folded: cut at byte 7488 of the member" "$err" \
  "the cut is reported with the member and the byte offset"

# Hard links: to a member read before (noted, read once), to none (counted).
cp m.folded h.folded
ln -f m.folded link.folded
tar cf hl.tar m.folded link.folded
run "$FLAMEKIT" fold --strict hl.tar
is "$rc" 0 "a hard link to a member read before: nothing lost"
like "hl.tar: link.folded: a hard link to 'm.folded', read as that member" "$err" "and noted"
tar cf hl2.tar m.folded link.folded
tar --delete -f hl2.tar m.folded
run "$FLAMEKIT" fold --strict hl2.tar
is "$rc" 1 "a hard link to a member not in the archive: --strict fails"
like "hl2.tar: link.folded: a hard link to 'm.folded', which is not a member read before it; skipped" "$err" \
  "and says so"

# Symbolic links, FIFOs, devices: skipped, counted, --strict fails.
ln -s m.folded sym.folded
mkfifo fifo
mknod chr c 1 3 2>/dev/null || : >chr
tar cf special.tar m.folded sym.folded fifo chr
run "$FLAMEKIT" fold special.tar
is "$rc" 0 "special members are skipped"
like "special.tar: sym.folded: not a regular file \(a symbolic link\); skipped" "$err" "a link is named"
like "special.tar: fifo: not a regular file \(a FIFO\); skipped" "$err" "a FIFO is named"
like "skipped [23] items in all" "$err" "and counted"
run "$FLAMEKIT" fold --strict special.tar
is "$rc" 1 "--strict fails on skipped links and special files"
run "$FLAMEKIT" info special.tar
like "skipped [23] in all" "$out" "info counts them"
run "$FLAMEKIT" info --strict --json special.tar
is "$rc" 1 "info --strict fails on them"
like '"skipped": [23]' "$out" "info --json counts them"

# Nothing recognisable: zstd-compressed zeros, an empty file, empty stdin.
head -c 100000000 /dev/zero | zstd -q -1 >zeros.zst
run "$FLAMEKIT" fold --strict zeros.zst
is "$rc" 1 "compressed zeros: --strict fails"
is "$err" "flamekit: fold: zeros.zst: no reader recognizes this input; skipped
flamekit: fold: skipped 1 item in all
flamekit: fold: zeros.zst: no samples in the input" "compressed zeros: no recognised input, and no samples"
# the same zeros as a tar: an archive of no members
head -c 100000000 /dev/zero | xz -0 -T1 >zeros.xz
run "$FLAMEKIT" fold --strict zeros.xz
is "$err" "flamekit: fold: zeros.xz: no recognised input: not one file among its members (an empty archive, or only zeros)
flamekit: fold: skipped 1 item in all
flamekit: fold: zeros.xz: no samples in the input" "compressed zeros read as a tar: no recognised input, and no samples"
: >empty
run "$FLAMEKIT" fold --strict empty
is "$rc" 1 "an empty file: --strict fails"
like "^flamekit: fold: empty: no recognised input: it is empty" "$err" "an empty file is said"
run sh -c "'$FLAMEKIT' fold </dev/null"
is "$rc" 1 "empty stdin: no samples at all, exit 1 (the one rule of docs/inputs.md)"
like "^flamekit: fold: -: no recognised input: it is empty" "$err" "empty stdin is said"

mkdir -p dirs/a/b && tar cf dirs.tar dirs
run "$FLAMEKIT" fold --strict dirs.tar
is "$err" "flamekit: fold: dirs.tar: no recognised input: not one file among its members (an empty archive, or only zeros)
flamekit: fold: skipped 1 item in all
flamekit: fold: dirs.tar: no samples in the input" "an archive of directories only: no recognised input, and no samples"

# Truncated single gzip and zstd files keep every line that decodes.
awk 'BEGIN { for (i = 1; i <= 30000; i++) print "main;g" i " 1" }' | gzip -9 >big.gz
head -c $(($(wc -c <big.gz) * 7 / 10)) big.gz >bigcut.gz
decodable=$(gzip -dc bigcut.gz 2>/dev/null | grep -c ' 1$')
run "$FLAMEKIT" fold bigcut.gz
is "$rc" 1 "a truncated .gz: exit 1"
is "$(printf '%s\n' "$out" | grep -c .)" "$decodable" "a truncated .gz keeps all $decodable decodable lines"
like "^flamekit: fold: bigcut.gz: truncated gzip stream: cut at byte [0-9]+ of the compressed stream" "$err" \
  "and says where it was cut"
awk 'BEGIN { for (i = 1; i <= 30000; i++) print "main;z" i " 1" }' | zstd -q -19 >big.zst
head -c $(($(wc -c <big.zst) / 2)) big.zst >bigcut.zst
decodable=$(zstd -dc bigcut.zst 2>/dev/null | grep -c ' 1$')
run "$FLAMEKIT" fold bigcut.zst
is "$(printf '%s\n' "$out" | grep -c .)" "$decodable" "a truncated .zst keeps all $decodable decodable lines"
like "bigcut.zst: truncated zstd stream: cut" "$err" "and says so"
cat big.gz big.gz >twice.gz
run "$FLAMEKIT" fold twice.gz
is "$(printf '%s\n' "$out" | awk '{ s += $NF } END { print s }')" 60000 "concatenated gzip members are all read"
tar cf - bigcut.gz | gzip >nested.tar.gz
run "$FLAMEKIT" fold nested.tar.gz
is "$(printf '%s\n' "$out" | grep -c .)" "$(gzip -dc bigcut.gz 2>/dev/null | grep -c ' 1$')" \
  "a truncated .gz inside an archive keeps them too"

# A truncated tar.gz and tar.zst: the member cut keeps what decodes too.
awk 'BEGIN { for (i = 1; i <= 30000; i++) print "main;t" i " 1" }' >t.folded
tar cf t.tar t.folded
for c in gzip zstd; do
  $c -c <t.tar >t.tar.$c
  head -c $(($(wc -c <t.tar.$c) * 6 / 10)) t.tar.$c >tcut.tar.$c
  # what decodes, less the 512-byte tar header, up to the last line end
  decodable=$($c -dc <tcut.tar.$c 2>/dev/null | tail -c +513 | grep -c ' 1$')
  run "$FLAMEKIT" fold tcut.tar.$c
  is "$(printf '%s\n' "$out" | grep -c .)" "$decodable" "a truncated tar.$c keeps all $decodable decodable lines"
  like "tcut.tar.$c:t.folded: cut at byte [0-9]+ of the member" "$err" "tar.$c: the cut is named with the member"
done

# A perf.data padded with 50 MB in a tar.zst is held in memory at its real
# size: it reads under --max-buffer-bytes 1M like the capture itself.
cp "$TOP/corpora/perf-c/inl.data" padded.data
head -c 50000000 /dev/zero >>padded.data
tar cf - padded.data | zstd -q >padded.tar.zst
rm padded.data
run "$FLAMEKIT" fold --dso-only --max-ratio 0 --max-buffer-bytes 1M padded.tar.zst
is "$rc" 0 "a padded perf.data in an archive reads within 1M of memory"
is "$out" "$("$FLAMEKIT" fold --dso-only "$TOP/corpora/perf-c/inl.data")" "and gives the capture's samples"
like "padded.tar.zst:padded.data:0x[0-9a-f]+: 50000000 bytes after the capture's last section ignored" "$err" \
  "the padding is noted"

# A 42.zip-style bomb: 10 levels of 4 zips, 1 MB of zeros in each leaf (6 KB).
python3 - >bomb.zip <<'EOF'
import io, sys, zipfile
data, name = bytes(1000000), "zeros.txt"
for level in range(10):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for i in range(4):
            z.writestr("%d-%s" % (i, name), data)
    data, name = b.getvalue(), "l%d.zip" % level
sys.stdout.buffer.write(data)
EOF
start=$(date +%s)
run timeout 60 "$FLAMEKIT" fold bomb.zip
end=$(date +%s)
ok $(($end - $start < 5 ? 0 : 1)) "a nested bomb stops within seconds ($((end - start)) s; 7 s and 262144 lines before)"
is "$rc" 1 "the bomb's nesting is skipped and counted: nothing left, exit 1"
like "bomb.zip:0-l8.zip:0-l7.zip:0-l6.zip:0-l5.zip:0-l4.zip: archive nested deeper than the limit of 4 \(--max-nesting\); skipped" \
  "$err" "the default nesting limit names its option"
like "^flamekit: fold: \.\.\. and 1019 more$" "$err" "repeated limit messages are aggregated"
ok $(($(printf '%s\n' "$err" | wc -l) <= 8 ? 0 : 1)) "a few lines of stderr, not one per member"
start=$(date +%s)
run timeout 60 "$FLAMEKIT" fold --max-nesting 20 bomb.zip
end=$(date +%s)
ok $(($end - $start < 10 ? 0 : 1)) "without the nesting limit, the ratio stops it within seconds"
like "bomb.zip would expand more than 1000 times \([0-9]+ bytes in its members out of [0-9]+; --max-ratio\)" "$err" \
  "the ratio limit names its option"
is "$rc" 1 "a bomb stopped by the ratio: exit 1"
# Real dumps are far from the ratio, even a first member past the 64M the
# ratio waits for, read from a file or a pipe (80 MB of text, gzip -1).
awk 'BEGIN { for (i = 1; i <= 2000000; i++) print "main;run;work" (i % 977) ";leaf" (i % 13) ";x" i " " i }' >big.folded
tar cf - big.folded | gzip -1 >big.tar.gz
run "$FLAMEKIT" fold big.tar.gz
is "$rc" 0 "a large real-looking member is under the ratio (a file)"
run sh -c "'$FLAMEKIT' fold <big.tar.gz"
is "$rc" 0 "a large real-looking member is under the ratio (a pipe)"
rm big.folded big.tar.gz

# Limits: sizes with units; exactly the bytes asked for; each names its option.
run "$FLAMEKIT" fold --max-member-bytes 4000 m.folded
is "$rc" 1 "--max-member-bytes: a larger file fails"
is "$out" "$(head -c 4000 m.folded | sed '$d' | sort)" "--max-member-bytes 4000 keeps the lines of the first 4000 bytes"
like "m.folded: larger than the limit of 4000 bytes \(--max-member-bytes\); the first 4000 bytes were read" "$err" \
  "--max-member-bytes names its option"
run "$FLAMEKIT" fold --max-member-bytes "$(wc -c <m.folded)" m.folded
is "$rc" 0 "a file of exactly --max-member-bytes passes"
run "$FLAMEKIT" fold --max-member-bytes 1K m.folded
like "larger than the limit of 1024 bytes" "$err" "1K is 1024 bytes"
run "$FLAMEKIT" fold --max-member-bytes 1G --max-total-bytes 2GiB --max-buffer-bytes 10MB m.folded
is "$rc" 0 "G, GiB and MB are sizes"
run "$FLAMEKIT" fold --max-member-bytes 12Q m.folded
is "$rc" 2 "a bad size is a usage error"
like "^flamekit: fold: --max-member-bytes: expected a size such as 1048576, 64K, 512M or 2G, not '12Q'" \
  "$err" "and says what a size is"
if command -v 7z >/dev/null 2>&1; then
  head -c 3000000 /dev/urandom >rand.bin
  7z a -bd -bso0 -m0=Copy r.7z rand.bin >/dev/null
  tar cf r7.tar r.7z
  run "$FLAMEKIT" fold --max-buffer-bytes 1M r7.tar
  is "$rc" 1 "a nested 7z over --max-buffer-bytes fails"
  like "r7.tar:r.7z: more than the limit of 1048576 bytes \(--max-buffer-bytes\) to hold in memory" "$err" \
    "a nested 7z is bounded by --max-buffer-bytes, and says so"
else
  skip "7z not installed"
  skip "7z not installed"
fi
done_testing
