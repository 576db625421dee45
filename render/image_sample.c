/* Image brush sampling: tiling, mip level choice, bilinear filtering, and
 * the span compositor (see image.h). */
#include <math.h>
#include <string.h>

#include "render/image.h"

int ras_image_brush_matrix(const ras_image *img, const double viewbox[4],
                           const double viewport[4], ras_matrix *out) {
  double xs = img->xdpi > 0 ? 96.0 / img->xdpi : 1;
  double ys = img->ydpi > 0 ? 96.0 / img->ydpi : 1;
  const double *vb = viewbox, *vp = viewport;
  if (!(vb[2] > 0 && vb[3] > 0 && vp[2] > 0 && vp[3] > 0))
    return -1;
  double sx = vp[2] / vb[2], sy = vp[3] / vb[3];
  ras_matrix m = {xs * sx,           0, 0, ys * sy, vp[0] - vb[0] * sx,
                  vp[1] - vb[1] * sy};
  if (!isfinite(m.a + m.d + m.e + m.f))
    return -1;
  *out = m;
  return 0;
}

void ras_image_sampler_init(ras_image_sampler *s, const ras_image *img,
                            const ras_matrix *to_dev, const double tile[4],
                            int tile_mode, float opacity) {
  memset(s, 0, sizeof *s);
  s->img = img;
  s->tile = tile_mode;
  if (!img || !img->nlevels)
    return;
  if (tile) {
    s->bx = tile[0], s->by = tile[1], s->bw = tile[2], s->bh = tile[3];
  } else {
    s->bw = img->w, s->bh = img->h;
    s->tile = RAS_IMAGE_TILE_NONE;
  }
  if (!(s->bw > 0 && s->bh > 0 && isfinite(s->bx + s->by + s->bw + s->bh)))
    return;
  if (ras_matrix_invert(to_dev, &s->inv) < 0)
    return;
  /* Image pixels covered by one device pixel step, along each axis; the
   * larger footprint picks the level so that nothing aliases. */
  double f1 = hypot(s->inv.a, s->inv.b);
  double f2 = hypot(s->inv.c, s->inv.d);
  double f = f1 > f2 ? f1 : f2;
  int level = 0;
  while (level + 1 < img->nlevels && f >= 2.0) {
    f *= 0.5;
    level++;
  }
  s->level = level;
  s->lsx = (double)img->lv[level].w / img->w;
  s->lsy = (double)img->lv[level].h / img->h;
  /* Between levels (1 <= f < 2 texels per pixel here), blend towards the
   * coarser one in proportion to log2 f. */
  if (level + 1 < img->nlevels && f > 1.0) {
    s->blend = (int)lrint(log2(f < 2 ? f : 2) * 256);
    s->lsx2 = (double)img->lv[level + 1].w / img->w;
    s->lsy2 = (double)img->lv[level + 1].h / img->h;
  }
  int a = (int)lrintf((opacity < 0 ? 0 : opacity > 1 ? 1 : opacity) * 255);
  s->alpha = a;
  s->ok = a > 0 && isfinite(s->inv.a + s->inv.b + s->inv.c + s->inv.d +
                            s->inv.e + s->inv.f);
}

/* Folds a coordinate t (in tile units, 0..1 is the base tile) into the
 * base tile; returns 0 when it lies outside a non-repeating one. */
static int fold(double *t, int repeat, int flip) {
  double v = *t;
  if (!repeat)
    return v >= 0 && v < 1;
  if (!(fabs(v) < 1e9))
    return 0;
  double k = floor(v);
  v -= k;
  if (flip && ((long long)k & 1))
    v = 1 - v;
  *t = v;
  return 1;
}

static void bilinear(const ras_mip *m, double x, double y, uint8_t *out) {
  x -= 0.5;
  y -= 0.5;
  double fx = floor(x), fy = floor(y);
  int wx = (int)((x - fx) * 256), wy = (int)((y - fy) * 256);
  int x0 = (int)fx, y0 = (int)fy, x1 = x0 + 1, y1 = y0 + 1;
  /* Clamp to the edge: the image does not wrap into itself. */
  x0 = x0 < 0 ? 0 : x0 >= m->w ? m->w - 1 : x0;
  x1 = x1 < 0 ? 0 : x1 >= m->w ? m->w - 1 : x1;
  y0 = y0 < 0 ? 0 : y0 >= m->h ? m->h - 1 : y0;
  y1 = y1 < 0 ? 0 : y1 >= m->h ? m->h - 1 : y1;
  const uint8_t *r0 = m->rgba + (size_t)y0 * (size_t)m->w * 4;
  const uint8_t *r1 = m->rgba + (size_t)y1 * (size_t)m->w * 4;
  for (int c = 0; c < 4; c++) {
    int top = r0[x0 * 4 + c] * (256 - wx) + r0[x1 * 4 + c] * wx;
    int bot = r1[x0 * 4 + c] * (256 - wx) + r1[x1 * 4 + c] * wx;
    out[c] = (uint8_t)((top * (256 - wy) + bot * wy + 32768) >> 16);
  }
}

void ras_image_sample_span(const ras_image_sampler *s, int x, int y, int n,
                           uint8_t *out) {
  memset(out, 0, (size_t)n * 4);
  if (!s->ok)
    return;
  const ras_image *img = s->img;
  const ras_mip *m = &img->lv[s->level];
  int rep = s->tile != RAS_IMAGE_TILE_NONE;
  int flipx =
      s->tile == RAS_IMAGE_TILE_FLIPX || s->tile == RAS_IMAGE_TILE_FLIPXY;
  int flipy =
      s->tile == RAS_IMAGE_TILE_FLIPY || s->tile == RAS_IMAGE_TILE_FLIPXY;
  double px = x + 0.5, py = y + 0.5;
  for (int i = 0; i < n; i++, px += 1) {
    double ix = s->inv.a * px + s->inv.c * py + s->inv.e;
    double iy = s->inv.b * px + s->inv.d * py + s->inv.f;
    double u = (ix - s->bx) / s->bw, v = (iy - s->by) / s->bh;
    if (!fold(&u, rep, flipx) || !fold(&v, rep, flipy))
      continue;
    ix = s->bx + u * s->bw;
    iy = s->by + v * s->bh;
    /* A tile larger than the image shows transparency around it. */
    if (!(ix >= 0 && iy >= 0 && ix < img->w && iy < img->h))
      continue;
    uint8_t *o = out + (size_t)i * 4;
    bilinear(m, ix * s->lsx, iy * s->lsy, o);
    if (s->blend) {
      uint8_t c2[4];
      bilinear(m + 1, ix * s->lsx2, iy * s->lsy2, c2);
      for (int c = 0; c < 4; c++)
        o[c] =
            (uint8_t)((o[c] * (256 - s->blend) + c2[c] * s->blend + 128) >> 8);
    }
    if (s->alpha != 255)
      for (int c = 0; c < 4; c++)
        o[c] = (uint8_t)ras_div255((uint32_t)o[c] * (uint32_t)s->alpha);
  }
}

void ras_image_fill_span(void *ud, int y, int x, int len, const uint8_t *cov,
                         int a) {
  ras_image_fill *f = ud;
  ras_surf *d = f->dst;
  if (y < d->y0 || y >= d->y1)
    return;
  if (x < d->x0) {
    int k = d->x0 - x;
    if (k >= len)
      return;
    if (cov)
      cov += k;
    x += k;
    len -= k;
  }
  if (x + len > d->x1)
    len = d->x1 - x;
  if (len <= 0)
    return;
  ras_image_sample_span(f->s, x, y, len, f->tmp);
  int nc = d->nc, bpp = nc + (d->alpha ? 1 : 0);
  uint8_t *p = d->data + (size_t)(y - d->y0) * d->stride +
               (size_t)(x - d->x0) * (size_t)bpp;
  for (int i = 0; i < len; i++, p += bpp) {
    uint32_t c = cov ? cov[i] : (uint32_t)a;
    if (f->clip)
      c = ras_div255(c * (uint32_t)ras_mask_at(f->clip, x + i, y));
    if (!c)
      continue;
    const uint8_t *s = f->tmp + (size_t)i * 4;
    uint32_t sa = ras_div255(s[3] * c);
    if (!sa)
      continue;
    uint32_t inv = 255 - sa;
    uint32_t sr = ras_div255(s[0] * c), sg = ras_div255(s[1] * c),
             sb = ras_div255(s[2] * c);
    if (nc == 3) {
      p[0] = (uint8_t)(sr + ras_div255(p[0] * inv));
      p[1] = (uint8_t)(sg + ras_div255(p[1] * inv));
      p[2] = (uint8_t)(sb + ras_div255(p[2] * inv));
    } else if (nc == 1) {
      /* Rec. 601 luma on the encoded values, as the gray surface does. */
      uint32_t g = (sr * 77 + sg * 150 + sb * 29 + 128) >> 8;
      p[0] = (uint8_t)(g + ras_div255(p[0] * inv));
    }
    if (d->alpha)
      p[nc] = (uint8_t)(sa + ras_div255(p[nc] * inv));
  }
}
