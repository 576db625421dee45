/* PWG raster and CUPS raster writers (libcups raster API) as band sinks.
 * Private to filter/: used by the xpsraster CLI (-F pwg|cups), the CUPS
 * filter xpstoraster, and the embedding pipeline.
 *
 * Each rendered page becomes one raster page. By default the raster page is
 * the rendered page. A per-page setup callback may ask for a media size
 * (the content is centred on it, cropped where it is larger, never scaled),
 * a rotation (which buffers the page), duplex, and a media name. */
#ifndef XR_OUT_RASTER_H
#define XR_OUT_RASTER_H

#include <cups/raster.h>
#include <stdint.h>

#include "xpsraster/render.h"

enum xr_raster_format {
  XR_RASTER_CUPS = 0, /* application/vnd.cups-raster (v2, compressed) */
  XR_RASTER_PWG = 1   /* image/pwg-raster */
};

enum xr_raster_duplex {
  XR_DUPLEX_NONE = 0,
  XR_DUPLEX_LONG_EDGE = 1,
  XR_DUPLEX_SHORT_EDGE = 2
};

/* What one raster page should look like; filled by the setup callback. */
typedef struct xr_raster_page {
  double media_w_in, media_h_in; /* media size; 0: the rendered size */
  int rotate;                    /* 0, 90, 180, 270 degrees clockwise */
  int duplex;                    /* enum xr_raster_duplex */
  char media_name[64];           /* PWG self-describing name; "": derived */
  int copies; /* NumCopies for a printer that makes copies; 0: 1 */
} xr_raster_page;

/* Called at the start of each page with the page zeroed. Returning < 0
 * stops rendering with that status before anything of the page is written
 * (this is how a cancel finishes at a page boundary). */
typedef int (*xr_raster_setup_fn)(void *ud, const xr_page_info *info,
                                  xr_raster_page *page);

typedef struct xr_raster_opts {
  xr_raster_setup_fn setup; /* may be NULL */
  void *setup_ud;
  int64_t max_page_buffer; /* bytes kept for a rotated page; 0: 512 MiB */
} xr_raster_opts;

/* Starts a raster stream on fd (borrowed; not closed). opts may be NULL.
 * Fills *out with callbacks whose ud owns the writer. Returns 0,
 * XR_E_INVAL, XR_E_NOMEM, or XR_E_IO when libcups refuses the stream. */
int xr_raster_sink_open(int fd, int format, const xr_raster_opts *opts,
                        xr_band_sink *out);

/* Ends the stream (a page left open is completed with blank rows) and frees
 * the writer; out->ud becomes NULL. Returns 0 or the first write error. A
 * sink whose ud is NULL is a no-op. */
int xr_raster_sink_close(xr_band_sink *sink);

/* CUPS raster for a PPD driver: t is the header the PPD's option code
 * gives (cupsRasterInterpretPPD). Its driver fields (media type,
 * compression, row count/feed/step, cupsInteger/Real/String, marker type,
 * rendering intent, media class/colour/type, output type, feed and
 * finishing switches) are copied into every later page header; size,
 * resolution, colour, duplex and copies stay ours. t is copied. No effect
 * on PWG raster. Returns 0 or XR_E_INVAL. */
int xr_raster_sink_set_template(xr_band_sink *sink,
                                const cups_page_header2_t *t);

/* Number of complete pages written so far. */
int xr_raster_sink_pages(const xr_band_sink *sink);

/* The PWG media name of a size in inches ("na_letter_8.5x11in", or a
 * "custom_..." name) into buf. Returns buf. */
char *xr_raster_media_name(double w_in, double h_in, char *buf, size_t size);

#endif
