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

gboolean
fk_zlib_section(Elf *elf, Elf_Scn *scn, gsize raw_len, GElf_Chdr *ch, gsize *hdr)
{
  *ch = (GElf_Chdr){0};
  *hdr = gelf_getclass(elf) == ELFCLASS64 ? sizeof(Elf64_Chdr) : sizeof(Elf32_Chdr);
  if (raw_len < *hdr || gelf_getchdr(scn, ch) == NULL)
    return FALSE;
  return ch->ch_type == ELFCOMPRESS_ZLIB && ch->ch_size > 0 && ch->ch_size <= (guint64)1 << 31 &&
         ch->ch_size / 1032 <= raw_len;
}
