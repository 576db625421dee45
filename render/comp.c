/* Span, mask and layer compositing (see comp.h). */
#include "render/comp.h"

#include <string.h>

/* Clips a span to [x0, x1); returns the new length, adjusting x and cov. */
static int clip_span(int *x, int len, const uint8_t **cov, int x0, int x1) {
  if (*x < x0) {
    if (*cov)
      *cov += x0 - *x;
    len -= x0 - *x;
    *x = x0;
  }
  if (*x + len > x1)
    len = x1 - *x;
  return len;
}

static void fill_solid(ras_surf *d, uint8_t *p, int len, const uint8_t *c) {
  if (d->nc == 1) {
    memset(p, c[0], (size_t)len);
  } else {
    for (int i = 0; i < len; i++, p += 3) {
      p[0] = c[0];
      p[1] = c[1];
      p[2] = c[2];
    }
  }
}

/* Blends colour c with per-pixel source alpha s[] (NULL: constant sa). */
static void blend(ras_surf *d, uint8_t *p, int len, const uint8_t *c,
                  const uint8_t *s, uint32_t sa) {
  int nc = d->nc, bpp = nc + d->alpha;
  for (int i = 0; i < len; i++, p += bpp) {
    uint32_t a = s ? s[i] : sa;
    if (!a)
      continue;
    uint32_t ia = 255 - a;
    for (int k = 0; k < nc; k++)
      p[k] = (uint8_t)ras_div255(p[k] * ia + c[k] * a);
    if (d->alpha)
      p[nc] = (uint8_t)ras_div255(p[nc] * ia + 255 * a);
  }
}

void ras_comp_fill_span(void *ud, int y, int x, int len, const uint8_t *cov,
                        int a) {
  ras_fill *f = ud;
  ras_surf *d = f->dst;
  const ras_mask *m = f->clip;
  if (y < d->y0 || y >= d->y1)
    return;
  int x0 = d->x0, x1 = d->x1;
  if (m) {
    if (y < m->y0 || y >= m->y1)
      return;
    if (m->x0 > x0)
      x0 = m->x0;
    if (m->x1 < x1)
      x1 = m->x1;
  }
  len = clip_span(&x, len, &cov, x0, x1);
  if (len <= 0)
    return;
  int bpp = d->nc + d->alpha;
  uint8_t *p = d->data + (size_t)(y - d->y0) * d->stride +
               (size_t)(x - d->x0) * (size_t)bpp;
  if (!cov && !m) {
    uint32_t sa = ras_div255((uint32_t)a * f->a);
    if (sa == 255 && !d->alpha)
      fill_solid(d, p, len, f->c);
    else
      blend(d, p, len, f->c, NULL, sa);
    return;
  }
  uint8_t *s = f->tmp;
  const uint8_t *mr =
      m ? m->data + (size_t)(y - m->y0) * m->stride + (size_t)(x - m->x0)
        : NULL;
  for (int i = 0; i < len; i++) {
    uint32_t v = ras_div255((uint32_t)(cov ? cov[i] : a) * f->a);
    s[i] = (uint8_t)(mr ? ras_div255(v * mr[i]) : v);
  }
  blend(d, p, len, f->c, s, 0);
}

void ras_comp_mask_span(void *ud, int y, int x, int len, const uint8_t *cov,
                        int a) {
  ras_mask_build *mb = ud;
  ras_mask *m = mb->m;
  const ras_mask *pm = mb->parent;
  if (y < m->y0 || y >= m->y1)
    return;
  len = clip_span(&x, len, &cov, m->x0, m->x1);
  if (len <= 0)
    return;
  uint8_t *p = m->data + (size_t)(y - m->y0) * m->stride + (size_t)(x - m->x0);
  for (int i = 0; i < len; i++) {
    uint32_t v = cov ? cov[i] : (uint32_t)a;
    if (pm)
      v = ras_div255(v * (uint32_t)ras_mask_at(pm, x + i, y));
    p[i] = (uint8_t)v;
  }
}

void ras_comp_layer(ras_surf *d, const ras_surf *s, int opacity,
                    const ras_mask *clip) {
  int x0 = s->x0 > d->x0 ? s->x0 : d->x0;
  int x1 = s->x1 < d->x1 ? s->x1 : d->x1;
  int y0 = s->y0 > d->y0 ? s->y0 : d->y0;
  int y1 = s->y1 < d->y1 ? s->y1 : d->y1;
  int nc = d->nc, dbpp = nc + d->alpha, sbpp = s->nc + 1;
  for (int y = y0; y < y1; y++) {
    const uint8_t *sp = s->data + (size_t)(y - s->y0) * s->stride +
                        (size_t)(x0 - s->x0) * (size_t)sbpp;
    uint8_t *dp = d->data + (size_t)(y - d->y0) * d->stride +
                  (size_t)(x0 - d->x0) * (size_t)dbpp;
    for (int x = x0; x < x1; x++, sp += sbpp, dp += dbpp) {
      uint32_t la = sp[s->nc];
      if (!la)
        continue;
      uint32_t f = (uint32_t)opacity;
      if (clip)
        f = ras_div255(f * (uint32_t)ras_mask_at(clip, x, y));
      if (!f)
        continue;
      if (f == 255 && la == 255 && !d->alpha) {
        for (int k = 0; k < nc; k++)
          dp[k] = sp[k];
        continue;
      }
      uint32_t sa = ras_div255(la * f), ia = 255 - sa;
      for (int k = 0; k < nc; k++) {
        uint32_t v = ras_div255(sp[k] * f) + ras_div255(dp[k] * ia);
        dp[k] = (uint8_t)(v > 255 ? 255 : v);
      }
      if (d->alpha) {
        uint32_t v = sa + ras_div255(dp[nc] * ia);
        dp[nc] = (uint8_t)(v > 255 ? 255 : v);
      }
    }
  }
}
