# md2man.awk -- docs/flamekit*.md (the subset they use) to a man page:
#   awk -v version=X -f docs/md2man.awk docs/flamekit-graph.md [LINKED.md...] >flamekit-graph.1
# "# name" is the title; "## X" sections, "### X" subsections; indented or
# fenced blocks verbatim; "`-o`, `--output=FILE`" followed by ": text" lines a
# tagged paragraph (.TP); "- item" bullets; tables as verbatim lines;
# `code` bold, [text](link) its text. Nothing is dropped: every word of the
# page is in the manual (a test checks the options).
function inl(s,   t) {
  gsub(/\\/, "\\e", s)
  while (match(s, /\[[^]]*\]\([^)]*\)/)) {
    t = substr(s, RSTART + 1, RLENGTH - 1); t = substr(t, 1, index(t, "]") - 1)
    s = substr(s, 1, RSTART - 1) t substr(s, RSTART + RLENGTH)
  }
  while (match(s, /`[^`]*`/))
    s = substr(s, 1, RSTART - 1) "\\fB" substr(s, RSTART + 1, RLENGTH - 2) "\\fR" substr(s, RSTART + RLENGTH)
  gsub(/\*\*/, "", s)
  gsub(/-/, "\\-", s)
  sub(/^[.']/, "\\\\&&", s)
  return s
}
function code(s) { gsub(/\\/, "\\e", s); gsub(/-/, "\\-", s); sub(/^[.']/, "\\\\&&", s); return s }
function flush() { if (held != "") { print inl(held); held = "" } }
# Later files (the pages the first links to: its shared options) become
# sections of the first, as git's manuals include their common options.
# Of another command's page, only its OPTIONS, as "OPTIONS OF FLAMEKIT-FOLD".
FNR == 1 && NR != FNR && /^# flamekit-/ { flush(); skip = 1; other = toupper(substr($0, 3)); next }
skip && /^## OPTIONS/ { skip = 0; print ".SH \"OPTIONS OF " other "\""; next }
skip { next }
other != "" && FNR > 1 && /^## / { skip = 1; next }
FNR == 1 && NR != FNR { other = ""; skip = 0; flush(); if (pre || fence) { print ".fi"; print ".RE" }; pre = fence = item = 0
  sub(/^# /, ""); print ".SH \"" toupper($0) "\""; next }
NR != FNR && /^## / { flush(); item = 0; print ".SS " inl(substr($0, 4)); next }
NR != FNR && /^### / { flush(); item = 0; print ".PP"; print "\\fB" inl(substr($0, 5)) "\\fR"; next }
NR == 1 && /^# / {
  printf ".TH \"%s\" 1 \"\" \"flamekit %s\" \"flamekit manual\"\n", toupper(substr($0, 3)), version
  next
}
/^```/ { flush(); if (fence) { print ".fi"; print ".RE" } else { print ".RS"; print ".nf" }; fence = !fence; next }
fence { print code($0); next }
pre && !/^    / && !/^$/ { print ".fi"; print ".RE"; pre = 0 }
/^    / && !item { flush(); if (!pre) { print ".RS"; print ".nf"; pre = 1 }; print code(substr($0, 5)); next }
pre && /^$/ { print ""; next }
/^## / { flush(); item = 0; print ".SH " toupper(substr($0, 4)); next }
/^### / { flush(); item = 0; print ".SS " inl(substr($0, 5)); next }
/^: / { if (held != "") { print ".TP"; print inl(held); held = "" }; print inl(substr($0, 3)); item = 1; next }
/^$/ { flush(); item = 0; print ".PP"; next }
/^\|/ { flush(); print ".nf"; print inl($0); print ".fi"; next }
/^[-*] / { flush(); print ".IP \\(bu 2"; print inl(substr($0, 3)); item = 1; next }
/^`/ && !item { flush(); held = $0; next }
{ flush(); sub(/^ +/, ""); print inl($0) }
END { flush(); if (pre || fence) { print ".fi"; print ".RE" } }
