/* Direct access to the rasterizer, below the document layer.
 *
 * For benchmarks, tests and tools that want to draw shapes into bands
 * without an XPS document: build a page of polygons and strokes, then
 * render it band by band. Coordinates are device pixels (y down); colours
 * are 0xAARRGGBB, sRGB. The page is immutable once rendering starts and
 * may be rendered from several threads at once. */
#ifndef XPSRASTER_RASTER_H
#define XPSRASTER_RASTER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct xr_raster xr_raster;

/* New empty page of width x height pixels (white). Errors: XR_E_INVAL,
 * XR_E_LIMIT (PAGE_DIM, PAGE_PIXELS), XR_E_NOMEM. */
int xr_raster_new(int width, int height, xr_raster **out);
void xr_raster_drop(xr_raster *r);

/* Fills the closed polygon xy[0..2n) (x, y pairs); evenodd selects the
 * even-odd rule, else non-zero. Returns 0 or < 0. */
int xr_raster_fill_polygon(xr_raster *r, const double *xy, size_t n,
                           int evenodd, uint32_t argb);
/* Strokes the open polyline xy[0..2n) with round joins and flat caps. */
int xr_raster_stroke_polyline(xr_raster *r, const double *xy, size_t n,
                              double width, uint32_t argb);
/* Opens and closes a transparency group with constant opacity 0..1. */
int xr_raster_begin_group(xr_raster *r, double opacity);
int xr_raster_end_group(xr_raster *r);

/* Bytes per row for colorspace (enum xr_colorspace in render.h). */
size_t xr_raster_stride(const xr_raster *r, int colorspace);

/* Renders rows [y, y+rows) into buf. Each call sets up its own scratch
 * (about 1 MiB at 600 dpi), so for whole pages xr_raster_render_bands,
 * which reuses it across bands, is the fast path. Errors: XR_E_INVAL,
 * XR_E_NOMEM. */
int xr_raster_render(const xr_raster *r, int colorspace, int y, int rows,
                     uint8_t *buf, size_t stride);

/* Renders the whole page with threads workers (<= 0: one per CPU) in bands
 * of band_height rows (<= 0: the default), calling band for each band in
 * order on the calling thread. A negative return from band stops it. */
int xr_raster_render_bands(const xr_raster *r, int colorspace,
                           int band_height, int threads,
                           int (*band)(void *ud, int y, int rows,
                                       const uint8_t *data, size_t stride),
                           void *ud);

#ifdef __cplusplus
}
#endif
#endif
