/* speedscope.c -- speedscope's file format (https://www.speedscope.app/
 * file-format-schema.json): shared frames, one "sampled" profile per group.
 *
 * A group is the run of group frames ("[tid=7]", "[host=a]", from --group-by
 * or flame-chart lanes) at the top of a stack; without them the whole tree is
 * one profile. Each node with self weight becomes one sample weighted by it,
 * in the tree's order: insertion order for flame charts (time order when the
 * input had times), by name otherwise. A diff tree exports AFTER's weights. */
#include "writer.h"

#include "../analyze/collect.h"
#include "jsonout.h"

#include <string.h>

typedef struct {
  char *name;
  GString *samples, *weights;
  gint64 total;
} Profile;

static void
profile_free(gpointer p)
{
  Profile *pr = p;
  g_free(pr->name);
  g_string_free(pr->samples, TRUE);
  g_string_free(pr->weights, TRUE);
  g_free(pr);
}

typedef struct {
  GHashTable *frame_index; /* interned name -> index + 1 */
  GPtrArray *frames;       /* names in index order */
  GHashTable *by_group;    /* group name -> Profile (owned by profiles) */
  GPtrArray *profiles;     /* Profile*, first seen first */
  GString *key;
  guint decimals, column;
  const char *whole; /* name of the profile without groups */
} Speedscope;

static guint
frame_id(Speedscope *sp, const char *name)
{
  guint i = GPOINTER_TO_UINT(g_hash_table_lookup(sp->frame_index, name));
  if (i == 0) {
    g_ptr_array_add(sp->frames, (gpointer)name);
    i = sp->frames->len;
    g_hash_table_insert(sp->frame_index, (gpointer)name, GUINT_TO_POINTER(i));
  }
  return i - 1;
}

static gboolean
visit(const FkTree *tree, FkNodeId id, const char *const *path, gsize depth, gpointer data)
{
  Speedscope *sp = data;
  gint64 w = fk_node_self(tree, id, sp->column);
  if (w == 0)
    return TRUE;
  gsize top = 0;
  g_string_truncate(sp->key, 0);
  while (top < depth && fk_is_group_frame(path[top])) {
    if (top > 0)
      g_string_append_c(sp->key, ';');
    g_string_append(sp->key, path[top]);
    top++;
  }
  const char *gname = top > 0 ? sp->key->str : sp->whole;
  Profile *pr = g_hash_table_lookup(sp->by_group, gname);
  if (pr == NULL) {
    pr = g_new0(Profile, 1);
    pr->name = g_strdup(gname);
    pr->samples = g_string_new(NULL);
    pr->weights = g_string_new(NULL);
    g_ptr_array_add(sp->profiles, pr);
    g_hash_table_insert(sp->by_group, pr->name, pr);
  }
  gboolean first = pr->weights->len == 0;
  g_string_append(pr->samples, first ? "[" : ",[");
  for (gsize i = top; i < depth; i++)
    g_string_append_printf(pr->samples, i > top ? ",%u" : "%u", frame_id(sp, path[i]));
  g_string_append_c(pr->samples, ']');
  char buf[32];
  if (!first)
    g_string_append_c(pr->weights, ',');
  g_string_append(pr->weights, fk_weight_format(w, sp->decimals, buf));
  pr->total += w;
  return TRUE;
}

static gboolean
speedscope_write(const FkTree *tree, const FkRenderOptions *opts, FILE *out, GError **error)
{
  const char *title = opts->title ? opts->title : "flamekit";
  Speedscope sp = {g_hash_table_new(NULL, NULL),
                   g_ptr_array_new(),
                   g_hash_table_new(g_str_hash, g_str_equal),
                   g_ptr_array_new_with_free_func(profile_free),
                   g_string_new(NULL),
                   fk_tree_decimals(tree),
                   fk_tree_columns(tree) - 1,
                   title};
  FkOrder order = (fk_tree_flags(tree) & FK_TREE_SEQUENTIAL) ? FK_ORDER_INSERTION : FK_ORDER_NAME;
  fk_tree_walk(tree, order, visit, &sp);
  g_autoptr(GString) s = g_string_new(NULL);
  g_string_append(s, "{\"$schema\":\"https://www.speedscope.app/file-format-schema.json\","
                     "\"exporter\":\"flamekit\",\"name\":");
  fk_json_string(s, title);
  g_string_append(s, ",\"activeProfileIndex\":0,\n\"shared\":{\"frames\":[");
  for (guint i = 0; i < sp.frames->len; i++) {
    g_string_append(s, i ? ",\n{\"name\":" : "\n{\"name\":");
    fk_json_string(s, g_ptr_array_index(sp.frames, i));
    g_string_append_c(s, '}');
  }
  g_string_append(s, "]},\n\"profiles\":[");
  char buf[32];
  /* speedscope shows time for its time units; every other unit is a plain
   * number to it ("none"). */
  static const char *const units[] = {"nanoseconds", "microseconds", "milliseconds",
                                      "seconds",     "bytes",        NULL};
  const char *unit = g_strv_contains(units, fk_render_unit(opts)) ? fk_render_unit(opts) : "none";
  for (guint i = 0; i < sp.profiles->len; i++) {
    Profile *pr = g_ptr_array_index(sp.profiles, i);
    g_string_append(s, i ? ",\n{" : "\n{");
    g_string_append(s, "\"type\":\"sampled\",\"name\":");
    fk_json_string(s, pr->name);
    g_string_append_printf(s, ",\"unit\":\"%s\",\"startValue\":0,\"endValue\":", unit);
    g_string_append(s, fk_weight_format(pr->total, sp.decimals, buf));
    g_string_append(s, ",\"samples\":[");
    g_string_append_len(s, pr->samples->str, (gssize)pr->samples->len);
    g_string_append(s, "],\"weights\":[");
    g_string_append_len(s, pr->weights->str, (gssize)pr->weights->len);
    g_string_append(s, "]}");
  }
  g_string_append(s, "]}\n");
  gboolean ok = fwrite(s->str, 1, s->len, out) == s->len;
  g_hash_table_unref(sp.frame_index);
  g_ptr_array_free(sp.frames, TRUE);
  g_hash_table_unref(sp.by_group);
  g_ptr_array_free(sp.profiles, TRUE);
  g_string_free(sp.key, TRUE);
  if (!ok)
    g_set_error_literal(error, FK_RENDER_ERROR, FK_RENDER_ERROR_IO, "write failed");
  return ok;
}

const FkWriter fk_writer_speedscope = {
    .name = "speedscope",
    .extension = ".speedscope.json",
    .summary = "speedscope file: one sampled profile per thread, host or group",
    .write = speedscope_write,
};
