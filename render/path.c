/* Growable verb/point lists with a point limit (see path.h). */
#include "render/path.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "xpsraster/error.h"
#include "xpsraster/limits.h"

void ras_path_init(ras_path *p, size_t max_pts) {
  memset(p, 0, sizeof *p);
  p->max_pts = max_pts ? max_pts : (size_t)XR_MAX_PATH_POINTS;
}

void ras_path_reset(ras_path *p) {
  size_t max = p->max_pts;
  free(p->verbs);
  free(p->pts);
  ras_path_init(p, max);
}

void ras_path_clear(ras_path *p) {
  p->nverbs = 0;
  p->npts = 0;
  p->has_cur = 0;
  p->cur.x = p->cur.y = 0;
  p->start = p->cur;
}

/* Makes room for one verb and n points. */
static int reserve(ras_path *p, size_t n) {
  if (p->npts + n > p->max_pts)
    return XR_E_LIMIT;
  if (p->nverbs == p->verb_cap) {
    size_t cap = p->verb_cap ? p->verb_cap * 2 : 16;
    uint8_t *v = realloc(p->verbs, cap);
    if (!v)
      return XR_E_NOMEM;
    p->verbs = v;
    p->verb_cap = cap;
  }
  if (p->npts + n > p->pt_cap) {
    size_t cap = p->pt_cap ? p->pt_cap * 2 : 32;
    while (cap < p->npts + n)
      cap *= 2;
    if (cap > p->max_pts)
      cap = p->max_pts;
    ras_point *q = realloc(p->pts, cap * sizeof *q);
    if (!q)
      return XR_E_NOMEM;
    p->pts = q;
    p->pt_cap = cap;
  }
  return 0;
}

static int finite2(double x, double y) {
  return isfinite(x) && isfinite(y);
}

int ras_path_move(ras_path *p, double x, double y) {
  if (!finite2(x, y))
    return XR_E_INVAL;
  /* A move right after a move replaces it: keeps figures non-empty. */
  if (p->nverbs && p->verbs[p->nverbs - 1] == RAS_MOVE) {
    p->pts[p->npts - 1].x = x;
    p->pts[p->npts - 1].y = y;
  } else {
    int rc = reserve(p, 1);
    if (rc)
      return rc;
    p->verbs[p->nverbs++] = RAS_MOVE;
    p->pts[p->npts].x = x;
    p->pts[p->npts].y = y;
    p->npts++;
  }
  p->cur.x = x;
  p->cur.y = y;
  p->start = p->cur;
  p->has_cur = 1;
  return 0;
}

static int implicit_move(ras_path *p) {
  if (p->has_cur)
    return 0;
  return ras_path_move(p, p->cur.x, p->cur.y);
}

int ras_path_line(ras_path *p, double x, double y) {
  if (!finite2(x, y))
    return XR_E_INVAL;
  int rc = implicit_move(p);
  if (rc || (rc = reserve(p, 1)))
    return rc;
  p->verbs[p->nverbs++] = RAS_LINE;
  p->pts[p->npts++] = (ras_point){x, y};
  p->cur = (ras_point){x, y};
  return 0;
}

int ras_path_quad(ras_path *p, double x1, double y1, double x, double y) {
  if (!finite2(x1, y1) || !finite2(x, y))
    return XR_E_INVAL;
  int rc = implicit_move(p);
  if (rc || (rc = reserve(p, 2)))
    return rc;
  p->verbs[p->nverbs++] = RAS_QUAD;
  p->pts[p->npts++] = (ras_point){x1, y1};
  p->pts[p->npts++] = (ras_point){x, y};
  p->cur = (ras_point){x, y};
  return 0;
}

int ras_path_cubic(ras_path *p, double x1, double y1, double x2, double y2,
                   double x, double y) {
  if (!finite2(x1, y1) || !finite2(x2, y2) || !finite2(x, y))
    return XR_E_INVAL;
  int rc = implicit_move(p);
  if (rc || (rc = reserve(p, 3)))
    return rc;
  p->verbs[p->nverbs++] = RAS_CUBIC;
  p->pts[p->npts++] = (ras_point){x1, y1};
  p->pts[p->npts++] = (ras_point){x2, y2};
  p->pts[p->npts++] = (ras_point){x, y};
  p->cur = (ras_point){x, y};
  return 0;
}

int ras_path_close(ras_path *p) {
  if (!p->has_cur || p->nverbs == 0)
    return 0;
  if (p->verbs[p->nverbs - 1] == RAS_CLOSE)
    return 0;
  int rc = reserve(p, 0);
  if (rc)
    return rc;
  p->verbs[p->nverbs++] = RAS_CLOSE;
  /* XPS: after Z the current point is the figure's start, and a drawing
   * command that follows starts a new figure there. */
  p->cur = p->start;
  p->has_cur = 0;
  return 0;
}

int ras_path_append(ras_path *p, const ras_path *src, const ras_matrix *m) {
  size_t k = 0;
  for (size_t i = 0; i < src->nverbs; i++) {
    ras_point q[3];
    int n = 0, rc = 0;
    switch (src->verbs[i]) {
    case RAS_MOVE:
    case RAS_LINE:
      n = 1;
      break;
    case RAS_QUAD:
      n = 2;
      break;
    case RAS_CUBIC:
      n = 3;
      break;
    default:
      break;
    }
    for (int j = 0; j < n; j++, k++) {
      q[j] = src->pts[k];
      if (m)
        ras_matrix_apply(m, q[j].x, q[j].y, &q[j].x, &q[j].y);
    }
    switch (src->verbs[i]) {
    case RAS_MOVE:
      rc = ras_path_move(p, q[0].x, q[0].y);
      break;
    case RAS_LINE:
      rc = ras_path_line(p, q[0].x, q[0].y);
      break;
    case RAS_QUAD:
      rc = ras_path_quad(p, q[0].x, q[0].y, q[1].x, q[1].y);
      break;
    case RAS_CUBIC:
      rc = ras_path_cubic(p, q[0].x, q[0].y, q[1].x, q[1].y, q[2].x, q[2].y);
      break;
    default:
      rc = ras_path_close(p);
      break;
    }
    if (rc)
      return rc;
  }
  return 0;
}

int ras_path_bounds(const ras_path *p, const ras_matrix *m, double *x0,
                    double *y0, double *x1, double *y1) {
  if (p->npts == 0)
    return -1;
  double ax = INFINITY, ay = INFINITY, bx = -INFINITY, by = -INFINITY;
  for (size_t i = 0; i < p->npts; i++) {
    double x = p->pts[i].x, y = p->pts[i].y;
    if (m)
      ras_matrix_apply(m, x, y, &x, &y);
    if (x < ax)
      ax = x;
    if (y < ay)
      ay = y;
    if (x > bx)
      bx = x;
    if (y > by)
      by = y;
  }
  *x0 = ax;
  *y0 = ay;
  *x1 = bx;
  *y1 = by;
  return 0;
}
