/* Cell accumulation and row sweeps (see scan.h). */
#include "render/scan.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "render/device.h"
#include "xpsraster/error.h"

/* One full pixel in cov2 units: cover is in 1/256 rows, area in
 * 1/(2*256*256) pixels, so 2 * 256 * 256. */
#define FULL (1u << 17)

void ras_scan_init(ras_scan *s) {
  memset(s, 0, sizeof *s);
}

void ras_scan_free(ras_scan *s) {
  free(s->cells);
  free(s->alpha);
  free(s->bits);
  ras_scan_init(s);
}

int ras_scan_reserve(ras_scan *s, int w) {
  if (w < 0)
    return XR_E_INVAL;
  if (w > s->cap || !s->cells) {
    size_t n = (size_t)w + 2, words = (n + 63) / 64;
    ras_cell *c = calloc(n * RAS_BLOCK_ROWS, sizeof *c);
    uint8_t *a = malloc(n);
    uint64_t *b = calloc(words * RAS_BLOCK_ROWS, sizeof *b);
    if (!c || !a || !b) {
      free(c);
      free(a);
      free(b);
      return XR_E_NOMEM;
    }
    free(s->cells);
    free(s->alpha);
    free(s->bits);
    s->cells = c;
    s->alpha = a;
    s->bits = b;
    s->words = words;
    s->cap = w;
  }
  s->w = w;
  for (int i = 0; i < RAS_BLOCK_ROWS; i++) {
    s->minx[i] = INT32_MAX;
    s->maxx[i] = -1;
  }
  return 0;
}

static inline void add(ras_scan *s, ras_cell *row, int r, int c, int32_t dy,
                       int32_t fx) {
  if (!dy)
    return;
  row[c].cover += (uint32_t)dy;
  row[c].area += (uint32_t)dy * (uint32_t)fx;
  s->bits[(size_t)r * s->words + ((unsigned)c >> 6)] |= (uint64_t)1 << (c & 63);
}

/* Widens row r's touched range to [a, b] (callers do it once per piece,
 * not per cell). */
static inline void touch(ras_scan *s, int r, int32_t a, int32_t b) {
  if (a > b) {
    int32_t t = a;
    a = b;
    b = t;
  }
  if (a < s->minx[r])
    s->minx[r] = a;
  if (b > s->maxx[r])
    s->maxx[r] = b;
}

/* A piece of an edge inside row r, given top to bottom (ya < yb, relative
 * to the row, 0..256); dir is +1 for a downward edge, -1 for an upward
 * one. Crossing points are computed from the top point whatever the
 * direction, so an edge and its reverse cancel exactly. */
static void row_line(ras_scan *s, int r, int32_t xa, int32_t ya, int32_t xb,
                     int32_t yb, int32_t dir) {
  if (ya == yb)
    return;
  ras_cell *row = s->cells + (size_t)r * ((size_t)s->cap + 2);
  int32_t ca = xa >> RAS_FIX_SHIFT, cb = xb >> RAS_FIX_SHIFT;
  touch(s, r, ca, cb);
  if (ca == cb) {
    int32_t base = ca << RAS_FIX_SHIFT;
    add(s, row, r, ca, (yb - ya) * dir, (xa - base) + (xb - base));
    return;
  }
  /* y where the piece crosses each column boundary X, exactly
   * ya + floor(dy * |X - xa| / |dx|), stepped by quotient and remainder
   * instead of a division per column. */
  int64_t dy = (int64_t)yb - ya;
  int64_t adx = xa < xb ? (int64_t)xb - xa : (int64_t)xa - xb;
  if (cb - ca == 1 || ca - cb == 1) {
    /* Two cells, the common case for steep edges: one division. */
    int32_t X = (xa < xb ? cb : ca) << RAS_FIX_SHIFT;
    int32_t Y = (int32_t)(ya + dy * (xa < xb ? X - xa : xa - X) / adx);
    int32_t bx = ca << RAS_FIX_SHIFT;
    add(s, row, r, ca, (Y - ya) * dir, (xa - bx) + (xa < xb ? RAS_FIX_ONE : 0));
    bx = cb << RAS_FIX_SHIFT;
    add(s, row, r, cb, (yb - Y) * dir, (xa < xb ? 0 : RAS_FIX_ONE) + (xb - bx));
    return;
  }
  int64_t Q = (dy << RAS_FIX_SHIFT) / adx, R = (dy << RAS_FIX_SHIFT) % adx;
  int32_t px = xa, py = ya;
  if (xa < xb) {
    int64_t n = dy * (((int64_t)(ca + 1) << RAS_FIX_SHIFT) - xa);
    int64_t q = n / adx, rm = n % adx;
    for (int32_t c = ca; c < cb; c++) {
      int32_t X = (c + 1) << RAS_FIX_SHIFT;
      int32_t Y = (int32_t)(ya + q);
      add(s, row, r, c, (Y - py) * dir,
          (px - (c << RAS_FIX_SHIFT)) + RAS_FIX_ONE);
      px = X;
      py = Y;
      q += Q;
      rm += R;
      if (rm >= adx) {
        q++;
        rm -= adx;
      }
    }
  } else {
    int64_t n = dy * ((int64_t)xa - ((int64_t)ca << RAS_FIX_SHIFT));
    int64_t q = n / adx, rm = n % adx;
    for (int32_t c = ca; c > cb; c--) {
      int32_t X = c << RAS_FIX_SHIFT;
      int32_t Y = (int32_t)(ya + q);
      add(s, row, r, c, (Y - py) * dir, px - X);
      px = X;
      py = Y;
      q += Q;
      rm += R;
      if (rm >= adx) {
        q++;
        rm -= adx;
      }
    }
  }
  int32_t base = cb << RAS_FIX_SHIFT;
  add(s, row, r, cb, (yb - py) * dir, (px - base) + (xb - base));
}

/* Aliased edges: a pixel is inside when the winding at its centre is
 * (top-left rule: a centre exactly on an edge counts as right of it). Each
 * edge adds a full step of cover at the first pixel whose centre lies at or
 * right of where it crosses the row's centre line. */
static void edge_rows_aliased(ras_scan *s, const ras_edge *e, int r0, int r1) {
  int32_t dir = 1, xt = e->x0, yt = e->y0, xb = e->x1, yb = e->y1;
  if (yt > yb) {
    dir = -1;
    xt = e->x1;
    yt = e->y1;
    xb = e->x0;
    yb = e->y0;
  }
  /* Rows whose centre r*256+128 lies in [yt, yb). */
  int ra = (yt - RAS_FIX_ONE / 2 + RAS_FIX_ONE - 1) >> RAS_FIX_SHIFT;
  int rb = (yb - RAS_FIX_ONE / 2 - 1) >> RAS_FIX_SHIFT;
  if (ra < r0)
    ra = r0;
  if (rb > r1 - 1)
    rb = r1 - 1;
  int64_t dx = (int64_t)xb - xt, dy = (int64_t)yb - yt;
  for (int r = ra; r <= rb; r++) {
    int32_t yc = (r << RAS_FIX_SHIFT) + RAS_FIX_ONE / 2;
    int32_t xc = (int32_t)(xt + dx * (yc - yt) / dy);
    int32_t c = (xc - RAS_FIX_ONE / 2 + RAS_FIX_ONE - 1) >> RAS_FIX_SHIFT;
    if (c < 0)
      c = 0;
    if (c > s->w)
      c = s->w;
    ras_cell *row = s->cells + (size_t)(r - r0) * ((size_t)s->cap + 2);
    touch(s, r - r0, c, c);
    add(s, row, r - r0, c, RAS_FIX_ONE * dir, 0);
  }
}

/* Adds edge e over absolute rows [r0, r1). The x of the edge on a row
 * boundary y is xt + trunc(dx * (y - yt) / dy), from the edge's own top
 * point, never from a previous row, so it does not depend on where a band
 * starts; after the first row it is stepped by quotient and remainder,
 * which gives the same exact values without a division per row. */
static void edge_rows(ras_scan *s, const ras_edge *e, int r0, int r1) {
  int32_t dir = 1, xt = e->x0, yt = e->y0, xb = e->x1, yb = e->y1;
  if (yt > yb) {
    dir = -1;
    xt = e->x1;
    yt = e->y1;
    xb = e->x0;
    yb = e->y0;
  }
  int ra = yt >> RAS_FIX_SHIFT, rb = (yb - 1) >> RAS_FIX_SHIFT;
  if (ra < r0)
    ra = r0;
  if (rb > r1 - 1)
    rb = r1 - 1;
  if (ra > rb)
    return;
  int64_t dx = (int64_t)xb - xt, dy = (int64_t)yb - yt;
  int64_t adx = dx < 0 ? -dx : dx, sg = dx < 0 ? -1 : 1;
  int32_t rt0 = ra << RAS_FIX_SHIFT;
  int32_t xprev = rt0 <= yt ? xt : (int32_t)(xt + sg * (adx * (rt0 - yt) / dy));
  int64_t n = adx * ((int64_t)rt0 + RAS_FIX_ONE - yt);
  int64_t q = n / dy, rm = n % dy;
  int64_t Q = (adx << RAS_FIX_SHIFT) / dy, R = (adx << RAS_FIX_SHIFT) % dy;
  for (int r = ra; r <= rb; r++) {
    int32_t rt = r << RAS_FIX_SHIFT;
    int32_t lo = yt > rt ? yt : rt;
    int32_t hi = rt + RAS_FIX_ONE;
    int32_t xhi;
    if (yb <= hi) {
      hi = yb;
      xhi = xb;
    } else {
      xhi = (int32_t)(xt + sg * q);
      q += Q;
      rm += R;
      if (rm >= dy) {
        q++;
        rm -= dy;
      }
    }
    row_line(s, r - r0, xprev, lo - rt, xhi, hi - rt, dir);
    xprev = xhi;
  }
}

static inline int cov_rule(uint32_t c, int rule, int aliased) {
  uint32_t v;
  if (rule == RAS_EVENODD) {
    v = c & (2 * FULL - 1);
    if (v > FULL)
      v = 2 * FULL - v;
  } else {
    v = (int32_t)c < 0 ? 0u - c : c;
    if (v > FULL)
      v = FULL;
  }
  if (aliased)
    return v >= FULL / 2 ? 255 : 0;
  return (int)((v * 255 + FULL / 2) >> 17);
}

static inline void emit(ras_span_fn fn, void *ud, int y, int x, int len,
                        const uint8_t *cov, int a, int cx0, int cx1) {
  if (x < cx0) {
    if (cov)
      cov += cx0 - x;
    len -= cx0 - x;
    x = cx0;
  }
  if (x + len > cx1)
    len = cx1 - x;
  if (len > 0)
    fn(ud, y, x, len, cov, a);
}

/* A run of touched cells [a, b): per-pixel coverage, zero ends dropped. */
static inline void emit_run(ras_span_fn fn, void *ud, int y, int a, int b,
                            const uint8_t *al, int cx0, int cx1) {
  while (a < b && !al[a])
    a++;
  while (b > a && !al[b - 1])
    b--;
  if (b > a)
    emit(fn, ud, y, a, b - a, al + a, 0, cx0, cx1);
}

void ras_scan_fill(ras_scan *s, const ras_edge *e, size_t n, int r0, int r1,
                   int rule, int aliased, int cx0, int cx1, ras_span_fn fn,
                   void *ud) {
  if (aliased)
    for (size_t i = 0; i < n; i++)
      edge_rows_aliased(s, e + i, r0, r1);
  else
    for (size_t i = 0; i < n; i++)
      edge_rows(s, e + i, r0, r1);
  int w = s->w;
  if (cx1 > w)
    cx1 = w;
  if (cx0 < 0)
    cx0 = 0;
  for (int r = 0; r < r1 - r0; r++) {
    int lo = s->minx[r], hi = s->maxx[r];
    if (hi < lo)
      continue;
    s->minx[r] = INT32_MAX;
    s->maxx[r] = -1;
    ras_cell *row = s->cells + (size_t)r * ((size_t)s->cap + 2);
    uint64_t *bits = s->bits + (size_t)r * s->words;
    uint8_t *al = s->alpha;
    uint32_t acc = 0;
    int y = r0 + r;
    int x = lo;   /* first pixel not yet emitted */
    int run = -1; /* start of the current run of touched cells */
    for (size_t wi = (size_t)lo >> 6; wi <= (size_t)hi >> 6; wi++) {
      uint64_t word = bits[wi];
      bits[wi] = 0;
      while (word) {
        int c = (int)(wi * 64) + __builtin_ctzll(word);
        word &= word - 1;
        if (run >= 0 && c != x) {
          emit_run(fn, ud, y, run, x, al, cx0, cx1);
          run = -1;
        }
        if (run < 0) {
          int a = cov_rule(acc * 512u, rule, aliased);
          if (a && c > x)
            emit(fn, ud, y, x, c - x, NULL, a, cx0, cx1);
          run = c;
        }
        acc += row[c].cover;
        al[c] = (uint8_t)cov_rule(acc * 512u - row[c].area, rule, aliased);
        row[c].cover = row[c].area = 0;
        x = c + 1;
      }
    }
    if (run >= 0)
      emit_run(fn, ud, y, run, x, al, cx0, cx1);
    /* Edges right of the box were dropped: the coverage runs on. */
    int a = cov_rule(acc * 512u, rule, aliased);
    if (a && x < w)
      emit(fn, ud, y, x, w - x, NULL, a, cx0, cx1);
  }
}
