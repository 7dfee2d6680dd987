#!/bin/sh
# flamekit completions bash|zsh|fish: made from the command and option
# tables (every command and every option of its --help is in each script;
# bash's completes); and the manual pages made from docs/: one per command,
# holding every option its --help lists.
. "$(dirname "$0")/lib.sh"
MAN=${MAN_DIR:-$BUILD/man}

cmds=$("$FLAMEKIT" help | sed -n '/^commands:/,/^$/p' | awk 'NF > 1 {print $1}')
options() { # the long options of CMD's --help, but --help itself
  "$FLAMEKIT" "$1" --help | grep -oE '^ +(-[a-zA-Z], )?--[a-z0-9-]+' | grep -oE -- '--[a-z0-9-]+' |
    grep -vx -- '--help\(-all\)\?'
}
for sh in bash zsh fish; do
  run "$FLAMEKIT" completions $sh
  is "$rc" 0 "completions $sh exits 0"
  printf '%s\n' "$out" >"$T/c.$sh"
  miss=""
  for c in $cmds; do
    grep -q -- "$c" "$T/c.$sh" || miss="$miss $c"
    for o in $(options "$c"); do
      case $sh in
        fish) grep -q -- "__fish_seen_subcommand_from $c'.* -l ${o#--}\( \|$\)" "$T/c.$sh" ;;
        *) grep -q -- "$o\([^a-z0-9-]\|$\)" "$T/c.$sh" ;;
      esac || miss="$miss $c:$o"
    done
  done
  is "$miss" "" "completions $sh: every command and option"
done
bash -n "$T/c.bash"
ok $? "the bash script parses"
if command -v zsh >/dev/null; then zsh -n "$T/c.zsh"; ok $? "the zsh script parses"; else skip "no zsh"; fi
if command -v fish >/dev/null; then fish -n "$T/c.fish"; ok $? "the fish script parses"; else skip "no fish"; fi
# bash: what a user gets at TAB
complete_words() { # WORDS...: COMPREPLY for the last word
  bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _flamekit; printf "%s\n" "${COMPREPLY[@]}"' \
    x "$T/c.bash" "$@"
}
is "$(complete_words flamekit rec)" "record" "bash: flamekit rec<TAB> gives record"
like "^--call-graph$" "$(complete_words flamekit record --call)" "bash: record --call<TAB> gives --call-graph"
like "^--image-width$" "$(complete_words flamekit record --image)" "bash: record's aliases are completed"
is "$(complete_words flamekit graph --pal)" "$(printf '%s\n' --palette --palette-file)" "bash: graph --pal<TAB>"
run "$FLAMEKIT" completions tcsh
is "$rc" 2 "an unknown shell is a usage error"
like "^flamekit: completions: unknown shell 'tcsh'; one of bash, zsh, fish$" "$err" "an unknown shell: says which are known"

# manual pages
ok "$([ -s "$MAN/flamekit.1" ] && echo 0 || echo 1)" "flamekit.1 is made"
like "^\.TH \"FLAMEKIT\" 1" "$(head -1 "$MAN/flamekit.1" 2>/dev/null)" "flamekit.1 is a man page"
for c in $cmds; do
  page="$MAN/flamekit-$c.1"
  if [ ! -s "$page" ]; then
    ok 1 "flamekit-$c.1 is made"
    continue
  fi
  text=$(sed 's/\\-/-/g; s/\\f[BIR]//g; s/\\e/\\/g' "$page")
  miss=""
  for o in $(options "$c"); do
    printf '%s\n' "$text" | grep -q -- "$o\([^a-z0-9-]\|$\)" || miss="$miss $o"
  done
  is "$miss" "" "flamekit-$c.1 holds every option of $c --help"
  like "^\.SH SYNOPSIS" "$(cat "$page")" "flamekit-$c.1 has a SYNOPSIS"
done
if command -v man >/dev/null; then
  run man -l "$MAN/flamekit-record.1"
  like "flamekit record \[OPTION" "$out" "man renders flamekit-record.1"
  is "$(printf '%s' "$err" | grep -v 'cannot adjust' | head -3)" "" "man renders it without warnings"
else
  skip "no man: rendering not checked"
fi
done_testing
