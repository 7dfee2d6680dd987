/* pages.h -- big allocations, aligned so that the system's huge pages can
 * back them.
 *
 * They are aligned to 2 MiB but do not ask for huge pages (MADV_HUGEPAGE):
 * where transparent_hugepage=always the kernel backs them with huge pages
 * anyway, and where it is madvise (Debian's default) a run gets ordinary
 * pages. Asking was a gamble on this VM, whose balloon reports free memory
 * to the host: a 2 MiB page of memory freed a few seconds before took
 * 10-20 times as long to fault in as its 512 small pages (200 MB: 330-530
 * ms against 62), one of memory just freed 2.6 times less. A run that
 * follows another program, as in make bench or a user's shell, meets the
 * first kind: see docs/ARCHITECTURE.md. Memory from here is freed with
 * fk_pages_free. */
#pragma once

#include <glib.h>

/* 2 MiB: the alignment, and what one huge page holds on x86-64. */
#define FK_PAGES_HUGE ((gsize)2 << 20)

/* BYTES, not zeroed, aligned to FK_PAGES_HUGE; g_malloc'd when the aligned
 * allocation fails. Never NULL. */
void *fk_pages_alloc(gsize bytes);

/* BYTES zeroed: aligned from MIN_HUGE bytes on (smaller ones come from
 * g_malloc, so that small tables stay small). Never NULL. */
void *fk_pages_alloc0(gsize bytes, gsize min_huge);

/* BYTES of fresh zero pages (mmap): zeroed without a write, each page
 * faulted in when first touched, so memory that grows in such blocks costs
 * only what is used. Never NULL (aborts when the system has no memory, as
 * g_malloc does). Freed with fk_pages_unmap, BYTES given again. */
void *fk_pages_map0(gsize bytes);
void fk_pages_unmap(void *p, gsize bytes);

/* Frees what fk_pages_alloc or fk_pages_alloc0 gave (NULL: nothing). */
void fk_pages_free(void *p);
