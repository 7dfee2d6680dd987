/* driver.c -- replays fuzz inputs through a target without libFuzzer, so
 * `make check` runs every seed and crasher under gcc (and ASan in check-asan).
 * Arguments are files or directories of files. Prints one TAP line per file. */
#include <glib.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const guint8 *data, gsize size);

static int n;

static void
replay(const char *path)
{
  if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
    g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
    if (dir == NULL)
      return;
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    for (const char *name; (name = g_dir_read_name(dir)) != NULL;)
      g_ptr_array_add(names, g_build_filename(path, name, NULL));
    g_ptr_array_sort(names, (GCompareFunc)g_strcmp0);
    for (guint i = 0; i < names->len; i++)
      replay(g_ptr_array_index(names, i));
    return;
  }
  gchar *data;
  gsize len;
  if (!g_file_get_contents(path, &data, &len, NULL)) {
    printf("not ok %d - %s: unreadable\n", ++n, path);
    return;
  }
  LLVMFuzzerTestOneInput((const guint8 *)data, len);
  g_free(data);
  printf("ok %d - %s\n", ++n, path);
}

int
main(int argc, char **argv)
{
  for (int i = 1; i < argc; i++)
    replay(argv[i]);
  printf("1..%d\n", n);
  return 0;
}
