#!/bin/sh
# Conformance with inferno-flamegraph: for each case of inferno's own test
# suite (input, options, expected SVG under ../shared/peers/inferno/flamegraph),
# flamekit draws the same frames: the same names with the same counts (not
# the same bytes), with flamekit's default minimum width (0.1 px, as
# flamegraph.pl; inferno's default is 0.01%). Skips when ../shared/peers is
# absent. A case whose reason column is set is a known difference: the reason
# says why, docs/flamekit-graph.md says more, t0300 pins flamekit's behaviour.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/svg-frames.sh"
P="$SHARED/peers"
IF="$P/inferno/flamegraph"
FG="$P/flamegraph-pl/results-complete" # inferno's inputs: test/results lose a sample
if [ ! -d "$IF" ] || [ ! -d "$FG" ]; then
  skip "../shared/peers absent: no peer conformance"
  done_testing
  exit 0
fi
cp "$IF/palette-map/palette.map" "$T/palette.map"
cp "$IF/example-perf-stacks/palette.map" "$T/example-palette.map"
VERTX="$FG/perf-vertx-stacks-01-collapsed-all.txt"
DIFF="$IF/differential/perf-cycles-instructions-01-collapsed-all-diff.txt"
# expected svg | flamekit options and inputs
while IFS='|' read -r expected args reason; do
  [ -n "$expected" ] || continue
  case "$expected" in \#*) continue ;; esac
  if [ -n "$reason" ]; then
    skip "$expected: known difference: $reason"
    continue
  fi
  eval "set -- $args"
  "$FLAMEKIT" graph -o "$T/out.svg" "$@" 2>"$T/err"
  rc=$?
  if [ "$rc" != 0 ]; then
    ok 1 "$expected: flamekit graph $args exits 0 (got $rc: $(head -1 "$T/err"))"
    continue
  fi
  svg_frames "$IF/$expected" >"$T/want"
  svg_frames "$T/out.svg" >"$T/got"
  if [ -s "$T/want" ] && cmp -s "$T/want" "$T/got"; then
    ok 0 "$expected: same $(wc -l <"$T/want") frames (names and counts)"
  else
    ok 1 "$expected: same frames as inferno"
    diff "$T/want" "$T/got" | head -10 | sed 's/^/# /' >&2
  fi
  xmllint --noout "$T/out.svg" 2>/dev/null
  ok $? "$expected: well-formed"
  # Colours by name hash or palette file are the peers' colours too, except
  # annotated frames (name_[k]...) in the hot palette, which flamekit gives
  # their kind's colour (docs/flamekit-graph.md).
  case "$args" in
  *--hash* | *--palette-file*)
    case "$args" in *--colors*) plain="" ;; *)
      plain=$(for a in "$@"; do [ -f "$a" ] && cat "$a"; done | sed 's/ [0-9. ]*$//' | tr ';' '\n' |
        grep '_\[[kjiw]\]$' | sed 's/_\[[kjiw]\]$//; s/&/\&amp;/g; s/</\&lt;/g; s/>/\&gt;/g' |
        LC_ALL=C sort -u) ;;
    esac
    svg_colors "$IF/$expected" >"$T/wantc"
    svg_colors "$T/out.svg" >"$T/gotc"
    bad=$(join -t "$(printf '\t')" "$T/wantc" "$T/gotc" | awk -F '\t' '$2 != $3 { print $1 }' |
      LC_ALL=C sort -u | LC_ALL=C comm -23 - "$(printf '%s\n' "$plain" >"$T/plain"; echo "$T/plain")")
    if [ -z "$bad" ]; then
      ok 0 "$expected: same colours as inferno ($(wc -l <"$T/wantc") names)"
    else
      ok 1 "$expected: same colours as inferno"
      printf '# differ: %s\n' $bad | head -5 >&2
    fi
    ;;
  esac
done <<CASES
colors/deterministic.svg|--deterministic "$IF/colors/async-profiler-collapsed-part.txt"
colors/java.svg|--colors java --bgcolors blue --hash "$FG/perf-java-stacks-01-collapsed-all.txt"
colors/async-profiler-java.svg|--colors java --hash "$IF/colors/async-profiler-collapsed-part.txt"
colors/js.svg|--colors js --bgcolors green --hash "$FG/perf-js-stacks-01-collapsed-all.txt"
differential/diff.svg|"$DIFF"
differential/diff-negated.svg|--negate "$DIFF"
options/colordiffusion.svg|--colordiffusion "$VERTX"
factor/factor-2.5.svg|--factor 2.5 --hash "$VERTX"
nameattr/nameattr.svg|--hash --nameattr "$IF/nameattr/nameattr.txt" "$FG/perf-cycles-instructions-01-collapsed-all.txt"
palette-map/consistent-palette.svg|--hash --palette-file "$T/palette.map" "$VERTX"
perf-vertx-stacks/perf-vertx-stacks-01-collapsed-all.svg|--hash "$VERTX"
perf-vertx-stacks/perf-vertx-stacks-01-collapsed-all.svg|--hash "$IF/unsorted-input/perf-vertx-stacks-01-collapsed-all-unsorted.txt"
perf-vertx-stacks/perf-vertx-stacks-01-collapsed-all.svg|--hash "$IF/multiple-inputs/perf-vertx-stacks-01-collapsed-all-unsorted-1.txt" "$IF/multiple-inputs/perf-vertx-stacks-01-collapsed-all-unsorted-2.txt"
perf-vertx-stacks/perf-vertx-stacks-01-collapsed-all-reversed-stacks.svg|--hash --reverse "$IF/unsorted-input/perf-vertx-stacks-01-collapsed-all-unsorted.txt"
narrow-blocks/narrow-blocks.svg|--hash "$IF/narrow-blocks/narrow-blocks.txt"
inverted/inverted.svg|--hash --title "Icicle Graph" --inverted "$VERTX"
grey-frames/grey-frames.svg|--hash "$IF/grey-frames/grey-frames.txt"
example-perf-stacks/example-perf-stacks.svg|--palette-file "$T/example-palette.map" "$P/inferno/collapse-perf/results/example-perf-stacks-collapsed.txt"
options/default.svg|"$DIFF"
options/title_with_symbols.svg|--title "Test <& ' \"" "$DIFF"
options/subtitle_with_symbols.svg|--subtitle "Test Subtitle <& ' \"" "$DIFF"
options/notes_with_symbols.svg|--notes "Test Notes <& ' \"" "$DIFF"
options/count_name_with_symbols.svg|--countname "test-samples <& ' \"" "$DIFF"
options/name_type_with_quote.svg|--nametype "Test: '" "$DIFF"
options/font_type_with_quote.svg|--fonttype "Andale Mono\"" "$DIFF"
options/search_color.svg|--search-color "#7d7d7d" "$DIFF"
options/stroke_color.svg|--stroke-color "#7d7d7d" "$DIFF"
options/uicolor_color.svg|--uicolor "#ff0000" "$DIFF"
options/truncate-right.svg|--colors java --truncate-text-right --bgcolors blue --hash "$FG/perf-java-stacks-01-collapsed-all.txt"
fractional-samples/with-space-reversed.svg|--hash --reverse "$IF/fractional-samples/with-space.txt"|inferno truncates 31.23 to 31 and trims a name that starts with a space; flamekit keeps both
flamechart/flame.svg|--title "Flame Chart" --flamechart --hash "$IF/flamechart/flames.txt"|the engine merges a frame with its parent's last child even when a sample ended at the parent in between (reported to the lead)
base/single-base.svg|--title "Flame Chart" --base Final "$IF/base/flames.txt"|inferno never matches a base symbol that is the leaf (it compares "Final 100" with "Final")
base/multi-base.svg|--title "Flame Chart" --base Final --base Samples "$IF/base/flames.txt"|inferno never matches a base symbol that is the leaf
austin/flame.svg|"$IF/austin/flames.txt"
CASES
done_testing
