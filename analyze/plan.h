/* plan.h -- the transform plan: which tree transforms shape a profile, in
 * which order, and what each of them dropped.
 *
 * Every command that reads stacks shapes its tree the same way: cmd/ turns
 * its options into FkPlanOptions, fk_plan_new puts the steps in their one
 * order (decided here, for every command), and fk_plan_apply runs them,
 * recording per step what went in, what came out and what was removed, so
 * that cmd/ can say what every step left out and tests can check that no
 * step loses weight it does not report. The per-sample shaping
 * (--time-range, --group-by) happens before the tree exists: collect.h.
 *
 * The order:
 *   1 strip (--strip-offsets, on by default; --strip-hex)
 *   2 skip-after
 *   3 include, 4 exclude, 5 focus, 6 hide
 *   7 collapse-recursion
 *   8 base
 *   9 reverse
 *   10 prune (--minwidth)
 * Rewrites come first so that the filters and skip-after see the names that
 * are printed; the filters match stacks as recorded (root first), so base and
 * reverse, which move frames, come after them; pruning comes last because it
 * depends on the final widths.
 *
 * To add a transform: write it as transform.h's do (a const tree in, a new
 * tree out, an FkTransformReport for what it drops), give it a kind below, a
 * field in FkPlanOptions, its place in fk_plan_new and its case in
 * plan.c's run_step; then its option in cmd/transformopts.c, its message
 * there (report_step), a golden case in tests/golden/transform/ and its
 * section in docs/transforms.md. tests/unit/test-plan.c checks the order and
 * that every step conserves or reports its weight. */
#pragma once

#include "transform.h"

typedef enum {
  FK_STEP_STRIP,
  FK_STEP_SKIP_AFTER,
  FK_STEP_INCLUDE,
  FK_STEP_EXCLUDE,
  FK_STEP_FOCUS,
  FK_STEP_HIDE,
  FK_STEP_COLLAPSE_RECURSION,
  FK_STEP_BASE,
  FK_STEP_REVERSE,
  FK_STEP_PRUNE,
} FkStepKind;

/* What to do; zero (memset) is a plan of no steps. Nothing here is kept by
 * the plan: strings are copied, regexes referenced. */
typedef struct {
  FkStripFlags strip;            /* 0: no strip step */
  const char *const *skip_after; /* exact names, NULL-terminated; NULL or empty: none */
  /* One regex per filter (a repeated option is one alternation); NULL: none. */
  const GRegex *include, *exclude, *focus, *hide;
  gboolean collapse_recursion;
  const char *const *base; /* re-root at the last of these; NULL or empty: none */
  gboolean reverse;
  /* Pruning: nodes narrower than fk_prune_threshold(tree, min_pixels,
   * image_width, min_percent) of the tree that reaches the step. */
  gboolean prune;
  double min_pixels, image_width, min_percent;
  FkPruneMode prune_mode;
} FkPlanOptions;

/* What one step did. Every step keeps the columns and decimals of its input,
 * and for every column c:  input[c] == output[c] + report.removed[c]. */
typedef struct {
  FkStepKind kind;
  /* FALSE: the step had nothing to do (a strip that would change no name)
   * and passed the tree on unchanged, without rebuilding it. */
  gboolean ran;
  guint columns, decimals;       /* of the tree that went in */
  gint64 input[FK_MAX_COLUMNS];  /* root totals that went in */
  gint64 output[FK_MAX_COLUMNS]; /* and came out */
  FkTransformReport report;      /* what the step removed or moved */
  gint64 threshold;              /* prune: the smallest total kept; else 0 */
} FkStepResult;

typedef struct FkPlan FkPlan;

/* The steps OPTS asks for, in the order above. Never NULL. */
FkPlan *fk_plan_new(const FkPlanOptions *opts);
void fk_plan_free(FkPlan *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(FkPlan, fk_plan_free)

/* The number of steps, and the kind of step I (< fk_plan_length). */
guint fk_plan_length(const FkPlan *self);
FkStepKind fk_plan_step(const FkPlan *self, guint i);

/* "strip", "skip-after", "include", ...: the kind's name, for tests and
 * messages that name a step by itself. */
const char *fk_step_kind_name(FkStepKind kind);

/* Runs every step on TREE (taken: the caller no longer owns it) and returns
 * the shaped tree; a plan of no steps returns TREE itself. Appends one
 * FkStepResult per step that finished to RESULTS (may be NULL). NULL with
 * ERROR when a step failed (overflow): TREE and every intermediate tree are
 * freed, and the failed step is fk_plan_step(plan, N) where N is the number
 * of results this call appended. */
FkTree *fk_plan_apply(const FkPlan *self, FkTree *tree, GArray *results, GError **error);
