/* plan.c -- the transform plan (see plan.h): the steps in their order, each
 * run through transform.h or reshape.h with what it dropped recorded. */
#include "plan.h"

#include "reshape.h"

#define MAX_STEPS 10

struct FkPlan {
  FkStepKind steps[MAX_STEPS];
  guint n_steps;
  /* The options, owning their strings and regexes. */
  FkStripFlags strip;
  char **skip_after, **base;
  GRegex *filters[4]; /* by FkFilterKind */
  double min_pixels, image_width, min_percent;
  FkPruneMode prune_mode;
};

static gboolean
names_given(const char *const *names)
{
  return names != NULL && names[0] != NULL;
}

static void
add(FkPlan *self, FkStepKind kind, gboolean wanted)
{
  if (!wanted)
    return;
  g_assert(self->n_steps < MAX_STEPS);
  self->steps[self->n_steps++] = kind;
}

FkPlan *
fk_plan_new(const FkPlanOptions *opts)
{
  FkPlan *self = g_new0(FkPlan, 1);
  self->strip = opts->strip;
  if (names_given(opts->skip_after))
    self->skip_after = g_strdupv((char **)opts->skip_after);
  if (names_given(opts->base))
    self->base = g_strdupv((char **)opts->base);
  const GRegex *filters[] = {opts->include, opts->exclude, opts->focus, opts->hide};
  for (guint i = 0; i < G_N_ELEMENTS(filters); i++)
    self->filters[i] = filters[i] ? g_regex_ref((GRegex *)filters[i]) : NULL;
  self->min_pixels = opts->min_pixels;
  self->image_width = opts->image_width;
  self->min_percent = opts->min_percent;
  self->prune_mode = opts->prune_mode;

  /* The one order; plan.h says why. */
  add(self, FK_STEP_STRIP, self->strip != 0);
  add(self, FK_STEP_SKIP_AFTER, self->skip_after != NULL);
  add(self, FK_STEP_INCLUDE, self->filters[FK_FILTER_INCLUDE] != NULL);
  add(self, FK_STEP_EXCLUDE, self->filters[FK_FILTER_EXCLUDE] != NULL);
  add(self, FK_STEP_FOCUS, self->filters[FK_FILTER_FOCUS] != NULL);
  add(self, FK_STEP_HIDE, self->filters[FK_FILTER_HIDE] != NULL);
  add(self, FK_STEP_COLLAPSE_RECURSION, opts->collapse_recursion);
  add(self, FK_STEP_BASE, self->base != NULL);
  add(self, FK_STEP_REVERSE, opts->reverse);
  add(self, FK_STEP_PRUNE, opts->prune);
  return self;
}

void
fk_plan_free(FkPlan *self)
{
  if (self == NULL)
    return;
  g_strfreev(self->skip_after);
  g_strfreev(self->base);
  for (guint i = 0; i < G_N_ELEMENTS(self->filters); i++)
    g_clear_pointer(&self->filters[i], g_regex_unref);
  g_free(self);
}

guint
fk_plan_length(const FkPlan *self)
{
  return self->n_steps;
}

FkStepKind
fk_plan_step(const FkPlan *self, guint i)
{
  g_return_val_if_fail(i < self->n_steps, FK_STEP_STRIP);
  return self->steps[i];
}

const char *
fk_step_kind_name(FkStepKind kind)
{
  static const char *const names[] = {
      [FK_STEP_STRIP] = "strip",
      [FK_STEP_SKIP_AFTER] = "skip-after",
      [FK_STEP_INCLUDE] = "include",
      [FK_STEP_EXCLUDE] = "exclude",
      [FK_STEP_FOCUS] = "focus",
      [FK_STEP_HIDE] = "hide",
      [FK_STEP_COLLAPSE_RECURSION] = "collapse-recursion",
      [FK_STEP_BASE] = "base",
      [FK_STEP_REVERSE] = "reverse",
      [FK_STEP_PRUNE] = "prune",
  };
  return (guint)kind < G_N_ELEMENTS(names) ? names[kind] : "?";
}

/* The filter of a filter step's kind. */
static FkFilterKind
filter_of(FkStepKind kind)
{
  switch (kind) {
  case FK_STEP_INCLUDE:
    return FK_FILTER_INCLUDE;
  case FK_STEP_EXCLUDE:
    return FK_FILTER_EXCLUDE;
  case FK_STEP_FOCUS:
    return FK_FILTER_FOCUS;
  default:
    return FK_FILTER_HIDE;
  }
}

/* Step R->kind on TREE: a new tree, TREE itself when there is nothing to do
 * (R->ran FALSE), or NULL with ERROR. Fills R's report and threshold. */
static FkTree *
run_step(const FkPlan *self, const FkTree *tree, FkStepResult *r, GError **error)
{
  r->ran = TRUE;
  switch (r->kind) {
  case FK_STEP_STRIP:
    /* A big tree with nothing to strip is not rebuilt. */
    if (!fk_tree_strip_needed(tree, self->strip)) {
      r->ran = FALSE;
      return (FkTree *)tree;
    }
    return fk_tree_strip(tree, self->strip, error);
  case FK_STEP_SKIP_AFTER:
    return fk_tree_skip_after(tree, (const char *const *)self->skip_after, error);
  case FK_STEP_INCLUDE:
  case FK_STEP_EXCLUDE:
  case FK_STEP_FOCUS:
  case FK_STEP_HIDE: {
    FkFilterKind f = filter_of(r->kind);
    return fk_tree_filter(tree, f, self->filters[f], &r->report, error);
  }
  case FK_STEP_COLLAPSE_RECURSION:
    return fk_tree_collapse_recursion(tree, error);
  case FK_STEP_BASE:
    return fk_tree_rebase(tree, (const char *const *)self->base, g_strv_length(self->base),
                          &r->report, error);
  case FK_STEP_REVERSE:
    return fk_tree_reverse(tree, error);
  case FK_STEP_PRUNE:
    r->threshold = fk_prune_threshold(tree, self->min_pixels, self->image_width, self->min_percent);
    return fk_tree_prune(tree, r->threshold, self->prune_mode, &r->report, error);
  }
  g_assert_not_reached();
}

FkTree *
fk_plan_apply(const FkPlan *self, FkTree *tree, GArray *results, GError **error)
{
  for (guint i = 0; i < self->n_steps; i++) {
    FkStepResult r = {.kind = self->steps[i]};
    r.columns = fk_tree_columns(tree);
    r.decimals = fk_tree_decimals(tree);
    for (guint c = 0; c < r.columns; c++)
      r.input[c] = fk_tree_total(tree, c);
    FkTree *next = run_step(self, tree, &r, error);
    if (next == NULL) {
      fk_tree_free(tree);
      return NULL;
    }
    if (next != tree) {
      fk_tree_free(tree);
      tree = next;
    }
    for (guint c = 0; c < fk_tree_columns(tree); c++)
      r.output[c] = fk_tree_total(tree, c);
    if (results != NULL)
      g_array_append_val(results, r);
  }
  return tree;
}
