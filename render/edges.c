/* Edge building: clipping to the device box, fixed-point conversion,
 * block splitting, curve flattening (see edges.h). */
#include "render/edges.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "xpsraster/error.h"

/* Coordinates beyond this are clamped before any arithmetic: a transform of
 * a huge (but finite) path point may give inf or a value whose products
 * overflow a double; the clamp keeps the geometry sane without branches in
 * the inner loops. */
#define COORD_CLAMP 1e12

void ras_eb_init(ras_edgebuf *eb, int w, int h, size_t max_edges) {
  memset(eb, 0, sizeof *eb);
  eb->w = w;
  eb->h = h;
  eb->max = max_edges;
  eb->bx0 = eb->by0 = INT32_MAX;
  eb->bx1 = eb->by1 = INT32_MIN;
}

void ras_eb_reset(ras_edgebuf *eb) {
  free(eb->e);
  ras_eb_init(eb, (int)eb->w, (int)eb->h, eb->max);
}

void ras_eb_clear(ras_edgebuf *eb) {
  eb->n = 0;
  eb->open = 0;
  eb->err = 0;
  eb->bx0 = eb->by0 = INT32_MAX;
  eb->bx1 = eb->by1 = INT32_MIN;
}

static double clampc(double v) {
  if (!(v == v))
    return 0; /* NaN */
  if (v > COORD_CLAMP)
    return COORD_CLAMP;
  if (v < -COORD_CLAMP)
    return -COORD_CLAMP;
  return v;
}

static void push(ras_edgebuf *eb, int32_t x0, int32_t y0, int32_t x1,
                 int32_t y1) {
  if (eb->n == eb->cap) {
    if (eb->n >= eb->max) {
      eb->err = XR_E_LIMIT;
      return;
    }
    size_t cap = eb->cap ? eb->cap * 2 : 64;
    if (cap > eb->max)
      cap = eb->max;
    ras_edge *e = realloc(eb->e, cap * sizeof *e);
    if (!e) {
      eb->err = XR_E_NOMEM;
      return;
    }
    eb->e = e;
    eb->cap = cap;
  }
  eb->e[eb->n++] = (ras_edge){x0, y0, x1, y1};
  int32_t xl = x0 < x1 ? x0 : x1, xr = x0 < x1 ? x1 : x0;
  int32_t yl = y0 < y1 ? y0 : y1, yr = y0 < y1 ? y1 : y0;
  if (xl < eb->bx0)
    eb->bx0 = xl;
  if (xr > eb->bx1)
    eb->bx1 = xr;
  if (yl < eb->by0)
    eb->by0 = yl;
  if (yr > eb->by1)
    eb->by1 = yr;
}

/* Fixed-point edge inside the box, given top to bottom (y0 < y1): split
 * at block boundaries and stored in its real direction (rev: upwards).
 * Working top-down makes an edge and its reverse round identically, so
 * out-and-back geometry cancels exactly. */
static void emit_fixed(ras_edgebuf *eb, double x0, double y0, double x1,
                       double y1, int rev) {
  int32_t X0 = (int32_t)lrint(x0 * RAS_FIX_ONE);
  int32_t Y0 = (int32_t)lrint(y0 * RAS_FIX_ONE);
  int32_t X1 = (int32_t)lrint(x1 * RAS_FIX_ONE);
  int32_t Y1 = (int32_t)lrint(y1 * RAS_FIX_ONE);
  if (Y0 >= Y1 || eb->err)
    return;
  const int sh = RAS_FIX_SHIFT + RAS_BLOCK_SHIFT;
  int64_t dx = (int64_t)X1 - X0, dy = (int64_t)Y1 - Y0;
  int32_t px = X0, py = Y0;
  for (int32_t b = ((Y0 >> sh) + 1) << sh; b < Y1; b += 1 << sh) {
    int32_t bx = (int32_t)(X0 + dx * (b - Y0) / dy);
    if (rev)
      push(eb, bx, b, px, py);
    else
      push(eb, px, py, bx, b);
    px = bx;
    py = b;
  }
  if (rev)
    push(eb, X1, Y1, px, py);
  else
    push(eb, px, py, X1, Y1);
}

/* A piece right of the box is dropped, but the coverage left of it runs on
 * to the right edge of the box: widen the bbox so the span is drawn. */
static void touch_right(ras_edgebuf *eb, double ya, double yb) {
  int32_t X = (int32_t)lrint(eb->w * RAS_FIX_ONE);
  int32_t Ya = (int32_t)lrint(fmin(ya, yb) * RAS_FIX_ONE);
  int32_t Yb = (int32_t)lrint(fmax(ya, yb) * RAS_FIX_ONE);
  if (Ya == Yb)
    return;
  if (X > eb->bx1)
    eb->bx1 = X;
  if (X < eb->bx0)
    eb->bx0 = X;
  if (Ya < eb->by0)
    eb->by0 = Ya;
  if (Yb > eb->by1)
    eb->by1 = Yb;
}

void ras_eb_segment(ras_edgebuf *eb, double x0, double y0, double x1,
                    double y1) {
  x0 = clampc(x0);
  y0 = clampc(y0);
  x1 = clampc(x1);
  y1 = clampc(y1);
  if (y0 == y1)
    return;
  int rev = y0 > y1;
  if (rev) {
    double t = x0;
    x0 = x1;
    x1 = t;
    t = y0;
    y0 = y1;
    y1 = t;
  }
  double h = eb->h, w = eb->w;
  if (y1 <= 0 || y0 >= h)
    return;
  /* Clip to 0 <= y <= h. */
  double dxdy = (x1 - x0) / (y1 - y0);
  if (y0 < 0) {
    x0 += (0 - y0) * dxdy;
    y0 = 0;
  }
  if (y1 > h) {
    x1 += (h - y1) * dxdy;
    y1 = h;
  }
  if (x0 >= w && x1 >= w) {
    touch_right(eb, y0, y1);
    return;
  }
  if (x0 >= 0 && x1 >= 0 && x0 <= w && x1 <= w) {
    emit_fixed(eb, x0, y0, x1, y1, rev);
    return;
  }
  /* Split at x = 0 and x = w; pieces left of the box become vertical
   * edges at x = 0, pieces right of it are dropped. */
  double t[4];
  int nt = 0;
  t[nt++] = 0;
  double dx = x1 - x0;
  if (dx != 0) {
    double ta = (0 - x0) / dx, tb = (w - x0) / dx;
    if (ta > tb) {
      double s = ta;
      ta = tb;
      tb = s;
    }
    if (ta > 0 && ta < 1)
      t[nt++] = ta;
    if (tb > 0 && tb < 1)
      t[nt++] = tb;
  }
  t[nt++] = 1;
  double dyy = y1 - y0;
  for (int i = 0; i + 1 < nt; i++) {
    double ta = t[i], tb = t[i + 1];
    double xa = x0 + dx * ta, ya = y0 + dyy * ta;
    double xb = x0 + dx * tb, yb = y0 + dyy * tb;
    if (i == 0) {
      xa = x0;
      ya = y0;
    }
    if (i + 2 == nt) {
      xb = x1;
      yb = y1;
    }
    double xm = (xa + xb) / 2;
    if (xm >= w) {
      touch_right(eb, ya, yb);
      continue;
    }
    if (xm <= 0) {
      emit_fixed(eb, 0, ya, 0, yb, rev);
      continue;
    }
    xa = xa < 0 ? 0 : xa > w ? w : xa;
    xb = xb < 0 ? 0 : xb > w ? w : xb;
    emit_fixed(eb, xa, ya, xb, yb, rev);
  }
}

void ras_eb_close(ras_edgebuf *eb) {
  if (eb->open) {
    ras_eb_segment(eb, eb->cx, eb->cy, eb->sx, eb->sy);
    eb->cx = eb->sx;
    eb->cy = eb->sy;
    eb->open = 0;
  }
}

void ras_eb_move(ras_edgebuf *eb, double x, double y) {
  ras_eb_close(eb);
  eb->cx = eb->sx = x;
  eb->cy = eb->sy = y;
  eb->open = 1;
}

void ras_eb_line(ras_edgebuf *eb, double x, double y) {
  if (!eb->open) {
    eb->sx = eb->cx;
    eb->sy = eb->cy;
    eb->open = 1;
  }
  ras_eb_segment(eb, eb->cx, eb->cy, x, y);
  eb->cx = x;
  eb->cy = y;
}

int ras_flat_segments(double dd, double tol) {
  /* Chord error of n uniform pieces is at most max|B''| / (8 n^2). */
  if (!(dd > 0) || !(tol > 0))
    return 1;
  double n = ceil(sqrt(dd / (8 * tol)));
  if (!(n < RAS_FLAT_MAX_SEGS))
    return RAS_FLAT_MAX_SEGS;
  return n < 1 ? 1 : (int)n;
}

static double hyp(double x, double y) {
  return sqrt(x * x + y * y);
}

/* Whole curve (control polygon) outside the box, not on its left: a chord
 * is as good as the curve. Left of the box, the chord also gives the same
 * winding for every visible pixel. */
static int cull(const ras_edgebuf *eb, const ras_point *q, int n) {
  double x0 = q[0].x, x1 = q[0].x, y0 = q[0].y, y1 = q[0].y;
  for (int i = 1; i < n; i++) {
    x0 = fmin(x0, q[i].x);
    x1 = fmax(x1, q[i].x);
    y0 = fmin(y0, q[i].y);
    y1 = fmax(y1, q[i].y);
  }
  return y1 <= 0 || y0 >= eb->h || x0 >= eb->w || x1 <= 0;
}

static void flat_quad(ras_edgebuf *eb, const ras_point *q, double tol) {
  if (cull(eb, q, 3)) {
    ras_eb_line(eb, q[2].x, q[2].y);
    return;
  }
  double dd =
      2 * hyp(q[0].x - 2 * q[1].x + q[2].x, q[0].y - 2 * q[1].y + q[2].y);
  int n = ras_flat_segments(dd, tol);
  for (int i = 1; i < n; i++) {
    double t = (double)i / n, u = 1 - t;
    double x = u * u * q[0].x + 2 * u * t * q[1].x + t * t * q[2].x;
    double y = u * u * q[0].y + 2 * u * t * q[1].y + t * t * q[2].y;
    ras_eb_line(eb, x, y);
  }
  ras_eb_line(eb, q[2].x, q[2].y);
}

static void flat_cubic(ras_edgebuf *eb, const ras_point *q, double tol) {
  if (cull(eb, q, 4)) {
    ras_eb_line(eb, q[3].x, q[3].y);
    return;
  }
  double d1 = hyp(q[0].x - 2 * q[1].x + q[2].x, q[0].y - 2 * q[1].y + q[2].y);
  double d2 = hyp(q[1].x - 2 * q[2].x + q[3].x, q[1].y - 2 * q[2].y + q[3].y);
  int n = ras_flat_segments(6 * fmax(d1, d2), tol);
  for (int i = 1; i < n; i++) {
    double t = (double)i / n, u = 1 - t;
    double a = u * u * u, b = 3 * u * u * t, c = 3 * u * t * t, d = t * t * t;
    ras_eb_line(eb, a * q[0].x + b * q[1].x + c * q[2].x + d * q[3].x,
                a * q[0].y + b * q[1].y + c * q[2].y + d * q[3].y);
  }
  ras_eb_line(eb, q[3].x, q[3].y);
}

int ras_eb_fill_path(ras_edgebuf *eb, const ras_path *p, const ras_matrix *m,
                     double tol) {
  size_t k = 0;
  ras_point q[4];
  for (size_t i = 0; i < p->nverbs && !eb->err; i++) {
    int v = p->verbs[i], n = v == RAS_MOVE || v == RAS_LINE ? 1
                             : v == RAS_QUAD                ? 2
                             : v == RAS_CUBIC               ? 3
                                                            : 0;
    if (k + n > p->npts)
      return eb->err = XR_E_INVAL;
    q[0].x = eb->cx;
    q[0].y = eb->cy;
    for (int j = 0; j < n; j++, k++) {
      q[j + 1] = p->pts[k];
      if (m)
        ras_matrix_apply(m, q[j + 1].x, q[j + 1].y, &q[j + 1].x, &q[j + 1].y);
    }
    switch (v) {
    case RAS_MOVE:
      ras_eb_move(eb, q[1].x, q[1].y);
      break;
    case RAS_LINE:
      ras_eb_line(eb, q[1].x, q[1].y);
      break;
    case RAS_QUAD:
      flat_quad(eb, q, tol);
      break;
    case RAS_CUBIC:
      flat_cubic(eb, q, tol);
      break;
    default:
      ras_eb_close(eb);
      break;
    }
  }
  ras_eb_close(eb);
  return eb->err;
}

int ras_eb_bbox(const ras_edgebuf *eb, int *x0, int *y0, int *x1, int *y1) {
  if (eb->n == 0)
    return 0;
  *x0 = eb->bx0 >> RAS_FIX_SHIFT;
  *y0 = eb->by0 >> RAS_FIX_SHIFT;
  *x1 = (eb->bx1 + RAS_FIX_ONE - 1) >> RAS_FIX_SHIFT;
  *y1 = (eb->by1 + RAS_FIX_ONE - 1) >> RAS_FIX_SHIFT;
  if (*x1 > (int)eb->w)
    *x1 = (int)eb->w;
  if (*y1 > (int)eb->h)
    *y1 = (int)eb->h;
  if (*x1 <= *x0)
    *x1 = *x0 + 1; /* vertical edges at x=0 cover to the right */
  return *y1 > *y0;
}
