/* fuzz-container.c -- libFuzzer target for the container layer: the bytes are
 * given as a file (a memfd), so every archive format, compressor and nesting
 * libarchive reads goes through the probe, the levels and the member streams,
 * and every member is read by the folded reader as `flamekit fold` would.
 *
 * Seeds (tests/fuzz/corpus/container/) were made from the first 600 bytes of
 * corpora/hosts/web02/perf.folded in a directory web02/: `tar cf plain.tar
 * web02`, then gzip/bzip2/xz/zstd/lz4 -c of it (tar.*), gzip/zstd of the file
 * alone (single.*), `zip -r a.zip`, `7z a a.7z`, `cpio -o -H newc` (a.cpio),
 * `tar czf nested.tar.gz plain.tar a.zip`, and the first 300 bytes of
 * tar.gzip (truncated.tar.gz). One input in three is named twice with
 * detach_archives set, as `flamekit -j` reads several archives: the first is
 * detached (opened by the sub-container) and drained before the rest. Every
 * other size reads gzip and zstd archives in lent blocks (lentblocks.h), as
 * -j 2 and more do. */
#include "fuzz.h"

#include "../../formats/container.h"

#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

static void
on_side(const char *archive, const char *member, GBytes *data, const char *link, gpointer ud)
{
  (void)archive, (void)member, (void)data, (void)link, (void)ud;
}

/* Reads every member of C with the folded reader; a detached archive is
 * drained on the spot, as a worker would. */
static void
drain(FkContainer *c, FkTree *tree, FkDiag *diag, gboolean top)
{
  for (int guard = 0; guard < 256; guard++) {
    g_autoptr(FkInput) in = NULL;
    g_autoptr(GError) error = NULL;
    FkContainerStatus st = fk_container_next(c, &in, &error);
    if (st == FK_CONTAINER_END)
      break;
    if (st == FK_CONTAINER_ARCHIVE && top) {
      g_autoptr(FkContainer) sub = fk_container_detach(c);
      drain(sub, tree, diag, FALSE);
      continue;
    }
    if (st != FK_CONTAINER_INPUT)
      continue;
    FkReadOptions ropts = {0};
    ropts.strings = fk_tree_strings(tree);
    ropts.diag = diag;
    ropts.max_line = 1 << 16;
    ropts.max_depth = 512;
    gpointer state = fk_reader_folded.open(in, &ropts, NULL);
    if (state == NULL)
      continue;
    FkSample s;
    while (fk_reader_folded.next(state, &s, NULL) == FK_READ_SAMPLE)
      (void)fk_tree_add_sample(tree, &s, NULL);
    fk_reader_folded.close(state);
  }
}

int
LLVMFuzzerTestOneInput(const guint8 *data, gsize size)
{
  int fd = memfd_create("fuzz-container", MFD_CLOEXEC);
  if (fd < 0)
    return 0;
  for (gsize off = 0; off < size;) {
    ssize_t n = write(fd, data + off, size - off);
    if (n <= 0) {
      close(fd);
      return 0;
    }
    off += (gsize)n;
  }
  char path[64];
  snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
  g_autoptr(FkDiag) diag = fk_diag_new(3);
  FkContainerOptions opts;
  fk_container_options_init(&opts);
  opts.max_total = 8 << 20;
  opts.max_member = 2 << 20;
  opts.max_nesting = 3;
  opts.max_members = 64;
  opts.diag = diag;
  opts.side_file = size % 2 ? on_side : NULL;
  gboolean twice = size % 3 == 0;
  opts.detach_archives = twice;
  opts.lend_members = (size / 7) % 2 == 0;
  char *paths[] = {path, twice ? path : NULL, NULL};
  g_autoptr(FkContainer) c = fk_container_new(paths, &opts);
  g_autoptr(FkTree) tree = fk_tree_new(NULL, FK_TREE_DEFAULT);
  drain(c, tree, diag, TRUE);
  g_clear_pointer(&c, fk_container_free);
  close(fd);
  return 0;
}
