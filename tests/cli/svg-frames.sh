# svg-frames.sh -- helpers for SVG tests (sourced, not run).
# svg_frames FILE: one line per frame of a flamekit or inferno/flamegraph.pl
#   SVG: "NAME<TAB>COUNT" (COUNT from the <title>, thousands separators
#   removed), sorted; the names stay XML-escaped, as both write them.
svg_frames() {
  tr -d '\n' <"$1" | sed 's/<title>/\n<title>/g' |
    sed -n 's/^<title>\(.*\) (\([0-9][0-9,.]*\) [^<]*<\/title>.*/\1\t\2/p' |
    awk -F '\t' -v OFS='\t' '{ gsub(/,/, "", $NF); print }' | LC_ALL=C sort
}
# svg_geometry FILE: checks a flamekit SVG's frames (depth first, fk:x/fk:w in
#   tree units): each child lies inside its parent, siblings do not overlap,
#   the rect's width is 100*fk:w/total percent, and the title's count is fk:w.
#   Prints "ok" or the first violation.
svg_geometry() {
  awk '
    match($0, /data-y0="[-0-9.]+"/) { y0 = substr($0, RSTART + 9, RLENGTH - 10) + 0 }
    match($0, /data-dy="[-0-9.]+"/) { dy = substr($0, RSTART + 9, RLENGTH - 10) + 0 }
    match($0, /fk:total="[0-9]+"/) { total = substr($0, RSTART + 10, RLENGTH - 11) + 0 }
    match($0, /data-decimals="[0-9]+"/) { dec = substr($0, RSTART + 15, RLENGTH - 16) + 0 }
    /^<g><title>/ || /^<a / {
      n++
      match($0, / y="[-0-9.]+"/); y = substr($0, RSTART + 4, RLENGTH - 5) + 0
      match($0, /fk:x="[0-9]+"/); x = substr($0, RSTART + 6, RLENGTH - 7) + 0
      match($0, /fk:w="[0-9]+"/); w = substr($0, RSTART + 6, RLENGTH - 7) + 0
      match($0, /width="[0-9.]+%"/); pct = substr($0, RSTART + 7, RLENGTH - 9) + 0
      match($0, /\(([0-9,.]+) [^<]*<\/title>/); t = substr($0, RSTART + 1, RLENGTH); sub(/ .*/, "", t); gsub(/,/, "", t)
      d = int((y - y0) / dy + 0.5)
      if (w <= 0) { print "frame " n ": width " w; bad = 1; exit 1 }
      if (t * 10 ^ dec - w > 0.5 || w - t * 10 ^ dec > 0.5) { print "frame " n ": title count " t " but fk:w " w; bad = 1; exit 1 }
      if (pct - 100 * w / total > 0.0006 || 100 * w / total - pct > 0.0006) { print "frame " n ": width " pct "% for " w "/" total; bad = 1; exit 1 }
      if (d > 0) {
        px = sx[d - 1]; pw = sw[d - 1]
        if (x < px || x + w > px + pw) { print "frame " n ": [" x "," x + w ") outside its parent [" px "," px + pw ")"; bad = 1; exit 1 }
        if (seen[d] && last_parent[d] == pn[d - 1] && x < end[d]) { print "frame " n ": overlaps its sibling"; bad = 1; exit 1 }
      }
      sx[d] = x; sw[d] = w; pn[d] = n; end[d] = x + w; seen[d] = 1; last_parent[d] = (d > 0 ? pn[d - 1] : 0)
    }
    END { if (bad) exit 1; if (n == 0) { print "no frames"; exit 1 } print "ok" }
  ' "$1"
}
# svg_colors FILE: "NAME<TAB>#rrggbb" per frame (rgb() turned into hex), sorted.
svg_colors() {
  tr -d '\n' <"$1" | sed 's/<title>/\n<title>/g' |
    sed -n 's/^<title>\(.*\) ([0-9][0-9,.]* [^<]*<\/title>[^>]*fill="\([^"]*\)".*/\1\t\2/p' |
    awk -F '\t' -v OFS='\t' '{ if ($2 ~ /^rgb\(/) { split(substr($2, 5, length($2) - 5), c, ",")
      $2 = sprintf("#%02x%02x%02x", c[1], c[2], c[3]) } print }' | LC_ALL=C sort -u
}
