/* Pixel checks, with expected values worked out by hand, for the corpus
 * features that MuPDF does not render correctly (so no mutool comparison):
 * opacity as a true group, opacity masks, radial gradients with a focal
 * point, scRGB gradient interpolation, aliased edge mode. Pages render at
 * 96 dpi, so page units are pixels; samples sit well inside shapes, and
 * the tolerance (4 of 255) covers only 8-bit rounding of the blends. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "render/dl.h"
#include "xps/doc.h"
#include "xps/page.h"
#include "xps/pkg.h"

typedef struct image {
  int w, h;
  uint8_t *px; /* RGB8 */
} image;

/* The last rendering, freed by the next one (and at exit), so a failed
 * check does not leak it. */
static uint8_t *last_px;

static image render(const char *name, int format) {
  char path[1024];
  snprintf(path, sizeof path, "%s/corpus/vector/%s", XR_SOURCE_DIR, name);
  xps_ctx ctx;
  xps_ctx_init(&ctx);
  xr_errinfo err;
  xps_pkg *pkg = NULL;
  xps_doc *d = NULL;
  ras_dl *dl = NULL;
  xps_page_ref ref;
  image im = {0, 0, NULL};
  assert_int_equal(xps_pkg_open(path, &ctx, &pkg, &err), 0);
  assert_int_equal(xps_doc_open(pkg, &ctx, &d, &err), 0);
  assert_int_equal(xps_doc_next_page(d, &ref, &err), 1);
  assert_int_equal(ras_dl_new(96, &ctx.limits, &dl), 0);
  assert_int_equal(xps_page_run(pkg, ref.name, &ctx, &ras_dl_device, dl, &err),
                   0);
  ras_dl_size(dl, &im.w, &im.h);
  size_t stride = ras_dl_stride(dl, format);
  free(last_px);
  last_px = im.px = malloc(stride * (size_t)im.h);
  assert_non_null(im.px);
  assert_int_equal(ras_dl_render_band(dl, format, 0, im.h, im.px, stride), 0);
  ras_dl_drop(dl);
  xps_doc_close(d);
  xps_pkg_close(pkg);
  return im;
}

static void expect_rgb(const image *im, int x, int y, int r, int g, int b) {
  const uint8_t *p = im->px + ((size_t)y * (size_t)im->w + (size_t)x) * 3;
  if (abs(p[0] - r) > 4 || abs(p[1] - g) > 4 || abs(p[2] - b) > 4) {
    print_message("pixel (%d,%d) is %d,%d,%d, expected %d,%d,%d\n", x, y, p[0],
                  p[1], p[2], r, g, b);
    fail();
  }
}

static void opacity_group(void **state) {
  (void)state;
  image im = render("opacity_group.xps", RAS_RGB8);
  /* Half-transparent red over white, where one child is... */
  expect_rgb(&im, 60, 60, 255, 128, 128);
  /* ...and where both overlap: a group composites once. Per-leaf alpha
   * would give 255, 64, 64 here. */
  expect_rgb(&im, 150, 120, 255, 128, 128);
  /* Over the black band. */
  expect_rgb(&im, 150, 150, 128, 0, 0);
  /* A path with fill and stroke at Opacity 0.5: where the stroke covers
   * the fill, only the stroke shows (half green over white), not green
   * over blue. */
  expect_rgb(&im, 285, 100, 128, 255, 128);
  expect_rgb(&im, 320, 100, 128, 128, 255);
}

static void opacity_mask(void **state) {
  (void)state;
  image im = render("opacity_mask.xps", RAS_RGB8);
  /* Orange under a mask whose alpha rises from 0 at x=20 to 1 at x=380. */
  double a = (200.5 - 20) / 360;
  expect_rgb(&im, 200, 60, 255, (int)lround(255 * (1 - a) + 128 * a),
             (int)lround(255 * (1 - a)));
  expect_rgb(&im, 25, 60, 255, 255, 252);
  expect_rgb(&im, 375, 60, 255, 130, 3);
  /* A Canvas with a solid #80000000 mask: blue at alpha 128/255. */
  a = 128.0 / 255;
  expect_rgb(&im, 200, 230, (int)lround(255 * (1 - a)),
             (int)lround(255 * (1 - a) + 96 * a), 255);
}

/* The radial gradient colour at pixel (x, y): ellipse centre (cx, cy),
 * radii rx, ry, focal point (fx, fy); stops yellow 0, red 0.5, navy 1. */
static void radial_expect(const image *im, int x, int y, double cx, double cy,
                          double rx, double ry, double fx, double fy) {
  /* In unit-circle space, t = |p - f| / |q - f| with q where the ray from
   * f through p leaves the circle. */
  double px = (x + 0.5 - cx) / rx, py = (y + 0.5 - cy) / ry;
  double gx = (fx - cx) / rx, gy = (fy - cy) / ry;
  double dx = px - gx, dy = py - gy, len = hypot(dx, dy);
  double t = 0;
  if (len > 0) {
    dx /= len, dy /= len;
    double b = gx * dx + gy * dy, c = gx * gx + gy * gy - 1;
    double s = -b + sqrt(b * b - c);
    t = len / s;
  }
  double r, g, bl;
  if (t < 0.5) {
    r = 255, g = 255 * (1 - t / 0.5), bl = 0;
  } else {
    double u = t > 1 ? 1 : (t - 0.5) / 0.5;
    r = 255 + u * (0 - 255), g = 0, bl = u * 128;
  }
  expect_rgb(im, x, y, (int)lround(r), (int)lround(g), (int)lround(bl));
}

static void radial(void **state) {
  (void)state;
  image im = render("radial_gradients.xps", RAS_RGB8);
  /* Centre = origin; RadiusX 80 != RadiusY 50. */
  static const int pts[][2] = {{100, 75}, {139, 74},  {99, 99},
                               {60, 40},  {150, 110}, {20, 75}};
  for (size_t i = 0; i < sizeof pts / sizeof *pts; i++)
    radial_expect(&im, pts[i][0], pts[i][1], 100, 75, 80, 50, 100, 75);
  /* GradientOrigin (340,50) away from Center (300,75): yellow at the
   * focal point, red half way to the circle on each side. */
  static const int q[][2] = {{340, 50}, {320, 70}, {300, 75}, {260, 60}};
  for (size_t i = 0; i < sizeof q / sizeof *q; i++)
    radial_expect(&im, q[i][0], q[i][1], 300, 75, 60, 60, 340, 50);
}

static void interpolation(void **state) {
  (void)state;
  image im = render("linear_interp.xps", RAS_RGB8);
  /* Red to blue over x = 10..390; at x = 200 t is just over 0.5. */
  double t = (200.5 - 10) / 380;
  /* sRGB blending: the encoded values mix. */
  expect_rgb(&im, 200, 50, (int)lround(255 * (1 - t)), 0, (int)lround(255 * t));
  /* scRGB blending: linear light mixes, then back to sRGB. */
  double r = 1 - t, b = t;
  r = r <= 0.0031308 ? 12.92 * r : 1.055 * pow(r, 1 / 2.4) - 0.055;
  b = b <= 0.0031308 ? 12.92 * b : 1.055 * pow(b, 1 / 2.4) - 0.055;
  expect_rgb(&im, 200, 140, (int)lround(255 * r), 0, (int)lround(255 * b));
}

static void edge_mode(void **state) {
  (void)state;
  image im = render("edge_mode.xps", RAS_GRAY8);
  /* The same star, aliased on the left, anti-aliased on the right. */
  int grey_left = 0, grey_right = 0;
  for (int y = 0; y < 200; y++)
    for (int x = 0; x < 400; x++) {
      int v = im.px[(size_t)y * (size_t)im.w + (size_t)x];
      if (v > 8 && v < 247) {
        if (x < 200)
          grey_left++;
        else
          grey_right++;
      }
    }
  assert_int_equal(grey_left, 0);
  assert_true(grey_right > 100);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(opacity_group), cmocka_unit_test(opacity_mask),
      cmocka_unit_test(radial),        cmocka_unit_test(interpolation),
      cmocka_unit_test(edge_mode),
  };
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  free(last_px);
  return rc;
}
