#include "xrt_render.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *xrt_corpus(const char *rel) {
  static char buf[4096];
  const char *src = getenv("XR_SOURCE_DIR");
  snprintf(buf, sizeof buf, "%s/corpus/%s", src ? src : XR_SOURCE_DIR, rel);
  return buf;
}

static int begin(void *ud, const xr_page_info *info) {
  xrt_doc *d = ud;
  if (d->npages >= 64)
    return XR_E_LIMIT;
  xrt_page *p = &d->pages[d->npages++];
  p->info = *info;
  p->pixels = calloc(info->stride, (size_t)info->height);
  return p->pixels ? 0 : XR_E_NOMEM;
}

static int band(void *ud, const xr_page_info *info, int y, int rows,
                const uint8_t *data, size_t stride) {
  xrt_doc *d = ud;
  xrt_page *p = &d->pages[d->npages - 1];
  if (y < 0 || rows < 0 || y + rows > info->height)
    return XR_E_INTERNAL;
  for (int r = 0; r < rows; r++)
    memcpy(p->pixels + (size_t)(y + r) * info->stride, data + r * stride,
           info->stride);
  return 0;
}

static int end(void *ud, const xr_page_info *info) {
  (void)ud;
  (void)info;
  return 0;
}

void xrt_render(xrt_doc *d, const char *corpus_path, double dpi,
                int colorspace, const xr_render_opts *opts) {
  memset(d, 0, sizeof *d);
  xr_doc *doc = NULL;
  d->rc = xr_doc_open(xrt_corpus(corpus_path), NULL, &doc, &d->err);
  if (d->rc < 0)
    return;
  xr_render_opts ro;
  if (opts) {
    ro = *opts;
  } else {
    xr_render_opts_init(&ro);
    ro.dpi = dpi;
    ro.colorspace = colorspace;
  }
  xr_band_sink sink = {d, begin, band, end};
  d->rc = xr_doc_render(doc, &ro, &sink, &d->err);
  xr_doc_close(doc);
}

void xrt_render_doc(xrt_doc *d, xr_doc *doc, const xr_render_opts *opts) {
  xr_band_sink sink = {d, begin, band, end};
  d->rc = xr_doc_render(doc, opts, &sink, &d->err);
}

void xrt_free(xrt_doc *d) {
  for (int i = 0; i < d->npages; i++)
    free(d->pages[i].pixels);
  d->npages = 0;
}

int xrt_px(const xrt_doc *d, int p, int x, int y, int c) {
  const xrt_page *pg = &d->pages[p];
  if (x < 0 || y < 0 || x >= pg->info.width || y >= pg->info.height)
    return -1;
  return pg->pixels[(size_t)y * pg->info.stride +
                    (size_t)x * (size_t)pg->info.components + (size_t)c];
}
