/* zinflate.h -- one zlib stream of known length inflated whole, as the
 * compressed sections of ELF files (SHF_COMPRESSED, ELFCOMPRESS_ZLIB) hold
 * them.
 *
 * libdeflate inflates a whole buffer 1.89x as fast as zlib's uncompress on
 * libc6-dbg's DWARF (docs/symbolize.md); both check the stream's adler32. */
#pragma once

#include <glib.h>

/* Inflates the zlib stream SRC (SRC_LEN bytes; anything after the stream's
 * end is ignored) into OUT, which has room for exactly SIZE bytes. TRUE only
 * when the stream is intact and inflates to exactly SIZE bytes; on FALSE
 * (corrupt, truncated, shorter or longer than SIZE, or no memory for the
 * decompressor) OUT's contents are undefined. Safe to call from several
 * threads at once. */
gboolean fk_zlib_inflate(const void *src, gsize src_len, void *out, gsize size);
