#!/bin/sh
# Every command behaves the same on the same input: an
# empty directory, a file no reader recognizes, an empty file, a missing
# path and a directory that cannot be read are each a failure (exit 1) for
# fold, graph, diff and info alike, said on stderr as
# `flamekit: COMMAND: WHERE: WHAT`, never on stdout; the other inputs are
# still read.
. "$(dirname "$0")/lib.sh"
chmod 711 "$T" # another user (below) may pass through, not list
P="$T/pub"
mkdir -p "$P/empty" "$P/unreadable" && chmod 755 "$P" || exit 1
printf 'main;work 3\nmain;idle 1\n' >"$P/good.folded"
cp "$P/good.folded" "$P/unreadable/"
head -c 4096 /dev/urandom | tr -d '\n' >"$P/junk.bin"
: >"$P/empty.txt"
mkdir -p "$P/tree/a" "$P/tree/b" "$P/tree/c" && chmod -R 755 "$P/tree"
cp "$P/good.folded" "$P/tree/a/" && cp "$P/good.folded" "$P/tree/c/"
chmod 000 "$P/unreadable" "$P/tree/b"
# Root reads any directory whatever its mode: run that case as nobody.
as=""
if [ "$(id -u)" = 0 ]; then
  if command -v setpriv >/dev/null 2>&1 && id nobody >/dev/null 2>&1; then
    as="setpriv --reuid=nobody --regid=$(id -g nobody) --clear-groups"
  else
    as="none"
  fi
fi
real_unreadable=no
[ "$as" != none ] && ! $as ls "$P/unreadable" >/dev/null 2>&1 && $as test -r "$P/good.folded" &&
  real_unreadable=yes

# cmd INPUT: the command line of COMMAND on INPUT (diff: INPUT against good).
cmdline() {
  case $1 in
  diff) echo "$FLAMEKIT diff $2 $P/good.folded" ;;
  graph) echo "$FLAMEKIT graph -o $P/out-$$.svg $2" ;;
  *) echo "$FLAMEKIT $1 $2" ;;
  esac
}

for c in fold graph diff info; do
  for case in empty junk.bin empty.txt missing unreadable; do
    input="$P/$case"
    runner=""
    if [ "$case" = unreadable ]; then
      if [ "$real_unreadable" != yes ]; then
        skip "$c $case: cannot make a directory this user cannot read"
        skip "$c $case"; skip "$c $case"
        continue
      fi
      [ -n "$as" ] && runner="$as"
    fi
    # shellcheck disable=SC2046
    run $runner $(cmdline "$c" "$input")
    is "$rc" 1 "$c $case: exit 1"
    like "^flamekit: $c: $input(/[^:]*)?: [A-Za-z]" "$err" "$c $case: flamekit: $c: WHERE: what, on stderr"
    case $out in
    *error:* | *flamekit:*) ok 1 "$c $case: no message on stdout" ;;
    *) ok 0 "$c $case: no message on stdout" ;;
    esac
  done
done

# The messages that say why, one per case.
run "$FLAMEKIT" fold "$P/empty"
is "$err" "flamekit: fold: $P/empty: no samples in the input" "empty directory: no samples"
run "$FLAMEKIT" fold "$P/junk.bin"
is "$err" "$(printf '%s\n' "flamekit: fold: $P/junk.bin: no reader recognizes this input; skipped" \
  "flamekit: fold: skipped 1 item in all; --strict makes this fail" \
  "flamekit: fold: $P/junk.bin: no samples in the input")" "junk: skipped, counted, and no samples"
run "$FLAMEKIT" info "$P/missing"
is "$err" "flamekit: info: $P/missing: No such file or directory" "info: a missing input on stderr"
is "$(printf '%s' "$out" | grep -c '^error:')" 0 "info: no error: line on stdout"

run "$FLAMEKIT" diff "$P/missing" "$P/empty"
is "$err" "$(printf '%s\n' "flamekit: diff: $P/missing: No such file or directory" \
  "flamekit: diff: $P/empty: no samples in the input")" "diff: each side says what is wrong with it"

# The rest is still read, and the exit code says something failed.
run "$FLAMEKIT" fold "$P/junk.bin" "$P/good.folded"
is "$rc:$out" "0:$(cat "$P/good.folded" | sort)" "junk among good inputs: skipped, exit 0"
run "$FLAMEKIT" fold --strict "$P/junk.bin" "$P/good.folded"
is "$rc" 1 "... exit 1 under --strict"
for c in fold info; do
  run "$FLAMEKIT" $c "$P/empty" "$P/good.folded"
  is "$rc" 0 "$c: an empty directory beside samples is not a failure"
done
if [ "$real_unreadable" = yes ]; then
  run $as "$FLAMEKIT" fold "$P/unreadable" "$P/good.folded"
  is "$rc" 1 "an unreadable directory among inputs: exit 1"
  is "$out" "$(sort "$P/good.folded")" "... and the other inputs are still read"
  is "$err" "flamekit: fold: $P/unreadable: cannot read directory: Permission denied" "... said once, with the reason"
  run $as "$FLAMEKIT" fold "$P/tree"
  is "$rc" 1 "an unreadable directory inside the one named: exit 1"
  is "$out" "$(printf 'main;idle 2\nmain;work 6')" "... the directories beside it still read"
  is "$err" "flamekit: fold: $P/tree/b: cannot read directory: Permission denied" "... said with its path"
else
  for i in 1 2 3 4 5 6; do skip "unreadable directory"; done
fi
chmod 755 "$P/unreadable" "$P/tree/b"
done_testing
