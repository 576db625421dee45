/* ImageSource resolution, the job image cache, ImageBrush emission and
 * ContextColor, over the checked-in image corpus packages. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "render/cms.h"
#include "xps/colorctx.h"
#include "xps/image.h"
#include "xps/page.h"

#define DIR XR_SOURCE_DIR "/corpus/image/"
#define PAGE "/Documents/1/Pages/1.fpage"

typedef struct warns {
  int n;
  xr_errinfo last;
} warns;

static void on_warn(void *ud, const xr_errinfo *w) {
  warns *ws = ud;
  ws->n++;
  ws->last = *w;
}

typedef struct fixture {
  xps_ctx ctx;
  warns ws;
  xps_pkg *pkg;
} fixture;

static void setup(fixture *f, const char *doc, int caches) {
  memset(f, 0, sizeof *f);
  xps_ctx_init(&f->ctx);
  f->ctx.warn = on_warn;
  f->ctx.warn_ud = &f->ws;
  if (caches) {
    assert_int_equal(ras_cms_new(&f->ctx.cms), 0);
    assert_int_equal(xps_images_new(&f->ctx.images), 0);
  }
  char path[1024];
  snprintf(path, sizeof path, DIR "%s", doc);
  xr_errinfo err;
  if (xps_pkg_open(path, &f->ctx, &f->pkg, &err))
    fail_msg("%s: %s", path, err.msg);
}

static void teardown(fixture *f) {
  xps_pkg_close(f->pkg);
  xps_images_drop(f->ctx.images);
  ras_cms_drop(f->ctx.cms);
}

static void test_source_parse(void **st) {
  (void)st;
  char i[64], p[64];
  assert_int_equal(xps_image_source_parse(" ../a.png ", i, 64, p, 64), 0);
  assert_string_equal(i, "../a.png");
  assert_string_equal(p, "");
  assert_int_equal(xps_image_source_parse(
                       "{ColorConvertedBitmap /a.tif  /p.icc}", i, 64, p, 64),
                   0);
  assert_string_equal(i, "/a.tif");
  assert_string_equal(p, "/p.icc");
  static const char *bad[] = {"",
                              "a b",
                              "{ColorConvertedBitmap /a.tif}",
                              "{ColorConvertedBitmap /a.tif /p.icc",
                              "{ColorConvertedBitmap /a /b /c}",
                              "{StaticResource x}",
                              "{}"};
  for (size_t k = 0; k < sizeof bad / sizeof *bad; k++)
    if (xps_image_source_parse(bad[k], i, 64, p, 64) != XR_E_SYNTAX)
      fail_msg("accepted '%s'", bad[k]);
  char tiny[4];
  assert_int_equal(xps_image_source_parse("/long.png", tiny, 4, p, 64),
                   XR_E_SYNTAX);
}

static void test_load_and_cache(void **st) {
  (void)st;
  fixture f;
  setup(&f, "jpeg.xps", 1);
  ras_image *a = NULL, *b = NULL, *c = NULL;
  /* Relative to the page part. */
  assert_int_equal(
      xps_image_load(&f.ctx, f.pkg, PAGE, "../../../Resources/rgb.jpg", 1, &a),
      0);
  assert_int_equal(a->w, 48);
  assert_int_equal(a->h, 32);
  assert_true(a->nlevels > 1);
  assert_int_equal(xps_images_decoded(f.ctx.images), 1);
  /* Same part by another spelling: a cache hit, the same image. */
  assert_int_equal(
      xps_image_load(&f.ctx, f.pkg, PAGE, "/RESOURCES/rgb.jpg", 2, &b), 0);
  assert_ptr_equal(a, b);
  assert_int_equal(xps_images_decoded(f.ctx.images), 1);
  /* With a source profile it is another image (converted differently). */
  assert_int_equal(xps_image_load(&f.ctx, f.pkg, PAGE,
                                  "{ColorConvertedBitmap /Resources/rgb.jpg "
                                  "/Resources/swapped.icc}",
                                  3, &c),
                   0);
  assert_ptr_not_equal(a, c);
  assert_int_equal(xps_images_decoded(f.ctx.images), 2);
  uint8_t pa[4], pc[4];
  ras_image_pixel(a, 4, 4, pa); /* red quadrant */
  ras_image_pixel(c, 4, 4, pc);
  assert_true(pa[0] > 180 && pa[2] < 80);
  assert_true(pc[2] > 180 && pc[0] < 80); /* red and blue swapped */
  assert_int_equal(f.ws.n, 0);
  ras_image_drop(a);
  ras_image_drop(b);
  ras_image_drop(c);
  teardown(&f);
}

static void test_bad_images_warn_and_skip(void **st) {
  (void)st;
  fixture f;
  setup(&f, "bad.xps", 1);
  static const char *parts[] = {"/Resources/truncated.png",
                                "/Resources/corrupt.jpg",
                                "/Resources/unknown.png", "/Resources/bomb.png",
                                "/Resources/missing.png"};
  static const int status[] = {XR_E_FORMAT, XR_E_FORMAT, XR_E_UNSUPPORTED,
                               XR_E_LIMIT, XR_E_NOTFOUND};
  for (int k = 0; k < 5; k++) {
    ras_image *img = (ras_image *)1;
    f.ws.n = 0;
    assert_int_equal(xps_image_load(&f.ctx, f.pkg, PAGE, parts[k], 7, &img),
                     XR_E_SYNTAX);
    assert_null(img);
    if (f.ws.n != 1)
      fail_msg("%s: %d warnings, last %s", parts[k], f.ws.n, f.ws.last.msg);
    assert_string_equal(f.ws.last.part, parts[k]);
    if (f.ws.last.status != status[k])
      fail_msg("%s: status %d, want %d (%s)", parts[k], f.ws.last.status,
               status[k], f.ws.last.msg);
    assert_non_null(strstr(f.ws.last.msg, PAGE ":7"));
  }
  /* Failures are cached: warned again, not decoded again. */
  int before = xps_images_decoded(f.ctx.images);
  ras_image *img = NULL;
  f.ws.n = 0;
  assert_int_equal(
      xps_image_load(&f.ctx, f.pkg, PAGE, "/Resources/truncated.png", 9, &img),
      XR_E_SYNTAX);
  assert_int_equal(xps_images_decoded(f.ctx.images), before);
  assert_int_equal(f.ws.n, 1);
  /* A malformed ImageSource. */
  f.ws.n = 0;
  assert_int_equal(
      xps_image_load(&f.ctx, f.pkg, PAGE, "{ColorConvertedBitmap x}", 9, &img),
      XR_E_SYNTAX);
  assert_int_equal(f.ws.n, 1);
  assert_int_equal(f.ws.last.status, XR_E_SYNTAX);
  teardown(&f);
}

static void test_without_caches(void **st) {
  (void)st;
  fixture f;
  setup(&f, "jpeg.xps", 0);
  ras_image *a = NULL, *b = NULL;
  assert_int_equal(
      xps_image_load(&f.ctx, f.pkg, PAGE, "/Resources/rgb-icc.jpg", 1, &a), 0);
  assert_int_equal(
      xps_image_load(&f.ctx, f.pkg, PAGE, "/Resources/rgb-icc.jpg", 1, &b), 0);
  assert_ptr_not_equal(a, b);
  /* Its embedded profile cannot be honoured without cms: warned. */
  assert_int_equal(f.ws.n, 2);
  ras_image_drop(a);
  ras_image_drop(b);
  teardown(&f);
}

/* ---- emission through a recording device --------------------------------- */

typedef struct rec {
  int fills, tiles;
  ras_paint paint[8];
  ras_matrix ctm[8];
  ras_tile tile[8];
} rec;

static int r_begin(void *d, double w, double h) {
  (void)d, (void)w, (void)h;
  return 0;
}
static int r_fill(void *d, const ras_path *p, const ras_matrix *ctm, int rule,
                  const ras_paint *paint) {
  (void)p, (void)rule;
  rec *r = d;
  if (r->fills < 8) {
    r->paint[r->fills] = *paint;
    r->ctm[r->fills] = *ctm;
  }
  r->fills++;
  return 0;
}
static int r_btile(void *d, const ras_path *p, const ras_matrix *ctm, int rule,
                   const ras_stroke *s, const ras_tile *t) {
  (void)p, (void)ctm, (void)rule, (void)s;
  rec *r = d;
  if (r->tiles < 8)
    r->tile[r->tiles] = *t;
  r->tiles++;
  return 0;
}
static int r_etile(void *d) {
  (void)d;
  return 0;
}

static void run_page(fixture *f, const char *body, rec *r) {
  char xml[4096];
  snprintf(xml, sizeof xml,
           "<FixedPage xmlns=\"http://schemas.microsoft.com/xps/2005/06\" "
           "Width=\"400\" Height=\"300\">%s</FixedPage>",
           body);
  ras_device_fns fns;
  memset(&fns, 0, sizeof fns);
  fns.begin_page = r_begin;
  fns.fill_path = r_fill;
  fns.begin_tile = r_btile;
  fns.end_tile = r_etile;
  memset(r, 0, sizeof *r);
  xr_errinfo err;
  xr_errinfo_clear(&err);
  if (xps_page_run_buffer(f->pkg, PAGE, xml, strlen(xml), &f->ctx, &fns, r,
                          &err))
    fail_msg("%s", err.msg);
}

static void test_brush_dpi_and_viewbox(void **st) {
  (void)st;
  fixture f;
  setup(&f, "dpi.xps", 1);
  rec r;
  /* a.png is 96 dpi, b.png 192 dpi; both 48 x 32 pixels. */
  run_page(&f,
           "<Path Data=\"M 10,20 L 154,20 154,116 10,116 Z\"><Path.Fill>"
           "<ImageBrush ImageSource=\"/Resources/a.png\" Viewbox=\"0,0,48,32\" "
           "ViewboxUnits=\"Absolute\" Viewport=\"10,20,144,96\" "
           "ViewportUnits=\"Absolute\" Opacity=\"0.5\"/></Path.Fill></Path>"
           "<Path Data=\"M 10,20 L 154,20 154,116 10,116 Z\"><Path.Fill>"
           "<ImageBrush ImageSource=\"/Resources/b.png\" Viewbox=\"0,0,48,32\" "
           "ViewboxUnits=\"Absolute\" Viewport=\"10,20,144,96\" "
           "ViewportUnits=\"Absolute\"/></Path.Fill></Path>",
           &r);
  assert_int_equal(r.fills, 2);
  assert_int_equal(r.tiles, 0); /* untiled and inside: one plain fill */
  double x, y;
  assert_int_equal(r.paint[0].kind, RAS_PAINT_IMAGE);
  assert_true(fabs(r.paint[0].image.opacity - 0.5f) < 1e-6);
  ras_matrix_apply(&r.paint[0].image.m, 48, 32, &x, &y);
  if (!(fabs(x - 154) < 1e-6 && fabs(y - 116) < 1e-6))
    fail_msg("(48,32) -> (%g,%g)", x, y);
  assert_true(fabs(x - 154) < 1e-6 && fabs(y - 116) < 1e-6);
  /* 192 dpi: the whole image is 24 x 16 units, a quarter of the box. */
  ras_matrix_apply(&r.paint[1].image.m, 48, 32, &x, &y);
  assert_true(fabs(x - (10 + 72)) < 1e-6 && fabs(y - (20 + 48)) < 1e-6);
  assert_int_equal(f.ws.n, 0);
  teardown(&f);
}

/* ViewportUnits RelativeToBoundingBox maps the unit viewport onto the
 * path's bounds; the brush Transform applies after that. */
static void test_brush_relative_and_transform(void **st) {
  (void)st;
  fixture f;
  setup(&f, "dpi.xps", 1);
  rec r;
  run_page(&f,
           "<Path Data=\"M 10,20 L 110,20 110,70 10,70 Z\"><Path.Fill>"
           "<ImageBrush ImageSource=\"/Resources/a.png\" Viewbox=\"0,0,48,32\" "
           "ViewboxUnits=\"Absolute\" Viewport=\"0,0,1,1\" "
           "ViewportUnits=\"RelativeToBoundingBox\" Transform=\"2,0,0,2,5,5\"/>"
           "</Path.Fill></Path>",
           &r);
  assert_int_equal(r.fills, 1);
  double x, y;
  ras_matrix_apply(&r.paint[0].image.m, 48, 32, &x, &y);
  if (!(fabs(x - 225) < 1e-6 && fabs(y - 145) < 1e-6))
    fail_msg("(48,32) -> (%g,%g), want (225,145)", x, y);
  ras_matrix_apply(&r.paint[0].image.m, 0, 0, &x, &y);
  assert_true(fabs(x - 25) < 1e-6 && fabs(y - 45) < 1e-6);
  teardown(&f);
}

static void test_brush_tiles_and_bad(void **st) {
  (void)st;
  fixture f;
  setup(&f, "dpi.xps", 1);
  rec r;
  run_page(
      &f,
      "<Path Data=\"M 0,0 L 100,0 100,100 0,100 Z\"><Path.Fill>"
      "<ImageBrush ImageSource=\"/Resources/a.png\" Viewbox=\"0,0,48,32\" "
      "ViewboxUnits=\"Absolute\" Viewport=\"0,0,24,16\" TileMode=\"FlipY\" "
      "ViewportUnits=\"Absolute\"/></Path.Fill></Path>"
      "<Path Data=\"M 0,0 L 100,0 100,100 0,100 Z\"><Path.Fill>"
      "<ImageBrush ImageSource=\"/Resources/nope.png\" "
      "Viewbox=\"0,0,48,32\" ViewboxUnits=\"Absolute\" "
      "Viewport=\"0,0,24,16\" ViewportUnits=\"Absolute\"/></Path.Fill>"
      "</Path>"
      "<Path Data=\"M 0,0 L 10,0 10,10 Z\" Fill=\"#FF0000\"/>",
      &r);
  assert_int_equal(r.tiles, 1);
  assert_int_equal(r.tile[0].mode, RAS_TILE_FLIPY);
  assert_true(r.tile[0].w == 24 && r.tile[0].h == 16);
  /* The tile content, then the solid path: the broken brush is skipped. */
  assert_int_equal(r.fills, 2);
  assert_int_equal(r.paint[0].kind, RAS_PAINT_IMAGE);
  assert_int_equal(r.paint[1].kind, RAS_PAINT_SOLID);
  assert_int_equal(f.ws.n, 1);
  assert_string_equal(f.ws.last.part, "/Resources/nope.png");
  teardown(&f);
}

/* ---- ContextColor ----------------------------------------------------------
 */

static void test_contextcolor(void **st) {
  (void)st;
  fixture f;
  setup(&f, "contextcolor.xps", 1);
  ras_color c;
  assert_true(xps_colorctx_is("  ContextColor /x 1,0"));
  assert_false(xps_colorctx_is("ContextColorX"));
  assert_int_equal(
      xps_colorctx_parse(&f.ctx, f.pkg, PAGE, 1,
                         "ContextColor /Resources/gray.icc 0.8,0.5", &c),
      0);
  assert_true(fabsf(c.a - 0.8f) < 1e-6);
  assert_true(fabsf(c.r - 0.735f) < 0.02f && fabsf(c.g - c.r) < 0.01f);
  /* Relative reference, CMYK profile: yellow. */
  assert_int_equal(
      xps_colorctx_parse(&f.ctx, f.pkg, PAGE, 1,
                         "ContextColor ../../../Resources/cmyk.icc 1,0,0,1,0",
                         &c),
      0);
  assert_true(c.r > 0.9f && c.g > 0.9f && c.b < 0.2f);
  int made = ras_cms_transforms_made(f.ctx.cms);
  for (int i = 0; i < 100; i++)
    xps_colorctx_parse(&f.ctx, f.pkg, PAGE, 1,
                       "ContextColor /Resources/cmyk.icc 1,0.5,0.1,0,0", &c);
  assert_int_equal(ras_cms_transforms_made(f.ctx.cms), made);
  assert_int_equal(f.ws.n, 0);
  /* Channel count not matching the profile: warned, default space. */
  assert_int_equal(
      xps_colorctx_parse(&f.ctx, f.pkg, PAGE, 5,
                         "ContextColor /Resources/gray.icc 1,0,0,1", &c),
      0);
  assert_int_equal(f.ws.n, 1);
  assert_true(c.r < 0.01f && c.b > 0.99f);
  /* Bad profile: warned once, then fails fast and quietly. */
  f.ws.n = 0;
  xps_colorctx_parse(&f.ctx, f.pkg, PAGE, 6,
                     "ContextColor /Resources/bad.icc 1,1,0,0", &c);
  xps_colorctx_parse(&f.ctx, f.pkg, PAGE, 7,
                     "ContextColor /Resources/bad.icc 1,1,0,0", &c);
  assert_int_equal(f.ws.n, 1);
  assert_string_equal(f.ws.last.part, "/Resources/bad.icc");
  assert_true(c.r > 0.99f && c.g < 0.01f);
  /* Malformed. */
  static const char *bad[] = {
      "ContextColor", "ContextColor /x.icc", "ContextColor /x.icc 1",
      "ContextColor /x.icc 1,a", "ContextColor /x.icc 1,0,0,0,0,0,0,0,0,0"};
  for (size_t k = 0; k < sizeof bad / sizeof *bad; k++)
    if (xps_colorctx_parse(&f.ctx, f.pkg, PAGE, 1, bad[k], &c) != XR_E_SYNTAX)
      fail_msg("accepted '%s'", bad[k]);
  teardown(&f);
}

static void test_contextcolor_in_page(void **st) {
  (void)st;
  fixture f;
  setup(&f, "contextcolor.xps", 1);
  rec r;
  run_page(&f,
           "<Path Data=\"M 0,0 L 10,0 10,10 Z\" "
           "Fill=\"ContextColor /Resources/rgb.icc 1,1,0,0\"/>",
           &r);
  assert_int_equal(r.fills, 1);
  /* rgb.icc swaps red and blue primaries. */
  assert_true(r.paint[0].solid.b > 0.8f && r.paint[0].solid.r < 0.3f);
  assert_int_equal(f.ws.n, 0);
  teardown(&f);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_source_parse),
      cmocka_unit_test(test_load_and_cache),
      cmocka_unit_test(test_bad_images_warn_and_skip),
      cmocka_unit_test(test_without_caches),
      cmocka_unit_test(test_brush_dpi_and_viewbox),
      cmocka_unit_test(test_brush_relative_and_transform),
      cmocka_unit_test(test_brush_tiles_and_bad),
      cmocka_unit_test(test_contextcolor),
      cmocka_unit_test(test_contextcolor_in_page),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
