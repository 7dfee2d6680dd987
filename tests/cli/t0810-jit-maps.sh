#!/bin/sh
# JIT maps (/tmp/perf-PID.map, and its copy under --symfs) are read as perf
# reads them: a regular file, not through a symbolic link, owned by the user
# or root, at most --max-jit-map-bytes; otherwise ignored with one message
# saying why. Before, a FIFO there hung flamekit and a symlink to /dev/zero
# grew it without bound. The capture is made by mkperfdata.py: every sample
# runs in the anonymous memory of a pid no real process here has.
. "$(dirname "$0")/lib.sh"
PID=1999999999
MAP="$T/sym/tmp/perf-$PID.map"
python3 "$TOP/tests/cli/mkperfdata.py" "$T/jit.data" --pid $PID --samples 3
mkdir -p "$T/sym/tmp"
fold() { run timeout 20 "$FLAMEKIT" fold -q --symfs "$T/sym" "$T/jit.data"; }
notes() { printf '%s\n' "$err" | grep -c 'JIT map ignored'; }

printf '7f0000000000 100 Interpreter::call\n' >"$MAP"
fold
is "$rc" 0 "a regular map: exit 0"
like "^prog;Interpreter::call;\[prog\] 3000$" "$out" "a regular map's symbols are used"
is "$(notes)" 0 "no message about a good map"

rm -f "$MAP"
mkfifo "$MAP"
fold
is "$rc" 0 "a FIFO as the map: no hang, exit 0"
like "^prog;\[perf-$PID.map\];\[prog\] 3000$" "$out" "a FIFO: frames named after the map"
like "sym/tmp/perf-$PID.map: JIT map ignored: a FIFO, not a regular file" "$err" "a FIFO: says why"
is "$(notes)" 1 "one message per map, not per sample"

rm -f "$MAP"
mknod "$T/sym/zero" c 1 5 2>/dev/null || : >"$T/sym/zero"
ln -s ../zero "$MAP"
fold
is "$rc" 0 "a symlink (to a /dev/zero node) as the map: exit 0"
like "^prog;\[perf-$PID.map\];\[prog\] 3000$" "$out" "a symlink: not followed"
like "JIT map ignored: a symbolic link" "$err" "a symlink: says why"

rm -f "$MAP"
if [ -c "$T/sym/zero" ]; then
  mknod "$MAP" c 1 5
  fold
  like "JIT map ignored: a device, not a regular file" "$err" "a device node: says why"
  rm -f "$MAP"
else
  skip "mknod needs root"
fi

printf '7f0000000000 100 Interpreter::call\n' >"$MAP"
if [ "$(id -u)" = 0 ]; then
  chown 12345 "$MAP"
  fold
  like "^prog;\[perf-$PID.map\];\[prog\] 3000$" "$out" "a foreign-owned map: ignored"
  like "JIT map ignored: owned by uid 12345, neither by this user nor by root" "$err" \
    "a foreign-owned map: says whose"
  chown 0 "$MAP"
else
  skip "chown needs root"
  skip "chown needs root"
fi

run "$FLAMEKIT" fold -q --symfs "$T/sym" --max-jit-map-bytes 20 "$T/jit.data"
like "^prog;\[perf-$PID.map\];\[prog\] 3000$" "$out" "a map over --max-jit-map-bytes: ignored"
like "JIT map ignored: 35 bytes, over --max-jit-map-bytes 20" "$err" "over the limit: names the option"
run "$FLAMEKIT" fold -q --symfs "$T/sym" --max-jit-map-bytes 35 "$T/jit.data"
like "^prog;Interpreter::call;\[prog\] 3000$" "$out" "a map of exactly the limit is read"

# The default limit (256 MiB) stops a huge (sparse) map without reading it.
rm -f "$MAP"
truncate -s 300M "$MAP"
fold
like "JIT map ignored: 314572800 bytes, over --max-jit-map-bytes 268435456" "$err" \
  "the default limit stops a 300 MB map"

# The same holds for the binaries a capture names (a regression check: they
# were already stat'ed; the open itself is now non-blocking too).
mkfifo "$T/fifo-dso"
ln -s "$T/sym/zero" "$T/zero-dso"
for d in fifo-dso zero-dso; do
  python3 "$TOP/tests/cli/mkperfdata.py" "$T/$d.data" --pid $PID --dso "$T/$d"
  run timeout 20 "$FLAMEKIT" fold -q "$T/$d.data"
  like "^prog;\[perf-$PID.map\];\[$d\] 3000$" "$out" "a dso path that is a $d: named, not read"
done

run "$FLAMEKIT" fold --max-jit-map-bytes -1 "$T/jit.data"
is "$rc" 2 "a negative limit is a usage error"
done_testing
