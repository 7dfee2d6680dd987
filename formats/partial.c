/* partial.c -- writes and parses the `# flamekit-KIND key=value` header of
 * a partial result. */
#include "partial.h"

#include "diag.h"

#include <stdlib.h>
#include <string.h>

/* ---- values ---- */

/* Appends S with '%', space, control characters (C0, DEL) and bytes that
 * are not UTF-8 as %XX: one token, no space, byte-exact when decoded. */
static void
append_encoded(GString *out, const char *s)
{
  const char *p = s, *end = s + strlen(s);
  while (p < end) {
    const char *valid_end;
    g_utf8_validate(p, end - p, &valid_end);
    for (; p < valid_end; p++) {
      guchar c = (guchar)*p;
      if (c == '%' || c <= ' ' || c == 0x7f)
        g_string_append_printf(out, "%%%02X", c);
      else
        g_string_append_c(out, (char)c);
    }
    if (p < end) /* a byte that starts no UTF-8 character */
      g_string_append_printf(out, "%%%02X", (guchar)*p++);
  }
}

static void
append_field(GString *out, const char *key, const char *value)
{
  if (value == NULL)
    return;
  g_string_append_printf(out, " %s=", key);
  append_encoded(out, value);
}

static void
append_flag(GString *out, const char *key, gboolean v)
{
  if (v)
    g_string_append_printf(out, " %s=1", key);
}

static int
hex(char c)
{
  return g_ascii_xdigit_value(c);
}

/* The %XX-decoded LEN bytes at S; NULL when an escape is malformed. */
static char *
decode(const char *s, gsize len)
{
  GString *out = g_string_sized_new(len);
  for (gsize i = 0; i < len; i++) {
    if (s[i] != '%') {
      g_string_append_c(out, s[i]);
      continue;
    }
    if (i + 2 >= len || hex(s[i + 1]) < 0 || hex(s[i + 2]) < 0) {
      g_string_free(out, TRUE);
      return NULL;
    }
    char c = (char)(hex(s[i + 1]) * 16 + hex(s[i + 2]));
    if (c == '\0') {
      g_string_free(out, TRUE);
      return NULL;
    }
    g_string_append_c(out, c);
    i += 2;
  }
  return g_string_free(out, FALSE);
}

/* ---- origins ---- */

static void
input_clear(FkPartialInput *in)
{
  g_free(in->name);
  g_free(in->path);
  g_free(in->reader);
  g_free(in->host);
  g_free(in->event);
  memset(in, 0, sizeof *in);
}

GArray *
fk_partial_inputs_new(void)
{
  GArray *a = g_array_new(FALSE, TRUE, sizeof(FkPartialInput));
  g_array_set_clear_func(a, (GDestroyNotify)input_clear);
  return a;
}

void
fk_partial_origin_free(FkPartialOrigin *self)
{
  if (self == NULL)
    return;
  g_free(self->name);
  g_ptr_array_unref(self->args);
  g_array_unref(self->inputs);
  g_free(self);
}

/* ---- writing ---- */

void
fk_partial_header_append(GString *out, const FkPartialHeader *h)
{
  g_string_append_printf(out, "# flamekit-partial version=%d", FK_PARTIAL_VERSION);
  append_field(out, "unit", h->unit);
  append_field(out, "event", h->event);
  g_string_append_c(out, '\n');
  for (char **a = h->args; a && *a; a++) {
    g_string_append(out, "# flamekit-arg");
    append_field(out, "path", *a);
    g_string_append_c(out, '\n');
  }
  char buf[32];
  for (gsize i = 0; i < h->n_inputs; i++) {
    const FkPartialInput *in = &h->inputs[i];
    g_string_append(out, "# flamekit-input");
    append_field(out, "name", in->name);
    append_field(out, "path", in->path);
    append_field(out, "reader", in->reader);
    append_field(out, "host", in->host);
    append_field(out, "event", in->event);
    append_flag(out, "hosts-differ", in->hosts_differ);
    append_flag(out, "events-differ", in->events_differ);
    append_flag(out, "period", in->period);
    append_flag(out, "counts", in->counts);
    g_string_append_printf(out, " samples=%" G_GUINT64_FORMAT, in->samples);
    g_string_append_printf(out, " total=%s", fk_weight_format(in->total, in->decimals, buf));
    g_string_append_c(out, '\n');
  }
  if (h->diag == NULL)
    return;
  GPtrArray *msgs = fk_diag_messages(h->diag);
  for (guint i = 0; i < msgs->len; i++) {
    g_string_append(out,
                    fk_diag_message_is_skip(h->diag, i) ? "# flamekit-skip" : "# flamekit-note");
    append_field(out, "message", g_ptr_array_index(msgs, i));
    g_string_append_c(out, '\n');
  }
  guint64 skipped = fk_diag_skipped(h->diag);
  if (skipped > 0) {
    char w[G_ASCII_DTOSTR_BUF_SIZE];
    g_string_append_printf(out, "# flamekit-skipped items=%" G_GUINT64_FORMAT " weight=%s\n",
                           skipped, g_ascii_dtostr(w, sizeof w, fk_diag_skipped_weight(h->diag)));
  }
}

/* ---- reading ---- */

gboolean
fk_partial_starts(const guint8 *head, gsize len)
{
  static const char magic[] = "# flamekit-partial ";
  if (len >= 3 && memcmp(head, "\xEF\xBB\xBF", 3) == 0) {
    head += 3;
    len -= 3;
  }
  return len >= sizeof magic - 1 && memcmp(head, magic, sizeof magic - 1) == 0;
}

struct FkPartialReader {
  char *name;
  FkDiag *diag;
  FkPartialOrigin *origin; /* the partial being read, or NULL */
  char *unit, *event;
  guint64 replayed; /* skip messages replayed from it */
};

FkPartialReader *
fk_partial_reader_new(const char *name, FkDiag *diag)
{
  FkPartialReader *self = g_new0(FkPartialReader, 1);
  self->name = g_strdup(name);
  self->diag = diag;
  return self;
}

/* Hands the current origin to the diag. */
static void
end_origin(FkPartialReader *self)
{
  if (self->origin != NULL)
    fk_diag_add_origin(self->diag, g_steal_pointer(&self->origin));
}

void
fk_partial_reader_free(FkPartialReader *self)
{
  if (self == NULL)
    return;
  end_origin(self);
  g_free(self->name);
  g_free(self->unit);
  g_free(self->event);
  g_free(self);
}

const char *
fk_partial_reader_unit(const FkPartialReader *self)
{
  return self->unit;
}

const char *
fk_partial_reader_event(const FkPartialReader *self)
{
  return self->event;
}

/* The fields of one line: key -> decoded value. */
typedef struct {
  GHashTable *fields;
  gboolean bad;
} Fields;

static void
fields_parse(Fields *f, const char *s, gsize len)
{
  f->fields = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  f->bad = FALSE;
  gsize i = 0;
  while (i < len) {
    while (i < len && s[i] == ' ')
      i++;
    if (i == len)
      break;
    gsize start = i;
    while (i < len && s[i] != ' ')
      i++;
    const char *eq = memchr(s + start, '=', i - start);
    char *value = eq ? decode(eq + 1, (gsize)(s + i - eq - 1)) : NULL;
    if (eq == NULL || eq == s + start || value == NULL) {
      g_free(value);
      f->bad = TRUE;
      continue;
    }
    g_hash_table_replace(f->fields, g_strndup(s + start, (gsize)(eq - s - start)), value);
  }
}

static const char *
field(Fields *f, const char *key)
{
  return g_hash_table_lookup(f->fields, key);
}

static char *
field_dup(Fields *f, const char *key)
{
  return g_strdup(field(f, key));
}

/* A decimal number: digits only, at most G_MAXUINT64. Parsed here, not by
 * g_ascii_string_to_unsigned: that one fails when errno is set during its
 * g_ascii_strtoull, and GLib 2.74 sets it there (EAGAIN from the futex of
 * the once-only C locale) when two reading threads parse their first number
 * at once: a partial's first line was then skipped as damaged, 3 runs in
 * 100 under load. */
static gboolean
field_u64(Fields *f, const char *key, guint64 *v)
{
  const char *s = field(f, key);
  if (s == NULL || *s == '\0')
    return FALSE;
  guint64 n = 0;
  for (; *s != '\0'; s++) {
    if (!g_ascii_isdigit(*s) || __builtin_mul_overflow(n, 10, &n) ||
        __builtin_add_overflow(n, (guint64)(*s - '0'), &n))
      return FALSE;
  }
  *v = n;
  return TRUE;
}

static gboolean
field_flag(Fields *f, const char *key)
{
  const char *s = field(f, key);
  return s != NULL && strcmp(s, "1") == 0;
}

/* Parses the line after "# flamekit-KIND"; FALSE when it is malformed. */
static gboolean
take(FkPartialReader *self, const char *kind, Fields *f)
{
  if (strcmp(kind, "partial") == 0) {
    guint64 version;
    if (!field_u64(f, "version", &version))
      return FALSE;
    end_origin(self);
    if (version != FK_PARTIAL_VERSION) {
      /* Its stacks are still read; only what its header says is not. */
      fk_diag_note(self->diag, self->name,
                   "a partial of version %" G_GUINT64_FORMAT " (this flamekit reads %d): its "
                   "header is ignored",
                   version, FK_PARTIAL_VERSION);
      g_clear_pointer(&self->unit, g_free);
      g_clear_pointer(&self->event, g_free);
      return TRUE;
    }
    self->origin = g_new0(FkPartialOrigin, 1);
    self->origin->name = g_strdup(self->name);
    self->origin->args = g_ptr_array_new_with_free_func(g_free);
    self->origin->inputs = fk_partial_inputs_new();
    g_free(self->unit);
    g_free(self->event);
    self->unit = g_strdup(field(f, "unit") ? field(f, "unit") : "samples");
    self->event = field_dup(f, "event");
    self->replayed = 0;
    return TRUE;
  }
  if (strcmp(kind, "arg") == 0) {
    if (field(f, "path") == NULL)
      return FALSE;
    g_ptr_array_add(self->origin->args, field_dup(f, "path"));
    return TRUE;
  }
  if (strcmp(kind, "input") == 0) {
    FkPartialInput in = {0};
    guint8 decimals = 0;
    const char *total = field(f, "total");
    if (field(f, "name") == NULL || !field_u64(f, "samples", &in.samples) || total == NULL ||
        !fk_weight_parse(total, strlen(total), &in.total, &decimals))
      return FALSE;
    in.decimals = decimals;
    in.name = field_dup(f, "name");
    in.path = field_dup(f, field(f, "path") ? "path" : "name");
    in.reader = field_dup(f, "reader");
    in.host = field_dup(f, "host");
    in.event = field_dup(f, "event");
    in.hosts_differ = field_flag(f, "hosts-differ");
    in.events_differ = field_flag(f, "events-differ");
    in.period = field_flag(f, "period");
    in.counts = field_flag(f, "counts");
    g_array_append_val(self->origin->inputs, in);
    return TRUE;
  }
  if (strcmp(kind, "skip") == 0 || strcmp(kind, "note") == 0) {
    if (field(f, "message") == NULL)
      return FALSE;
    gboolean skip = kind[1] == 'k';
    fk_diag_replay(self->diag, field(f, "message"), skip);
    self->replayed += skip;
    return TRUE;
  }
  if (strcmp(kind, "skipped") == 0) {
    guint64 items;
    const char *w = field(f, "weight");
    char *end = NULL;
    double weight = w ? g_ascii_strtod(w, &end) : 0;
    if (!field_u64(f, "items", &items) || items < self->replayed ||
        (w != NULL && (end == w || *end != '\0' || !(weight >= 0))))
      return FALSE;
    fk_diag_add_skips(self->diag, items - self->replayed, weight);
    self->replayed = items;
    return TRUE;
  }
  return TRUE; /* a kind of a later version: ignored */
}

gboolean
fk_partial_reader_line(FkPartialReader *self, const char *line, gsize len, const char *where)
{
  static const char prefix[] = "# flamekit-";
  while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == ' '))
    len--;
  if (len < sizeof prefix - 1 || memcmp(line, prefix, sizeof prefix - 1) != 0)
    return FALSE;
  const char *kind = line + sizeof prefix - 1;
  const char *sp = memchr(kind, ' ', (gsize)(line + len - kind));
  gsize kind_len = sp ? (gsize)(sp - kind) : (gsize)(line + len - kind);
  g_autofree char *k = g_strndup(kind, kind_len);
  if (self->origin == NULL && strcmp(k, "partial") != 0)
    return FALSE; /* outside a partial: an ordinary comment */
  Fields f;
  fields_parse(&f, kind + kind_len, (gsize)(line + len - kind - kind_len));
  gboolean ok = !f.bad && take(self, k, &f);
  g_hash_table_unref(f.fields);
  if (!ok)
    fk_diag_skip(self->diag, where, NULL, "not a partial header line (flamekit-%s): %.*s%s", k,
                 (int)MIN(len, 120), line, len > 120 ? "..." : "");
  return TRUE;
}
