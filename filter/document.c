/* The library glue: package -> document -> page interpreter -> display
 * list -> bands -> sink, with progress, warnings and errors posted to the
 * notifier. Everything XPS-specific stays in xps/, everything about pixels
 * in render/; this file only sequences them. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter/doc_pkg.h"
#include "filter/pages.h"
#include "render/cms.h"
#include "render/cms_out.h"
#include "render/band.h"
#include "render/dl.h"
#include "render/glyph_cache.h"
#include "xps/doc.h"
#include "xps/font.h"
#include "xps/image.h"
#include "xps/page.h"
#include "xps/ticket.h"
#include "xpsraster/notify.h"
#include "xpsraster/render.h"

struct xr_doc {
  xps_ctx ctx;
  xps_pkg *pkg;
  xps_doc *doc;
  xr_notifier *ntf;      /* borrowed */
  atomic_int cancel;     /* enum xr_cancel_mode, 0 = running */
  atomic_int stop_now;   /* mirrors XR_CANCEL_NOW for xps/ loops */
  atomic_int warnings; /* warn may run on several render threads */
  int fit_answer;        /* XR_FIT_SCALE / XR_FIT_CLIP once decided, else -1 */
  ras_glyph_cache *gcache; /* glyph masks shared by pages and threads */
  xps_discard_list discard; /* parts a stream may forget after a page */
  int discard_tried;
};

/* Warnings from xps/ become WARNING events naming the part and line. */
static void doc_warn(void *ud, const xr_errinfo *w) {
  xr_doc *doc = ud;
  char line[1024];
  atomic_fetch_add_explicit(&doc->warnings, 1, memory_order_relaxed);
  if (doc->ntf)
    xr_notify_message(doc->ntf, XR_LEVEL_WARNING,
                      xr_errinfo_format(w, line, sizeof line));
}

static int open_failed(xr_doc *doc, int rc, xr_errinfo *err);

static int finish_open(xr_doc *doc, xr_doc **out, xr_errinfo *err) {
  int rc = xps_doc_open(doc->pkg, &doc->ctx, &doc->doc, err);
  if (rc < 0)
    return open_failed(doc, rc, err);
  *out = doc;
  return 0;
}

static xr_doc *doc_alloc(const xr_open_opts *opts) {
  xr_doc *doc = calloc(1, sizeof *doc);
  if (!doc)
    return NULL;
  xps_ctx_init(&doc->ctx);
  /* Fonts are loaded once per job and shared by its pages, and so are the
   * glyph cache, ICC transforms and decoded images. */
  if (xps_fonts_new(NULL, &doc->ctx.fonts) ||
      ras_glyph_cache_new(0, &doc->gcache) || ras_cms_new(&doc->ctx.cms) ||
      xps_images_new(&doc->ctx.images)) {
    xr_doc_close(doc); /* drops what was made; NULL members are no-ops */
    return NULL;
  }
  if (opts && opts->limits)
    doc->ctx.limits = *opts->limits;
  doc->ntf = opts ? opts->notifier : NULL;
  doc->ctx.warn = doc_warn;
  doc->ctx.warn_ud = doc;
  doc->ctx.cancel = &doc->stop_now;
  atomic_init(&doc->cancel, 0);
  atomic_init(&doc->stop_now, 0);
  atomic_init(&doc->warnings, 0);
  doc->fit_answer = -1;
  return doc;
}

static int open_failed(xr_doc *doc, int rc, xr_errinfo *err) {
  if (doc->ntf) {
    char line[1024];
    xr_notify_message(doc->ntf, XR_LEVEL_ERROR,
                      xr_errinfo_format(err, line, sizeof line));
  }
  xr_doc_close(doc);
  return rc;
}

int xr_doc_open(const char *path, const xr_open_opts *opts, xr_doc **out,
                xr_errinfo *err) {
  xr_errinfo_clear(err);
  *out = NULL;
  if (!path)
    return xr_errinfo_set(err, XR_E_INVAL, NULL, -1, -1, "no input given");
  xr_doc *doc = doc_alloc(opts);
  if (!doc)
    return xr_errinfo_set(err, XR_E_NOMEM, path, -1, -1, NULL);
  int rc = xps_pkg_open(path, &doc->ctx, &doc->pkg, err);
  if (rc < 0)
    return open_failed(doc, rc, err);
  return finish_open(doc, out, err);
}

int xr_doc_open_fd(int fd, const xr_open_opts *opts, xr_doc **out,
                   xr_errinfo *err) {
  xr_errinfo_clear(err);
  *out = NULL;
  xr_doc *doc = doc_alloc(opts);
  if (!doc)
    return xr_errinfo_set(err, XR_E_NOMEM, NULL, -1, -1, NULL);
  int rc = xps_pkg_open_fd(fd, &doc->ctx, &doc->pkg, err);
  if (rc < 0)
    return open_failed(doc, rc, err);
  return finish_open(doc, out, err);
}

xps_pkg *xr_doc_pkg(xr_doc *doc) {
  return doc ? doc->pkg : NULL;
}

int xr_doc_page_count(const xr_doc *doc) {
  return doc ? xps_doc_page_count(doc->doc) : -1;
}

int xr_doc_warning_count(const xr_doc *doc) {
  return doc ? atomic_load_explicit(&((xr_doc *)doc)->warnings,
                                    memory_order_relaxed)
             : 0;
}

void xr_doc_cancel(xr_doc *doc, int mode) {
  if (!doc)
    return;
  atomic_store_explicit(&doc->cancel, mode, memory_order_relaxed);
  if (mode == XR_CANCEL_NOW)
    atomic_store_explicit(&doc->stop_now, 1, memory_order_relaxed);
}

void xr_doc_close(xr_doc *doc) {
  if (!doc)
    return;
  xps_doc_close(doc->doc);
  xps_discard_list_free(&doc->discard);
  xps_pkg_close(doc->pkg);
  xps_fonts_drop(doc->ctx.fonts);
  ras_glyph_cache_drop(doc->gcache);
  ras_cms_drop(doc->ctx.cms);
  xps_images_drop(doc->ctx.images); /* display lists keep their own refs */
  free(doc);
}

void xr_render_opts_init(xr_render_opts *opts) {
  memset(opts, 0, sizeof *opts);
  opts->dpi = 96;
  opts->colorspace = XR_CS_RGB;
}

static void report(xr_doc *doc, int level, const xr_errinfo *e) {
  char line[1024];
  if (doc->ntf)
    xr_notify_message(doc->ntf, level, xr_errinfo_format(e, line, sizeof line));
}

static int cancelled(xr_doc *doc, int mode) {
  int c = atomic_load_explicit(&doc->cancel, memory_order_relaxed);
  return c >= mode; /* NOW also stops at page boundaries */
}

/* Rasterizes one recorded page into the sink, band by band. */
/* Hands one finished band to the sink; runs on the rendering thread, in
 * page order, so the sink needs no locking. */
struct band_ctx {
  xr_doc *doc;
  const xr_band_sink *sink;
  xr_page_info *info;
};

static int band_out(void *ud, int y, int rows, const uint8_t *data,
                    size_t stride) {
  struct band_ctx *b = ud;
  if (cancelled(b->doc, XR_CANCEL_NOW))
    return XR_E_CANCELLED;
  int rc = b->sink->write_band
               ? b->sink->write_band(b->sink->ud, b->info, y, rows, data,
                                     stride)
               : 0;
  /* Per-band progress: state, throttled by the notifier, so cheap. */
  if (rc == 0 && b->doc->ntf && b->info->count > 0)
    xr_notify_progress(b->doc->ntf, b->info->index + 1, b->info->count,
                       (b->info->index + (double)(y + rows) / b->info->height) /
                           b->info->count);
  return rc;
}

/* Rasterizes one recorded page into the sink, band by band, on the worker
 * pool. */
static int deliver_page(xr_doc *doc, const ras_dl *dl, xr_page_info *info,
                        const xr_render_opts *opts, const xr_band_sink *sink,
                        xr_errinfo *err) {
  static const int fmt[] = {RAS_GRAY8, RAS_RGB8, RAS_CMYK8, RAS_MONO1};
  struct band_ctx b = {doc, sink, info};
  int rc = sink->begin_page ? sink->begin_page(sink->ud, info) : 0;
  if (rc == 0)
    rc = ras_band_run(dl, fmt[info->colorspace], opts->band_height,
                      opts->threads, band_out, &b);
  if (rc == 0 && sink->end_page)
    rc = sink->end_page(sink->ud, info);
  if (rc < 0 && err && err->status == XR_OK)
    xr_errinfo_set(err, rc, NULL, -1, -1, "page %d not delivered: %s",
                   info->index + 1, xr_strerror(rc));
  return rc;
}

/* Records page ref into a new display list at dpi. */
static int record_page(xr_doc *doc, const xps_page_ref *ref, double dpi,
                       const ras_cms_out *out, ras_dl **dlp, xr_errinfo *err) {
  int rc = ras_dl_new(dpi, &doc->ctx.limits, dlp);
  if (rc < 0)
    return xr_errinfo_set(err, rc, ref->name, -1, -1,
                          "cannot start a display list");
  ras_dl_set_output(*dlp, out);
  ras_dl_set_glyph_cache(*dlp, doc->gcache);
  return xps_page_run(doc->pkg, ref->name, &doc->ctx, &ras_dl_device, *dlp,
                      err);
}

/* The scale for a page of w x h inches on the job's media: 1 when it fits
 * or is to be clipped. The first oversize page of a job asks the listeners
 * (a real bidirectional query with a default answer); the answer holds for
 * the rest of the job. */
static double fit_scale(xr_doc *doc, const xr_render_opts *opts, int page,
                        double w, double h) {
  double mw = opts->media_width_in, mh = opts->media_height_in;
  if (!(mw > 0 && mh > 0) || (w <= mw + 0.01 && h <= mh + 0.01))
    return 1.0;
  int fit = opts->fit;
  if (fit == XR_FIT_ASK) {
    if (doc->fit_answer < 0) {
      static const char *const choices[] = {"Scale to fit", "Clip"};
      char q[256];
      int answer = 0;
      snprintf(q, sizeof q,
               "Page %d is %.2f x %.2f in, larger than the %.2f x %.2f in "
               "media: scale to fit or clip?",
               page, w, h, mw, mh);
      xr_notify_query(doc->ntf, q, choices, 2, 0,
                      opts->query_timeout_ms > 0 ? opts->query_timeout_ms
                                                 : 15000,
                      &answer);
      doc->fit_answer = answer == 1 ? XR_FIT_CLIP : XR_FIT_SCALE;
      if (doc->ntf) {
        char msg[128];
        snprintf(msg, sizeof msg, "Pages larger than the media will be %s",
                 doc->fit_answer == XR_FIT_CLIP ? "clipped" : "scaled to fit");
        xr_notify_message(doc->ntf, XR_LEVEL_INFO, msg);
      }
    }
    fit = doc->fit_answer;
  }
  if (fit == XR_FIT_CLIP)
    return 1.0;
  double s = mw / w < mh / h ? mw / w : mh / h;
  return s > 0 && s < 1 ? s : 1.0;
}

static int render_one(xr_doc *doc, const xps_page_ref *ref, int count,
                      const xr_render_opts *opts, const ras_cms_out *out,
                      const xr_band_sink *sink, xr_errinfo *err) {
  ras_dl *dl = NULL;
  double dpi = opts->dpi;
  int rc = record_page(doc, ref, dpi, out, &dl, err);
  xr_page_info info;
  memset(&info, 0, sizeof info);
  if (rc >= 0) {
    ras_dl_size(dl, &info.width, &info.height);
    double s = fit_scale(doc, opts, ref->index + 1, info.width / dpi,
                         info.height / dpi);
    if (s < 1.0) {
      /* Scaling re-records the page at the lower resolution: vectors and
       * text stay sharp, and only oversize pages pay the second parse. */
      ras_dl_drop(dl);
      dl = NULL;
      dpi = opts->dpi * s;
      rc = record_page(doc, ref, dpi, out, &dl, err);
      if (rc >= 0)
        ras_dl_size(dl, &info.width, &info.height);
    }
  }
  if (rc >= 0) {
    info.index = ref->index;
    info.count = count;
    info.dpi = opts->dpi; /* pixel density is unchanged by scaling */
    info.width_in = info.width / opts->dpi;
    info.height_in = info.height / opts->dpi;
    info.colorspace = opts->colorspace;
    info.components = opts->colorspace == XR_CS_RGB    ? 3
                      : opts->colorspace == XR_CS_CMYK ? 4
                                                       : 1;
    info.bits = opts->colorspace == XR_CS_MONO ? 1 : 8;
    info.stride = opts->colorspace == XR_CS_MONO
                      ? ((size_t)info.width + 7) / 8
                      : (size_t)info.width * (size_t)info.components;
    if (info.width <= 0 || info.height <= 0)
      rc = xr_errinfo_set(err, XR_E_FORMAT, ref->name, -1, -1,
                          "page has no area (%d x %d pixels)", info.width,
                          info.height);
    else
      rc = deliver_page(doc, dl, &info, opts, sink, err);
  }
  ras_dl_drop(dl);
  return rc;
}

static void forget_part(void *ud, const char *target) {
  xps_pkg_forget(ud, target);
}

/* DiscardControl frees spilled parts of a stream (elsewhere there is
 * nothing to free). An unusable one only costs memory: a warning. */
static void load_discard(xr_doc *doc, xps_discard_list *dc) {
  dc->v = NULL;
  dc->n = 0;
  if (!xps_pkg_is_stream(doc->pkg) || xps_pkg_is_lone_page(doc->pkg))
    return;
  xr_errinfo e;
  xr_errinfo_clear(&e);
  int rc = xps_discard_load(doc->pkg, &doc->ctx, dc, &e);
  if (rc < 0)
    xps_warn(&doc->ctx, rc, e.part[0] ? e.part : NULL, e.line,
             "DiscardControl ignored: %s", e.msg);
}

/* The page loop of xr_doc_render, after validation. */
static int render_pages(xr_doc *doc, xr_render_opts opts,
                        const ras_cms_out *out, const xr_band_sink *sink,
                        xr_errinfo *err) {
  const xps_discard_list *dc = &doc->discard;
  if (!doc->discard_tried) {
    doc->discard_tried = 1;
    load_discard(doc, &doc->discard);
  }
  int rendered = 0, last = 0, last_count = 0;
  for (;;) {
    xps_page_ref ref;
    if (cancelled(doc, XR_CANCEL_AFTER_PAGE))
      return xr_errinfo_set(err, XR_E_CANCELLED, NULL, -1, -1,
                            "cancelled after %d pages", rendered);
    int rc = xps_doc_next_page(doc->doc, &ref, err);
    if (rc < 0) {
      report(doc, XR_LEVEL_ERROR, err);
      return rc;
    }
    if (rc == 0) {
      /* On a stream, read to the end: damage after the last page (a
       * truncated archive, a central directory that disagrees with the
       * local headers) must still fail the job. */
      rc = xps_pkg_drain(doc->pkg, err);
      if (rc < 0) {
        report(doc, XR_LEVEL_ERROR, err);
        return rc;
      }
      /* A stream learns its page count only here: without this its
       * listeners and CUPS would never see the job reach 100 %. */
      if (doc->ntf && last > 0 && last_count <= 0)
        xr_notify_progress(doc->ntf, last, last, 1.0);
      break;
    }
    int page = ref.index + 1;
    if (xr_pages_done(opts.pages, page))
      break;
    if (!xr_pages_contains(opts.pages, page)) {
      xps_discard_after_page(dc, ref.name, forget_part, doc->pkg);
      continue;
    }
    int count = xps_doc_page_count(doc->doc);
    if (doc->ntf)
      xr_notify_progress(doc->ntf, page, count,
                         count > 0 ? (double)(page - 1) / count : -1.0);
    rc = render_one(doc, &ref, count, &opts, out, sink, err);
    if (rc < 0) {
      if (rc == XR_E_CANCELLED)
        return rc;
      if (err && err->part[0] == '\0')
        snprintf(err->part, sizeof err->part, "%.255s", ref.name);
      report(doc, XR_LEVEL_ERROR, err);
      return rc;
    }
    rendered++;
    last = page;
    last_count = count;
    xps_discard_after_page(dc, ref.name, forget_part, doc->pkg);
    if (doc->ntf) {
      xr_notify_page(doc->ntf, page, 1);
      if (count > 0)
        xr_notify_progress(doc->ntf, page, count, (double)page / count);
    }
  }
  return 0;
}

int xr_doc_render(xr_doc *doc, const xr_render_opts *opts_in,
                  const xr_band_sink *sink, xr_errinfo *err) {
  xr_render_opts opts;
  xr_errinfo_clear(err);
  if (!doc || !sink)
    return xr_errinfo_set(err, XR_E_INVAL, NULL, -1, -1, "no document");
  if (opts_in)
    opts = *opts_in;
  else
    xr_render_opts_init(&opts);
  if (!(opts.dpi > 0) || opts.dpi > (double)xps_limit(&doc->ctx, XR_LIMIT_DPI))
    return xr_errinfo_set(err, XR_E_LIMIT, NULL, -1, -1,
                          "resolution %g dpi is outside 1..%lld", opts.dpi,
                          (long long)xps_limit(&doc->ctx, XR_LIMIT_DPI));
  if ((unsigned)opts.colorspace > XR_CS_MONO)
    return xr_errinfo_set(err, XR_E_INVAL, NULL, -1, -1, "bad colour space");
  if (xr_pages_check(opts.pages) < 0)
    return xr_errinfo_set(err, XR_E_USAGE, NULL, -1, -1,
                          "bad page range \"%s\"", opts.pages);

  /* One output converter per call: the CMYK transform is made once and
   * shared by every page and band (issue 8). */
  ras_cms_out *out = NULL;
  if (opts.colorspace == XR_CS_CMYK || opts.colorspace == XR_CS_MONO) {
    int rc = ras_cms_out_new(opts.cmyk_profile, &out, err);
    if (rc < 0) {
      report(doc, XR_LEVEL_ERROR, err);
      return rc;
    }
  }
  int rc = render_pages(doc, opts, out, sink, err);
  ras_cms_out_drop(out);
  return rc;
}
