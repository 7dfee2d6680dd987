# collapse.awk -- `perf script` text to folded stacks (comm;root;...;leaf COUNT).
# A stand-in used only to make corpora and bench inputs while flamekit's own
# perf-script reader is written elsewhere. With -v each=1 every sample is
# its own line (weight 1), without merging, so the folded file is as long as
# the dump.
/^#/ { next }
/^[^ \t]/ { comm = $1; n = 0; insample = 1; next }
/^[ \t]+[0-9a-f]+ / {
  if (!insample) next
  sym = $2
  sub(/\+0x[0-9a-f]+$/, "", sym)
  frames[n++] = sym
  next
}
/^[ \t]*$/ {
  if (insample && n > 0) {
    line = comm
    for (i = n - 1; i >= 0; i--) line = line ";" frames[i]
    if (each) print line " 1"; else count[line]++
  }
  insample = 0; n = 0
}
END { if (!each) for (l in count) print l " " count[l] }
