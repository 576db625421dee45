/* Test helper: renders a corpus document into page buffers in memory. */
#ifndef XRT_RENDER_H
#define XRT_RENDER_H

#include <stddef.h>
#include <stdint.h>

#include "xpsraster/render.h"

typedef struct xrt_page {
  xr_page_info info;
  uint8_t *pixels; /* info.height rows of info.stride bytes */
} xrt_page;

typedef struct xrt_doc {
  xrt_page pages[64];
  int npages;
  int rc;          /* xr_doc_open / xr_doc_render status */
  xr_errinfo err;
} xrt_doc;

/* Renders corpus-relative path (e.g. "basic/square.xps") at dpi into d.
 * opts may be NULL (defaults with dpi and colorspace set from args). */
void xrt_render(xrt_doc *d, const char *corpus_path, double dpi,
                int colorspace, const xr_render_opts *opts);
/* Renders an already open document into d (d->rc, d->err set). */
void xrt_render_doc(xrt_doc *d, xr_doc *doc, const xr_render_opts *opts);
void xrt_free(xrt_doc *d);

/* Pixel at (x, y) of page p: gray value, or for RGB the component c. */
int xrt_px(const xrt_doc *d, int p, int x, int y, int c);

/* Absolute path of a corpus file, in a static buffer. */
const char *xrt_corpus(const char *rel);

#endif
