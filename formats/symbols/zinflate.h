/* zinflate.h -- one zlib stream of known length inflated whole, as the
 * compressed sections of ELF files (SHF_COMPRESSED, ELFCOMPRESS_ZLIB) hold
 * them.
 *
 * libdeflate inflates a whole buffer 1.89x as fast as zlib's uncompress on
 * libc6-dbg's DWARF (docs/symbolize.md); both check the stream's adler32. */
#pragma once

#include <gelf.h>
#include <glib.h>

/* Inflates the zlib stream SRC (SRC_LEN bytes; anything after the stream's
 * end is ignored) into OUT, which has room for exactly SIZE bytes. TRUE only
 * when the stream is intact and inflates to exactly SIZE bytes; on FALSE
 * (corrupt, truncated, shorter or longer than SIZE, or no memory for the
 * decompressor) OUT's contents are undefined. Safe to call from several
 * threads at once. */
gboolean fk_zlib_inflate(const void *src, gsize src_len, void *out, gsize size);

/* The zlib stream of compressed section SCN of ELF, whose raw data (the
 * Chdr, then the stream) is RAW_LEN bytes: TRUE with *HDR (the Chdr's
 * length), *CH (it) when it is zlib's and its size one that the stream can
 * inflate to. FALSE for another compression, and for a size of 0, over
 * 2 GiB or over 1032 bytes a compressed byte (zlib's most): what a corrupt
 * or hostile header gives, which must not make a reader allocate
 * gigabytes. *HDR is set always, *CH whenever the header reads (for a
 * message). */
gboolean fk_zlib_section(Elf *elf, Elf_Scn *scn, gsize raw_len, GElf_Chdr *ch, gsize *hdr);
