/* sample.c -- sample and weight helpers. */
#include "sample.h"

#include <string.h>

void
fk_sample_init(FkSample *s)
{
  memset(s, 0, sizeof *s);
  s->weight = fk_weight_int(1);
  s->pid = s->tid = -1;
  s->cpu = -1;
}

FkWeight
fk_weight_int(gint64 n)
{
  FkWeight w = {{n, 0}, 1, 0};
  return w;
}

gint64
fk_pow10(guint n)
{
  gint64 p = 1;
  while (n-- > 0)
    p *= 10;
  return p;
}

char *
fk_weight_format(gint64 v, guint decimals, char *buf)
{
  if (decimals == 0) {
    g_snprintf(buf, 32, "%" G_GINT64_FORMAT, v);
    return buf;
  }
  gint64 p = fk_pow10(decimals);
  guint64 a = v < 0 ? (guint64)0 - (guint64)v : (guint64)v;
  guint64 ip = a / (guint64)p, fp = a % (guint64)p;
  int n = g_snprintf(buf, 32, "%s%" G_GUINT64_FORMAT, v < 0 ? "-" : "", ip);
  if (fp != 0) {
    char frac[24];
    g_snprintf(frac, sizeof frac, "%0*" G_GUINT64_FORMAT, (int)decimals, fp);
    gsize fl = strlen(frac);
    while (fl > 0 && frac[fl - 1] == '0')
      frac[--fl] = '\0';
    g_snprintf(buf + n, 32 - (gsize)n, ".%s", frac);
  }
  return buf;
}

gboolean
fk_weight_parse(const char *s, gsize len, gint64 *value, guint8 *decimals)
{
  gsize i = 0;
  guint64 v = 0;
  guint8 d = 0;
  if (len == 0 || s[0] < '0' || s[0] > '9')
    return FALSE;
  for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
    if (v > (G_MAXINT64 - 9) / 10)
      return FALSE;
    v = v * 10 + (guint64)(s[i] - '0');
  }
  if (i < len) {
    if (s[i] != '.')
      return FALSE;
    for (i++; i < len; i++) {
      if (s[i] < '0' || s[i] > '9' || d == FK_MAX_DECIMALS)
        return FALSE;
      if (v > (G_MAXINT64 - 9) / 10)
        return FALSE;
      v = v * 10 + (guint64)(s[i] - '0');
      d++;
    }
  }
  *value = (gint64)v;
  *decimals = d;
  return TRUE;
}
