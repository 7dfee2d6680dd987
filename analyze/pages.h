/* pages.h -- big allocations in huge pages, where the kernel gives them.
 *
 * On a VM every page fault is expensive: a tree of hundreds of megabytes,
 * or the blocks pipes carry between reading threads, fault in one 4 KiB page
 * at a time otherwise. With transparent_hugepage=madvise (Debian's default)
 * the kernel backs 2 MiB-aligned memory that asks for it with huge pages:
 * one fault per 2 MiB. Memory from here is freed with fk_pages_free. */
#pragma once

#include <glib.h>

/* 2 MiB: the alignment, and what one huge page holds on x86-64. */
#define FK_PAGES_HUGE ((gsize)2 << 20)

/* BYTES, not zeroed, aligned to FK_PAGES_HUGE and advised to be huge pages;
 * g_malloc'd when the aligned allocation fails. Never NULL. */
void *fk_pages_alloc(gsize bytes);

/* BYTES zeroed: in huge pages from MIN_HUGE bytes on (smaller ones come
 * from g_malloc0, so that small tables stay small). Never NULL. */
void *fk_pages_alloc0(gsize bytes, gsize min_huge);

/* BYTES of fresh zero pages (mmap), advised to be huge pages: zeroed
 * without a write, each page faulted in when first touched, so memory
 * that grows in such blocks costs only what is used. Never NULL (aborts
 * when the system has no memory, as g_malloc does). Freed with
 * fk_pages_unmap, BYTES given again. */
void *fk_pages_map0(gsize bytes);
void fk_pages_unmap(void *p, gsize bytes);

/* Frees what fk_pages_alloc or fk_pages_alloc0 gave (NULL: nothing). */
void fk_pages_free(void *p);
