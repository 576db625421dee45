/* The public rasterizer API (include/xpsraster/raster.h) over display
 * lists: 96 dpi, so page units are device pixels. */
#include "xpsraster/raster.h"

#include <stdlib.h>

#include "render/band.h"
#include "render/dl.h"
#include "xpsraster/error.h"
#include "xpsraster/render.h"

struct xr_raster {
  ras_dl *dl;
  ras_path path;
};

int xr_raster_new(int width, int height, xr_raster **out) {
  *out = NULL;
  if (width <= 0 || height <= 0)
    return XR_E_INVAL;
  xr_raster *r = calloc(1, sizeof *r);
  if (!r)
    return XR_E_NOMEM;
  int rc = ras_dl_new(96, NULL, &r->dl);
  if (!rc)
    rc = ras_dl_device.begin_page(r->dl, width, height);
  if (rc) {
    ras_dl_drop(r->dl);
    free(r);
    return rc;
  }
  ras_path_init(&r->path, 0);
  *out = r;
  return 0;
}

void xr_raster_drop(xr_raster *r) {
  if (!r)
    return;
  ras_dl_drop(r->dl);
  ras_path_reset(&r->path);
  free(r);
}

static ras_paint paint_of(uint32_t argb) {
  ras_paint p = {0};
  p.kind = RAS_PAINT_SOLID;
  p.solid.a = (float)(argb >> 24) / 255.0f;
  p.solid.r = (float)(argb >> 16 & 255) / 255.0f;
  p.solid.g = (float)(argb >> 8 & 255) / 255.0f;
  p.solid.b = (float)(argb & 255) / 255.0f;
  return p;
}

static int polyline(xr_raster *r, const double *xy, size_t n, int close) {
  ras_path_clear(&r->path);
  int rc = 0;
  for (size_t i = 0; i < n && !rc; i++)
    rc = i ? ras_path_line(&r->path, xy[2 * i], xy[2 * i + 1])
           : ras_path_move(&r->path, xy[0], xy[1]);
  if (!rc && close)
    rc = ras_path_close(&r->path);
  return rc;
}

int xr_raster_fill_polygon(xr_raster *r, const double *xy, size_t n,
                           int evenodd, uint32_t argb) {
  int rc = polyline(r, xy, n, 1);
  if (rc)
    return rc;
  ras_paint p = paint_of(argb);
  return ras_dl_device.fill_path(r->dl, &r->path, NULL,
                                 evenodd ? RAS_EVENODD : RAS_NONZERO, &p);
}

int xr_raster_stroke_polyline(xr_raster *r, const double *xy, size_t n,
                              double width, uint32_t argb) {
  int rc = polyline(r, xy, n, 0);
  if (rc)
    return rc;
  ras_paint p = paint_of(argb);
  ras_stroke s = {0};
  s.width = width;
  s.join = RAS_JOIN_ROUND;
  s.miter_limit = 10;
  return ras_dl_device.stroke_path(r->dl, &r->path, NULL, &s, &p);
}

int xr_raster_begin_group(xr_raster *r, double opacity) {
  return ras_dl_device.begin_group(r->dl, (float)opacity);
}

int xr_raster_end_group(xr_raster *r) {
  return ras_dl_device.end_group(r->dl);
}

static int format_of(int cs) {
  switch (cs) {
  case XR_CS_GRAY:
    return RAS_GRAY8;
  case XR_CS_RGB:
    return RAS_RGB8;
  case XR_CS_CMYK:
    return RAS_CMYK8;
  case XR_CS_MONO:
    return RAS_MONO1;
  default:
    return -1;
  }
}

size_t xr_raster_stride(const xr_raster *r, int colorspace) {
  return ras_dl_stride(r->dl, format_of(colorspace));
}

int xr_raster_render(const xr_raster *r, int colorspace, int y, int rows,
                     uint8_t *buf, size_t stride) {
  return ras_dl_render_band(r->dl, format_of(colorspace), y, rows, buf,
                            stride);
}

int xr_raster_render_bands(const xr_raster *r, int colorspace,
                           int band_height, int threads,
                           int (*band)(void *ud, int y, int rows,
                                       const uint8_t *data, size_t stride),
                           void *ud) {
  return ras_band_run(r->dl, format_of(colorspace), band_height, threads, band,
                      ud);
}
