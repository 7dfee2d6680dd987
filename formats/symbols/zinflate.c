/* zinflate.c -- zlib streams inflated whole, through libdeflate. */
#include "zinflate.h"

#include <libdeflate.h>

gboolean
fk_zlib_inflate(const void *src, gsize src_len, void *out, gsize size)
{
  /* a decompressor per call: a few KB to allocate, against the megabytes a
   * debug section inflates to, and nothing shared between threads */
  struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
  if (d == NULL)
    return FALSE;
  /* a NULL actual size: anything but exactly SIZE bytes is a failure */
  enum libdeflate_result r = libdeflate_zlib_decompress(d, src, src_len, out, size, NULL);
  libdeflate_free_decompressor(d);
  return r == LIBDEFLATE_SUCCESS;
}
