/* pager.h -- the page tables of a mapped capture, kept by a thread of their
 * own.
 *
 * The perf-data reader maps the capture and walks it once, front to back.
 * Mapping each page in on first touch (page faults) and giving the pages
 * behind back (MADV_DONTNEED, so that the resident set stays small) is
 * kernel work as large as the decoding itself on a dwarf capture, and it
 * ran on the decoder's thread, the one every run waits for. A pager does it
 * on another thread: it maps pages in a little ahead of the decoder (by
 * touching them: one fault maps a window of 16 pages) and gives back the pages it is told are no
 * longer needed. Both are only about speed and memory: the mapping is private and read-only, so a
 * page given back too early, or not yet mapped in, is faulted in again from the file with the same
 * bytes. */
#pragma once

#include <glib.h>

typedef struct PdPager PdPager;

/* A pager of the mapping [MAP, MAP + LEN) (page aligned at MAP); NULL when
 * its thread cannot start (the caller then gives pages back itself). */
PdPager *pd_pager_new(const guint8 *map, gsize len);

/* TRUE when the decoder, now at offset POS, is PD_PAGER_STEP past its last
 * pd_pager_progress (or has not called it yet): time to call it. Cheap, no
 * lock: the decoder's thread only. */
gboolean pd_pager_due(const PdPager *self, guint64 pos);

/* The decoder has read up to offset POS and needs nothing below offset LOW:
 * wakes the thread, which maps in up to PD_PAGER_AHEAD past POS and gives
 * back what lies below LOW once PD_PAGER_DROP bytes have gathered there.
 * When the thread lags twice that behind, the pages are given back here,
 * so that memory stays bounded on a busy machine. */
void pd_pager_progress(PdPager *self, guint64 pos, guint64 low);

/* Stops and joins the thread; NULL is ignored. Call before unmapping. */
void pd_pager_free(PdPager *self);

/* The decoder's progress between two wake-ups, how far ahead of it pages
 * are mapped in, and how many bytes behind it are given back at once. */
#define PD_PAGER_STEP (G_GUINT64_CONSTANT(2) << 20)
#define PD_PAGER_AHEAD (G_GUINT64_CONSTANT(6) << 20)
#define PD_PAGER_DROP (G_GUINT64_CONSTANT(8) << 20)
#define PD_PAGER_WINDOW (G_GUINT64_CONSTANT(64) << 10)
