/* ImageBrush painting (see image_brush.h). */
#include "xps/image_brush.h"

#include <string.h>

#include "xps/geometry.h"
#include "xps/image.h"
#include "xps/resource.h"

/* 1 when the whole image, mapped by im, lies inside the viewport vp, so
 * a single untiled fill shows exactly what the tile would. */
static int image_inside_viewport(const ras_image *img, const ras_matrix *im,
                                 const double vp[4]) {
  double x0, y0, x1, y1;
  ras_matrix_apply(im, 0, 0, &x0, &y0);
  ras_matrix_apply(im, img->w, img->h, &x1, &y1);
  const double eps = 1e-6 * (vp[2] + vp[3]);
  return x0 >= vp[0] - eps && y0 >= vp[1] - eps && x1 <= vp[0] + vp[2] + eps &&
         y1 <= vp[1] + vp[3] + eps;
}

static int fail(xps_run *r, long line, int rc) {
  return xr_errinfo_set(r->err, rc, r->part, line, -1, "ImageBrush: %s",
                        xr_strerror(rc));
}

int xps_image_brush_paint(xps_run *r, const xps_brush *b, const ras_path *path,
                          int rule, const ras_stroke *stroke,
                          const ras_matrix *ctm, float opacity) {
  const xps_node *n = b->node;
  const char *src = xps_node_attr(n, "ImageSource");
  if (!src) {
    xps_run_warn(r, n->line, "ImageBrush without ImageSource");
    return 0;
  }
  const double *vb = b->viewbox, *vp = b->viewport;
  if (!(vb[2] > 0) || !(vb[3] > 0) || !(vp[2] > 0) || !(vp[3] > 0))
    return 0; /* an empty box shows nothing */
  float alpha = b->opacity * opacity;
  if (!(alpha > 0))
    return 0;
  /* Relative references resolve against the part holding the brush: a
   * remote resource dictionary, or the page. */
  const char *base = b->scope && b->scope->part[0] ? b->scope->part : r->part;
  ras_image *img = NULL;
  int rc = xps_image_load(r->ctx, r->pkg, base, src, n->line, &img);
  if (rc == XR_E_SYNTAX)
    return 0; /* warned; the element is skipped, the page goes on */
  if (rc < 0)
    return fail(r, n->line, rc);
  ras_matrix im, tm = b->transform;
  if (ras_image_brush_matrix(img, vb, vp, &im) < 0)
    goto done;
  if (b->relative) {
    double x0, y0, x1, y1;
    if (xps_path_tight_bounds(path, NULL, &x0, &y0, &x1, &y1))
      goto done;
    ras_matrix bb = {x1 - x0, 0, 0, y1 - y0, x0, y0};
    tm = ras_matrix_concat(bb, tm);
  }
  ras_paint paint;
  memset(&paint, 0, sizeof paint);
  paint.kind = RAS_PAINT_IMAGE;
  paint.image.image = img;
  if (b->tile_mode == RAS_TILE_NONE && image_inside_viewport(img, &im, vp)) {
    /* The common case needs no tile: one fill of the area, transparent
     * where the image does not reach. */
    paint.image.m = ras_matrix_concat(im, tm);
    paint.image.opacity = alpha;
    if (stroke) {
      if (r->fns->stroke_path)
        rc = r->fns->stroke_path(r->dev, path, ctm, stroke, &paint);
    } else if (r->fns->fill_path) {
      rc = r->fns->fill_path(r->dev, path, ctm, rule, &paint);
    }
    if (rc)
      rc = fail(r, n->line, rc);
    goto done;
  }
  if (!r->fns->begin_tile || !r->fns->end_tile)
    goto done;
  ras_tile tile;
  tile.x = vp[0], tile.y = vp[1], tile.w = vp[2], tile.h = vp[3];
  tile.m = tm;
  tile.mode = b->tile_mode;
  tile.opacity = alpha;
  if ((rc = xps_res_depth_push(r, n->line)))
    goto done;
  if ((rc = r->fns->begin_tile(r->dev, path, ctm, rule, stroke, &tile))) {
    xps_res_depth_pop(r);
    rc = fail(r, n->line, rc);
    goto done;
  }
  /* Content of the base tile: the viewport rectangle, in tile space, filled
   * with the image (the device clips to the tile and repeats it). */
  ras_path rect;
  ras_path_init(&rect, 16);
  int k = ras_path_move(&rect, vp[0], vp[1]);
  if (!k)
    k = ras_path_line(&rect, vp[0] + vp[2], vp[1]);
  if (!k)
    k = ras_path_line(&rect, vp[0] + vp[2], vp[1] + vp[3]);
  if (!k)
    k = ras_path_line(&rect, vp[0], vp[1] + vp[3]);
  if (!k)
    k = ras_path_close(&rect);
  paint.image.m = im;
  paint.image.opacity = 1;
  ras_matrix cctm = ras_matrix_concat(tm, *ctm);
  if (!k && r->fns->fill_path)
    k = r->fns->fill_path(r->dev, &rect, &cctm, RAS_NONZERO, &paint);
  ras_path_reset(&rect);
  int e = r->fns->end_tile(r->dev);
  xps_res_depth_pop(r);
  if (k || e)
    rc = fail(r, n->line, k ? k : e);
done:
  ras_image_drop(img);
  return rc;
}
