/* Colour strings (see color.h). */
#include "xps/color.h"

#include <math.h>
#include <string.h>

#include "xps/pathdata.h"
#include "xpsraster/error.h"

static int hexval(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static int is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static float clamp01(double v) {
  return v < 0 ? 0.0f : v > 1 ? 1.0f : (float)v;
}

float xps_linear_to_srgb(double v) {
  if (!(v > 0))
    return 0;
  if (v >= 1)
    return 1;
  if (v <= 0.0031308)
    return (float)(12.92 * v);
  return clamp01(1.055 * pow(v, 1 / 2.4) - 0.055);
}

/* Reads up to max comma/space separated numbers; returns the count or -1
 * on junk. */
static int number_list(const char *s, double *v, int max) {
  int n = 0;
  size_t i = 0;
  for (;;) {
    while (is_space(s[i]))
      i++;
    if (!s[i])
      return n;
    if (n == max)
      return -1;
    size_t k = xps_number_scan(s + i, &v[n]);
    if (!k)
      return -1;
    n++;
    i += k;
    while (is_space(s[i]))
      i++;
    if (s[i] == ',')
      i++;
    else if (s[i])
      return -1;
  }
}

int xps_color_parse(const char *s, ras_color *out) {
  while (is_space(*s))
    s++;
  size_t n = strlen(s);
  while (n && is_space(s[n - 1]))
    n--;
  if (n && s[0] == '#') {
    int h[8];
    if (n != 7 && n != 9)
      return XR_E_SYNTAX;
    for (size_t i = 1; i < n; i++)
      if ((h[i - 1] = hexval(s[i])) < 0)
        return XR_E_SYNTAX;
    int k = 0;
    int a = 255;
    if (n == 9) {
      a = h[0] * 16 + h[1];
      k = 2;
    }
    out->a = a / 255.0f;
    out->r = (h[k] * 16 + h[k + 1]) / 255.0f;
    out->g = (h[k + 2] * 16 + h[k + 3]) / 255.0f;
    out->b = (h[k + 4] * 16 + h[k + 5]) / 255.0f;
    return 0;
  }
  if (n > 3 && strncmp(s, "sc#", 3) == 0) {
    char buf[256];
    double v[4];
    if (n - 3 >= sizeof buf)
      return XR_E_SYNTAX;
    memcpy(buf, s + 3, n - 3);
    buf[n - 3] = '\0';
    int k = number_list(buf, v, 4);
    if (k == 3) {
      v[3] = v[2], v[2] = v[1], v[1] = v[0], v[0] = 1;
    } else if (k != 4) {
      return XR_E_SYNTAX;
    }
    out->a = clamp01(v[0]);
    out->r = xps_linear_to_srgb(v[1]);
    out->g = xps_linear_to_srgb(v[2]);
    out->b = xps_linear_to_srgb(v[3]);
    return 0;
  }
  if (n > 12 && strncmp(s, "ContextColor", 12) == 0 && is_space(s[12])) {
    /* "ContextColor <profile uri> a,c1,c2,..." */
    const char *p = s + 12;
    while (is_space(*p))
      p++;
    while (*p && !is_space(*p))
      p++;
    char buf[512];
    size_t len = (size_t)(s + n - p);
    if (len >= sizeof buf)
      return XR_E_SYNTAX;
    memcpy(buf, p, len);
    buf[len] = '\0';
    double v[9];
    int k = number_list(buf, v, 9);
    if (k < 2)
      return XR_E_SYNTAX;
    out->a = clamp01(v[0]);
    if (k == 2) {
      out->r = out->g = out->b = clamp01(v[1]);
    } else if (k == 4) {
      out->r = clamp01(v[1]), out->g = clamp01(v[2]), out->b = clamp01(v[3]);
    } else if (k == 5) {
      double kk = v[4];
      out->r = clamp01((1 - v[1]) * (1 - kk));
      out->g = clamp01((1 - v[2]) * (1 - kk));
      out->b = clamp01((1 - v[3]) * (1 - kk));
    } else {
      out->r = out->g = out->b = 0;
    }
    return 1;
  }
  return XR_E_SYNTAX;
}
