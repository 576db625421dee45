/* Polygon stroker with caps, joins and dashes (see stroke.h). */
#include "render/stroke.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "xpsraster/error.h"

typedef struct pt {
  double x, y;
} pt;

typedef struct stroker {
  ras_edgebuf *eb;
  ras_matrix m;    /* user to device */
  double hw;       /* half width, user units */
  double tol;      /* flattening tolerance, user units */
  double arc_step; /* max angle per arc segment */
  int join;
  double miter;
  int err;
  pt *pts; /* flattened figure */
  size_t n, cap;
  pt *dash; /* one dash piece */
  size_t dn, dcap;
} stroker;

static pt P(double x, double y) {
  return (pt){x, y};
}
static pt add(pt a, pt b) {
  return P(a.x + b.x, a.y + b.y);
}
static pt sub(pt a, pt b) {
  return P(a.x - b.x, a.y - b.y);
}
static pt mul(pt a, double s) {
  return P(a.x * s, a.y * s);
}
static double dot(pt a, pt b) {
  return a.x * b.x + a.y * b.y;
}
static double cross(pt a, pt b) {
  return a.x * b.y - a.y * b.x;
}
static double len(pt a) {
  return sqrt(a.x * a.x + a.y * a.y);
}
/* Left normal of a unit direction. */
static pt left(pt d) {
  return P(-d.y, d.x);
}
static pt rot(pt u, double t) {
  double c = cos(t), s = sin(t);
  return P(u.x * c - u.y * s, u.x * s + u.y * c);
}

static void out_move(stroker *s, pt p) {
  double x, y;
  ras_matrix_apply(&s->m, p.x, p.y, &x, &y);
  ras_eb_move(s->eb, x, y);
}
static void out_line(stroker *s, pt p) {
  double x, y;
  ras_matrix_apply(&s->m, p.x, p.y, &x, &y);
  ras_eb_line(s->eb, x, y);
}

/* Arc around c of radius hw from unit vector u, sweeping angle sw
 * (excluding the start point). */
static void arc(stroker *s, pt c, pt u, double sw) {
  /* Replacing an arc by its chord changes the winding only between the
   * two, inside the arc's disk: when that disk is off the device box the
   * chord is exact. Hostile dashes at a huge scale otherwise cost
   * RAS_FLAT_MAX_SEGS segments per cap, all of them off the page. */
  const ras_matrix *m = &s->m;
  double x, y;
  ras_matrix_apply(m, c.x, c.y, &x, &y);
  double r = 1.26 * s->hw * /* k below is at most 1.2533 */
             sqrt(m->a * m->a + m->b * m->b + m->c * m->c + m->d * m->d);
  if (x + r < 0 || y + r < 0 || x - r > s->eb->w || y - r > s->eb->h) {
    out_line(s, add(c, mul(rot(u, sw), s->hw)));
    return;
  }
  int n = (int)ceil(fabs(sw) / s->arc_step);
  if (n < 1)
    n = 1;
  if (n > RAS_FLAT_MAX_SEGS)
    n = RAS_FLAT_MAX_SEGS;
  /* Inner points sit slightly outside the circle so that each chord's
   * wedge has the sector's area: filled arcs keep their exact area. */
  double th = fabs(sw) / n;
  double k = th > 1e-6 ? sqrt(th / sin(th)) : 1;
  for (int i = 1; i < n; i++)
    out_line(s, add(c, mul(rot(u, sw * i / n), s->hw * k)));
  out_line(s, add(c, mul(rot(u, sw), s->hw)));
}

/* Cap at p for travel direction d: from p + left*hw to p - left*hw. */
static void cap(stroker *s, pt p, pt d, int kind) {
  pt l = left(d), hw = mul(l, s->hw), ext = mul(d, s->hw);
  switch (kind) {
  case RAS_CAP_SQUARE:
    out_line(s, add(add(p, hw), ext));
    out_line(s, add(sub(p, hw), ext));
    out_line(s, sub(p, hw));
    break;
  case RAS_CAP_TRIANGLE:
    out_line(s, add(p, ext));
    out_line(s, sub(p, hw));
    break;
  case RAS_CAP_ROUND:
    arc(s, p, l, -M_PI);
    break;
  default:
    out_line(s, sub(p, hw));
    break;
  }
}

/* Join at p on the left side, from direction d0 to d1; the current point
 * is p + left(d0)*hw. */
static void join(stroker *s, pt p, pt d0, pt d1) {
  pt l0 = left(d0), l1 = left(d1);
  pt a = add(p, mul(l0, s->hw)), b = add(p, mul(l1, s->hw));
  double cr = cross(d0, d1), dt = dot(d0, d1);
  if (cr > 0 || (cr == 0 && dt > 0)) {
    /* Inner side (or straight): through the vertex keeps the winding. */
    if (cr != 0)
      out_line(s, p);
    out_line(s, b);
    return;
  }
  switch (s->join) {
  case RAS_JOIN_ROUND: {
    double sw = atan2(cross(l0, l1), dot(l0, l1));
    if (cr == 0) /* reversal: go round the front */
      sw = dot(rot(l0, -M_PI / 2), d0) > 0 ? -M_PI : M_PI;
    arc(s, p, l0, sw);
    break;
  }
  case RAS_JOIN_MITER: {
    pt v = add(l0, l1);
    double vl2 = dot(v, v);
    if (vl2 > 1e-12) {
      /* Distance p -> miter tip is hw * 2/|v|; XPS clips the miter at
       * miter_limit * hw from p rather than beveling it. */
      double vl = sqrt(vl2), tip = 2 / vl, lim = s->miter;
      pt m = add(p, mul(v, 2 * s->hw / vl2));
      if (tip <= lim) {
        out_line(s, m);
      } else {
        double base = vl / 2; /* projection of a - p on v, over hw */
        double t = (lim - base) / (tip - base);
        if (t > 0) {
          out_line(s, add(a, mul(sub(m, a), t)));
          out_line(s, add(b, mul(sub(m, b), t)));
        }
      }
    }
    out_line(s, b);
    break;
  }
  default:
    out_line(s, b);
    break;
  }
}

static pt dir(pt a, pt b) {
  pt d = sub(b, a);
  double l = len(d);
  return l > 0 ? mul(d, 1 / l) : P(1, 0);
}

/* A figure reduced to one point: a dot for round and square caps. */
static void dot_cap(stroker *s, pt p, pt d, int kind) {
  if (kind != RAS_CAP_ROUND && kind != RAS_CAP_SQUARE)
    return;
  pt l = left(d);
  out_move(s, add(p, mul(l, s->hw)));
  cap(s, p, d, kind);
  cap(s, p, mul(d, -1), kind);
  ras_eb_close(s->eb);
}

/* Strokes q[0..n) (no two consecutive points equal). hint is the travel
 * direction used when n == 1. */
static void stroke_poly(stroker *s, const pt *q, size_t n, int closed, int scap,
                        int ecap, pt hint) {
  if (n == 0)
    return;
  if (n == 1) {
    dot_cap(s, q[0], hint, scap);
    return;
  }
  if (closed && n >= 3) {
    for (int side = 0; side < 2; side++) {
      /* side 1 walks the figure backwards: its left is our right. */
#define Q(i) (side ? q[(n - (i)) % n] : q[(i) % n])
      pt d0 = dir(Q(0), Q(1));
      out_move(s, add(Q(0), mul(left(d0), s->hw)));
      for (size_t i = 1; i <= n; i++) {
        pt d1 = dir(Q(i), Q(i + 1));
        out_line(s, add(Q(i), mul(left(d0), s->hw)));
        join(s, Q(i), d0, d1);
        d0 = d1;
      }
      ras_eb_close(s->eb);
#undef Q
    }
    return;
  }
  pt d0 = dir(q[0], q[1]);
  out_move(s, add(q[0], mul(left(d0), s->hw)));
  for (size_t i = 1; i + 1 < n; i++) {
    pt d1 = dir(q[i], q[i + 1]);
    out_line(s, add(q[i], mul(left(d0), s->hw)));
    join(s, q[i], d0, d1);
    d0 = d1;
  }
  out_line(s, add(q[n - 1], mul(left(d0), s->hw)));
  cap(s, q[n - 1], d0, ecap);
  d0 = dir(q[n - 1], q[n - 2]);
  for (size_t i = n - 2; i >= 1; i--) {
    pt d1 = dir(q[i], q[i - 1]);
    out_line(s, add(q[i], mul(left(d0), s->hw)));
    join(s, q[i], d0, d1);
    d0 = d1;
  }
  out_line(s, add(q[0], mul(left(d0), s->hw)));
  cap(s, q[0], d0, scap);
  ras_eb_close(s->eb);
}

static int grow(pt **v, size_t *cap, size_t need) {
  if (need <= *cap)
    return 0;
  if (need > RAS_STROKE_MAX_POINTS)
    return XR_E_LIMIT;
  size_t c = *cap ? *cap : 64;
  while (c < need)
    c *= 2;
  pt *nv = realloc(*v, c * sizeof *nv);
  if (!nv)
    return XR_E_NOMEM;
  *v = nv;
  *cap = c;
  return 0;
}

static void fig_point(stroker *s, pt p) {
  if (s->err)
    return;
  if (s->n && s->pts[s->n - 1].x == p.x && s->pts[s->n - 1].y == p.y)
    return;
  int rc = grow(&s->pts, &s->cap, s->n + 1);
  if (rc) {
    s->err = rc;
    return;
  }
  s->pts[s->n++] = p;
}

static void dash_point(stroker *s, pt p) {
  if (s->err)
    return;
  if (s->dn && s->dash[s->dn - 1].x == p.x && s->dash[s->dn - 1].y == p.y)
    return;
  int rc = grow(&s->dash, &s->dcap, s->dn + 1);
  if (rc) {
    s->err = rc;
    return;
  }
  s->dash[s->dn++] = p;
}

/* Dashes along the current figure. */
static void stroke_dashed(stroker *s, const ras_stroke *st, double unit,
                          int closed) {
  size_t n = s->n, nseg = closed ? n : n - 1;
  double total = 0, plen = 0;
  for (int i = 0; i < st->ndashes; i++)
    plen += fabs(st->dashes[i]) * unit;
  for (size_t i = 0; i < nseg; i++)
    total += len(sub(s->pts[(i + 1) % n], s->pts[i]));
  if (!(plen > 0) || !isfinite(plen) ||
      total / plen * st->ndashes > RAS_STROKE_MAX_DASHES) {
    stroke_poly(s, s->pts, n, closed, st->start_cap, st->end_cap, P(1, 0));
    return;
  }
  /* Phase: where in the pattern the figure starts. */
  double off = fmod(st->dash_offset * unit, plen);
  if (off < 0)
    off += plen;
  int di = 0;
  while (off >= fabs(st->dashes[di]) * unit && off > 0) {
    off -= fabs(st->dashes[di]) * unit;
    di = (di + 1) % st->ndashes;
  }
  double left_in = fabs(st->dashes[di]) * unit - off;
  int on = (di % 2) == 0;
  int first = 1; /* the next dash starts at the figure start */
  s->dn = 0;
  if (on)
    dash_point(s, s->pts[0]);
  pt lastdir = P(1, 0);
  for (size_t i = 0; i < nseg && !s->err; i++) {
    pt a = s->pts[i], b = s->pts[(i + 1) % n];
    double l = len(sub(b, a)), pos = 0;
    pt d = dir(a, b);
    lastdir = d;
    while (l - pos > left_in && !s->err) {
      pos += left_in;
      pt c = add(a, mul(d, pos));
      if (on) {
        dash_point(s, c);
        stroke_poly(s, s->dash, s->dn, 0, first ? st->start_cap : st->dash_cap,
                    st->dash_cap, d);
      }
      first = 0;
      di = (di + 1) % st->ndashes;
      on = (di % 2) == 0;
      left_in = fabs(st->dashes[di]) * unit;
      s->dn = 0;
      if (on)
        dash_point(s, c);
    }
    left_in -= l - pos;
    if (on)
      dash_point(s, b);
  }
  if (on && s->dn)
    stroke_poly(s, s->dash, s->dn, 0, first ? st->start_cap : st->dash_cap,
                closed ? st->dash_cap : st->end_cap, lastdir);
}

static void end_figure(stroker *s, const ras_stroke *st, double unit,
                       int closed) {
  if (s->n == 0 || s->err)
    return;
  if (closed && s->n > 1 && s->pts[s->n - 1].x == s->pts[0].x &&
      s->pts[s->n - 1].y == s->pts[0].y)
    s->n--;
  if (st->dashes && st->ndashes > 0 && s->n > 1)
    stroke_dashed(s, st, unit, closed);
  else
    stroke_poly(s, s->pts, s->n, closed && s->n >= 3, st->start_cap,
                st->end_cap, P(1, 0));
  s->n = 0;
}

static void flatten_curve(stroker *s, const pt *q, int order) {
  double dd;
  if (order == 2)
    dd = 2 * len(add(sub(q[0], mul(q[1], 2)), q[2]));
  else
    dd = 6 * fmax(len(add(sub(q[0], mul(q[1], 2)), q[2])),
                  len(add(sub(q[1], mul(q[2], 2)), q[3])));
  int segs = ras_flat_segments(dd, s->tol);
  for (int i = 1; i <= segs; i++) {
    double t = (double)i / segs, u = 1 - t;
    pt p;
    if (i == segs)
      p = q[order];
    else if (order == 2)
      p = add(add(mul(q[0], u * u), mul(q[1], 2 * u * t)), mul(q[2], t * t));
    else
      p = add(add(mul(q[0], u * u * u), mul(q[1], 3 * u * u * t)),
              add(mul(q[2], 3 * u * t * t), mul(q[3], t * t * t)));
    fig_point(s, p);
  }
}

int ras_stroke_path(ras_edgebuf *eb, const ras_path *p, const ras_matrix *ctm,
                    const ras_stroke *st, double tol) {
  stroker s;
  memset(&s, 0, sizeof s);
  s.eb = eb;
  s.m = ctm ? *ctm : ras_matrix_identity();
  double smax = ras_matrix_expansion(&s.m);
  double det = fabs(s.m.a * s.m.d - s.m.b * s.m.c);
  if (!(smax > 0) || !isfinite(smax) || !(st->width >= 0))
    return 0;
  double smin = det / smax; /* product of singular values over the max */
  double hw = st->width / 2;
  if (!(hw * smin >= 0.5))
    hw = smin > 0 ? 0.5 / smin : 0.5 / smax;
  if (!isfinite(hw))
    return 0;
  s.hw = hw;
  s.tol = tol / smax;
  double rdev = hw * smax;
  s.arc_step = rdev > tol ? 2 * acos(1 - tol / rdev) : M_PI / 2;
  if (!(s.arc_step > 0))
    s.arc_step = M_PI / 2;
  s.join = st->join;
  s.miter = st->miter_limit >= 1 ? st->miter_limit : 1;
  double unit = st->width > 0 ? st->width : 2 * hw;

  size_t k = 0;
  pt cur = P(0, 0), start = P(0, 0);
  for (size_t i = 0; i < p->nverbs && !s.err; i++) {
    int v = p->verbs[i], n = v == RAS_MOVE || v == RAS_LINE ? 1
                             : v == RAS_QUAD                ? 2
                             : v == RAS_CUBIC               ? 3
                                                            : 0;
    if (k + n > p->npts) {
      s.err = XR_E_INVAL;
      break;
    }
    pt q[4];
    q[0] = cur;
    for (int j = 0; j < n; j++, k++)
      q[j + 1] = P(p->pts[k].x, p->pts[k].y);
    switch (v) {
    case RAS_MOVE:
      end_figure(&s, st, unit, 0);
      cur = start = q[1];
      fig_point(&s, cur);
      break;
    case RAS_LINE:
      if (s.n == 0)
        fig_point(&s, cur);
      fig_point(&s, q[1]);
      cur = q[1];
      break;
    case RAS_QUAD:
    case RAS_CUBIC:
      if (s.n == 0)
        fig_point(&s, cur);
      flatten_curve(&s, q, n);
      cur = q[n];
      break;
    default:
      end_figure(&s, st, unit, 1);
      cur = start;
      break;
    }
  }
  end_figure(&s, st, unit, 0);
  free(s.pts);
  free(s.dash);
  if (s.err)
    return s.err;
  return eb->err;
}
