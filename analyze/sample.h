/* sample.h -- the unit every reader produces and the engine consumes.
 *
 * A sample is one stack (root first, leaf last, every name interned in the
 * reader's FkInterner), a weight, and what is known of where it came from. */
#pragma once

#include <glib.h>

#define FK_MAX_COLUMNS 2
#define FK_MAX_DECIMALS 9

/* A weight: one count, or two for the differential form `stack BEFORE AFTER`.
 * Values are integers scaled by 10^decimals, so decimal counts such as 2.567
 * stay exact (2567 with decimals 3). */
typedef struct {
  gint64 v[FK_MAX_COLUMNS];
  guint8 columns;  /* 1 or 2 */
  guint8 decimals; /* 0..FK_MAX_DECIMALS */
} FkWeight;

typedef struct {
  const char **frames; /* root..leaf, interned; owned by the reader */
  gsize n_frames;
  FkWeight weight;
  /* Labels, interned or NULL when unknown. */
  const char *host;
  const char *comm;
  const char *event;
  const char *file; /* input name the sample came from */
  gint64 pid, tid;  /* -1 when unknown */
  gint32 cpu;       /* -1 when unknown */
  guint64 time;     /* nanoseconds, meaningful when has_time */
  gboolean has_time;
  /* The weight is the event's period (perf's: nanoseconds for cpu-clock),
   * not a count of samples: what outputs name as the unit. */
  gboolean period;
} FkSample;

/* Reset S to an empty sample with unknown labels and a weight of one count. */
void fk_sample_init(FkSample *s);

/* A weight of N whole counts. */
FkWeight fk_weight_int(gint64 n);

/* Writes V scaled by 10^-DECIMALS as the shortest exact decimal ("2.567", "6.1",
 * "31") into BUF, which holds at least 32 bytes. Returns BUF. */
char *fk_weight_format(gint64 v, guint decimals, char *buf);

/* Parses a non-negative decimal count ("12", "2.567", "6.") from the LEN bytes
 * at S into a value scaled by 10^*DECIMALS. Returns FALSE on anything else, on
 * more than FK_MAX_DECIMALS fraction digits, or on overflow. */
gboolean fk_weight_parse(const char *s, gsize len, gint64 *value, guint8 *decimals);

/* 10^N for N <= 18. */
gint64 fk_pow10(guint n);
