#!/bin/sh
# -o PATH never replaces what is not a regular file: devices, FIFOs, sockets
# and symlinks stay what they were; a regular file keeps its mode; a failed
# write is an error; an interrupted write leaves no temporary file. Every node
# is made in the test's own directory (the tests run as root: never the real
# /dev/null or /dev/full).
. "$(dirname "$0")/lib.sh"

printf 'main;a 3\nmain;b;c 4\n' >"$T/in.folded"
want=$(printf 'main;a 3\nmain;b;c 4')

kind() { stat -c %F "$1"; }

# A character device: /dev/null's numbers, made here.
mknod "$T/null" c 1 3
run "$FLAMEKIT" fold "$T/in.folded" -o "$T/null"
is "$rc" 0 "-o onto a null device exits 0"
is "$(kind "$T/null")" "character special file" "the device node is still a device"
is "$(ls "$T" | grep -c '^null\.')" 0 "and no temporary file is left beside it"

# /dev/full's numbers: writes fail with ENOSPC, which is an error.
mknod "$T/full" c 1 7
run "$FLAMEKIT" fold "$T/in.folded" -o "$T/full"
is "$rc" 1 "-o onto a full device exits 1"
like "^flamekit: fold: $T/full: No space left on device$" "$err" "and says why"
is "$(kind "$T/full")" "character special file" "the full device is still a device"
run "$FLAMEKIT" graph "$T/in.folded" -o "$T/full.svg" -o "$T/full"
is "$rc" 1 "graph with one -o onto a full device exits 1"
ok "$([ -s "$T/full.svg" ]; echo $?)" "its other output is still written"

# A FIFO: its reader gets the bytes; the FIFO stays.
mkfifo "$T/fifo"
timeout 20 cat "$T/fifo" >"$T/fifo.got" &
reader=$!
run "$FLAMEKIT" fold "$T/in.folded" -o "$T/fifo"
wait $reader
is "$rc" 0 "-o onto a FIFO exits 0"
is "$(cat "$T/fifo.got")" "$want" "the FIFO's reader gets the folded stacks"
is "$(kind "$T/fifo")" "fifo" "the FIFO is still a FIFO"

# A unix socket: connected and written.
if python3 -c 'import socket' 2>/dev/null; then
  python3 - "$T/sock" "$T/sock.got" <<'EOF' &
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1]); s.listen(1); s.settimeout(20)
open(sys.argv[1] + ".ready", "w").close()
c, _ = s.accept()
with open(sys.argv[2], "wb") as f:
    while True:
        b = c.recv(65536)
        if not b:
            break
        f.write(b)
EOF
  server=$!
  i=0
  while [ ! -e "$T/sock.ready" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
  run "$FLAMEKIT" fold "$T/in.folded" -o "$T/sock"
  wait $server
  is "$rc" 0 "-o onto a unix socket exits 0"
  is "$(cat "$T/sock.got")" "$want" "the socket's listener gets the folded stacks"
  is "$(kind "$T/sock")" "socket" "the socket is still a socket"
else
  skip "no python3 for the socket listener"
fi

# A symlink: the target is replaced, the link stays a link.
printf 'old\n' >"$T/target.folded"
ln -s target.folded "$T/link.folded"
run "$FLAMEKIT" fold "$T/in.folded" -o "$T/link.folded"
is "$rc" 0 "-o onto a symlink exits 0"
is "$(kind "$T/link.folded")" "symbolic link" "the symlink is still a symlink"
is "$(readlink "$T/link.folded")" "target.folded" "pointing where it did"
is "$(cat "$T/target.folded")" "$want" "and its target has the new content"

# A chain of links, one of them relative from another directory.
mkdir "$T/sub"
printf 'old\n' >"$T/sub/deep.folded"
ln -s sub/deep.folded "$T/mid.folded"
ln -s "$T/mid.folded" "$T/sub/top.folded"
run "$FLAMEKIT" fold "$T/in.folded" -o "$T/sub/top.folded"
is "$(cat "$T/sub/deep.folded")" "$want" "a chain of symlinks: the last target is replaced"
is "$(kind "$T/mid.folded")/$(kind "$T/sub/top.folded")" "symbolic link/symbolic link" \
  "every link of the chain is kept"

# A dangling symlink: its target is created, the link kept.
ln -s made.folded "$T/dangling.folded"
run "$FLAMEKIT" fold "$T/in.folded" -o "$T/dangling.folded"
is "$rc/$(kind "$T/dangling.folded")" "0/symbolic link" "a dangling symlink stays a symlink"
is "$(cat "$T/made.folded")" "$want" "and its target is created"

# A symlink to a device (what /dev/stdout is on some systems).
ln -s null "$T/tonull"
run "$FLAMEKIT" fold "$T/in.folded" -o "$T/tonull"
is "$rc/$(kind "$T/tonull")/$(kind "$T/null")" "0/symbolic link/character special file" \
  "a symlink to a device: both stay what they were"

# /dev/stdout is the descriptor the shell gave: >> still appends. A link of
# our own stands for /dev/stdout, which a broken build would replace for the
# whole machine.
ln -s /proc/self/fd/1 "$T/stdout"
printf 'first\n' >"$T/appended"
run sh -c "'$FLAMEKIT' fold '$T/in.folded' -o '$T/stdout' >>'$T/appended'"
is "$rc" 0 "-o onto a link to /proc/self/fd/1 exits 0"
is "$(cat "$T/appended")" "first
$want" "it writes to standard output (appending under >>)"
is "$(kind "$T/stdout")" "symbolic link" "the link to /proc/self/fd/1 is still a symlink"
run sh -c "'$FLAMEKIT' fold '$T/in.folded' -o /dev/fd/1 | cat"
is "$out" "$want" "-o /dev/fd/1 into a pipe is standard output"

run "$FLAMEKIT" fold "$T/in.folded" -o -
is "$out" "$want" "-o - is standard output"

# A regular file keeps its mode.
printf 'old\n' >"$T/private.folded"
chmod 0600 "$T/private.folded"
run "$FLAMEKIT" fold "$T/in.folded" -o "$T/private.folded"
is "$(stat -c %a "$T/private.folded")" "600" "an existing 0600 file keeps its mode"
is "$(cat "$T/private.folded")" "$want" "and gets the new content"
chmod 0640 "$T/private.folded"
"$FLAMEKIT" graph "$T/in.folded" -o "$T/private.folded" -o "$T/new.svg"
is "$(stat -c %a "$T/private.folded")" "640" "graph keeps the mode too"
is "$(stat -c %a "$T/new.svg")" "$(printf '%o' $((0666 & ~$(umask))))" \
  "a new file gets 0666 under the umask"

# A directory is an error, and stays a directory.
mkdir "$T/dir.folded"
run "$FLAMEKIT" fold "$T/in.folded" -o "$T/dir.folded"
is "$rc" 1 "-o onto a directory exits 1"
like "dir.folded: Is a directory" "$err" "and says why"

# A user may not replace a file they could not write (rename needs only the
# directory): run as nobody in a directory nobody owns.
if setpriv --reuid=nobody --regid=nogroup --clear-groups true 2>/dev/null; then
  mkdir "$T/nobody"
  chmod 0755 "$T"
  printf 'kept\n' >"$T/nobody/ro.folded"
  chmod 0444 "$T/nobody/ro.folded"
  cp "$T/in.folded" "$T/nobody/in.folded"
  chown -R nobody:nogroup "$T/nobody"
  run setpriv --reuid=nobody --regid=nogroup --clear-groups \
    "$FLAMEKIT" fold "$T/nobody/in.folded" -o "$T/nobody/ro.folded"
  is "$rc" 1 "a non-root owner cannot replace a 0444 file"
  like "ro.folded: Permission denied" "$err" "and is told why"
  is "$(cat "$T/nobody/ro.folded")/$(stat -c %a "$T/nobody/ro.folded")" "kept/444" \
    "the file keeps its content and mode"
  is "$(ls "$T/nobody" | grep -c 'ro\.folded\.')" 0 "and no temporary file is left"
else
  skip "setpriv cannot drop to nobody here"
fi

# A signal during a long write removes the temporary file and keeps the old
# destination. The write is caught while its temporary file exists.
python3 - "$FLAMEKIT" "$T" >"$T/py.out" <<'EOF'
import os, random, signal, subprocess, sys, time
fk, t = sys.argv[1], sys.argv[2]
src = os.path.join(t, "big.folded")
with open(src, "w") as f:
    rnd = random.Random(7)
    for i in range(400000):
        f.write("main;f%d;g%d;h%d %d\n" % (i, rnd.randrange(1 << 30), i * 7, i % 13 + 1))
dest = os.path.join(t, "sig.folded")
results = []
for sig in (signal.SIGTERM, signal.SIGINT):
    with open(dest, "w") as f:
        f.write("old\n")
    caught = False
    for attempt in range(20):
        # with the signal's default action: a run started in the background
        # by a non-interactive shell (a CI script's `cmd &`) inherits SIGINT
        # ignored, and flamekit rightly keeps what its parent ignores
        p = subprocess.Popen([fk, "fold", src, "-o", dest, "-q"],
                             stderr=subprocess.DEVNULL,
                             preexec_fn=lambda: signal.signal(sig, signal.SIG_DFL))
        while p.poll() is None:
            if any(n.startswith("sig.folded.") for n in os.listdir(t)):
                p.send_signal(sig)
                caught = True
                break
            time.sleep(0.0005)
        p.wait()
        if caught:
            break
    left = [n for n in os.listdir(t) if n.startswith("sig.folded.")]
    results.append((sig, caught, p.returncode, left, open(dest).read()))
for sig, caught, rc, left, content in results:
    name = signal.Signals(sig).name
    if not caught:
        print("SKIP %s: the write ended before a signal could reach it" % name)
        continue
    print("%s %s ends the run with that signal (%s)" % ("PASS" if rc == -sig else "FAIL", name, rc))
    print("%s %s mid-write leaves no temporary file %s" % ("PASS" if not left else "FAIL", name, left))
    print("%s %s mid-write keeps the old destination" % ("PASS" if content == "old\n" else "FAIL", name))
# SIGINT ignored by the parent (nohup, a shell's background job) stays
# ignored: the run ends normally and writes its output.
with open(dest, "w") as f:
    f.write("old\n")
p = subprocess.Popen([fk, "fold", src, "-o", dest, "-q"], stderr=subprocess.DEVNULL,
                     preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
sent = False
while p.poll() is None and not sent:
    if any(n.startswith("sig.folded.") for n in os.listdir(t)):
        p.send_signal(signal.SIGINT)
        sent = True
    time.sleep(0.0005)
p.wait()
new_out = open(dest).read()
print("%s SIGINT ignored by the parent stays ignored (%s, %s)" % (
    "PASS" if p.returncode == 0 and new_out.startswith("main;") else "FAIL",
    p.returncode, "signal sent mid-write" if sent else "the write ended first"))
EOF
while read -r verdict desc; do
  case $verdict in
  PASS) _report 0 "$desc" ;;
  FAIL) _report 1 "$desc" ;;
  SKIP) skip "$desc" ;;
  esac
done <"$T/py.out"

done_testing
