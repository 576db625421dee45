/* Gradient paints: linear and radial, spread modes, interpolation modes,
 * stops, opacity, transforms. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "support_render.h"
#include "xpsraster/error.h"

static ras_gradient_stop BW[2] = {{0, {0, 0, 0, 1}}, {1, {1, 1, 1, 1}}};

static ras_paint grad(int kind, double x0, double y0, double x1, double y1,
                      int spread) {
  ras_paint p;
  memset(&p, 0, sizeof p);
  p.kind = kind;
  p.grad.stops = BW;
  p.grad.nstops = 2;
  p.grad.spread = spread;
  p.grad.opacity = 1;
  p.grad.x0 = x0;
  p.grad.y0 = y0;
  p.grad.x1 = x1;
  p.grad.y1 = y1;
  p.grad.m = ras_matrix_identity();
  return p;
}

/* Fills a w x h page with paint; returns gray8 pixels. */
static uint8_t *paint_page(ras_paint paint, int w, int h, size_t *st) {
  ras_dl *dl = t_dl(96, w, h);
  ras_path p;
  ras_path_init(&p, 0);
  t_rect(&p, 0, 0, w, h);
  t_fill(dl, &p, RAS_NONZERO, paint);
  uint8_t *img = t_render(dl, RAS_GRAY8, 5, st);
  ras_path_reset(&p);
  ras_dl_drop(dl);
  return img;
}

static void linear_ramp(void **state) {
  (void)state;
  size_t st;
  uint8_t *img =
      paint_page(grad(RAS_PAINT_LINEAR, 0, 0, 100, 0, 0), 100, 10, &st);
  for (int x = 0; x < 100; x++) {
    int want = (int)lrint(255 * (x + 0.5) / 100);
    assert_in_range(t_gray(img, st, x, 5), want - 1, want + 1);
  }
  free(img);
}

static void spread_modes(void **state) {
  (void)state;
  int want[3][2] = {{255, 255}, {204, 128}, {51, 128}}; /* x = 30, 37 */
  for (int s = 0; s < 3; s++) {
    size_t st;
    uint8_t *img =
        paint_page(grad(RAS_PAINT_LINEAR, 0, 0, 25, 0, s), 100, 4, &st);
    /* x = 29.5 centre: t = 1.18. */
    int v = t_gray(img, st, 29, 1);
    int t18 = s == 0 ? 255 : s == 1 ? 209 : 46;
    assert_in_range(v, t18 - 2, t18 + 2);
    /* x = 37.5: t = 1.5, reflect and repeat both give 0.5. */
    v = t_gray(img, st, 37, 1);
    assert_in_range(v, want[s][1] - 2, want[s][1] + 2);
    free(img);
  }
}

static void radial(void **state) {
  (void)state;
  /* Unit circle scaled to radius 40 around (50, 50). */
  ras_paint p = grad(RAS_PAINT_RADIAL, 0, 0, 0, 0, 0);
  p.grad.m = (ras_matrix){40, 0, 0, 40, 50, 50};
  size_t st;
  uint8_t *img = paint_page(p, 100, 100, &st);
  assert_in_range(t_gray(img, st, 50, 50), 0, 6);
  /* Pixel centre (70.5, 50.5) is at distance ~20.5: t ~ 0.51. */
  assert_in_range(t_gray(img, st, 70, 50), 126, 135);
  assert_in_range(t_gray(img, st, 50, 70), 126, 135);
  assert_int_equal(t_gray(img, st, 95, 95), 255); /* pad outside */
  free(img);
  /* Focal point off centre: t = 0 there, and t = 1 on the circle. */
  p.grad.x1 = 0.5;
  img = paint_page(p, 100, 100, &st);
  assert_in_range(t_gray(img, st, 70, 50), 0, 12);
  assert_in_range(t_gray(img, st, 89, 50), 240, 255);
  assert_in_range(t_gray(img, st, 11, 50), 240, 255);
  /* Halfway from focal (70) to the left rim (10) is x = 40. */
  assert_in_range(t_gray(img, st, 40, 50), 122, 134);
  free(img);
}

static void interpolation_and_stops(void **state) {
  (void)state;
  ras_paint p = grad(RAS_PAINT_LINEAR, 0, 0, 100, 0, 0);
  p.grad.interp = RAS_INTERP_LINEAR;
  size_t st;
  uint8_t *img = paint_page(p, 100, 4, &st);
  /* Midpoint in linear light: sRGB encoding of 0.5 is 0.735 (188). */
  assert_in_range(t_gray(img, st, 49, 1), 185, 189);
  free(img);
  /* A hard edge at 0.5, and a first stop after 0: padded before it. */
  ras_gradient_stop hs[4] = {{0.2f, {0, 0, 0, 1}},
                             {0.5f, {0, 0, 0, 1}},
                             {0.5f, {1, 1, 1, 1}},
                             {1, {1, 1, 1, 1}}};
  p.grad.stops = hs;
  p.grad.nstops = 4;
  p.grad.interp = RAS_INTERP_SRGB;
  img = paint_page(p, 100, 4, &st);
  assert_int_equal(t_gray(img, st, 5, 1), 0);
  assert_int_equal(t_gray(img, st, 48, 1), 0);
  assert_int_equal(t_gray(img, st, 51, 1), 255);
  free(img);
  /* Opacity multiplies the stops' alpha: half black over white. */
  p.grad.stops = BW;
  p.grad.nstops = 2;
  p.grad.opacity = 0.5f;
  BW[1].color = (ras_color){0, 0, 0, 1};
  img = paint_page(p, 100, 4, &st);
  assert_in_range(t_gray(img, st, 50, 1), 127, 128);
  BW[1].color = (ras_color){1, 1, 1, 1};
  free(img);
  /* No stops is an error. */
  ras_dl *dl = t_dl(96, 10, 10);
  ras_path path;
  ras_path_init(&path, 0);
  t_rect(&path, 0, 0, 10, 10);
  p.grad.nstops = 0;
  ras_matrix id = ras_matrix_identity();
  assert_int_equal(ras_dl_device.fill_path(dl, &path, &id, 0, &p), XR_E_INVAL);
  ras_path_reset(&path);
  ras_dl_drop(dl);
}

static void transformed(void **state) {
  (void)state;
  /* Gradient along x, rotated 90 degrees by the gradient matrix: varies
   * along y. Degenerate line: the last stop everywhere. */
  ras_paint p = grad(RAS_PAINT_LINEAR, 0, 0, 100, 0, 0);
  p.grad.m = (ras_matrix){0, 1, -1, 0, 0, 0};
  size_t st;
  uint8_t *img = paint_page(p, 20, 100, &st);
  assert_in_range(t_gray(img, st, 3, 10), 25, 29);
  assert_int_equal(t_gray(img, st, 3, 10), t_gray(img, st, 17, 10));
  assert_in_range(t_gray(img, st, 3, 90), 230, 234);
  free(img);
  p = grad(RAS_PAINT_LINEAR, 5, 5, 5, 5, 0);
  img = paint_page(p, 10, 10, &st);
  assert_int_equal(t_gray(img, st, 1, 1), 255);
  free(img);
}

static void rgb_output(void **state) {
  (void)state;
  ras_gradient_stop rb[2] = {{0, {1, 0, 0, 1}}, {1, {0, 0, 1, 1}}};
  ras_paint p = grad(RAS_PAINT_LINEAR, 0, 0, 100, 0, 0);
  p.grad.stops = rb;
  ras_dl *dl = t_dl(96, 100, 10);
  ras_path path;
  ras_path_init(&path, 0);
  t_rect(&path, 0, 0, 100, 10);
  t_fill(dl, &path, RAS_NONZERO, p);
  size_t st;
  uint8_t *img = t_render(dl, RAS_RGB8, 0, &st);
  const uint8_t *a = img + 5 * st, *b = img + 5 * st + 99 * 3;
  assert_true(a[0] > 250 && a[1] == 0 && a[2] < 5);
  assert_true(b[0] < 5 && b[1] == 0 && b[2] > 250);
  free(img);
  ras_path_reset(&path);
  ras_dl_drop(dl);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(linear_ramp), cmocka_unit_test(spread_modes),
      cmocka_unit_test(radial),      cmocka_unit_test(interpolation_and_stops),
      cmocka_unit_test(transformed), cmocka_unit_test(rgb_output),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
