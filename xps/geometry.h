/* Geometry: abbreviated strings and PathGeometry/PathFigure trees
 * (private to xps/). */
#ifndef XPS_GEOMETRY_H
#define XPS_GEOMETRY_H

#include "xps/page_imp.h"

/* A geometry as two paths: what is filled (figures with IsFilled, all
 * closed for filling) and what is stroked (segments with IsStroked). When
 * they are the same, only fill is used and split is 0. */
typedef struct xps_geom {
  ras_path fill, stroke;
  int rule; /* enum ras_fill_rule; XPS default is even-odd */
  int split;
} xps_geom;

/* Empty geometry with the PATH_POINTS limit of ctx. Allocates nothing. */
void xps_geom_init(xps_geom *g, const xps_ctx *ctx);
void xps_geom_reset(xps_geom *g);
static inline const ras_path *xps_geom_stroke(const xps_geom *g) {
  return g->split ? &g->stroke : &g->fill;
}

/* From an attribute value: abbreviated syntax or a {StaticResource} to a
 * PathGeometry. From a property element (Path.Data, Path.Clip, ...) that
 * holds one PathGeometry. Returns 0, XR_E_SYNTAX after warning (skip the
 * element), or a fatal status with r->err filled (XR_E_LIMIT, ...). */
int xps_geometry_value(xps_run *r, const char *v, long line, xps_geom *g);
int xps_geometry_prop(xps_run *r, const xps_node *prop, xps_geom *g);
int xps_geometry_node(xps_run *r, const xps_node *pg, xps_geom *g);

/* A transform from an attribute value (matrix or {StaticResource} to a
 * MatrixTransform) or a property element holding a MatrixTransform. Same
 * returns as above. */
int xps_transform_value(xps_run *r, const char *v, long line, ras_matrix *m);
int xps_transform_prop(xps_run *r, const xps_node *prop, ras_matrix *m);

/* Tight bounding box of p (curve extrema, not control points) after m
 * (may be NULL). -1 when p is empty. */
int xps_path_tight_bounds(const ras_path *p, const ras_matrix *m, double *x0,
                          double *y0, double *x1, double *y1);

#endif
