/* Path geometry (see geometry.h). */
#include "xps/geometry.h"

#include <math.h>
#include <string.h>

#include "xps/arc.h"
#include "xps/pathdata.h"
#include "xps/resource.h"

void xps_geom_init(xps_geom *g, const xps_ctx *ctx) {
  size_t max = (size_t)xps_limit(ctx, XR_LIMIT_PATH_POINTS);
  ras_path_init(&g->fill, max);
  ras_path_init(&g->stroke, max);
  g->rule = RAS_EVENODD;
  g->split = 0;
}

void xps_geom_reset(xps_geom *g) {
  ras_path_reset(&g->fill);
  ras_path_reset(&g->stroke);
  g->split = 0;
  g->rule = RAS_EVENODD;
}

/* Maps a ras_path failure to a warning or a fatal error. */
static int path_fail(xps_run *r, long line, int rc) {
  if (rc == XR_E_LIMIT)
    return xr_errinfo_set(r->err, XR_E_LIMIT, r->part, line, -1,
                          "path has more than PATH_POINTS (%lld) points",
                          (long long)xps_limit(r->ctx, XR_LIMIT_PATH_POINTS));
  if (rc == XR_E_NOMEM)
    return xr_errinfo_set(r->err, rc, r->part, line, -1, "out of memory");
  xps_run_warn(r, line, "coordinate out of range");
  return XR_E_SYNTAX;
}

static int abbreviated(xps_run *r, const char *v, long line, xps_geom *g,
                       int allow_rule) {
  xps_pathdata_err pe = {0, NULL};
  int rule = g->rule;
  int rc = xps_pathdata_parse(v, &g->fill, &rule, &pe);
  if (rc == XR_E_SYNTAX) {
    xps_run_warn(r, line, "bad path data at offset %zu: %s (near \"%.20s\")",
                 pe.offset, pe.what, v + pe.offset);
    return rc;
  }
  if (rc)
    return path_fail(r, line, rc);
  if (allow_rule)
    g->rule = rule;
  return 0;
}

int xps_geometry_value(xps_run *r, const char *v, long line, xps_geom *g) {
  const xps_node *n;
  xps_rscope *saved;
  int rc = xps_resource_enter(r, v, line, &n, &saved);
  if (rc < 0)
    return rc;
  if (rc == 1) {
    if (strcmp(n->name, "PathGeometry")) {
      xps_run_warn(r, line, "resource is a %s, not a PathGeometry", n->name);
      rc = XR_E_SYNTAX;
    } else {
      rc = xps_geometry_node(r, n, g);
    }
    xps_resource_leave(r, n, saved);
    return rc;
  }
  /* Abbreviated syntax fills with even-odd unless it says F1. */
  g->rule = RAS_EVENODD;
  return abbreviated(r, xps_literal(v), line, g, 1);
}

int xps_geometry_prop(xps_run *r, const xps_node *prop, xps_geom *g) {
  const xps_node *pg = prop->first;
  if (!pg || pg->next || strcmp(pg->name, "PathGeometry")) {
    xps_run_warn(r, prop->line, "%s must hold one PathGeometry", prop->name);
    return XR_E_SYNTAX;
  }
  return xps_geometry_node(r, pg, g);
}

int xps_transform_value(xps_run *r, const char *v, long line, ras_matrix *m) {
  const xps_node *n;
  xps_rscope *saved;
  int rc = xps_resource_enter(r, v, line, &n, &saved);
  if (rc < 0)
    return rc;
  if (rc == 1) {
    const char *mv = xps_node_attr(n, "Matrix");
    if (strcmp(n->name, "MatrixTransform") || !mv) {
      xps_run_warn(r, line, "resource is not a MatrixTransform");
      rc = XR_E_SYNTAX;
    } else if (xps_parse_matrix(mv, m)) {
      xps_run_warn(r, n->line, "bad Matrix '%.60s'", mv);
      rc = XR_E_SYNTAX;
    } else {
      rc = 0;
    }
    xps_resource_leave(r, n, saved);
    return rc;
  }
  if (xps_parse_matrix(xps_literal(v), m)) {
    xps_run_warn(r, line, "bad transform '%.60s'", v);
    return XR_E_SYNTAX;
  }
  return 0;
}

int xps_transform_prop(xps_run *r, const xps_node *prop, ras_matrix *m) {
  const xps_node *t = prop->first;
  const char *mv = t ? xps_node_attr(t, "Matrix") : NULL;
  if (!t || t->next || strcmp(t->name, "MatrixTransform") || !mv) {
    xps_run_warn(r, prop->line, "%s must hold one MatrixTransform", prop->name);
    return XR_E_SYNTAX;
  }
  if (xps_parse_matrix(mv, m)) {
    xps_run_warn(r, t->line, "bad Matrix '%.60s'", mv);
    return XR_E_SYNTAX;
  }
  return 0;
}

/* Reads a "x,y x,y ..." list; calls back per point. */
static int points(xps_run *r, const xps_node *n, const char *name, double *out,
                  size_t max, size_t *count) {
  const char *s = xps_node_attr(n, name);
  if (!s) {
    xps_run_warn(r, n->line, "%s without %s", n->name, name);
    return XR_E_SYNTAX;
  }
  size_t k = 0;
  for (;;) {
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == ',')
      s++;
    if (!*s)
      break;
    double v;
    size_t used = xps_number_scan(s, &v);
    if (!used) {
      xps_run_warn(r, n->line, "bad number in %s: \"%.20s\"", name, s);
      return XR_E_SYNTAX;
    }
    if (k == max)
      return XR_E_LIMIT;
    out[k++] = v;
    s += used;
  }
  if (k % 2) {
    xps_run_warn(r, n->line, "odd number of coordinates in %s", name);
    return XR_E_SYNTAX;
  }
  *count = k / 2;
  return 0;
}

static int attr_bool(xps_run *r, const xps_node *n, const char *name, int def,
                     int *out) {
  const char *v = xps_node_attr(n, name);
  *out = def;
  if (v && xps_parse_bool(v, out)) {
    xps_run_warn(r, n->line, "bad %s '%.20s'", name, v);
    return XR_E_SYNTAX;
  }
  return 0;
}

/* Coordinates of one segment element, in a buffer sized for the point
 * limit the path has left. */
typedef struct coords {
  double *v;
  size_t cap;
} coords;

static int seg_points(xps_run *r, const xps_node *seg, const char *attr,
                      coords *c, size_t *n) {
  /* Count first so the buffer never exceeds what the limit allows. */
  const char *s = xps_node_attr(seg, attr);
  size_t need = 0;
  if (s)
    for (const char *p = s; *p; p++)
      need += *p == ',' || *p == ' ';
  need = need * 2 + 4;
  size_t lim = (size_t)xps_limit(r->ctx, XR_LIMIT_PATH_POINTS) * 2 + 4;
  if (need > lim)
    need = lim;
  if (need > c->cap) {
    double *v = xps_arena_alloc(&r->arena, need * sizeof *v);
    if (!v)
      return XR_E_NOMEM;
    c->v = v;
    c->cap = need;
  }
  int rc = points(r, seg, attr, c->v, c->cap, n);
  if (rc == XR_E_LIMIT)
    return path_fail(r, seg->line, XR_E_LIMIT);
  return rc;
}

static int figure(xps_run *r, const xps_node *fig, xps_geom *g, coords *c) {
  const char *sp = xps_node_attr(fig, "StartPoint");
  double st[2];
  size_t n;
  int closed, filled, rc;
  if ((rc = attr_bool(r, fig, "IsClosed", 0, &closed)) ||
      (rc = attr_bool(r, fig, "IsFilled", 1, &filled)))
    return rc;
  if (!sp) {
    xps_run_warn(r, fig->line, "PathFigure without StartPoint");
    return XR_E_SYNTAX;
  }
  if ((rc = points(r, fig, "StartPoint", st, 2, &n)) || n != 1) {
    if (rc != XR_E_SYNTAX)
      xps_run_warn(r, fig->line, "bad StartPoint");
    return XR_E_SYNTAX;
  }
  ras_path *fp = &g->fill, *sp_ = &g->stroke;
  if (!filled)
    g->split = 1;
  if ((filled && (rc = ras_path_move(fp, st[0], st[1]))) ||
      (rc = ras_path_move(sp_, st[0], st[1])))
    return path_fail(r, fig->line, rc);
  int all_stroked = 1;
  for (const xps_node *s = fig->first; s; s = s->next) {
    int stroked;
    if ((rc = attr_bool(r, s, "IsStroked", 1, &stroked)))
      return rc;
    int arc = !strcmp(s->name, "ArcSegment");
    int per = !strcmp(s->name, "PolyLineSegment")              ? 1
              : !strcmp(s->name, "PolyBezierSegment")          ? 3
              : !strcmp(s->name, "PolyQuadraticBezierSegment") ? 2
                                                               : 0;
    if (!arc && !per) {
      xps_run_warn(r, s->line, "unknown segment <%s>", s->name);
      return XR_E_SYNTAX;
    }
    double arcv[6];
    int large = 0, sweep = 0;
    if (arc) {
      const char *sd = xps_node_attr(s, "SweepDirection");
      const char *ra = xps_node_attr(s, "RotationAngle");
      double sz[2];
      size_t k;
      arcv[2] = 0;
      if ((rc = points(r, s, "Point", arcv, 2, &n)) || n != 1 ||
          (rc = points(r, s, "Size", sz, 2, &k)) || k != 1 ||
          (ra && xps_parse_double(ra, &arcv[2])) ||
          (rc = attr_bool(r, s, "IsLargeArc", 0, &large))) {
        if (!rc)
          xps_run_warn(r, s->line, "bad ArcSegment");
        return XR_E_SYNTAX;
      }
      if (!sd || !strcmp(sd, "Counterclockwise"))
        sweep = 0;
      else if (!strcmp(sd, "Clockwise"))
        sweep = 1;
      else {
        xps_run_warn(r, s->line, "bad SweepDirection '%.20s'", sd);
        return XR_E_SYNTAX;
      }
      if (sz[0] < 0 || sz[1] < 0) {
        xps_run_warn(r, s->line, "negative arc Size");
        return XR_E_SYNTAX;
      }
      arcv[3] = sz[0];
      arcv[4] = sz[1];
      n = 1;
    } else {
      if ((rc = seg_points(r, s, "Points", c, &n)))
        return rc;
      if (n % (size_t)per) {
        xps_run_warn(r, s->line, "%s needs points in multiples of %d", s->name,
                     per);
        return XR_E_SYNTAX;
      }
    }
    if (!stroked)
      all_stroked = 0, g->split = 1;
    /* Filled path gets every segment; stroked path skips unstroked ones. */
    for (int which = 0; which < 2; which++) {
      ras_path *p = which ? sp_ : fp;
      if (which == 0 && !filled)
        continue;
      if (which == 1 && !stroked) {
        if (!n)
          continue;
        double ex = arc ? arcv[0] : c->v[2 * n - 2];
        double ey = arc ? arcv[1] : c->v[2 * n - 1];
        if ((rc = ras_path_move(p, ex, ey)))
          return path_fail(r, s->line, rc);
        continue;
      }
      if (arc) {
        rc = xps_arc_to(p, arcv[3], arcv[4], arcv[2], large, sweep, arcv[0],
                        arcv[1]);
      } else {
        const double *v = c->v;
        for (size_t i = 0; i < n && !rc; i += (size_t)per, v += 2 * per) {
          if (per == 1)
            rc = ras_path_line(p, v[0], v[1]);
          else if (per == 2)
            rc = ras_path_quad(p, v[0], v[1], v[2], v[3]);
          else
            rc = ras_path_cubic(p, v[0], v[1], v[2], v[3], v[4], v[5]);
        }
      }
      if (rc)
        return path_fail(r, s->line, rc);
    }
  }
  if (filled && closed && (rc = ras_path_close(fp)))
    return path_fail(r, fig->line, rc);
  if (closed) {
    if (all_stroked)
      rc = ras_path_close(sp_);
    else
      rc = ras_path_line(sp_, st[0], st[1]);
    if (rc)
      return path_fail(r, fig->line, rc);
  }
  return 0;
}

int xps_geometry_node(xps_run *r, const xps_node *pg, xps_geom *g) {
  if (strcmp(pg->name, "PathGeometry")) {
    xps_run_warn(r, pg->line, "<%s> is not a PathGeometry", pg->name);
    return XR_E_SYNTAX;
  }
  int rc;
  const char *fr = xps_node_attr(pg, "FillRule");
  const char *fig = xps_node_attr(pg, "Figures");
  const char *tv = xps_node_attr(pg, "Transform");
  ras_matrix m = ras_matrix_identity();
  int has_m = 0;
  xps_arena_mark mark = xps_arena_save(&r->arena);
  xps_geom tmp;
  xps_geom_init(&tmp, r->ctx);
  if (!fr || !strcmp(fr, "EvenOdd"))
    tmp.rule = RAS_EVENODD;
  else if (!strcmp(fr, "NonZero"))
    tmp.rule = RAS_NONZERO;
  else {
    xps_run_warn(r, pg->line, "bad FillRule '%.20s'", fr);
    return XR_E_SYNTAX;
  }
  if (tv && (rc = xps_transform_value(r, tv, pg->line, &m)))
    goto done;
  has_m = tv != NULL;
  if (fig && (rc = abbreviated(r, fig, pg->line, &tmp, 0)))
    goto done;
  /* The stroke path needs them too, in case a figure below splits. */
  if (fig && (rc = ras_path_append(&tmp.stroke, &tmp.fill, NULL))) {
    rc = path_fail(r, pg->line, rc);
    goto done;
  }
  coords c = {NULL, 0};
  rc = 0;
  for (const xps_node *n = pg->first; n && !rc; n = n->next) {
    if (!strcmp(n->name, "PathGeometry.Transform")) {
      if (has_m) {
        xps_run_warn(r, n->line, "Transform given twice");
        rc = XR_E_SYNTAX;
      } else {
        rc = xps_transform_prop(r, n, &m);
        has_m = 1;
      }
    } else if (!strcmp(n->name, "PathFigure")) {
      rc = figure(r, n, &tmp, &c);
    } else {
      xps_run_warn(r, n->line, "unexpected <%s> in PathGeometry", n->name);
      rc = XR_E_SYNTAX;
    }
  }
  if (rc)
    goto done;
  /* Abbreviated figures went only into fill; mirror them when split. */
  g->rule = tmp.rule;
  if (tmp.split)
    g->split = 1;
  const ras_matrix *mp = has_m ? &m : NULL;
  if ((rc = ras_path_append(&g->fill, &tmp.fill, mp)))
    rc = path_fail(r, pg->line, rc);
  else if (g->split && (rc = ras_path_append(&g->stroke, &tmp.stroke, mp)))
    rc = path_fail(r, pg->line, rc);
done:
  xps_geom_reset(&tmp);
  xps_arena_release(&r->arena, mark);
  return rc;
}

typedef struct box {
  double x0, y0, x1, y1;
} box;

static void grow(box *b, double x, double y) {
  if (x < b->x0)
    b->x0 = x;
  if (x > b->x1)
    b->x1 = x;
  if (y < b->y0)
    b->y0 = y;
  if (y > b->y1)
    b->y1 = y;
}

/* Adds the interior extrema of one coordinate of a cubic with values
 * p0..p3, at the parameters where its derivative is zero. */
static int cubic_roots(double p0, double p1, double p2, double p3,
                       double t[2]) {
  double a = -p0 + 3 * p1 - 3 * p2 + p3;
  double b = 2 * (p0 - 2 * p1 + p2);
  double c = p1 - p0;
  int n = 0;
  if (fabs(a) < 1e-12) {
    if (fabs(b) > 1e-12)
      t[n++] = -c / b;
  } else {
    double d = b * b - 4 * a * c;
    if (d >= 0) {
      double s = sqrt(d);
      t[n++] = (-b + s) / (2 * a);
      t[n++] = (-b - s) / (2 * a);
    }
  }
  return n;
}

static double cubic_at(double p0, double p1, double p2, double p3, double t) {
  double u = 1 - t;
  return u * u * u * p0 + 3 * u * u * t * p1 + 3 * u * t * t * p2 +
         t * t * t * p3;
}

int xps_path_tight_bounds(const ras_path *p, const ras_matrix *m, double *x0,
                          double *y0, double *x1, double *y1) {
  if (!p->npts)
    return -1;
  box b = {INFINITY, INFINITY, -INFINITY, -INFINITY};
  ras_point prev = {0, 0};
  size_t k = 0;
  for (size_t i = 0; i < p->nverbs; i++) {
    ras_point q[4];
    int n = p->verbs[i] == RAS_MOVE || p->verbs[i] == RAS_LINE ? 1
            : p->verbs[i] == RAS_QUAD                          ? 2
            : p->verbs[i] == RAS_CUBIC                         ? 3
                                                               : 0;
    q[0] = prev;
    for (int j = 0; j < n; j++) {
      q[j + 1] = p->pts[k++];
      if (m)
        ras_matrix_apply(m, q[j + 1].x, q[j + 1].y, &q[j + 1].x, &q[j + 1].y);
    }
    if (!n)
      continue;
    grow(&b, q[n].x, q[n].y);
    if (n == 2) {
      /* Quadratic as a cubic with the same extrema. */
      ras_point c1 = {q[0].x + 2.0 / 3 * (q[1].x - q[0].x),
                      q[0].y + 2.0 / 3 * (q[1].y - q[0].y)};
      ras_point c2 = {q[2].x + 2.0 / 3 * (q[1].x - q[2].x),
                      q[2].y + 2.0 / 3 * (q[1].y - q[2].y)};
      q[3] = q[2];
      q[1] = c1;
      q[2] = c2;
      n = 3;
    }
    if (n == 3) {
      double t[2];
      int c = cubic_roots(q[0].x, q[1].x, q[2].x, q[3].x, t);
      for (int j = 0; j < c; j++)
        if (t[j] > 0 && t[j] < 1)
          grow(&b, cubic_at(q[0].x, q[1].x, q[2].x, q[3].x, t[j]),
               cubic_at(q[0].y, q[1].y, q[2].y, q[3].y, t[j]));
      c = cubic_roots(q[0].y, q[1].y, q[2].y, q[3].y, t);
      for (int j = 0; j < c; j++)
        if (t[j] > 0 && t[j] < 1)
          grow(&b, cubic_at(q[0].x, q[1].x, q[2].x, q[3].x, t[j]),
               cubic_at(q[0].y, q[1].y, q[2].y, q[3].y, t[j]));
    }
    prev = q[n];
  }
  *x0 = b.x0, *y0 = b.y0, *x1 = b.x1, *y1 = b.y1;
  return 0;
}
