/* Brushes (see brush.h). */
#include "xps/brush.h"

#include <string.h>

#include "xps/color.h"
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
  int rc = xps_color_parse(v, c);
  if (rc < 0) {
    xps_run_warn(r, line, "bad colour '%.40s'", v);
    return XR_E_SYNTAX;
  }
  if (rc == 1)
    xps_warn(r->ctx, XR_E_UNSUPPORTED, r->part, line,
             "ContextColor approximated without its ICC profile");
  return 0;
}

static int brush_node(xps_run *r, const xps_node *n, xps_brush *b) {
  memset(b, 0, sizeof *b);
  b->opacity = 1;
  int rc = read_opacity(r, n, &b->opacity);
  if (rc)
    return rc;
  if (!strcmp(n->name, "SolidColorBrush")) {
    const char *c = xps_node_attr(n, "Color");
    if (!c) {
      xps_run_warn(r, n->line, "SolidColorBrush without Color");
      return XR_E_SYNTAX;
    }
    if ((rc = color_value(r, c, n->line, &b->color)))
      return rc;
    b->kind = XPS_BRUSH_SOLID;
    return 0;
  }
  b->node = n;
  b->scope = r->res;
  if (!strcmp(n->name, "LinearGradientBrush"))
    b->kind = XPS_BRUSH_LINEAR;
  else if (!strcmp(n->name, "RadialGradientBrush"))
    b->kind = XPS_BRUSH_RADIAL;
  else if (!strcmp(n->name, "VisualBrush"))
    b->kind = XPS_BRUSH_VISUAL;
  else if (!strcmp(n->name, "ImageBrush"))
    b->kind = XPS_BRUSH_IMAGE;
  else {
    xps_run_warn(r, n->line, "<%s> is not a brush", n->name);
    return XR_E_SYNTAX;
  }
  return 0;
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
  b->kind = XPS_BRUSH_SOLID;
  return color_value(r, v, line, &b->color);
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
    break;
  default:
    xps_warn(r->ctx, XR_E_UNSUPPORTED, r->part, b->node ? b->node->line : -1,
             "%s not supported yet", b->node ? b->node->name : "brush");
    return 0;
  }
  if (paint.solid.a <= 0)
    return 0;
  int rc = 0;
  if (stroke) {
    if (r->fns->stroke_path)
      rc = r->fns->stroke_path(r->dev, path, ctm, stroke, &paint);
  } else if (r->fns->fill_path) {
    rc = r->fns->fill_path(r->dev, path, ctm, rule, &paint);
  }
  if (rc)
    xr_errinfo_set(r->err, rc, r->part, -1, -1, "device failed: %s",
                   xr_strerror(rc));
  return rc;
}
