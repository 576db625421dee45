/* Rendering pages to bands of pixels. */
#ifndef XPSRASTER_RENDER_H
#define XPSRASTER_RENDER_H

#include <stddef.h>
#include <stdint.h>

#include "xpsraster/document.h"

#ifdef __cplusplus
extern "C" {
#endif

enum xr_colorspace {
  XR_CS_GRAY = 0, /* 8-bit, 0 = black */
  XR_CS_RGB = 1,  /* 8-bit interleaved sRGB */
  XR_CS_CMYK = 2, /* 8-bit interleaved, 0 = no ink */
  XR_CS_MONO = 3  /* 1-bit, MSB first, 1 = black */
};

typedef struct xr_page_info {
  int index;            /* 0-based page index in the document */
  int count;            /* pages in the document, -1 if not yet known */
  int width, height;    /* pixels */
  double dpi;           /* pixels per inch, both axes */
  double width_in, height_in; /* page size in inches */
  int colorspace;       /* enum xr_colorspace */
  int components;       /* 1, 3 or 4 (1 for mono) */
  int bits;             /* bits per component: 8, or 1 for mono */
  size_t stride;        /* bytes per row in the bands passed to the sink */
} xr_page_info;

/* Where bands go. Calls arrive on one thread, in page order and top to
 * bottom. A callback returning < 0 stops rendering with that status. */
typedef struct xr_band_sink {
  void *ud;
  int (*begin_page)(void *ud, const xr_page_info *info);
  int (*write_band)(void *ud, const xr_page_info *info, int y, int rows,
                    const uint8_t *data, size_t stride);
  int (*end_page)(void *ud, const xr_page_info *info);
} xr_band_sink;

typedef struct xr_render_opts {
  double dpi;         /* default 96 */
  int colorspace;     /* default XR_CS_RGB */
  int threads;        /* 0: one per core */
  int band_height;    /* 0: chosen for the cache */
  const char *pages;  /* page ranges "1-3,7" (1-based); NULL: all */
  /* XR_CS_CMYK: output ICC profile file (sRGB is converted to it with
   * perceptual intent and black point compensation); NULL or "": the
   * built-in profile (sRGB with full grey component replacement, made by
   * lcms2, no file needed). XR_CS_MONO: 1 bit by a 16 x 16 ordered dither.
   * A profile that cannot be used fails xr_doc_render with XR_E_IO or
   * XR_E_FORMAT before any page. */
  const char *cmyk_profile;
  /* Media: when both are > 0 and a page is larger than the media (by more
   * than 1/100 inch either way), fit decides: scale the page down to fit
   * (re-rendered at a lower resolution, never resampled), or clip it (the
   * sink centres and crops). XR_FIT_ASK asks the job's listeners once per
   * job through the notifier ("scale to fit or clip?") and takes the
   * default, scale, when nobody answers within query_timeout_ms; with only
   * a CUPS sink nobody can answer, so the default applies at once. */
  double media_width_in, media_height_in;
  int fit;              /* enum xr_fit */
  int query_timeout_ms; /* 0: 15000 */
} xr_render_opts;

enum xr_fit { XR_FIT_ASK = 0, XR_FIT_SCALE = 1, XR_FIT_CLIP = 2 };

void xr_render_opts_init(xr_render_opts *opts);

/* Renders the selected pages in order into sink. A page that fails is
 * reported (err, and an error event) and rendering stops there with its
 * status; pages already delivered stay delivered. Returns 0 or < 0. */
int xr_doc_render(xr_doc *doc, const xr_render_opts *opts,
                  const xr_band_sink *sink, xr_errinfo *err);

#ifdef __cplusplus
}
#endif
#endif
