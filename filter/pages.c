#include "filter/pages.h"

#include <limits.h>
#include <stdlib.h>

#include "xpsraster/error.h"

/* Parses one "a", "a-b", "a-", or "-b" item starting at s. */
static const char *item(const char *s, long *lo, long *hi) {
  char *end;
  *lo = 1;
  *hi = LONG_MAX;
  if (*s != '-') {
    if (*s < '0' || *s > '9')
      return NULL;
    *lo = strtol(s, &end, 10);
    s = end;
    if (*s != '-') {
      *hi = *lo;
      return s;
    }
  }
  s++; /* '-' */
  if (*s >= '0' && *s <= '9') {
    *hi = strtol(s, &end, 10);
    s = end;
  }
  return s;
}

int xr_pages_check(const char *spec) {
  if (!spec || !*spec)
    return 0;
  const char *s = spec;
  for (;;) {
    long lo, hi;
    s = item(s, &lo, &hi);
    if (!s || lo < 1 || hi < lo || lo > INT_MAX)
      return XR_E_USAGE;
    if (*s == '\0')
      return 0;
    if (*s != ',')
      return XR_E_USAGE;
    s++;
  }
}

int xr_pages_contains(const char *spec, int page) {
  if (!spec || !*spec)
    return 1;
  const char *s = spec;
  while (s && *s) {
    long lo, hi;
    s = item(s, &lo, &hi);
    if (!s)
      return 0;
    if (page >= lo && page <= hi)
      return 1;
    if (*s == ',')
      s++;
  }
  return 0;
}

int xr_pages_done(const char *spec, int page) {
  if (!spec || !*spec)
    return 0;
  const char *s = spec;
  while (s && *s) {
    long lo, hi;
    s = item(s, &lo, &hi);
    if (!s)
      return 1;
    if (hi >= page)
      return 0;
    if (*s == ',')
      s++;
  }
  return 1;
}
