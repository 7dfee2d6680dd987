/* collect.c -- samples into one tree. */
#include "collect.h"

#include <string.h>

struct FkCollector {
  FkCollectOptions opts;
  FkTree *tree;
};

void
fk_collect_options_init(FkCollectOptions *opts)
{
  memset(opts, 0, sizeof *opts);
}

FkCollector *
fk_collector_new(FkInterner *strings, const FkCollectOptions *opts)
{
  FkCollector *self = g_new0(FkCollector, 1);
  self->opts = *opts;
  self->tree = fk_tree_new(strings, opts->tree_flags);
  return self;
}

void
fk_collector_free(FkCollector *self)
{
  if (self == NULL)
    return;
  fk_tree_free(self->tree);
  g_free(self);
}

FkInterner *
fk_collector_strings(FkCollector *self)
{
  return fk_tree_strings(self->tree);
}

gboolean
fk_collector_add(FkCollector *self, const FkSample *s, GError **error)
{
  return fk_tree_add_sample(self->tree, s, error);
}

gboolean
fk_collector_merge(FkCollector *self, FkCollector *from, GError **error)
{
  return fk_tree_merge_into(self->tree, from->tree, error);
}

FkTree *
fk_collector_finish(FkCollector *self, GError **error)
{
  (void)error;
  FkTree *t = self->tree;
  self->tree = fk_tree_new(fk_tree_strings(t), self->opts.tree_flags);
  return t;
}

const FkCollectOptions *
fk_collector_options(const FkCollector *self)
{
  return &self->opts;
}
