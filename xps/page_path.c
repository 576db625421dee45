/* The Path element: geometry, fill, stroke and effects. */
#include <string.h>

#include "xps/canvas.h"
#include "xps/pathdata.h"

static int num_attr(xps_run *r, const xps_node *n, const char *name, double def,
                    double *out) {
  const char *v = xps_node_attr(n, name);
  *out = def;
  if (v && xps_parse_double(v, out)) {
    xps_run_warn(r, n->line, "bad %s '%.20s'", name, v);
    return XR_E_SYNTAX;
  }
  return 0;
}

/* StrokeDashArray: non-negative numbers, at most DASH_ENTRIES of them. An
 * odd list is repeated to make on/off pairs. */
static int dashes(xps_run *r, const xps_node *n, ras_stroke *st) {
  const char *v = xps_node_attr(n, "StrokeDashArray");
  if (!v)
    return 0;
  int64_t max = xps_limit(r->ctx, XR_LIMIT_DASH_ENTRIES);
  size_t cnt = 0;
  double d;
  for (const char *s = v;;) {
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == ',')
      s++;
    if (!*s)
      break;
    size_t k = xps_number_scan(s, &d);
    if (!k || d < 0) {
      xps_run_warn(r, n->line, "bad StrokeDashArray near \"%.20s\"", s);
      return XR_E_SYNTAX;
    }
    s += k;
    if ((int64_t)++cnt > max)
      return xr_errinfo_set(r->err, XR_E_LIMIT, r->part, n->line, -1,
                            "StrokeDashArray has more than DASH_ENTRIES "
                            "(%lld) entries",
                            (long long)max);
  }
  if (!cnt)
    return 0;
  size_t total = cnt % 2 ? cnt * 2 : cnt;
  double *a = xps_arena_alloc(&r->arena, total * sizeof *a);
  if (!a)
    return xr_errinfo_set(r->err, XR_E_NOMEM, r->part, n->line, -1,
                          "out of memory");
  size_t i = 0;
  for (const char *s = v; i < cnt;) {
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == ',')
      s++;
    s += xps_number_scan(s, &a[i++]);
  }
  for (; i < total; i++)
    a[i] = a[i - cnt];
  double sum = 0;
  for (i = 0; i < total; i++)
    sum += a[i];
  if (sum <= 0)
    return 0; /* all zero: a solid line */
  st->dashes = a;
  st->ndashes = (int)total;
  return 0;
}

static int stroke_params(xps_run *r, const xps_node *n, ras_stroke *st) {
  static const char *const caps[] = {"Flat", "Round", "Square", "Triangle"};
  static const char *const joins[] = {"Miter", "Bevel", "Round"};
  int rc;
  memset(st, 0, sizeof *st);
  if ((rc = num_attr(r, n, "StrokeThickness", 1.0, &st->width)) ||
      (rc = num_attr(r, n, "StrokeMiterLimit", 10.0, &st->miter_limit)) ||
      (rc = num_attr(r, n, "StrokeDashOffset", 0.0, &st->dash_offset)) ||
      (rc = xps_attr_enum(r, n, "StrokeStartLineCap", caps, 4, RAS_CAP_FLAT,
                      &st->start_cap)) ||
      (rc = xps_attr_enum(r, n, "StrokeEndLineCap", caps, 4, RAS_CAP_FLAT,
                      &st->end_cap)) ||
      (rc = xps_attr_enum(r, n, "StrokeDashCap", caps, 4, RAS_CAP_FLAT,
                      &st->dash_cap)) ||
      (rc = xps_attr_enum(r, n, "StrokeLineJoin", joins, 3, RAS_JOIN_MITER,
                      &st->join)) ||
      (rc = dashes(r, n, st)))
    return rc;
  if (st->width < 0) {
    xps_run_warn(r, n->line, "negative StrokeThickness");
    return XR_E_SYNTAX;
  }
  /* XPS: a miter limit below 1 means 1. */
  if (st->miter_limit < 1)
    st->miter_limit = 1;
  return 0;
}

static int brush_of(xps_run *r, const xps_node *n, const char *what,
                    xps_brush *b) {
  int rc = 0;
  const xps_node *p = xps_prop(r, n, what, &rc);
  const char *v;
  memset(b, 0, sizeof *b);
  if (rc)
    return rc;
  if (p)
    return xps_brush_prop(r, p, b);
  if ((v = xps_node_attr(n, what)))
    return xps_brush_value(r, v, n->line, b);
  return 0;
}

int xps_path_draw(xps_run *r, const xps_node *n) {
  xps_fx fx;
  xps_geom g;
  xps_brush fill, stroke;
  ras_stroke st;
  static const char *const props[] = {
      "RenderTransform", "Clip", "OpacityMask", "Fill", "Stroke", "Data", NULL};
  xps_geom_init(&g, r->ctx);
  int rc = xps_fx_read(r, n, &fx);
  if (!rc)
    rc = xps_props_check(r, n, props);
  if (!rc) {
    const xps_node *p = xps_prop(r, n, "Data", &rc);
    const char *v = xps_node_attr(n, "Data");
    if (!rc && p)
      rc = xps_geometry_prop(r, p, &g);
    else if (!rc && v)
      rc = xps_geometry_value(r, v, n->line, &g);
  }
  if (!rc)
    rc = brush_of(r, n, "Fill", &fill);
  if (!rc)
    rc = brush_of(r, n, "Stroke", &stroke);
  if (!rc && stroke.kind)
    rc = stroke_params(r, n, &st);
  if (rc || fx.opacity <= 0)
    goto done; /* XR_E_SYNTAX was warned: the element is skipped */
  /* An unfilled figure leaves nothing to fill but still strokes. */
  if (!g.fill.nverbs)
    fill.kind = XPS_BRUSH_NONE;
  if (!xps_geom_stroke(&g)->nverbs)
    stroke.kind = XPS_BRUSH_NONE;
  if (!fill.kind && !stroke.kind)
    goto done;
  /* Fill and stroke of one half-transparent path must not show through
   * each other: composite them as a group. A lone paint takes the opacity
   * itself. */
  int group = fill.kind && stroke.kind && fx.opacity < 1;
  float op = group || fx.has_mask ? 1.0f : fx.opacity;
  if ((rc = xps_fx_begin(r, &fx, group)))
    goto end;
  if (fill.kind &&
      (rc = xps_brush_paint(r, &fill, &g.fill, g.rule, NULL, &fx.ctm, op)))
    goto end;
  if (stroke.kind && (rc = xps_brush_paint(r, &stroke, xps_geom_stroke(&g),
                                           g.rule, &st, &fx.ctm, op)))
    goto end;
end : {
  int k = xps_fx_end(r, &fx);
  if (!rc)
    rc = k;
}
done:
  xps_fx_drop(&fx);
  xps_geom_reset(&g);
  return rc == XR_E_SYNTAX ? 0 : rc;
}
