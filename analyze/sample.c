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

/* The decimal digits of V at the end of BUF[0..*AT), *AT moved back to the
 * first: printf was a tenth of writing a folded file (one count a line). */
static void
put_digits(char *buf, gsize *at, guint64 v)
{
  do {
    buf[--*at] = (char)('0' + v % 10);
    v /= 10;
  } while (v != 0);
}

char *
fk_weight_format(gint64 v, guint decimals, char *buf)
{
  char tmp[32];
  gsize at = sizeof tmp;
  guint64 a = v < 0 ? (guint64)0 - (guint64)v : (guint64)v;
  if (decimals > 0) {
    guint64 p = (guint64)fk_pow10(decimals);
    guint64 fp = a % p;
    a /= p;
    if (fp != 0) {
      /* the fraction's digits, its trailing zeros dropped */
      guint d = decimals;
      while (fp % 10 == 0) {
        fp /= 10;
        d--;
      }
      for (guint i = 0; i < d; i++, fp /= 10)
        tmp[--at] = (char)('0' + fp % 10);
      tmp[--at] = '.';
    }
  }
  put_digits(tmp, &at, a);
  if (v < 0)
    tmp[--at] = '-';
  memcpy(buf, tmp + at, sizeof tmp - at);
  buf[sizeof tmp - at] = '\0';
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
