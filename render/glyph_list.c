/* Glyph runs in display lists (glyph_list.h). */
#include "render/glyph_list.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "xpsraster/error.h"

typedef struct lglyph {
  uint32_t gid;
  int32_t y0, y1; /* device rows the mask covers */
  double x, y;    /* device position of the em origin */
} lglyph;

typedef struct lrun {
  ras_font *font;
  double embolden;
  double a, b, c, d; /* ems -> device, linear part */
  size_t first, n;   /* glyphs[first .. first+n) */
} lrun;

struct ras_glyph_list {
  ras_glyph_cache *cache;
  lrun *runs;
  size_t nruns, caprun;
  lglyph *glyphs;
  size_t nglyphs, capglyph;
};

static int make(ras_glyph_list **l) {
  if (*l)
    return 0;
  *l = calloc(1, sizeof **l);
  return *l ? 0 : XR_E_NOMEM;
}

int ras_glyph_list_set_cache(ras_glyph_list **l, ras_glyph_cache *cache) {
  int rc = make(l);
  if (rc)
    return rc;
  if ((*l)->cache)
    return XR_E_USAGE;
  (*l)->cache = ras_glyph_cache_keep(cache);
  return 0;
}

void ras_glyph_list_drop(ras_glyph_list *l) {
  if (!l)
    return;
  for (size_t i = 0; i < l->nruns; i++)
    ras_font_drop(l->runs[i].font);
  free(l->runs);
  free(l->glyphs);
  ras_glyph_cache_drop(l->cache);
  free(l);
}

size_t ras_glyph_list_bytes(const ras_glyph_list *l) {
  if (!l)
    return 0;
  return sizeof *l + l->caprun * sizeof(lrun) + l->capglyph * sizeof(lglyph);
}

static int grow(void **p, size_t *cap, size_t need, size_t sz) {
  if (need <= *cap)
    return 0;
  size_t c = *cap ? *cap : 16;
  while (c < need) {
    if (c > SIZE_MAX / 2 / sz)
      return XR_E_NOMEM;
    c *= 2;
  }
  void *n = realloc(*p, c * sz);
  if (!n)
    return XR_E_NOMEM;
  *p = n;
  *cap = c;
  return 0;
}

/* Record-time draw: only measures. */
typedef struct bbox_acc {
  int32_t x0, y0, x1, y1;
} bbox_acc;

static void measure(void *ud, const ras_glyph_mask *k, int ox, int oy) {
  bbox_acc *b = ud;
  if (!k->data || k->w <= 0 || k->h <= 0) {
    b->x0 = b->y0 = 1;
    b->x1 = b->y1 = 0; /* empty */
    return;
  }
  b->x0 = ox + k->x;
  b->y0 = oy + k->y;
  b->x1 = b->x0 + k->w;
  b->y1 = b->y0 + k->h;
}

static ras_matrix glyph_dev(const lrun *r, const lglyph *g) {
  ras_matrix m = {r->a, r->b, r->c, r->d, g->x, g->y};
  return m;
}

int ras_glyph_list_add(ras_glyph_list **lp, const ras_glyph_run *run,
                       const ras_matrix *m, ras_path *big, uint32_t *ref,
                       int32_t bbox[4]) {
  int rc = make(lp);
  if (rc)
    return rc;
  ras_glyph_list *l = *lp;
  if (!l->cache && (rc = ras_glyph_cache_new(0, &l->cache)))
    return rc;
  if (l->nruns >= UINT32_MAX)
    return XR_E_LIMIT;
  if ((rc = grow((void **)&l->runs, &l->caprun, l->nruns + 1, sizeof(lrun))) ||
      (rc = grow((void **)&l->glyphs, &l->capglyph, l->nglyphs + run->n,
                 sizeof(lglyph))))
    return rc;
  ras_matrix lin = ras_matrix_concat(run->gm, *m);
  lrun *r = &l->runs[l->nruns];
  *r = (lrun){NULL, run->embolden, lin.a, lin.b, lin.c, lin.d, l->nglyphs, 0};
  bbox_acc all = {INT32_MAX, INT32_MAX, INT32_MIN, INT32_MIN};
  for (size_t i = 0; i < run->n; i++) {
    lglyph *g = &l->glyphs[r->first + r->n];
    g->gid = run->glyphs[i].gid;
    ras_matrix_apply(m, run->glyphs[i].x, run->glyphs[i].y, &g->x, &g->y);
    ras_matrix dm = glyph_dev(r, g);
    bbox_acc b;
    rc = ras_glyph_cache_draw(l->cache, run->font, g->gid, r->embolden, &dm,
                              measure, &b);
    /* Too big for a mask, or FreeType could not rasterise it (a raster
     * overflow on a pathological outline): try it as an outline, which
     * also drops glyphs that cannot even be loaded. */
    if (rc == XR_E_LIMIT || rc == XR_E_FORMAT) {
      ras_matrix um = ras_glyph_matrix(run, i);
      rc = ras_font_outline(run->font, g->gid, run->embolden, &um, big);
      if (rc == XR_E_FORMAT)
        rc = 0;
      if (rc)
        return rc;
      continue;
    }
    if (rc)
      return rc;
    if (b.x0 >= b.x1 || b.y0 >= b.y1)
      continue; /* a space */
    g->y0 = b.y0;
    g->y1 = b.y1;
    all.x0 = b.x0 < all.x0 ? b.x0 : all.x0;
    all.y0 = b.y0 < all.y0 ? b.y0 : all.y0;
    all.x1 = b.x1 > all.x1 ? b.x1 : all.x1;
    all.y1 = b.y1 > all.y1 ? b.y1 : all.y1;
    r->n++;
  }
  if (!r->n)
    return 0;
  r->font = ras_font_keep(run->font);
  l->nglyphs += r->n;
  *ref = (uint32_t)l->nruns++;
  bbox[0] = all.x0;
  bbox[1] = all.y0;
  bbox[2] = all.x1;
  bbox[3] = all.y1;
  return 1;
}

/* Replay-time draw: the mask rows inside the band become spans. */
typedef struct blit {
  int y0, y1;
  ras_span_fn fn;
  void *ud;
} blit;

static void emit(void *ud, const ras_glyph_mask *k, int ox, int oy) {
  const blit *b = ud;
  if (!k->data)
    return;
  int x = ox + k->x, top = oy + k->y;
  int ya = top > b->y0 ? top : b->y0;
  int yb = top + k->h < b->y1 ? top + k->h : b->y1;
  /* Only the inked part of each row: blank margins cost compositing. */
  for (int y = ya; y < yb; y++) {
    int j = y - top, s0 = k->span[2 * j], s1 = k->span[2 * j + 1];
    if (s0 < s1)
      b->fn(b->ud, y, x + s0, s1 - s0,
            k->data + (size_t)j * (size_t)k->w + (size_t)s0, 0);
  }
}

int ras_glyph_list_draw(const ras_glyph_list *l, uint32_t ref, int y0, int y1,
                        ras_span_fn fn, void *ud) {
  if (!l || ref >= l->nruns)
    return 0;
  const lrun *r = &l->runs[ref];
  blit b = {y0, y1, fn, ud};
  int err = 0;
  for (size_t i = 0; i < r->n; i++) {
    const lglyph *g = &l->glyphs[r->first + i];
    if (g->y1 <= y0 || g->y0 >= y1)
      continue;
    ras_matrix dm = glyph_dev(r, g);
    int rc = ras_glyph_cache_draw(l->cache, r->font, g->gid, r->embolden, &dm,
                                  emit, &b);
    if (rc && !err)
      err = rc;
  }
  return err;
}
