/* Linear and radial gradient shaders (see paint.h). */
#include "render/paint.h"

#include <math.h>
#include <string.h>

#include "xpsraster/error.h"

static double clamp01(double v) {
  return v > 0 ? (v < 1 ? v : 1) : 0;
}

static double to_linear(double c) {
  return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

static double from_linear(double c) {
  return c <= 0.0031308 ? c * 12.92 : 1.055 * pow(c, 1 / 2.4) - 0.055;
}

static void build_ramp(ras_shader *sh, const ras_gradient *g) {
  const ras_gradient_stop *s = g->stops;
  int n = g->nstops, lin = g->interp == RAS_INTERP_LINEAR;
  double op = clamp01(g->opacity);
  int k = 0;
  sh->opaque = 1;
  for (int i = 0; i < RAS_RAMP; i++) {
    double t = (double)i / (RAS_RAMP - 1);
    /* Last stop at or before t: equal offsets make a hard edge with the
     * later stop winning. */
    while (k + 1 < n && s[k + 1].offset <= t)
      k++;
    const ras_color *a = &s[k].color, *b = a;
    double u = 0;
    if (t >= s[k].offset && k + 1 < n) {
      b = &s[k + 1].color;
      double span = s[k + 1].offset - s[k].offset;
      u = span > 0 ? (t - s[k].offset) / span : 1;
    } else if (t < s[0].offset) {
      a = b = &s[0].color;
    }
    double c[3] = {a->r, a->g, a->b}, d[3] = {b->r, b->g, b->b};
    for (int j = 0; j < 3; j++) {
      double x = clamp01(c[j]), y = clamp01(d[j]);
      double v = lin ? from_linear(to_linear(x) * (1 - u) + to_linear(y) * u)
                     : x * (1 - u) + y * u;
      sh->ramp[i][j] = (uint8_t)lrint(clamp01(v) * 255);
    }
    double al = (clamp01(a->a) * (1 - u) + clamp01(b->a) * u) * op;
    sh->ramp[i][3] = (uint8_t)lrint(clamp01(al) * 255);
    if (sh->ramp[i][3] != 255)
      sh->opaque = 0;
    sh->gray[i] = (uint8_t)((sh->ramp[i][0] * 77 + sh->ramp[i][1] * 150 +
                             sh->ramp[i][2] * 29 + 128) >>
                            8);
  }
}

int ras_shader_init(ras_shader *sh, int kind, const ras_gradient *g,
                    const ras_matrix *to_dev) {
  memset(sh, 0, sizeof *sh);
  if (!g->stops || g->nstops < 1)
    return XR_E_INVAL;
  sh->kind = kind;
  sh->spread = g->spread;
  build_ramp(sh, g);
  ras_matrix m = ras_matrix_concat(g->m, *to_dev);
  if (ras_matrix_invert(&m, &sh->inv)) {
    sh->flat = 1;
    return 0;
  }
  if (kind == RAS_PAINT_LINEAR) {
    double ex = g->x1 - g->x0, ey = g->y1 - g->y0, l2 = ex * ex + ey * ey;
    if (!(l2 > 0) || !isfinite(l2)) {
      sh->flat = 1;
      return 0;
    }
    sh->ox = g->x0;
    sh->oy = g->y0;
    sh->dx = ex / l2;
    sh->dy = ey / l2;
  } else {
    double fx = g->x1, fy = g->y1, r2 = fx * fx + fy * fy;
    /* Keep the focal point strictly inside the circle. */
    if (!(r2 < 0.998 * 0.998)) {
      double k = 0.998 / sqrt(r2 > 0 ? r2 : 1);
      fx *= k;
      fy *= k;
      r2 = fx * fx + fy * fy;
    }
    sh->ox = fx;
    sh->oy = fy;
    sh->f2 = 1 - r2;
  }
  return 0;
}

static int ramp_index(const ras_shader *sh, double t) {
  if (!(t == t))
    t = 0;
  switch (sh->spread) {
  case RAS_SPREAD_REPEAT:
    t -= floor(t);
    break;
  case RAS_SPREAD_REFLECT:
    t = fabs(t);
    t -= 2 * floor(t / 2);
    if (t > 1)
      t = 2 - t;
    break;
  default:
    break;
  }
  t = clamp01(t);
  return (int)(t * (RAS_RAMP - 1) + 0.5);
}

void ras_shader_span(const ras_shader *sh, int x, int y, int n, uint16_t *idx) {
  if (sh->flat) {
    for (int i = 0; i < n; i++)
      idx[i] = RAS_RAMP - 1;
    return;
  }
  const ras_matrix *m = &sh->inv;
  double px = x + 0.5, py = y + 0.5;
  /* Gradient-space point of the first centre and its step along x. */
  double gx = m->a * px + m->c * py + m->e, gy = m->b * px + m->d * py + m->f;
  double sx = m->a, sy = m->b;
  if (sh->kind == RAS_PAINT_LINEAR) {
    double t = (gx - sh->ox) * sh->dx + (gy - sh->oy) * sh->dy;
    double dt = sx * sh->dx + sy * sh->dy;
    if (sh->spread == RAS_SPREAD_PAD && isfinite(t) && isfinite(dt)) {
      /* The common case without the per-pixel switch and floor. */
      const double top = RAS_RAMP - 1;
      for (int i = 0; i < n; i++) {
        double v = t + dt * i;
        idx[i] = v <= 0   ? 0
                 : v >= 1 ? (uint16_t)top
                          : (uint16_t)(int)(v * top + 0.5);
      }
      return;
    }
    for (int i = 0; i < n; i++)
      idx[i] = (uint16_t)ramp_index(sh, t + dt * i);
    return;
  }
  for (int i = 0; i < n; i++) {
    /* Ray from the focal point f through p meets the unit circle at
     * f + s*(p - f); t = 1/s. */
    double ux = gx + sx * i - sh->ox, uy = gy + sy * i - sh->oy;
    double u2 = ux * ux + uy * uy;
    double fu = sh->ox * ux + sh->oy * uy;
    double den = -fu + sqrt(fu * fu + u2 * sh->f2);
    double t = den > 0 ? u2 / den : 0;
    idx[i] = (uint16_t)ramp_index(sh, t);
  }
}

void ras_shade_fill_span(void *ud, int y, int x, int len, const uint8_t *cov,
                         int a) {
  ras_shade_fill *f = ud;
  ras_surf *d = f->dst;
  const ras_mask *m = f->clip;
  if (y < d->y0 || y >= d->y1)
    return;
  int x0 = d->x0, x1 = d->x1;
  if (m) {
    if (y < m->y0 || y >= m->y1)
      return;
    x0 = m->x0 > x0 ? m->x0 : x0;
    x1 = m->x1 < x1 ? m->x1 : x1;
  }
  if (x < x0) {
    if (cov)
      cov += x0 - x;
    len -= x0 - x;
    x = x0;
  }
  if (x + len > x1)
    len = x1 - x;
  uint16_t *idx = (uint16_t *)(void *)f->tmp;
  int nc = d->nc, bpp = nc + d->alpha;
  const uint8_t *mr =
      m ? m->data + (size_t)(y - m->y0) * m->stride + (size_t)(x - m->x0)
        : NULL;
  if (len <= 0)
    return;
  ras_shader_span(f->sh, x, y, len, idx);
  uint8_t *p = d->data + (size_t)(y - d->y0) * d->stride +
               (size_t)(x - d->x0) * (size_t)bpp;
  if (nc == 3 && !d->alpha) {
    /* Opaque RGB band, the common case, without per-pixel branches on the
     * surface kind. */
    for (int i = 0; i < len; i++, p += 3) {
      const uint8_t *c = f->sh->ramp[idx[i]];
      uint32_t s = cov ? cov[i] : (uint32_t)a;
      s = s == 255 ? c[3] : ras_div255(s * c[3]);
      if (mr)
        s = ras_div255(s * mr[i]);
      ras_over_rgb(p, c, s);
    }
    return;
  }
  for (int i = 0; i < len; i++, p += bpp) {
    const uint8_t *c = f->sh->ramp[idx[i]];
    uint32_t s = ras_div255((uint32_t)(cov ? cov[i] : a) * c[3]);
    if (mr)
      s = ras_div255(s * mr[i]);
    if (!s)
      continue;
    uint32_t is = 255 - s;
    if (nc == 1)
      p[0] = (uint8_t)ras_div255(p[0] * is + f->sh->gray[idx[i]] * s);
    else if (nc == 3)
      for (int k = 0; k < 3; k++)
        p[k] = (uint8_t)ras_div255(p[k] * is + c[k] * s);
    if (d->alpha)
      p[nc] = (uint8_t)ras_div255(p[nc] * is + 255 * s);
  }
}
