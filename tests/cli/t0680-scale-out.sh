#!/bin/sh
# docs/scale-out.md's GNU parallel recipe, run: four sshd on loopback
# addresses (127.0.0.2-5) as four hosts, a key made here, 40 archives folded
# across them into partials, merged, and compared with a one-machine run.
# Everything started here is stopped at exit; keys and configs live in $T.
. "$(dirname "$0")/lib.sh"
SSHD=/usr/sbin/sshd
why=""
[ "$(id -u)" = 0 ] || why="not root (sshd needs it)"
for c in parallel ssh ssh-keygen rsync; do
  [ -n "$why" ] || command -v $c >/dev/null 2>&1 || why="no $c (make deps)"
done
[ -n "$why" ] || [ -x $SSHD ] || why="no $SSHD (openssh-server; make deps)"
if [ -n "$why" ]; then
  skip "$why"
  done_testing
  exit
fi

made_run_sshd=""
pids=""
cleanup() {
  # The shared connections first: their sessions end with them.
  for a in 2 3 4 5; do
    [ -S "$S/cm-127.0.0.$a" ] && ssh -F "$S/config" -O exit 127.0.0.$a 2>/dev/null
  done
  # Sessions end after their connection: let each sshd reap them before it
  # goes (killed first, they would stay behind as zombies).
  for p in $pids; do
    i=0
    while [ -n "$(ps -o pid= --ppid "$p" 2>/dev/null)" ] && [ $i -lt 50 ]; do
      sleep 0.1
      i=$((i + 1))
    done
  done
  for p in $pids; do kill "$p" 2>/dev/null; done
  for p in $pids; do
    i=0
    while kill -0 "$p" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
  done
  [ -n "$made_run_sshd" ] && rmdir /run/sshd 2>/dev/null
  rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# sshd refuses to start without its privilege separation directory: made
# (and removed at exit) only when the system has none.
if [ ! -d /run/sshd ]; then
  mkdir -m 755 /run/sshd && made_run_sshd=1
fi

S="$T/ssh"
mkdir -p "$S" "$T/home" "$T/remote"
ssh-keygen -q -t ed25519 -N '' -f "$S/host_key" && ssh-keygen -q -t ed25519 -N '' -f "$S/id"
cp "$S/id.pub" "$S/authorized_keys"
# A port per run, so parallel runs of the suite do not meet.
port=$((20000 + $$ % 20000))
for a in 2 3 4 5; do
  cat >"$S/sshd_config.$a" <<EOF
ListenAddress 127.0.0.$a:$port
HostKey $S/host_key
AuthorizedKeysFile $S/authorized_keys
PidFile $S/sshd.$a.pid
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
MaxStartups 100
MaxSessions 100
EOF
  $SSHD -D -e -r -f "$S/sshd_config.$a" 2>"$S/sshd.$a.log" &
  pids="$pids $!"
done
cat >"$S/config" <<EOF
Host 127.0.0.*
  Port $port
  User root
  IdentityFile $S/id
  IdentitiesOnly yes
  BatchMode yes
  StrictHostKeyChecking no
  UserKnownHostsFile $S/known_hosts
  LogLevel ERROR
  # One connection per host, reused by every transfer, job and cleanup.
  ControlMaster auto
  ControlPath $S/cm-%h
  ControlPersist 60
EOF
up=0
i=0
while [ $up -lt 4 ] && [ $i -lt 50 ]; do
  up=0
  for a in 2 3 4 5; do
    ssh -F "$S/config" 127.0.0.$a true 2>/dev/null && up=$((up + 1))
  done
  [ $up -lt 4 ] && sleep 0.2
  i=$((i + 1))
done
is $up 4 "four sshd answer on 127.0.0.2-5"

# 40 archives, one per host, of the corpus's folded captures.
mkdir -p "$T/local/archives"
H="$TOP/corpora/hosts"
n=0
for i in $(seq -w 1 40); do
  src=$(echo db01 db02 web01 web02 | cut -d' ' -f$((n % 4 + 1)))
  n=$((n + 1))
  mkdir -p "$T/stage/host$i"
  cp "$H/$src/perf.folded" "$T/stage/host$i/perf.folded"
  tar czf "$T/local/archives/host$i.tar.gz" -C "$T/stage/host$i" perf.folded
done

cd "$T/local" || exit 1
start=$(date +%s)
echo "# parallel starts at $(date +%T)"
# The recipe of docs/scale-out.md (FLAMEKIT for flamekit, the workdir and
# ssh config of this test).
HOME="$T/home" parallel --will-cite --plus --ssh "ssh -F $S/config" \
  --sshlogin 1/127.0.0.2,1/127.0.0.3,1/127.0.0.4,1/127.0.0.5 \
  --workdir "$T/remote" --transferfile {} --return parts/part{0#}.folded --cleanup \
  -n 10 --halt now,fail=1 --joblog "$T/joblog" \
  "mkdir -p parts && $FLAMEKIT fold -q --partial --group-by host {} -o parts/part{0#}.folded" \
  ::: archives/*.tar.gz >"$T/parallel.out" 2>"$T/parallel.err"
rc=$?
is $rc 0 "parallel ran the 40 folds over ssh"
[ $rc = 0 ] || sed 's/^/# /' "$T/parallel.err" | head -n 20 >&2
is "$(ls parts | wc -l)" 4 "4 partials of 10 archives each came back"
is "$(awk 'NR > 1 { print $2 }' "$T/joblog" | sort -u | wc -l)" 4 "each of the four hosts ran a job"

"$FLAMEKIT" fold -q parts/*.folded -o merged.folded -o merged.json 2>merged.err
mrc=$?
"$FLAMEKIT" fold -q --group-by host archives/*.tar.gz -o one.folded -o one.json 2>one.err
orc=$?
is "$mrc $orc" "0 0" "merge and one-machine run exit 0"
ok "$(cmp -s merged.folded one.folded; echo $?)" "the merged partials equal the one-machine run (folded)"
ok "$(cmp -s merged.json one.json; echo $?)" "and its JSON, inputs and all"
ok "$(cmp -s merged.err one.err; echo $?)" "and its messages"
is "$(grep -c '^\[host=host' merged.folded | sed 's/[1-9][0-9]*/some/')" "some" "stacks grouped by the 40 hosts"
is "$(grep -o '^\[host=[^]]*\]' merged.folded | sort -u | wc -l)" 40 "all 40 of them"
"$FLAMEKIT" graph -q parts/*.folded -o merged.svg 2>/dev/null
"$FLAMEKIT" graph -q --group-by host archives/*.tar.gz -o one.svg 2>/dev/null
ok "$(cmp -s merged.svg one.svg; echo $?)" "graph of the partials equals graph of the archives (SVG)"
took=$(($(date +%s) - start))
# A figure, not a test: the time depends on the machine's load (the
# hosts-per-minute figure is tests/bench/farm.sh's).
echo "# the scale-out run took $took s"
cd "$TOP" || exit 1
is "$(ls -A "$T/remote" 2>/dev/null | wc -l)" 0 "--cleanup left nothing in the hosts' workdir"
done_testing
