#!/bin/sh
# t0602 -- libarchive and json-glib are loaded only when a run needs them
# (formats/dynlib.h): the binary links neither; a run on text or perf.data
# loads neither; an archive and a compressed file are read through
# libarchive, report --index reads report.json through json-glib; and where
# the library that loads is not the one (a stub of its soname first on
# LD_LIBRARY_PATH), an archive is refused with a message that says why and
# the exit code of a failed input, while text is still read, and the index
# lists the report without its details, saying why.
. "$(dirname "$0")/lib.sh"

needed=$(readelf -d "$FLAMEKIT" | grep NEEDED)
like "libglib" "$needed" "readelf sees the binary's libraries"
ok "$(printf '%s' "$needed" | grep -q libarchive; [ $? -ne 0 ]; echo $?)" "libarchive is not among them"
ok "$(printf '%s' "$needed" | grep -q 'libjson-glib\|libgio'; [ $? -ne 0 ]; echo $?)" "nor json-glib and GIO"

printf 'main;a;b 3\nmain;c 2\n' >"$T/in.folded"
run env LD_DEBUG=files "$FLAMEKIT" fold "$T/in.folded"
is "$rc" 0 "text: exit 0"
ok "$(printf '%s' "$err" | grep -q 'file=libarchive'; [ $? -ne 0 ]; echo $?)" "text: libarchive not loaded"

data="$TOP/corpora/perf-dwarf/wordstats.16k.data"
run env LD_DEBUG=files "$FLAMEKIT" fold --no-inline "$data"
is "$rc" 0 "perf.data: exit 0"
ok "$(printf '%s' "$err" | grep -q 'file=libarchive\|file=libjson'; [ $? -ne 0 ]; echo $?)" "perf.data: neither loaded"

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

SOURCE_DATE_EPOCH=1764720000 "$FLAMEKIT" report -q -o "$T/nightly/d1/" "$T/in.folded" 2>/dev/null
run env LD_DEBUG=files "$FLAMEKIT" report --index -o "$T/nightly/index.html" "$T/nightly/d1"
is "$rc" 0 "report --index: exit 0"
like "file=libjson-glib" "$err" "report --index: json-glib loaded"
grep -q '<td>2025-12-03T00:00:00Z</td><td><a href="d1/index.html"' "$T/nightly/index.html"
ok $? "report --index: the report's date read from its report.json"
json=$(objdump -p "$(pkg-config --variable=libdir json-glib-1.0)/libjson-glib-1.0.so" | awk '$1 == "SONAME" { print $2 }')
if [ -n "$json" ] && [ -f "$T/stub.c" ] && cc -shared -fPIC -o "$T/stub/$json" "$T/stub.c"; then
  run env LD_LIBRARY_PATH="$T/stub" "$FLAMEKIT" report --index -o "$T/nightly/index.html" "$T/nightly/d1"
  is "$rc" 1 "no json-glib: report --index exits 1"
  like "report\.json: reading report\.json needs json-glib, which cannot be loaded: $json has no " "$err" \
    "no json-glib: the message says why"
  grep -q 'no report here (reading report.json needs json-glib' "$T/nightly/index.html"
  ok $? "no json-glib: the index is written, the report listed without details"
else
  skip "no cc or no json-glib soname: the stub test"
  skip "no cc or no json-glib soname: the stub test"
  skip "no cc or no json-glib soname: the stub test"
fi
done_testing
