/* libFuzzer harness for a whole page: FixedPage markup -> interpreter ->
 * display list -> bands at about 10 dpi.
 *
 * The input is the markup of /Documents/1/Pages/1.fpage inside a small
 * unpacked package, tests/fuzz/page_env/ (fonts, an .odttf, PNG, JPEG,
 * TIFF, JPEG XR images, ICC profiles and resource dictionaries, some of
 * them referring to each other or themselves), so that FontUri,
 * ImageSource and ResourceDictionary Source references resolve to real
 * parts. XR_FUZZ_PAGE_ENV names another package directory; without one the
 * page runs with no package.
 *
 * Limits are lowered so that one input stays fast; the limit checks are
 * what matter, and tests/regress/test_hostile.c covers the defaults.
 * Seeds: tests/fuzz/seeds/page/ (every FixedPage in corpus/). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "render/cms.h"
#include "render/dl.h"
#include "render/glyph_cache.h"
#include "xps/font.h"
#include "xps/image.h"
#include "xps/page.h"

#ifndef XR_SOURCE_DIR
#define XR_SOURCE_DIR "."
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every report must say what was wrong and where (issue 11): a warning or
 * error without a part name or a message is a finding. */
static void check_report(const xr_errinfo *e) {
  if (!e->part[0] || !e->msg[0])
    abort();
}

static void quiet(void *ud, const xr_errinfo *w) {
  (void)ud;
  check_report(w);
}

/* State shared by every input, as in a job: the package of resources, the
 * font table (the fallback font is parsed once) and the glyph cache. */
struct page_env {
  int ready;
  xps_ctx ctx;
  xps_pkg *pkg;
  ras_glyph_cache *glyphs;
};

static struct page_env *page_env(void) {
  static struct page_env env;
  if (env.ready)
    return &env;
  env.ready = 1;
  xps_ctx_init(&env.ctx);
  env.ctx.warn = quiet;
  xr_limits *l = &env.ctx.limits;
  xr_limits_set(l, XR_LIMIT_XML_DEPTH, 128);
  xr_limits_set(l, XR_LIMIT_ELEMENTS_PER_PAGE, 20000);
  xr_limits_set(l, XR_LIMIT_PATH_POINTS, 200000);
  xr_limits_set(l, XR_LIMIT_GLYPHS_PER_RUN, 4096);
  xr_limits_set(l, XR_LIMIT_CLUSTER_MAP, 4096);
  xr_limits_set(l, XR_LIMIT_GRADIENT_STOPS, 1024);
  xr_limits_set(l, XR_LIMIT_DASH_ENTRIES, 256);
  xr_limits_set(l, XR_LIMIT_IMAGE_DIM, 2048);
  xr_limits_set(l, XR_LIMIT_IMAGE_PIXELS, 1 << 20);
  xr_limits_set(l, XR_LIMIT_PART_SIZE, 8 << 20);
  xr_limits_set(l, XR_LIMIT_NESTING, 32);
  xr_limits_set(l, XR_LIMIT_RESOURCE_DEPTH, 16);
  xr_limits_set(l, XR_LIMIT_PAGE_DIM, 4096);
  xr_limits_set(l, XR_LIMIT_PAGE_PIXELS, 1 << 22);
  xr_limits_set(l, XR_LIMIT_JOB_MEMORY, 256 << 20);
  if (xps_fonts_new(NULL, &env.ctx.fonts) ||
      ras_glyph_cache_new(4u << 20, &env.glyphs))
    abort();
  const char *dir = getenv("XR_FUZZ_PAGE_ENV");
  if (!dir)
    dir = XR_SOURCE_DIR "/tests/fuzz/page_env";
  xr_errinfo err;
  if (xps_pkg_open(dir, &env.ctx, &env.pkg, &err) < 0)
    env.pkg = NULL; /* markup only */
  return &env;
}

/* FNV-1a of the input picks the band format and height, so that a crash
 * reproduces from the input alone. */
static uint32_t hash(const uint8_t *p, size_t n) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; i++)
    h = (h ^ p[i]) * 16777619u;
  return h;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct page_env *env = page_env();
  xps_ctx ctx = env->ctx;
  /* Per input: a fresh image cache and colour context, so one input's
   * decoded images never change how the next one runs. */
  if (ras_cms_new(&ctx.cms))
    return 0;
  if (xps_images_new(&ctx.images)) {
    ras_cms_drop(ctx.cms);
    return 0;
  }
  ras_dl *dl = NULL;
  uint32_t h = hash(data, size);
  double dpi = 8 + (h >> 8) % 5; /* 8..12 dpi */
  if (ras_dl_new(dpi, &ctx.limits, &dl) == 0) {
    ras_dl_set_glyph_cache(dl, env->glyphs);
    xr_errinfo err;
    int rc = xps_page_run_buffer(env->pkg, "/Documents/1/Pages/1.fpage",
                                 (const char *)data, size, &ctx, &ras_dl_device,
                                 dl, &err);
    if (rc < 0 && rc != XR_E_NOMEM)
      check_report(&err);
    int w = 0, hh = 0;
    if (rc >= 0)
      ras_dl_size(dl, &w, &hh);
    if (rc >= 0 && w > 0 && hh > 0) {
      int format = (int)(h % 4);
      int band = 1 + (int)((h >> 4) % 48);
      size_t stride = ras_dl_stride(dl, format);
      uint8_t *buf = stride ? malloc(stride * (size_t)band) : NULL;
      for (int y = 0; buf && y < hh; y += band) {
        int rows = hh - y < band ? hh - y : band;
        if (ras_dl_render_band(dl, format, y, rows, buf, stride) < 0)
          break;
      }
      free(buf);
    }
    ras_dl_drop(dl);
  }
  xps_images_drop(ctx.images);
  ras_cms_drop(ctx.cms);
  return 0;
}
