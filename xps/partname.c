#include "xps/partname.h"

#include <string.h>

#include "xpsraster/error.h"

static int hexval(int c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static int lower(int c) {
  return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

int xps_partname_norm(const char *src, size_t src_len, char *out,
                      size_t outsize) {
  size_t o = 0, seg = 0;
  if (outsize < 2)
    return XR_E_LIMIT;
  out[o++] = '/';
  seg = o;
  for (size_t i = 0; i < src_len; i++) {
    int c = (unsigned char)src[i];
    if (c == '%' && i + 2 < src_len && hexval(src[i + 1]) >= 0 &&
        hexval(src[i + 2]) >= 0) {
      int d = hexval(src[i + 1]) * 16 + hexval(src[i + 2]);
      /* A decoded separator would change the name's structure, a NUL
       * would truncate it, and a bare '%' would be decoded again on the
       * next lookup: keep those escaped, so normalising is idempotent. */
      if (d != '/' && d != '\\' && d != 0 && d != '%') {
        c = d;
        i += 2;
      }
    } else if (c == '\\') {
      c = '/';
    }
    if (c == 0)
      return XR_E_FORMAT;
    if (c == '/') {
      if (o == seg) /* "//" or a leading '/' */
        continue;
      if ((o - seg == 1 && out[seg] == '.') ||
          (o - seg == 2 && out[seg] == '.' && out[seg + 1] == '.'))
        return XR_E_FORMAT;
    }
    if (o + 1 >= outsize)
      return XR_E_LIMIT;
    out[o++] = (char)c;
    if (c == '/')
      seg = o;
  }
  if ((o - seg == 1 && out[seg] == '.') ||
      (o - seg == 2 && out[seg] == '.' && out[seg + 1] == '.'))
    return XR_E_FORMAT;
  if (o == 1)
    return XR_E_FORMAT;
  out[o] = '\0';
  return (int)o;
}

void xps_partname_fold(char *name) {
  for (; *name; name++)
    *name = (char)lower((unsigned char)*name);
}

uint64_t xps_partname_hash(const char *key, size_t len) {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < len; i++) {
    h ^= (unsigned char)key[i];
    h *= 1099511628211ull;
  }
  return h;
}

static int ends_with_ci(const char *s, size_t len, const char *suffix) {
  size_t n = strlen(suffix);
  if (len < n)
    return 0;
  for (size_t i = 0; i < n; i++)
    if (lower((unsigned char)s[len - n + i]) != suffix[i])
      return 0;
  return 1;
}

int xps_partname_piece(const char *name, size_t len, uint32_t *n, int *last,
                       size_t *base_len) {
  size_t seg = len;
  while (seg > 0 && name[seg - 1] != '/')
    seg--;
  if (seg < 2) /* a piece needs a part name before it */
    return 0;
  const char *s = name + seg;
  size_t sl = len - seg;
  int is_last;
  size_t tail;
  if (ends_with_ci(s, sl, "].last.piece")) {
    is_last = 1;
    tail = 12;
  } else if (ends_with_ci(s, sl, "].piece")) {
    is_last = 0;
    tail = 7;
  } else {
    return 0;
  }
  if (sl < tail + 2 || s[0] != '[')
    return 0;
  size_t digits = sl - tail - 1;
  uint64_t v = 0;
  for (size_t i = 1; i <= digits; i++) {
    if (s[i] < '0' || s[i] > '9')
      return 0;
    if (v <= 0xFFFFFFFFull)
      v = v * 10 + (uint64_t)(s[i] - '0');
  }
  *n = v > 0xFFFFFFFEull ? UINT32_MAX : (uint32_t)v;
  *last = is_last;
  *base_len = seg - 1;
  return 1;
}
