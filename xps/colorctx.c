/* ContextColor through ICC profiles (see colorctx.h). */
#include "xps/colorctx.h"

#include <string.h>

#include "render/cms.h"
#include "xps/pathdata.h"

#define MAX_CHANNELS 8

static int is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int xps_colorctx_is(const char *s) {
  while (is_space(*s))
    s++;
  return strncmp(s, "ContextColor", 12) == 0 && is_space(s[12]);
}

/* "a,c1,...": returns the count of numbers (alpha included) or -1. */
static int numbers(const char *s, double *v, int max) {
  int n = 0;
  for (;;) {
    while (is_space(*s))
      s++;
    if (!*s)
      return n;
    if (n == max)
      return -1;
    size_t k = xps_number_scan(s, &v[n]);
    if (!k)
      return -1;
    n++;
    s += k;
    while (is_space(*s))
      s++;
    if (*s == ',')
      s++;
    else if (*s)
      return -1;
  }
}

static float clamp01(double v) {
  return v > 0 ? (v < 1 ? (float)v : 1.0f) : 0.0f;
}

/* The profile handle for part name, loading it on first use; < 0 when it
 * cannot be used (warned once, when first seen). */
static int profile(const xps_ctx *ctx, xps_pkg *pkg, const char *name,
                   long line, const char *base, int *channels) {
  if (!ctx->cms) {
    xps_warn(ctx, XR_E_UNSUPPORTED, base, line,
             "ContextColor profile %s ignored: no colour management", name);
    return XR_E_UNSUPPORTED;
  }
  int h = ras_cms_lookup(ctx->cms, name, channels);
  if (h != XR_E_NOTFOUND)
    return h;
  xps_part *part = NULL;
  xr_errinfo err;
  xr_errinfo_clear(&err);
  int rc = xps_pkg_read_part(pkg, name, &part, &err);
  if (rc < 0) {
    /* Register the key as bad so that the part is not read again. */
    ras_cms_profile(ctx->cms, name, NULL, 0, channels);
    xps_warn(ctx, rc, name, -1,
             "ContextColor profile (used at %s:%ld): %s; default space used",
             base, line, err.msg);
    return rc;
  }
  h = ras_cms_profile(ctx->cms, name, part->data, part->size, channels);
  xps_part_drop(part);
  if (h < 0)
    xps_warn(ctx, h, name, -1,
             "ContextColor profile (used at %s:%ld) is not a usable ICC "
             "profile; default space used",
             base, line);
  return h;
}

int xps_colorctx_parse(const xps_ctx *ctx, xps_pkg *pkg, const char *base,
                       long line, const char *s, ras_color *out) {
  while (is_space(*s))
    s++;
  if (strncmp(s, "ContextColor", 12) != 0 || !is_space(s[12]))
    return XR_E_SYNTAX;
  const char *p = s + 12;
  while (is_space(*p))
    p++;
  const char *u = p;
  while (*p && !is_space(*p))
    p++;
  char ref[1024], name[1024];
  size_t ulen = (size_t)(p - u);
  if (ulen == 0 || ulen >= sizeof ref)
    return XR_E_SYNTAX;
  memcpy(ref, u, ulen);
  ref[ulen] = '\0';
  double v[MAX_CHANNELS + 1];
  int k = numbers(p, v, MAX_CHANNELS + 1);
  if (k < 2)
    return XR_E_SYNTAX;
  int n = k - 1;
  float in[MAX_CHANNELS], rgb[3];
  for (int i = 0; i < n; i++)
    in[i] = clamp01(v[i + 1]);
  out->a = clamp01(v[0]);
  int h = -1;
  if (xps_resolve_uri(base, ref, name, sizeof name) < 0) {
    xps_warn(ctx, XR_E_SYNTAX, base, line,
             "ContextColor profile reference '%.60s' unusable; default "
             "space used",
             ref);
  } else if (pkg) {
    int ch = 0;
    h = profile(ctx, pkg, name, line, base, &ch);
    if (h >= 0 && ch != n) {
      xps_warn(ctx, XR_E_FORMAT, base, line,
               "ContextColor has %d channels but profile %s has %d; default "
               "space used",
               n, name, ch);
      h = -1;
    }
  }
  if (h < 0 || ras_cms_color(ctx->cms, h, n, in, rgb) < 0) {
    if (ras_cms_color(NULL, -1, n, in, rgb) < 0)
      rgb[0] = rgb[1] = rgb[2] = 0; /* n-channel without its profile */
  }
  out->r = rgb[0];
  out->g = rgb[1];
  out->b = rgb[2];
  return 0;
}
