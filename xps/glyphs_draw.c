/* The Glyphs element on a device (glyphs.h): layout, then, inside the
 * element's effects, the run itself for a solid Fill on a device with
 * fill_glyphs (cached masks), else its outlines painted with the brush. */
#include <string.h>

#include "xps/canvas.h"
#include "xps/glyphs.h"

static int fill_of(xps_run *r, const xps_node *n, xps_brush *b) {
  int rc = 0;
  const xps_node *p = xps_prop(r, n, "Fill", &rc);
  const char *v;
  memset(b, 0, sizeof *b);
  if (rc)
    return rc;
  if (p)
    return xps_brush_prop(r, p, b);
  if ((v = xps_node_attr(n, "Fill")))
    return xps_brush_value(r, v, n->line, b);
  return 0;
}

/* A solid fill on a device that takes glyph runs: the run itself, so the
 * device can draw cached masks. Returns 1 when it did. */
static int solid_run(xps_run *r, const xps_glyph_layout *l,
                     const xps_brush *fill, const xps_fx *fx, float op,
                     long line, int *rc) {
  if (fill->kind != XPS_BRUSH_SOLID || !r->fns->fill_glyphs)
    return 0;
  ras_paint paint;
  memset(&paint, 0, sizeof paint);
  paint.kind = RAS_PAINT_SOLID;
  paint.solid = fill->color;
  paint.solid.a *= fill->opacity * op;
  *rc = 0;
  if (paint.solid.a > 0 &&
      (*rc = r->fns->fill_glyphs(r->dev, &l->run, &fx->ctm, &paint)))
    xr_errinfo_set(r->err, *rc, r->part, line, -1, "device failed: %s",
                   xr_strerror(*rc));
  return 1;
}

/* Paints the run: outlines through the brush (any brush kind). */
static int paint_run(xps_run *r, const xps_glyph_layout *l,
                     const xps_brush *fill, const xps_fx *fx, float op,
                     long line) {
  ras_path path;
  ras_path_init(&path, (size_t)xps_limit(r->ctx, XR_LIMIT_PATH_POINTS));
  size_t nbad = 0;
  int rc = ras_glyph_run_path(&l->run, &path, &nbad);
  if (rc) {
    xr_errinfo_set(r->err, rc, r->part, line, -1,
                   rc == XR_E_LIMIT ? "glyph outlines exceed PATH_POINTS"
                                    : "out of memory");
  } else {
    if (nbad && !l->warned)
      xps_run_warn(r, line,
                   "Glyphs: %zu glyph outline(s) unusable in the "
                   "font; skipped",
                   nbad);
    if (path.nverbs)
      rc = xps_brush_paint(r, fill, &path, RAS_NONZERO, NULL, &fx->ctm, op);
  }
  ras_path_reset(&path);
  return rc;
}

int xps_glyphs_draw(xps_run *r, const xps_node *n) {
  xps_fx fx;
  xps_brush fill;
  xps_glyph_layout l;
  xps_glyph_layout_init(&l);
  int rc = xps_fx_read(r, n, &fx);
  if (!rc)
    rc = fill_of(r, n, &fill);
  if (rc || fx.opacity <= 0 || !fill.kind)
    goto done; /* no Fill: nothing is drawn (XPS) */
  xps_glyphs_in in = {
      r->part,
      n->line,
      xps_node_attr(n, "FontUri"),
      xps_node_attr(n, "FontRenderingEmSize"),
      xps_node_attr(n, "OriginX"),
      xps_node_attr(n, "OriginY"),
      xps_node_attr(n, "Indices"),
      xps_node_attr(n, "UnicodeString"),
      xps_node_attr(n, "BidiLevel"),
      xps_node_attr(n, "IsSideways"),
      xps_node_attr(n, "StyleSimulations"),
  };
  rc = xps_glyphs_layout(r->ctx, r->pkg, &in, &l, r->err);
  if (rc || !l.run.n)
    goto done;
  float op = fx.has_mask ? 1.0f : fx.opacity;
  if ((rc = xps_fx_begin(r, &fx, 0)))
    goto end;
  if (!solid_run(r, &l, &fill, &fx, op, n->line, &rc))
    rc = paint_run(r, &l, &fill, &fx, op, n->line);
end : {
  int k = xps_fx_end(r, &fx);
  if (!rc)
    rc = k;
}
done:
  xps_glyph_layout_reset(&l);
  xps_fx_drop(&fx);
  return rc == XR_E_SYNTAX ? 0 : rc;
}
