/* inflatecache.h -- a file's inflated DWARF sections kept on disk between
 * runs, found by the file's build id.
 *
 * A debug file's compressed sections are inflated again on every run that
 * reads its DWARF: libc6-dbg's .debug_info alone is 5.8 MB out of 2.3, 11 ms
 * of libdeflate here, and every capture of the host names that libc. What
 * a run inflates is written once to the cache directory and mapped by the
 * runs after it (a page-cache mapping, nothing copied), as debuginfod keeps
 * what it fetched and perf the files a capture names (~/.debug).
 *
 * The directory is $FLAMEKIT_CACHE_DIR, else $XDG_CACHE_HOME/flamekit (else
 * ~/.cache/flamekit); FLAMEKIT_CACHE_DIR set to the empty string turns the
 * cache off. FLAMEKIT_CACHE_MAX_MB (default 1024; 0: off) bounds it: after
 * each entry written, the least recently used entries are removed until the
 * directory's entries fit. A failure to read or write the cache is never an
 * error: the run inflates, as without it. */
#pragma once

#include "inflatejob.h"

#include <glib.h>

typedef struct FkInflateCacheHit FkInflateCacheHit;

/* The name of the entry for the N sections SECS of the file FILE (its
 * identity on disk: device, inode, size, modification and change times)
 * whose build id is ID (LEN bytes): the id, then a hash of FILE and of each
 * section's place, sizes and a sample of its compressed bytes. The file's
 * identity is in it so that no other file can write what a later run of
 * this one reads (a --symfs tree from another host that gives its files
 * libc's build id), and a file rebuilt or replaced gets an entry of its
 * own. NULL without an id. */
char *fk_inflate_cache_key(const char *file, const guint8 *id, gsize len,
                           const FkInflateSection *secs, guint n);

/* The entry KEY holding exactly the N sections SECS (by offset and sizes),
 * mapped; NULL when the cache is off, has none, or the entry does not
 * check (truncated, someone else's, another layout). */
FkInflateCacheHit *fk_inflate_cache_open(const char *key, const FkInflateSection *secs, guint n);

/* The SEC->size inflated bytes of SEC (one of those HIT was opened for, by
 * offset and sizes), valid until fk_inflate_cache_close; NULL for another. */
const guint8 *fk_inflate_cache_bytes(const FkInflateCacheHit *hit, const FkInflateSection *sec);

void fk_inflate_cache_close(FkInflateCacheHit *hit);

/* Writes the entry KEY of the N sections SECS, inflated to OUTS (every one
 * non-NULL), to a temporary file renamed into place, then keeps the cache
 * within its limit. Nothing happens when the cache is off. */
void fk_inflate_cache_store(const char *key, const FkInflateSection *secs,
                            const guint8 *const *outs, guint n);
