/* inflatejob.h -- the compressed DWARF sections of one file, inflated once a
 * run on threads of their own and shared by every FkElf of that file.
 *
 * The perf reader has two symbolizers (formats/perf/data.c): the decoder's,
 * which finds each file's CFI as it unwinds the first samples, and the
 * symbolizing side's, which reads the DWARF but meets the files a batch of
 * samples later and one at a time, each as the first sample that needs it
 * arrives. Inflated by the one that met the file, wordstats' run had the
 * symbolizing side wait 18-36 ms for three files' sections, started 5-20 ms
 * after the decoder had found them. A job is found by its file's identity
 * (device, inode, size, change time; or the GBytes a perf archive's member
 * came in), so the decoder starts it and the other side takes its bytes. */
#pragma once

#include <glib.h>

typedef struct FkInflateJob FkInflateJob;

/* One zlib stream of a section: at OFFSET in the file (its identity in the
 * job), SRC_LEN compressed bytes at SRC, SIZE bytes inflated. */
typedef struct {
  guint64 offset;
  const guint8 *src;
  gsize src_len;
  guint64 size;
} FkInflateSection;

/* The running or finished job of KEY, with a reference for the caller; when
 * there is none (always, for a NULL KEY: nothing says what the bytes are), a new one that inflates
 * the N sections SECS on up to two threads (the largest on one, the rest on the other). Their SRC
 * bytes must stay valid until the job ends: the job holds KEEP (freed with KEEP_FREE) as long as it
 * lives. A caller whose key is taken gets the other's job: its own SECS, KEEP are not used (KEEP is
 * freed at once). CACHE_KEY (NULL: none) names the sections' entry in the cache on disk
 * (inflatecache.h): a job whose entry is there inflates nothing; one that inflates every section
 * writes the entry, after its waiters are woken. */
FkInflateJob *fk_inflate_job_get(const char *key, const char *cache_key,
                                 const FkInflateSection *secs, guint n, gpointer keep,
                                 GDestroyNotify keep_free);

/* Waits until every section of JOB is inflated or has failed. */
void fk_inflate_job_wait(FkInflateJob *job);

/* After fk_inflate_job_wait: the SIZE inflated bytes of the section at
 * OFFSET of SRC_LEN compressed bytes, valid while the caller's reference
 * lives; NULL when it did not inflate. *KNOWN says whether the job had the
 * section at all (a caller with a different list inflates the rest itself). */
const guint8 *fk_inflate_job_output(FkInflateJob *job, guint64 offset, gsize src_len, guint64 size,
                                    gboolean *known);

/* Drops the caller's reference; the last waits for the threads and frees
 * the inflated bytes. NULL is ignored. */
void fk_inflate_job_unref(FkInflateJob *job);
