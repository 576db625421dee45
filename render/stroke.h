/* Stroking: turns a path and stroke style into filled polygons.
 *
 * The stroker works in user space (so a non-uniform transform gives the
 * elliptical pen XPS asks for) and emits device-space polygons into an edge
 * buffer, to be filled with the non-zero rule. Each figure becomes one
 * outline that walks the left side forward and the right side backward;
 * inner joins pass through the vertex, so the outline may overlap itself
 * but the non-zero winding of the covered area is always 1 or more.
 *
 * Widths below one device pixel (in the pen's thinnest direction) are
 * widened to one pixel, so hairlines never vanish; a width of 0 is a
 * hairline. Dashes longer than RAS_STROKE_MAX_DASHES per path fall back to
 * a solid stroke: a pattern that fine is below what a raster can show. */
#ifndef RAS_STROKE_H
#define RAS_STROKE_H

#include "render/device.h"
#include "render/edges.h"

#define RAS_STROKE_MAX_DASHES (1 << 20)
/* Bound on flattened points held for one figure. */
#define RAS_STROKE_MAX_POINTS (1 << 24)

/* Strokes p (user space) with st under ctm into eb (device space), with
 * flattening tolerance tol in device pixels. Returns 0, XR_E_NOMEM,
 * XR_E_LIMIT or XR_E_INVAL. */
int ras_stroke_path(ras_edgebuf *eb, const ras_path *p, const ras_matrix *ctm,
                    const ras_stroke *st, double tol);

#endif
