#!/bin/sh
# t0602 -- libarchive is loaded only when an input needs it
# (formats/archivelib.h): the binary does not link it; a run on text or
# perf.data never loads it; an archive and a compressed file are read
# through it; and where the library that loads is not libarchive (a stub of
# its soname first on LD_LIBRARY_PATH), an archive is refused with a message
# that says why and the exit code of a failed input, while text is still
# read.
. "$(dirname "$0")/lib.sh"

needed=$(readelf -d "$FLAMEKIT" | grep NEEDED)
like "libglib" "$needed" "readelf sees the binary's libraries"
ok "$(printf '%s' "$needed" | grep -q libarchive; [ $? -ne 0 ]; echo $?)" "libarchive is not among them"

printf 'main;a;b 3\nmain;c 2\n' >"$T/in.folded"
run env LD_DEBUG=files "$FLAMEKIT" fold "$T/in.folded"
is "$rc" 0 "text: exit 0"
ok "$(printf '%s' "$err" | grep -q 'file=libarchive'; [ $? -ne 0 ]; echo $?)" "text: libarchive not loaded"

data="$TOP/corpora/perf-dwarf/wordstats.16k.data"
run env LD_DEBUG=files "$FLAMEKIT" fold --no-inline "$data"
is "$rc" 0 "perf.data: exit 0"
ok "$(printf '%s' "$err" | grep -q 'file=libarchive'; [ $? -ne 0 ]; echo $?)" "perf.data: libarchive not loaded"

tar cf "$T/in.tar" -C "$T" in.folded
gzip -c "$T/in.folded" >"$T/in.folded.gz"
run env LD_DEBUG=files "$FLAMEKIT" fold "$T/in.tar" "$T/in.folded.gz"
is "$rc" 0 "tar and gz: exit 0"
like "file=libarchive" "$err" "tar and gz: libarchive loaded"
is "$out" "$(printf 'main;a;b 6\nmain;c 4')" "tar and gz: both read"

soname=$(objdump -p "$(pkg-config --variable=libdir libarchive)/libarchive.so" | awk '$1 == "SONAME" { print $2 }')
mkdir "$T/stub"
echo 'int fk_not_libarchive(void) { return 0; }' >"$T/stub.c"
if [ -n "$soname" ] && cc -shared -fPIC -o "$T/stub/$soname" "$T/stub.c"; then
  run env LD_LIBRARY_PATH="$T/stub" "$FLAMEKIT" fold "$T/in.tar" "$T/in.folded"
  is "$rc" 1 "no libarchive: the archive fails the run, exit 1"
  like "in\\.tar: archives and compressed inputs need libarchive, which cannot be loaded: $soname has no archive_" \
    "$err" "no libarchive: the message names the input and why"
  is "$out" "$(printf 'main;a;b 3\nmain;c 2')" "no libarchive: the text input is still read"
else
  skip "no cc or no libarchive soname: the stub test"
  skip "no cc or no libarchive soname: the stub test"
  skip "no cc or no libarchive soname: the stub test"
fi
done_testing
