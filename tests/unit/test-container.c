/* test-container.c -- the container's path rules: hosts, side files, safe names. */
#include "../../formats/container.h"

static char *
host(gboolean root_is_container, const char *l0, const char *l1, const char *l2)
{
  const char *levels[] = {l0, l1, l2};
  gsize n = l2 ? 3 : l1 ? 2 : 1;
  return fk_container_host_from_path(levels, n, root_is_container);
}

static void
test_host_rules(void)
{
  struct {
    gboolean root_is_container;
    const char *l0, *l1, *l2, *want;
  } cases[] = {
      /* a plain file names no host, whatever its directory */
      {FALSE, "dumps/web01/perf.txt", NULL, NULL, NULL},
      {FALSE, "-", NULL, NULL, NULL},
      /* a single compressed file neither */
      {FALSE, "perf.txt.gz", NULL, NULL, NULL},
      /* a directory given: the first directory below it */
      {TRUE, "dumps", "web01/perf.txt", NULL, "web01"},
      {TRUE, "dumps/", "web01/perf/x.txt", NULL, "web01"},
      /* ... or, for files right in it, the directory itself */
      {TRUE, "dumps/web02/", "perf.txt", NULL, "web02"},
      /* an archive named after the host */
      {TRUE, "/srv/web03.tar.gz", "perf.txt", NULL, "web03"},
      {TRUE, "web04.tbz2", "./perf.txt", NULL, "web04"},
      /* a fleet archive: the host's directory or nested archive inside */
      {TRUE, "fleet.tar", "db01/perf.txt", NULL, "db01"},
      {TRUE, "fleet.tar", "db02.tar.zst", "perf.txt", "db02"},
      {TRUE, "fleet.tar", "./db03.zip", "x/perf.txt", "db03"},
      /* the named patterns win, innermost first */
      {TRUE, "perf.all-web-01-20240131.tar.bz2", "perf.data", NULL, "web-01"},
      {TRUE, "perf.all-db7-2024-01-31-1200.tar.bz2", "perf.data", NULL, "db7"},
      {TRUE, "cases/sosreport-app-9-12345-2024-02-01-abcdef.tar.xz", "sos/perf.txt", NULL, "app-9"},
      {TRUE, "fleet.tar", "x/sosreport-node7-2023-12-24-zz.tar.xz", "perf.txt", "node7"},
      {FALSE, "/tmp/sosreport-lonely.tar", NULL, NULL, "lonely"},
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *got = host(cases[i].root_is_container, cases[i].l0, cases[i].l1, cases[i].l2);
    g_test_message("case %" G_GSIZE_FORMAT ": %s %s %s", i, cases[i].l0,
                   cases[i].l1 ? cases[i].l1 : "", cases[i].l2 ? cases[i].l2 : "");
    g_assert_cmpstr(got, ==, cases[i].want);
  }
}

static void
test_side_files(void)
{
  g_assert_true(fk_container_is_side_file(".build-id/5f/0f9b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b"));
  g_assert_true(fk_container_is_side_file("./.build-id/5f/0f9b1c"));
  g_assert_true(fk_container_is_side_file(
      "[kernel.kallsyms]/2f3d2f1e0aa57aa7c8b40a4b7c1fe8b0b0fb14f3/kallsyms"));
  g_assert_true(fk_container_is_side_file(
      "usr/lib/x86_64-linux-gnu/libc.so.6/8a9c1e2f3b4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f/elf"));
  g_assert_false(fk_container_is_side_file("web01/perf.txt"));
  g_assert_false(fk_container_is_side_file("elf"));
  g_assert_false(fk_container_is_side_file("src/notahexid/elf"));
  g_assert_false(fk_container_is_side_file("perf.data"));
}

static void
test_sanitize(void)
{
  struct {
    const char *in, *want;
  } cases[] = {
      {"../../etc/passwd", "etc/passwd"},
      {"/abs/path", "abs/path"},
      {"a/./b//c", "a/b/c"},
      {"..", "_"},
      {"", "_"},
      {"x\ny\\z", "x_y_z"},
      {"web01/perf.txt", "web01/perf.txt"},
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *got = fk_container_sanitize_path(cases[i].in);
    g_assert_cmpstr(got, ==, cases[i].want);
  }
}

typedef struct {
  GPtrArray *members;
  GPtrArray *links;
} Side;

static void
on_side(const char *archive, const char *member, GBytes *data, const char *link, gpointer ud)
{
  (void)archive;
  Side *s = ud;
  if (data != NULL)
    g_ptr_array_add(s->members,
                    g_strdup_printf("%s=%" G_GSIZE_FORMAT, member, g_bytes_get_size(data)));
  else
    g_ptr_array_add(s->links, g_strdup_printf("%s->%s", member, link));
}

/* A tarball made by `tar` at test time holding a dump and a .build-id tree:
 * the dump comes out as an input, the tree goes to the callback. */
static void
test_side_callback(void)
{
  g_autofree char *dir = g_dir_make_tmp("fk-side-XXXXXX", NULL);
  g_assert_nonnull(dir);
  g_autofree char *cmd = g_strdup_printf(
      "cd '%s' && mkdir -p .build-id/ab 'usr/bin/x/abcdef0123456789abcdef/' && "
      "printf 'ELF!' > usr/bin/x/abcdef0123456789abcdef/elf && "
      "ln -s ../../usr/bin/x/abcdef0123456789abcdef .build-id/ab/cdef0123456789abcdef && "
      "printf 'a;b 3\\n' > perf.folded && tar cf t.tar perf.folded .build-id usr",
      dir);
  int status = system(cmd);
  if (status != 0) {
    g_test_skip("tar failed");
    return;
  }
  g_autofree char *tar = g_build_filename(dir, "t.tar", NULL);
  Side side = {g_ptr_array_new_with_free_func(g_free), g_ptr_array_new_with_free_func(g_free)};
  FkContainerOptions opts;
  fk_container_options_init(&opts);
  opts.side_file = on_side;
  opts.side_file_data = &side;
  char *paths[] = {tar, NULL};
  g_autoptr(FkContainer) c = fk_container_new(paths, &opts);
  guint inputs = 0;
  for (;;) {
    g_autoptr(FkInput) in = NULL;
    g_autoptr(GError) error = NULL;
    FkContainerStatus st = fk_container_next(c, &in, &error);
    g_assert_no_error(error);
    if (st == FK_CONTAINER_END)
      break;
    g_assert_cmpint(st, ==, FK_CONTAINER_INPUT);
    g_assert_cmpstr(fk_input_member(in), ==, "perf.folded");
    g_assert_true(g_str_has_suffix(fk_input_name(in), "t.tar:perf.folded"));
    g_assert_cmpstr(fk_input_path(in), ==, tar);
    inputs++;
  }
  g_assert_cmpuint(inputs, ==, 1);
  g_assert_cmpuint(side.members->len, ==, 1);
  g_assert_cmpstr(g_ptr_array_index(side.members, 0), ==, "usr/bin/x/abcdef0123456789abcdef/elf=4");
  g_assert_cmpuint(side.links->len, ==, 1);
  g_assert_cmpstr(g_ptr_array_index(side.links, 0), ==,
                  ".build-id/ab/cdef0123456789abcdef->../../usr/bin/x/abcdef0123456789abcdef");
  g_assert_cmpuint(fk_container_members(c), ==, 2); /* the tar itself and its dump */
  g_ptr_array_unref(side.members);
  g_ptr_array_unref(side.links);
  g_autofree char *rm = g_strdup_printf("rm -rf '%s'", dir);
  g_assert_cmpint(system(rm), ==, 0);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/container/host-rules", test_host_rules);
  g_test_add_func("/container/side-files", test_side_files);
  g_test_add_func("/container/sanitize", test_sanitize);
  g_test_add_func("/container/side-callback", test_side_callback);
  return g_test_run();
}
