/* Brushes (see brush.h): colours and SolidColorBrush, linear and radial
 * gradients, VisualBrush tiles. */
#include "xps/brush.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "xps/canvas.h"
#include "xps/color.h"
#include "xps/colorctx.h"
#include "xps/geometry.h"
#include "xps/image_brush.h"
#include "xps/pathdata.h"
#include "xps/resource.h"

static int read_opacity(xps_run *r, const xps_node *n, float *out) {
  const char *v = xps_node_attr(n, "Opacity");
  double d = 1;
  if (v && xps_parse_double(v, &d)) {
    xps_run_warn(r, n->line, "bad Opacity '%.20s'", v);
    return XR_E_SYNTAX;
  }
  *out = d < 0 ? 0.0f : d > 1 ? 1.0f : (float)d;
  return 0;
}

static int color_value(xps_run *r, const char *v, long line, ras_color *c) {
  /* ContextColor needs the package and the job's ICC cache (issue 8). */
  int rc = xps_colorctx_is(v)
               ? xps_colorctx_parse(r->ctx, r->pkg, r->part, line, v, c)
               : xps_color_parse(v, c);
  if (rc < 0) {
    xps_run_warn(r, line, "bad colour '%.40s'", v);
    return XR_E_SYNTAX;
  }
  if (rc == 1)
    xps_warn(r->ctx, XR_E_UNSUPPORTED, r->part, line,
             "ContextColor approximated without its ICC profile");
  return 0;
}

/* "x,y" (count 2) or "x,y,w,h" (count 4) into v. */
static int numbers(xps_run *r, const xps_node *n, const char *name, int count,
                   int required, double *v) {
  const char *s = xps_node_attr(n, name);
  if (!s) {
    if (!required)
      return 0;
    xps_run_warn(r, n->line, "%s without %s", n->name, name);
    return XR_E_SYNTAX;
  }
  for (int i = 0; i < count; i++) {
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' ||
           (i && *s == ','))
      s++;
    size_t k = xps_number_scan(s, &v[i]);
    if (!k)
      goto bad;
    s += k;
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
      s++;
  }
  if (!*s)
    return 0;
bad:
  xps_run_warn(r, n->line, "bad %s '%.40s'", name, xps_node_attr(n, name));
  return XR_E_SYNTAX;
}

/* Brush Transform: attribute or <X.Transform> property element. */
static int brush_transform(xps_run *r, const xps_node *n, ras_matrix *m) {
  int rc = 0;
  *m = ras_matrix_identity();
  const xps_node *p = xps_prop(r, n, "Transform", &rc);
  const char *v = xps_node_attr(n, "Transform");
  if (rc)
    return rc;
  if (p)
    return xps_transform_prop(r, p, m);
  if (v)
    return xps_transform_value(r, v, n->line, m);
  return 0;
}

static int cmp_stop(const void *a, const void *b) {
  /* The layout of struct keyed in gradient_stops. */
  const struct {
    ras_gradient_stop s;
    int64_t index;
  } *x = a, *y = b;
  if (x->s.offset != y->s.offset)
    return x->s.offset < y->s.offset ? -1 : 1;
  return x->index < y->index ? -1 : x->index > y->index;
}

static double to_lin(double v) {
  return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
}

/* The colour between stops a and b at offset t, blended in the brush's
 * interpolation space. */
static ras_gradient_stop lerp_stop(const ras_gradient_stop *a,
                                   const ras_gradient_stop *b, float t,
                                   int interp) {
  ras_gradient_stop s;
  double d = b->offset - a->offset;
  double u = d > 0 ? (t - a->offset) / d : 0;
  s.offset = t;
  double ca[3] = {a->color.r, a->color.g, a->color.b};
  double cb[3] = {b->color.r, b->color.g, b->color.b};
  float out[3];
  for (int i = 0; i < 3; i++) {
    if (interp == RAS_INTERP_LINEAR)
      out[i] = xps_linear_to_srgb(to_lin(ca[i]) +
                                  u * (to_lin(cb[i]) - to_lin(ca[i])));
    else
      out[i] = (float)(ca[i] + u * (cb[i] - ca[i]));
  }
  s.color.r = out[0], s.color.g = out[1], s.color.b = out[2];
  s.color.a = (float)(a->color.a + u * (b->color.a - a->color.a));
  return s;
}

/* GradientStops: read, sort (stable on equal offsets by index), then clip
 * to [0, 1] with interpolated end stops, as offsets outside the range
 * still shape the colours inside it. */
static int gradient_stops(xps_run *r, const xps_node *n, xps_brush *b) {
  const xps_node *gs = NULL;
  int rc = 0;
  for (const xps_node *c = n->first; c; c = c->next)
    if (!strcmp(c->name + strlen(n->name), ".GradientStops") &&
        !strncmp(c->name, n->name, strlen(n->name)))
      gs = c;
  if (!gs) {
    xps_run_warn(r, n->line, "%s without GradientStops", n->name);
    return XR_E_SYNTAX;
  }
  int64_t max = xps_limit(r->ctx, XR_LIMIT_GRADIENT_STOPS);
  int64_t cnt = 0;
  for (const xps_node *c = gs->first; c; c = c->next)
    if (++cnt > max)
      return xr_errinfo_set(r->err, XR_E_LIMIT, r->part, c->line, -1,
                            "more than GRADIENT_STOPS (%lld) gradient stops",
                            (long long)max);
  if (!cnt) {
    xps_run_warn(r, gs->line, "no GradientStop in %s", n->name);
    return XR_E_SYNTAX;
  }
  /* Room for the stops plus two interpolated ends. */
  struct keyed {
    ras_gradient_stop s;
    int64_t index;
  } *raw = malloc((size_t)cnt * sizeof *raw);
  ras_gradient_stop *out =
      xps_arena_alloc(&r->arena, (size_t)(cnt + 2) * sizeof *out);
  if (!raw || !out) {
    free(raw);
    return xr_errinfo_set(r->err, XR_E_NOMEM, r->part, gs->line, -1,
                          "out of memory");
  }
  int64_t k = 0;
  for (const xps_node *c = gs->first; c; c = c->next, k++) {
    const char *col = xps_node_attr(c, "Color");
    const char *off = xps_node_attr(c, "Offset");
    double o;
    if (strcmp(c->name, "GradientStop") || !col || !off) {
      xps_run_warn(r, c->line, "bad GradientStop");
      rc = XR_E_SYNTAX;
      break;
    }
    if (xps_parse_double(off, &o)) {
      xps_run_warn(r, c->line, "bad Offset '%.20s'", off);
      rc = XR_E_SYNTAX;
      break;
    }
    if ((rc = color_value(r, col, c->line, &raw[k].s.color)))
      break;
    raw[k].s.offset = (float)(o < -1e6 ? -1e6 : o > 1e6 ? 1e6 : o);
    raw[k].index = k;
  }
  if (rc) {
    free(raw);
    return rc;
  }
  /* Equal offsets keep document order: they make hard edges. */
  qsort(raw, (size_t)cnt, sizeof *raw, cmp_stop);
  int n_out = 0;
  for (int64_t i = 0; i < cnt; i++) {
    const ras_gradient_stop *a = &raw[i].s;
    if (i > 0) {
      const ras_gradient_stop *p = &raw[i - 1].s;
      if (p->offset < 0 && a->offset > 0)
        out[n_out++] = lerp_stop(p, a, 0, b->interp);
      if (p->offset < 1 && a->offset > 1)
        out[n_out++] = lerp_stop(p, a, 1, b->interp);
    }
    if (a->offset >= 0 && a->offset <= 1)
      out[n_out++] = *a;
  }
  if (!n_out) {
    /* Every stop on one side: the nearest one's colour throughout. */
    out[0] = raw[raw[0].s.offset > 1 ? 0 : cnt - 1].s;
    out[0].offset = 0;
    n_out = 1;
  }
  free(raw);
  b->stops = out;
  b->nstops = n_out;
  return 0;
}

static int gradient(xps_run *r, const xps_node *n, xps_brush *b, int radial) {
  static const char *const spreads[] = {"Pad", "Reflect", "Repeat"};
  static const char *const modes[] = {"Absolute", "RelativeToBoundingBox"};
  static const char *const interps[] = {"SRgbLinearInterpolation",
                                        "ScRgbLinearInterpolation"};
  int rc;
  if ((rc = xps_attr_enum(r, n, "SpreadMethod", spreads, 3, RAS_SPREAD_PAD,
                    &b->spread)) ||
      (rc = xps_attr_enum(r, n, "MappingMode", modes, 2, 0, &b->relative)) ||
      (rc = xps_attr_enum(r, n, "ColorInterpolationMode", interps, 2, RAS_INTERP_SRGB,
                    &b->interp)) ||
      (rc = brush_transform(r, n, &b->transform)))
    return rc;
  if (radial) {
    double rx[1], ry[1];
    if ((rc = numbers(r, n, "Center", 2, 1, b->pts)) ||
        (rc = numbers(r, n, "GradientOrigin", 2, 1, b->pts + 2)) ||
        (rc = numbers(r, n, "RadiusX", 1, 1, rx)) ||
        (rc = numbers(r, n, "RadiusY", 1, 1, ry)))
      return rc;
    b->pts[4] = rx[0];
    b->pts[5] = ry[0];
  } else if ((rc = numbers(r, n, "StartPoint", 2, 1, b->pts)) ||
             (rc = numbers(r, n, "EndPoint", 2, 1, b->pts + 2))) {
    return rc;
  }
  return gradient_stops(r, n, b);
}

static int visual(xps_run *r, const xps_node *n, xps_brush *b, int image) {
  static const char *const tiles[] = {"None", "Tile", "FlipX", "FlipY",
                                      "FlipXY"};
  static const char *const units[] = {"Absolute", "RelativeToBoundingBox"};
  int rc, vbu;
  if ((rc =
           xps_attr_enum(r, n, "TileMode", tiles, 5, RAS_TILE_NONE, &b->tile_mode)) ||
      (rc = xps_attr_enum(r, n, "ViewboxUnits", units, 1, 0, &vbu)) ||
      (rc = xps_attr_enum(r, n, "ViewportUnits", units, 2, 0, &b->relative)) ||
      (rc = numbers(r, n, "Viewbox", 4, 1, b->viewbox)) ||
      (rc = numbers(r, n, "Viewport", 4, 1, b->viewport)) ||
      (rc = brush_transform(r, n, &b->transform)))
    return rc;
  if (image) /* ImageBrush: the same tile attributes, no Visual */
    return 0;
  const xps_node *p = xps_prop(r, n, "Visual", &rc);
  const char *v = xps_node_attr(n, "Visual");
  if (rc)
    return rc;
  if (p) {
    if (!p->first || p->first->next) {
      xps_run_warn(r, p->line, "VisualBrush.Visual must hold one element");
      return XR_E_SYNTAX;
    }
    b->visual = p->first;
  } else if (v) {
    const xps_node *res;
    xps_rscope *saved;
    rc = xps_resource_enter(r, v, n->line, &res, &saved);
    if (rc < 0)
      return rc;
    if (rc == 0) {
      xps_run_warn(r, n->line, "Visual must be a resource reference");
      return XR_E_SYNTAX;
    }
    b->visual = res;
    xps_resource_leave(r, res, saved);
  } else {
    xps_run_warn(r, n->line, "VisualBrush without Visual");
    return XR_E_SYNTAX;
  }
  if (strcmp(b->visual->name, "Canvas") && strcmp(b->visual->name, "Path") &&
      strcmp(b->visual->name, "Glyphs")) {
    xps_run_warn(r, b->visual->line, "<%s> cannot be a Visual",
                 b->visual->name);
    return XR_E_SYNTAX;
  }
  return 0;
}

static int brush_node(xps_run *r, const xps_node *n, xps_brush *b) {
  memset(b, 0, sizeof *b);
  b->opacity = 1;
  b->transform = ras_matrix_identity();
  int rc = read_opacity(r, n, &b->opacity);
  if (rc)
    return rc;
  b->node = n;
  b->scope = r->res;
  if (!strcmp(n->name, "SolidColorBrush")) {
    const char *c = xps_node_attr(n, "Color");
    if (!c) {
      xps_run_warn(r, n->line, "SolidColorBrush without Color");
      return XR_E_SYNTAX;
    }
    b->kind = XPS_BRUSH_SOLID;
    return color_value(r, c, n->line, &b->color);
  }
  if (!strcmp(n->name, "LinearGradientBrush")) {
    b->kind = XPS_BRUSH_LINEAR;
    return gradient(r, n, b, 0);
  }
  if (!strcmp(n->name, "RadialGradientBrush")) {
    b->kind = XPS_BRUSH_RADIAL;
    return gradient(r, n, b, 1);
  }
  if (!strcmp(n->name, "VisualBrush")) {
    b->kind = XPS_BRUSH_VISUAL;
    return visual(r, n, b, 0);
  }
  if (!strcmp(n->name, "ImageBrush")) {
    b->kind = XPS_BRUSH_IMAGE;
    return visual(r, n, b, 1);
  }
  xps_run_warn(r, n->line, "<%s> is not a brush", n->name);
  return XR_E_SYNTAX;
}

int xps_brush_value(xps_run *r, const char *v, long line, xps_brush *b) {
  const xps_node *n;
  xps_rscope *saved;
  int rc = xps_resource_enter(r, v, line, &n, &saved);
  if (rc < 0)
    return rc;
  if (rc == 1) {
    rc = brush_node(r, n, b);
    xps_resource_leave(r, n, saved);
    return rc;
  }
  memset(b, 0, sizeof *b);
  b->opacity = 1;
  b->transform = ras_matrix_identity();
  b->kind = XPS_BRUSH_SOLID;
  return color_value(r, xps_literal(v), line, &b->color);
}

int xps_brush_prop(xps_run *r, const xps_node *prop, xps_brush *b) {
  const xps_node *n = prop->first;
  if (!n || n->next) {
    xps_run_warn(r, prop->line, "%s must hold one brush", prop->name);
    return XR_E_SYNTAX;
  }
  return brush_node(r, n, b);
}

int xps_brush_is_complex(const xps_brush *b) {
  return b->kind != XPS_BRUSH_SOLID && b->kind != XPS_BRUSH_NONE;
}

static int dev_rc(xps_run *r, int rc) {
  if (rc)
    xr_errinfo_set(r->err, rc, r->part, -1, -1, "device failed: %s",
                   xr_strerror(rc));
  return rc;
}

static int emit(xps_run *r, const ras_paint *paint, const ras_path *path,
                int rule, const ras_stroke *stroke, const ras_matrix *ctm) {
  int rc = 0;
  if (stroke) {
    if (r->fns->stroke_path)
      rc = r->fns->stroke_path(r->dev, path, ctm, stroke, paint);
  } else if (r->fns->fill_path) {
    rc = r->fns->fill_path(r->dev, path, ctm, rule, paint);
  }
  return dev_rc(r, rc);
}

/* Bounding box mapping for RelativeToBoundingBox: unit square -> box. */
static int bbox_matrix(const ras_path *path, ras_matrix *m) {
  double x0, y0, x1, y1;
  if (xps_path_tight_bounds(path, NULL, &x0, &y0, &x1, &y1))
    return -1;
  m->a = x1 - x0, m->b = 0, m->c = 0, m->d = y1 - y0, m->e = x0, m->f = y0;
  return 0;
}

static int paint_gradient(xps_run *r, const xps_brush *b, const ras_path *path,
                          int rule, const ras_stroke *stroke,
                          const ras_matrix *ctm, float opacity) {
  ras_paint paint;
  memset(&paint, 0, sizeof paint);
  ras_gradient *g = &paint.grad;
  g->stops = b->stops;
  g->nstops = b->nstops;
  g->spread = b->spread;
  g->interp = b->interp;
  g->opacity = b->opacity * opacity;
  ras_matrix m = b->transform;
  if (b->relative) {
    ras_matrix bb;
    if (bbox_matrix(path, &bb))
      return 0;
    m = ras_matrix_concat(bb, m);
  }
  const double *p = b->pts;
  if (b->kind == XPS_BRUSH_LINEAR) {
    paint.kind = RAS_PAINT_LINEAR;
    g->x0 = p[0], g->y0 = p[1], g->x1 = p[2], g->y1 = p[3];
    if (p[0] == p[2] && p[1] == p[3]) {
      /* No direction: the whole area takes the last stop's colour. */
      paint.kind = RAS_PAINT_SOLID;
      paint.solid = b->stops[b->nstops - 1].color;
      paint.solid.a *= g->opacity;
    }
  } else {
    double rx = p[4], ry = p[5];
    if (!(rx > 0) || !(ry > 0))
      return 0; /* an empty ellipse paints nothing */
    paint.kind = RAS_PAINT_RADIAL;
    /* The ellipse becomes the unit circle; the focal point must stay
     * inside it for t to be defined everywhere. */
    double fx = (p[2] - p[0]) / rx, fy = (p[3] - p[1]) / ry;
    double d = hypot(fx, fy);
    if (d > 0.999) {
      fx *= 0.999 / d;
      fy *= 0.999 / d;
    }
    g->x1 = fx, g->y1 = fy;
    ras_matrix e = {rx, 0, 0, ry, p[0], p[1]};
    m = ras_matrix_concat(e, m);
  }
  g->m = m;
  ras_matrix inv;
  if (ras_matrix_invert(&m, &inv))
    return 0; /* collapsed to a line: covers no area */
  return emit(r, &paint, path, rule, stroke, ctm);
}

static int paint_visual(xps_run *r, const xps_brush *b, const ras_path *path,
                        int rule, const ras_stroke *stroke,
                        const ras_matrix *ctm, float opacity) {
  const double *vb = b->viewbox, *vp = b->viewport;
  if (!(vb[2] > 0) || !(vb[3] > 0) || !(vp[2] > 0) || !(vp[3] > 0))
    return 0; /* an empty box shows nothing */
  if (!r->fns->begin_tile || !r->fns->end_tile)
    return 0;
  ras_tile tile;
  tile.x = vp[0], tile.y = vp[1], tile.w = vp[2], tile.h = vp[3];
  tile.m = b->transform;
  tile.mode = b->tile_mode;
  tile.opacity = b->opacity * opacity;
  if (b->relative) {
    ras_matrix bb;
    if (bbox_matrix(path, &bb))
      return 0;
    tile.m = ras_matrix_concat(bb, tile.m);
  }
  int rc = xps_res_depth_push(r, b->node->line);
  if (rc)
    return rc;
  if ((rc = r->fns->begin_tile(r->dev, path, ctm, rule, stroke, &tile))) {
    xps_res_depth_pop(r);
    return dev_rc(r, rc);
  }
  /* Content: Viewbox -> Viewport, then tile space -> user -> page. */
  double sx = vp[2] / vb[2], sy = vp[3] / vb[3];
  ras_matrix v = {sx, 0, 0, sy, vp[0] - vb[0] * sx, vp[1] - vb[1] * sy};
  ras_matrix saved_ctm = r->ctm;
  xps_rscope *saved_res = r->res;
  r->ctm = ras_matrix_concat(ras_matrix_concat(v, tile.m), *ctm);
  r->res = b->scope;
  /* While its content draws, a reference back to this brush is a cycle. */
  ((xps_node *)b->node)->busy++;
  rc = xps_draw_node(r, b->visual);
  ((xps_node *)b->node)->busy--;
  r->ctm = saved_ctm;
  r->res = saved_res;
  int k = r->fns->end_tile(r->dev);
  xps_res_depth_pop(r);
  if (!rc && k)
    rc = dev_rc(r, k);
  return rc;
}

int xps_brush_paint(xps_run *r, const xps_brush *b, const ras_path *path,
                    int rule, const ras_stroke *stroke, const ras_matrix *ctm,
                    float opacity) {
  ras_paint paint;
  memset(&paint, 0, sizeof paint);
  switch (b->kind) {
  case XPS_BRUSH_SOLID:
    paint.kind = RAS_PAINT_SOLID;
    paint.solid = b->color;
    paint.solid.a *= b->opacity * opacity;
    if (paint.solid.a <= 0)
      return 0;
    return emit(r, &paint, path, rule, stroke, ctm);
  case XPS_BRUSH_LINEAR:
  case XPS_BRUSH_RADIAL:
    return paint_gradient(r, b, path, rule, stroke, ctm, opacity);
  case XPS_BRUSH_VISUAL:
    return paint_visual(r, b, path, rule, stroke, ctm, opacity);
  case XPS_BRUSH_IMAGE:
    return xps_image_brush_paint(r, b, path, rule, stroke, ctm, opacity);
  default:
    /* ImageBrush decoding belongs to the image work (issue 8). */
    xps_warn(r->ctx, XR_E_UNSUPPORTED, r->part, b->node ? b->node->line : -1,
             "%s not supported yet", b->node ? b->node->name : "brush");
    return 0;
  }
}
