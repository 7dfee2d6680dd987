/* handover.h -- batches from one producer thread to one consumer, in order,
 * with bounded memory.
 *
 * The perf-data reader decodes records on one thread and symbolizes on the
 * reading one (data.c): the decoder fills a batch, pushes it, and takes the
 * next empty one; the reader pops batches in the order they were pushed and
 * gives each back when done. At most DEPTH full batches wait: a push into a
 * full handover blocks until the consumer pops one (back pressure), so the
 * decoder never runs more than DEPTH batches ahead. While the consumer is on
 * its first batch, FIRST_DEPTH may wait instead: that is where the reader's
 * symbolizer loads its debug files (15-20 ms on a DWARF capture, while the
 * decoder is the run's critical path), and a decoder held back then is time
 * lost. Batches given back beyond DEPTH spares are handed back to be freed,
 * so that the first batches' burst does not stay in the peak. The consumer may stop
 * early (an error, a sink that failed): pushes then fail at once and the
 * producer ends. The handover knows nothing of what a batch holds. */
#pragma once

#include <glib.h>

typedef struct PdHandover PdHandover;

/* A handover holding at most DEPTH (>= 1) full batches, FIRST_DEPTH (at
 * least DEPTH) while the consumer has popped no more than one. */
PdHandover *pd_handover_new(guint depth, guint first_depth);
/* Frees what still waits with FREE_BATCH (may be NULL), full and empty
 * batches alike; both threads must be done with SELF. */
void pd_handover_free(PdHandover *self, GDestroyNotify free_batch);

/* Producer: appends BATCH, blocking while DEPTH batches wait. FALSE when
 * the consumer stopped (BATCH is then still the caller's). */
gboolean pd_handover_push(PdHandover *self, gpointer batch);
/* Producer: no batch will follow; the consumer's pops end after the last. */
void pd_handover_finish(PdHandover *self);
/* Producer: an empty batch given back by the consumer, or NULL (make one). */
gpointer pd_handover_take_empty(PdHandover *self);

/* Consumer: the oldest full batch, blocking while none waits; NULL when the
 * producer finished and every batch was popped. */
gpointer pd_handover_pop(PdHandover *self);
/* Consumer: gives a popped batch back for reuse: TRUE. FALSE when DEPTH
 * spares are already kept (BATCH is then still the caller's, to free). */
gboolean pd_handover_give_back(PdHandover *self, gpointer batch);
/* Consumer: no more batches are wanted; wakes a producer blocked in push. */
void pd_handover_stop(PdHandover *self);

/* Most full batches that ever waited at once (for the memory bound's test). */
guint pd_handover_max_waiting(const PdHandover *self);
