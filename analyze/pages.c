/* pages.c -- big allocations, aligned for huge pages (see pages.h). */
#include "pages.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

void *
fk_pages_alloc(gsize bytes)
{
  void *p = NULL;
  if (posix_memalign(&p, FK_PAGES_HUGE, bytes) != 0)
    return g_malloc(bytes);
  return p;
}

void *
fk_pages_alloc0(gsize bytes, gsize min_huge)
{
  if (bytes < min_huge) {
    /* Written, not calloc'd: calloc's fresh blocks are unmapped zero
     * pages, which a table's probes read first, mapping the shared zero
     * page; the insert after it then copies the page and flushes the TLB
     * of every other core this process runs on (see add_to, stacktree.c). */
    void *p = g_malloc(bytes);
    memset(p, 0, bytes);
    return p;
  }
  void *p = fk_pages_alloc(bytes);
  memset(p, 0, bytes);
  return p;
}

void
fk_pages_free(void *p)
{
  /* posix_memalign's, g_malloc's or g_malloc0's: GLib's allocator is the
   * system malloc (GLib >= 2.46), so free() releases each of them. */
  free(p);
}

void *
fk_pages_map0(gsize bytes)
{
  void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED)
    g_error("%s: failed to map %" G_GSIZE_FORMAT " bytes", G_STRLOC, bytes);
  return p;
}

void
fk_pages_unmap(void *p, gsize bytes)
{
  if (p != NULL)
    munmap(p, bytes);
}
