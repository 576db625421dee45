/* Glyphs layout: FontUri, Indices, UnicodeString -> ras_glyph_run
 * (glyphs.h). */
#include "xps/glyphs.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "xps/ctx.h"
#include "xps/font.h"

void xps_glyph_layout_init(xps_glyph_layout *l) {
  memset(l, 0, sizeof *l);
}

void xps_glyph_layout_reset(xps_glyph_layout *l) {
  ras_font_drop(l->run.font);
  free(l->glyphs);
  xps_glyph_layout_init(l);
}

/* A number with nothing but spaces after it. */
static int num(const char *s, double *out) {
  if (!s)
    return XR_E_SYNTAX;
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (end == s || errno == ERANGE || !isfinite(v))
    return XR_E_SYNTAX;
  while (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n')
    end++;
  if (*end)
    return XR_E_SYNTAX;
  *out = v;
  return 0;
}

static const char *skip_ws(const char *s, const char *e) {
  while (s < e && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'))
    s++;
  return s;
}

/* Non-negative integer in [s, e), at most max; advances *sp. */
static int uint_in(const char **sp, const char *e, long max, long *out) {
  const char *s = skip_ws(*sp, e);
  if (s >= e || *s < '0' || *s > '9')
    return 0;
  long v = 0;
  while (s < e && *s >= '0' && *s <= '9') {
    if (v <= max)
      v = v * 10 + (*s - '0');
    s++;
  }
  *out = v;
  *sp = skip_ws(s, e);
  return 1;
}

/* A decimal number in [s, e) (no exponent games past 64 bytes). */
static int num_in(const char **sp, const char *e, double *out) {
  const char *s = skip_ws(*sp, e);
  char buf[64];
  size_t n = 0;
  while (s + n < e && s[n] != ',' && s[n] != ';' && n < sizeof buf - 1)
    n++;
  if (n == 0 || n == sizeof buf - 1)
    return n == 0 ? 0 : -1;
  memcpy(buf, s, n);
  buf[n] = 0;
  if (num(buf, out))
    return -1;
  *sp = s + n;
  return 1;
}

/* One Indices entry. Fields left absent keep has_* = 0. */
typedef struct gentry {
  int has_cluster, has_gid, has_adv, has_u, has_v;
  long c, g, gid;
  double adv, u, v;
} gentry;

/* Parses [s, e). Returns 0, or -1 for malformed text. */
static int parse_entry(const char *s, const char *e, long maxc, gentry *g) {
  memset(g, 0, sizeof *g);
  g->c = g->g = 1;
  s = skip_ws(s, e);
  if (s < e && *s == '(') {
    s++;
    if (!uint_in(&s, e, maxc, &g->c))
      return -1;
    if (s < e && *s == ':') {
      s++;
      if (!uint_in(&s, e, maxc, &g->g))
        return -1;
    }
    if (s >= e || *s != ')')
      return -1;
    s = skip_ws(s + 1, e);
    g->has_cluster = 1;
    if (g->c < 1 || g->g < 1)
      return -1;
  }
  g->has_gid = uint_in(&s, e, 0x7fffffffL, &g->gid);
  double *f[3] = {&g->adv, &g->u, &g->v};
  int *h[3] = {&g->has_adv, &g->has_u, &g->has_v};
  for (int i = 0; i < 4 && s < e; i++) {
    if (*s != ',')
      return -1;
    s++;
    if (i == 3) { /* flags: an integer we do not need */
      long flags;
      uint_in(&s, e, 0x7fffffffL, &flags);
      break;
    }
    int r = num_in(&s, e, f[i]);
    if (r < 0)
      return -1;
    *h[i] = r;
    s = skip_ws(s, e);
  }
  s = skip_ws(s, e);
  return s == e ? 0 : -1;
}

/* UTF-8 -> one code point per UTF-16 code unit position: a supplementary
 * character takes two positions, the second holding NO_CP. */
#define NO_CP 0xFFFFFFFFu

static uint32_t utf8_next(const unsigned char **sp) {
  const unsigned char *s = *sp;
  uint32_t c = *s++;
  int n = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
  if (c >= 0x80 && n == 0) {
    *sp = s;
    return 0xFFFD;
  }
  if (n)
    c &= 0x3F >> n;
  for (int i = 0; i < n; i++) {
    if ((*s & 0xC0) != 0x80) {
      *sp = s;
      return 0xFFFD;
    }
    c = c << 6 | (*s++ & 0x3F);
  }
  *sp = s;
  if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
    return 0xFFFD;
  return c;
}

static int decode_units(const char *str, size_t max, uint32_t **out,
                        size_t *n) {
  *out = NULL;
  *n = 0;
  if (!str || !*str)
    return 0;
  size_t len = strlen(str);
  if (len > max * 4 + 8) /* 4: the longest UTF-8 sequence */
    return XR_E_LIMIT;
  uint32_t *u = malloc((len * 2 + 1) * sizeof *u);
  if (!u)
    return XR_E_NOMEM;
  size_t k = 0;
  const unsigned char *s = (const unsigned char *)str;
  while (*s) {
    uint32_t c = utf8_next(&s);
    u[k++] = c;
    if (c > 0xFFFF)
      u[k++] = NO_CP;
  }
  *out = u;
  *n = k;
  return 0;
}

static int push(xps_glyph_layout *l, size_t max, uint32_t gid, double x,
                double y) {
  if (l->run.n >= max)
    return XR_E_LIMIT;
  if (l->run.n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 32;
    if (cap > max)
      cap = max;
    ras_glyph_pos *g = realloc(l->glyphs, cap * sizeof *g);
    if (!g)
      return XR_E_NOMEM;
    l->glyphs = g;
    l->cap = cap;
    l->run.glyphs = g;
  }
  l->glyphs[l->run.n++] = (ras_glyph_pos){gid, x, y};
  return 0;
}

static void warn_once(const xps_ctx *ctx, xps_glyph_layout *l,
                      const xps_glyphs_in *in, const char *what) {
  if (l->warned)
    return;
  l->warned = 1;
  xps_warn(ctx, XR_E_SYNTAX, in->part, in->line,
           "Glyphs: %s; drawing what can be drawn", what);
}

/* The cmap's glyph for c; a character the font lacks draws .notdef and
 * is reported once per element (control characters excepted). */
static uint32_t map_char(const xps_ctx *ctx, xps_glyph_layout *l,
                         const xps_glyphs_in *in, uint32_t c) {
  uint32_t g = ras_font_lookup(l->run.font, c);
  if (!g && c >= 0x20 && !l->warned_char) {
    l->warned_char = 1;
    xps_warn(ctx, XR_E_SYNTAX, in->part, in->line,
             "Glyphs: U+%04X is not in the font%s; drawn as .notdef",
             (unsigned)c, l->used_fallback ? " (the fallback)" : "");
  }
  return g;
}

/* Font part name and face index from FontUri. */
static int font_name(const xps_ctx *ctx, const xps_glyphs_in *in, char *name,
                     size_t size, int *index) {
  *index = 0;
  if (xps_resolve_uri(in->part ? in->part : "/", in->font_uri, name, size)) {
    xps_warn(ctx, XR_E_SYNTAX, in->part, in->line,
             "Glyphs: unusable FontUri \"%.200s\"", in->font_uri);
    return XR_E_SYNTAX;
  }
  const char *hash = strchr(in->font_uri, '#');
  if (hash) {
    char *end;
    errno = 0;
    long v = strtol(hash + 1, &end, 10);
    if (end == hash + 1 || *end || errno || v < 0 || v > 0xFFFF)
      xps_warn(ctx, XR_E_SYNTAX, in->part, in->line,
               "Glyphs: bad font index in FontUri \"%.200s\"; using 0",
               in->font_uri);
    else
      *index = (int)v;
  }
  return 0;
}

typedef struct pen {
  double x, y, size;
  int rtl, sideways;
} pen;

/* Places gid at the pen and advances it. */
static int place(xps_glyph_layout *l, const xps_ctx *ctx,
                 const xps_glyphs_in *in, pen *p, size_t max, uint32_t gid,
                 const gentry *e) {
  ras_glyph_metrics m = {0, 1, 0, 0};
  /* Sideways needs the vertical metrics (an outline load); otherwise the
   * advance alone, read from hmtx. */
  int bad = p->sideways ? ras_font_metrics(l->run.font, gid, &m)
                        : ras_font_advance(l->run.font, gid, &m.advance);
  if (bad) {
    warn_once(ctx, l, in, "glyph index out of range for the font");
    gid = 0; /* draw .notdef: keeps the advance visible */
    if (p->sideways)
      ras_font_metrics(l->run.font, 0, &m);
    else
      ras_font_advance(l->run.font, 0, &m.advance);
  }
  double adv = (e && e->has_adv)
                   ? e->adv / 100 * p->size
                   : (p->sideways ? m.vadvance : m.advance) * p->size;
  double u = (e && e->has_u) ? e->u / 100 * p->size : 0;
  double v = (e && e->has_v) ? e->v / 100 * p->size : 0;
  double gx = p->rtl ? p->x - adv - u : p->x + u;
  double gy = p->y - v;
  if (p->sideways) {
    /* Turned anticlockwise about the unturned glyph's top centre. */
    gx += m.top_y * p->size;
    gy += m.top_x * p->size;
  }
  int rc = push(l, max, gid, gx, gy);
  p->x += p->rtl ? -adv : adv;
  return rc;
}

int xps_glyphs_layout(const xps_ctx *ctx, xps_pkg *pkg, const xps_glyphs_in *in,
                      xps_glyph_layout *l, xr_errinfo *err) {
  double size, ox, oy;
  if (!in->font_uri || num(in->size, &size) || num(in->origin_x, &ox) ||
      num(in->origin_y, &oy)) {
    xps_warn(ctx, XR_E_SYNTAX, in->part, in->line,
             "Glyphs: FontUri, FontRenderingEmSize, OriginX and OriginY are "
             "required numbers");
    return XR_E_SYNTAX;
  }
  if (size < 0) {
    xps_warn(ctx, XR_E_SYNTAX, in->part, in->line,
             "Glyphs: negative FontRenderingEmSize");
    return XR_E_SYNTAX;
  }
  if (size > (double)xps_limit(ctx, XR_LIMIT_FONT_SIZE))
    return xr_errinfo_set(err, XR_E_LIMIT, in->part, in->line, -1,
                          "FontRenderingEmSize %g over the FONT_SIZE limit",
                          size);
  pen p = {ox, oy, size, 0, 0};
  if (in->bidi) {
    double b;
    if (num(in->bidi, &b) || b < 0 || b > 61 || b != floor(b))
      xps_warn(ctx, XR_E_SYNTAX, in->part, in->line, "Glyphs: bad BidiLevel");
    else
      p.rtl = (int)b & 1;
  }
  if (in->sideways) { /* xs:boolean */
    p.sideways = !strcmp(in->sideways, "true") || !strcmp(in->sideways, "1");
    if (!p.sideways && strcmp(in->sideways, "false") &&
        strcmp(in->sideways, "0"))
      xps_warn(ctx, XR_E_SYNTAX, in->part, in->line,
               "Glyphs: bad IsSideways \"%.20s\"", in->sideways);
  }
  int bold = 0, italic = 0;
  if (in->sims) {
    if (!strcmp(in->sims, "BoldSimulation"))
      bold = 1;
    else if (!strcmp(in->sims, "ItalicSimulation"))
      italic = 1;
    else if (!strcmp(in->sims, "BoldItalicSimulation"))
      bold = italic = 1;
    else if (strcmp(in->sims, "None"))
      xps_warn(ctx, XR_E_SYNTAX, in->part, in->line,
               "Glyphs: unknown StyleSimulations \"%.100s\"", in->sims);
  }

  /* The run's transform: italic shear in ems, then size, then the
   * sideways turn (x, y) -> (y, -x). */
  ras_matrix gm = {1, 0, italic ? -XPS_ITALIC_SHEAR : 0, 1, 0, 0};
  gm = ras_matrix_concat(gm, ras_matrix_scale(size, size));
  if (p.sideways)
    gm = ras_matrix_concat(gm, (ras_matrix){0, -1, 1, 0, 0, 0});
  l->run.gm = gm;
  l->run.embolden = bold ? XPS_BOLD_EM : 0;

  const char *uni = in->unicode;
  if (uni && uni[0] == '{' && uni[1] == '}')
    uni += 2;
  int has_indices = in->indices && in->indices[strspn(in->indices, " ")];
  if (((!uni || !*uni) && !has_indices) || size == 0)
    return 0; /* nothing to draw */

  char name[1024];
  int index;
  if (font_name(ctx, in, name, sizeof name, &index))
    return XR_E_SYNTAX;
  xps_fonts *own = NULL;
  xps_fonts *fonts = ctx->fonts;
  if (!fonts) {
    if (xps_fonts_new(NULL, &own))
      return xr_errinfo_set(err, XR_E_NOMEM, in->part, in->line, -1,
                            "out of memory");
    fonts = own;
  }
  l->run.font = xps_fonts_load(fonts, pkg, name, index, ctx, in->part, in->line,
                               &l->used_fallback);
  xps_fonts_drop(own);
  if (!l->run.font)
    return 0; /* warned: no font at all, nothing drawn */

  size_t maxg = (size_t)xps_limit(ctx, XR_LIMIT_GLYPHS_PER_RUN);
  long maxc = (long)xps_limit(ctx, XR_LIMIT_CLUSTER_MAP);
  uint32_t *units = NULL;
  size_t nunits = 0;
  int rc = decode_units(uni, maxg > (size_t)maxc ? maxg : (size_t)maxc, &units,
                        &nunits);
  if (rc)
    return xr_errinfo_set(err, rc, in->part, in->line, -1,
                          rc == XR_E_LIMIT ? "UnicodeString over the "
                                             "GLYPHS_PER_RUN limit"
                                           : "out of memory");
  size_t ci = 0;         /* next code unit */
  long left = 0;         /* glyphs still owed to the open cluster */
  size_t cluster_ci = 0; /* first unit of the open cluster */
  long cluster_c = 1;    /* its code units */
  long nentries = 0;
  int noted = 0; /* err already says what went wrong */
  const char *s = has_indices ? in->indices : NULL;
  while (s && !rc) {
    const char *e = strchr(s, ';');
    const char *end = e ? e : s + strlen(s);
    if (++nentries > maxc) {
      rc = xr_errinfo_set(err, XR_E_LIMIT, in->part, in->line, -1,
                          "Indices has more than %ld entries (CLUSTER_MAP)",
                          maxc);
      noted = 1;
      break;
    }
    gentry g;
    if (parse_entry(s, end, maxc, &g)) {
      warn_once(ctx, l, in, "malformed Indices entry");
      s = e ? e + 1 : NULL;
      if (left > 0)
        left--;
      continue;
    }
    if (left == 0 && ci >= nunits && !g.has_cluster && !g.has_gid &&
        !g.has_adv && !g.has_u && !g.has_v) {
      s = e ? e + 1 : NULL; /* an empty entry past the text: nothing */
      continue;
    }
    if (g.has_cluster && (g.c > maxc || g.g > maxc)) {
      rc = xr_errinfo_set(err, XR_E_LIMIT, in->part, in->line, -1,
                          "cluster map (%ld:%ld) over the CLUSTER_MAP limit",
                          g.c, g.g);
      noted = 1;
      break;
    }
    if (left == 0) {
      cluster_ci = ci;
      cluster_c = g.c;
      left = g.g;
      ci += (size_t)g.c;
      if (ci > nunits && nunits)
        warn_once(ctx, l, in, "cluster map runs past UnicodeString");
    } else if (g.has_cluster) {
      warn_once(ctx, l, in, "cluster map inside an open cluster");
    }
    uint32_t gid = 0;
    int ok = 1;
    if (g.has_gid) {
      gid = (uint32_t)g.gid;
    } else if (left == g.g && cluster_ci < nunits &&
               units[cluster_ci] != NO_CP &&
               (cluster_c == 1 ||
                (cluster_c == 2 && units[cluster_ci] > 0xFFFF))) {
      /* First glyph of a one-character cluster: the cmap decides. */
      gid = map_char(ctx, l, in, units[cluster_ci]);
    } else {
      warn_once(ctx, l, in, "glyph index missing and not derivable");
      ok = 0;
    }
    if (ok)
      rc = place(l, ctx, in, &p, maxg, gid, &g);
    else if (g.has_adv)
      p.x += (p.rtl ? -1 : 1) * g.adv / 100 * p.size;
    left--;
    s = e ? e + 1 : NULL;
  }
  if (!rc && left > 0)
    warn_once(ctx, l, in, "cluster map owes more glyphs than Indices has");
  /* Characters after the last Indices entry map one to one. */
  for (; !rc && ci < nunits; ci++) {
    if (units[ci] == NO_CP)
      continue;
    rc = place(l, ctx, in, &p, maxg, map_char(ctx, l, in, units[ci]), NULL);
  }
  free(units);
  if (rc == XR_E_LIMIT && !noted)
    xr_errinfo_set(err, rc, in->part, in->line, -1,
                   "more than %zu glyphs in one Glyphs element "
                   "(GLYPHS_PER_RUN)",
                   maxg);
  else if (rc == XR_E_NOMEM && !noted)
    xr_errinfo_set(err, rc, in->part, in->line, -1, "out of memory");
  return rc;
}
