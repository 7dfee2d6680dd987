#!/bin/sh
# The command line: help, version, usage errors, and --help in step with docs.
. "$(dirname "$0")/lib.sh"

run "$FLAMEKIT" --version
is "$rc" 0 "--version exits 0"
like '^flamekit [0-9]+\.[0-9]+\.[0-9]+$' "$out" "--version prints the version"

run "$FLAMEKIT" help
is "$rc" 0 "help exits 0"
like 'fold' "$out" "help lists fold"

run "$FLAMEKIT"
is "$rc" 2 "no command is a usage error"

run "$FLAMEKIT" frobnicate
is "$rc" 2 "an unknown command is a usage error"
is "$err" "flamekit: unknown command 'frobnicate'; try 'flamekit help'" "unknown command message"

run "$FLAMEKIT" fold --no-such-option
is "$rc" 2 "an unknown option is a usage error"
like "^flamekit: fold: .*no-such-option" "$err" "the message names the command and the option"

run "$FLAMEKIT" fold --max-stack-depth 0
is "$rc" 2 "a bad option value is a usage error"

run "$FLAMEKIT" help nosuch
is "$rc" 2 "help on an unknown command is a usage error"

# Every command's --help usage line equals the SYNOPSIS of its docs page, and
# `help CMD` prints the same as `CMD --help`.
cmds=$("$FLAMEKIT" help | sed -n '/^commands:/,/^$/p' | awk 'NF > 1 {print $1}')
for c in $cmds; do
  page="$TOP/docs/flamekit-$c.md"
  if [ ! -f "$page" ]; then
    ok 1 "docs/flamekit-$c.md exists"
    continue
  fi
  # the first line of the SYNOPSIS section, indented or fenced
  synopsis=$(sed -n '/^## SYNOPSIS/,/^## /p' "$page" | sed '1d;/^## /d;/^```/d;/^ *$/d;s/^ *//' | head -1)
  usage=$(LC_ALL=C.UTF-8 "$FLAMEKIT" "$c" --help | sed -n '2p' | sed 's/^ *//')
  is "$usage" "$synopsis" "$c --help matches the SYNOPSIS of docs/flamekit-$c.md"
  a=$(LC_ALL=C.UTF-8 "$FLAMEKIT" help "$c")
  b=$(LC_ALL=C.UTF-8 "$FLAMEKIT" "$c" --help)
  is "$a" "$b" "help $c equals $c --help"
done
done_testing
