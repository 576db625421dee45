/* Display lists: a page recorded once through ras_device_fns, immutable
 * afterwards, rendered band by band (concurrently from several threads). */
#ifndef RAS_DL_H
#define RAS_DL_H

#include <stddef.h>
#include <stdint.h>

#include "render/device.h"
#include "xpsraster/limits.h"

enum ras_format {
  RAS_GRAY8 = 0, /* 1 byte per pixel, 0 = black */
  RAS_RGB8 = 1,  /* 3 bytes per pixel */
  RAS_CMYK8 = 2, /* 4 bytes per pixel, 0 = no ink */
  RAS_MONO1 = 3  /* 1 bit per pixel, MSB first, 1 = black */
};

typedef struct ras_dl ras_dl;

/* Repeating tiles (VisualBrush, ImageBrush with TileMode other than None)
 * are rendered once to a bitmap of the base tile at about device
 * resolution; a larger tile is rendered at lower resolution so the bitmap
 * stays within this many pixels (16 MiB). TileMode=None never makes a
 * bitmap: its content is drawn in place, clipped. */
#define RAS_TILE_MAX_PIXELS (4.0 * 1024 * 1024)

/* The device table that records into a ras_dl (dev argument: ras_dl *). */
extern const ras_device_fns ras_dl_device;

/* New, empty list mapping page units (1/96 inch) to pixels at dpi.
 * lim is copied. Errors: XR_E_INVAL, XR_E_NOMEM. */
int ras_dl_new(double dpi, const xr_limits *lim, ras_dl **out);

/* Device size in pixels; valid after begin_page. */
void ras_dl_size(const ras_dl *dl, int *width, int *height);

/* Renders rows [y0, y0+h) into buf (row stride bytes). Safe to call from
 * several threads at once on the same list for different bands. */
int ras_dl_render_band(const ras_dl *dl, int format, int y0, int h,
                       uint8_t *buf, size_t stride);

void ras_dl_drop(ras_dl *dl);

/* Converter for RAS_CMYK8 (ICC output profile) and RAS_MONO1 (16 x 16
 * ordered dither) bands, see render/cms_out.h; borrowed, must outlive the
 * list's rendering. NULL (the default) keeps the naive conversions. */
struct ras_cms_out;
void ras_dl_set_output(ras_dl *dl, const struct ras_cms_out *out);

/* Bytes per row of a band of the list's width in format (0 for a bad
 * format). */
size_t ras_dl_stride(const ras_dl *dl, int format);

/* Pre-scan result: non-zero when the page has transparency groups or
 * opacity masks (a page without them never allocates a layer). */
int ras_dl_has_transparency(const ras_dl *dl);

/* Glyph runs of later fill_glyphs calls use cache (shared by every list and
 * thread; the list takes a reference on first use) instead of a private
 * cache per list. Call before recording text. */
struct ras_glyph_cache;
void ras_dl_set_glyph_cache(ras_dl *dl, struct ras_glyph_cache *cache);

/* Reusable per-thread scratch for band rendering: ras_dl_render_band
 * allocates one per call, band schedulers keep one per worker. */
typedef struct ras_render_ctx ras_render_ctx;
int ras_render_ctx_new(ras_render_ctx **out);
void ras_render_ctx_drop(ras_render_ctx *ctx);
/* As ras_dl_render_band, with caller-owned scratch (one ctx per thread). */
int ras_dl_render_band_ctx(const ras_dl *dl, ras_render_ctx *ctx, int format,
                           int y0, int h, uint8_t *buf, size_t stride);

#endif
