/* Golden images of the image corpus (corpus/image/NAME.xps, made by
 * corpus/gen_image.py): each first page is interpreted, recorded and
 * rendered to sRGB at 96 dpi, then compared with corpus/image/golden/
 * <name>.png within a tolerance, and the warnings counted.
 *
 * XR_UPDATE_GOLDEN=1 rewrites the goldens instead (look at them before
 * committing: they are the specification from then on). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <png.h>

#include "render/cms.h"
#include "render/dl.h"
#include "render/image_decode.h"
#include "xps/doc.h"
#include "xps/image.h"
#include "xps/page.h"

#define DIR XR_SOURCE_DIR "/corpus/image/"

typedef struct warns {
  int n;
  char last[1024];
} warns;

static void on_warn(void *ud, const xr_errinfo *w) {
  warns *ws = ud;
  ws->n++;
  snprintf(ws->last, sizeof ws->last, "%.255s: %.511s", w->part, w->msg);
}

/* Renders page 1 of name into a malloc'd RGB buffer. */
static uint8_t *render(const char *name, int *w, int *h, warns *ws) {
  char path[1024];
  snprintf(path, sizeof path, DIR "%s.xps", name);
  xps_ctx ctx;
  xps_ctx_init(&ctx);
  ctx.warn = on_warn;
  ctx.warn_ud = ws;
  assert_int_equal(ras_cms_new(&ctx.cms), 0);
  assert_int_equal(xps_images_new(&ctx.images), 0);
  xr_errinfo err;
  xr_errinfo_clear(&err);
  xps_pkg *pkg = NULL;
  xps_doc *doc = NULL;
  if (xps_pkg_open(path, &ctx, &pkg, &err) ||
      xps_doc_open(pkg, &ctx, &doc, &err))
    fail_msg("%s: %s", name, err.msg);
  xps_page_ref ref;
  assert_int_equal(xps_doc_next_page(doc, &ref, &err), 1);
  ras_dl *dl = NULL;
  assert_int_equal(ras_dl_new(96, &ctx.limits, &dl), 0);
  if (xps_page_run(pkg, ref.name, &ctx, &ras_dl_device, dl, &err))
    fail_msg("%s: %s", name, err.msg);
  ras_dl_size(dl, w, h);
  size_t stride = (size_t)*w * 3;
  uint8_t *px = malloc(stride * (size_t)*h);
  assert_non_null(px);
  assert_int_equal(ras_dl_render_band(dl, RAS_RGB8, 0, *h, px, stride), 0);
  ras_dl_drop(dl);
  xps_doc_close(doc);
  xps_pkg_close(pkg);
  xps_images_drop(ctx.images);
  ras_cms_drop(ctx.cms);
  return px;
}

static void write_png(const char *path, const uint8_t *px, int w, int h) {
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  png_structp p =
      png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  png_infop info = png_create_info_struct(p);
  assert_int_equal(setjmp(png_jmpbuf(p)), 0);
  png_init_io(p, f);
  png_set_IHDR(p, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_RGB,
               PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
               PNG_FILTER_TYPE_DEFAULT);
  png_write_info(p, info);
  for (int y = 0; y < h; y++)
    png_write_row(p, (png_bytep)(px + (size_t)y * (size_t)w * 3));
  png_write_end(p, info);
  png_destroy_write_struct(&p, &info);
  fclose(f);
}

static uint8_t *slurp(const char *path, size_t *n) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  fseek(f, 0, SEEK_END);
  long l = ftell(f);
  fseek(f, 0, SEEK_SET);
  uint8_t *d = malloc((size_t)l + 1);
  *n = fread(d, 1, (size_t)l, f);
  fclose(f);
  return d;
}

/* Renders and compares one document: at most 0.5 % of the pixels may
 * differ by more than 24 in a channel (anti-aliasing and rounding), and
 * the mean difference must stay under 1. */
static void golden(const char *name, int want_warnings) {
  warns ws = {0, ""};
  int w, h;
  uint8_t *px = render(name, &w, &h, &ws);
  if (ws.n != want_warnings)
    fail_msg("%s: %d warnings, want %d (last: %s)", name, ws.n, want_warnings,
             ws.last);
  char path[1024];
  snprintf(path, sizeof path, DIR "golden/%s.png", name);
  const char *upd = getenv("XR_UPDATE_GOLDEN");
  if (upd && *upd == '1') {
    write_png(path, px, w, h);
    free(px);
    return;
  }
  size_t n = 0;
  uint8_t *d = slurp(path, &n);
  if (!d)
    fail_msg("%s: no golden %s", name, path);
  xr_limits lim;
  xr_limits_init(&lim);
  ras_image *g = NULL;
  assert_int_equal(ras_image_decode_png(d, n, &lim, &g, NULL), 0);
  free(d);
  assert_int_equal(ras_image_prepare(g, NULL, NULL, 0, NULL), 0);
  assert_int_equal(g->w, w);
  assert_int_equal(g->h, h);
  long off = 0;
  double sum = 0;
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) {
      uint8_t e[4];
      ras_image_pixel(g, x, y, e);
      const uint8_t *p = px + ((size_t)y * (size_t)w + (size_t)x) * 3;
      int worst = 0;
      for (int c = 0; c < 3; c++) {
        int dlt = abs(p[c] - e[c]);
        sum += dlt;
        worst = dlt > worst ? dlt : worst;
      }
      off += worst > 24;
    }
  double mean = sum / ((double)w * h * 3);
  if (off > (long)w * h / 200 || mean > 1.0)
    fail_msg("%s: %ld pixels off, mean difference %.3f", name, off, mean);
  ras_image_drop(g);
  free(px);
}

static void test_png(void **st) {
  (void)st;
  golden("png", 0);
  golden("png-interlaced", 0);
}
static void test_jpeg(void **st) {
  (void)st;
  golden("jpeg", 0);
}
static void test_tiff(void **st) {
  (void)st;
  golden("tiff", 0);
}
static void test_jxr(void **st) {
  (void)st;
#ifdef XR_HAVE_JXR
  golden("jxr", 0);
#else
  warns ws = {0, ""};
  int w, h;
  free(render("jxr", &w, &h, &ws));
  assert_int_equal(ws.n, 1); /* unsupported without libjxr: warned */
#endif
}
static void test_dpi(void **st) {
  (void)st;
  golden("dpi", 0);
}
static void test_downscale(void **st) {
  (void)st;
  golden("downscale", 0);
  /* Independent of the golden: the filtered checkerboard is even gray. */
  warns ws = {0, ""};
  int w, h;
  uint8_t *px = render("downscale", &w, &h, &ws);
  for (int y = 24; y < 72; y++)
    for (int x = 24; x < 72; x++)
      assert_true(abs(px[((size_t)y * (size_t)w + (size_t)x) * 3] - 128) < 12);
  free(px);
}
static void test_tile(void **st) {
  (void)st;
  golden("tile", 0);
}
static void test_contextcolor(void **st) {
  (void)st;
  /* bad.icc and missing.icc each warn once. */
  golden("contextcolor", 2);
  warns ws = {0, ""};
  int w, h;
  uint8_t *px = render("contextcolor", &w, &h, &ws);
  /* Swatch 3 (x 128..168): "rgb.icc 1,0,0" has red and blue primaries
   * swapped, so it shows blue; swatch 5 (x 248..): CMYK cyan. */
  const uint8_t *s3 = px + ((size_t)28 * (size_t)w + 148) * 3;
  assert_true(s3[2] > 200 && s3[0] < 60);
  const uint8_t *s5 = px + ((size_t)28 * (size_t)w + 268) * 3;
  assert_true(s5[0] < 80 && s5[1] > 150 && s5[2] > 200);
  free(px);
}
static void test_bad(void **st) {
  (void)st;
  /* truncated, corrupt, unknown, bomb, missing: five warnings, and the
   * good image after them still renders. */
  golden("bad", 5);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_png),  cmocka_unit_test(test_jpeg),
      cmocka_unit_test(test_tiff), cmocka_unit_test(test_jxr),
      cmocka_unit_test(test_dpi),  cmocka_unit_test(test_downscale),
      cmocka_unit_test(test_tile), cmocka_unit_test(test_contextcolor),
      cmocka_unit_test(test_bad),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
