/* Tiled brushes: TileMode None in place, repeating modes through a tile
 * bitmap, flips, opacity, stroked areas, nesting and its limit. */
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

static const ras_device_fns *D = &ras_dl_device;

static void fill_rect(ras_dl *dl, double x, double y, double w, double h,
                      ras_paint paint) {
  ras_path p;
  ras_path_init(&p, 0);
  t_rect(&p, x, y, w, h);
  t_fill(dl, &p, RAS_NONZERO, paint);
  ras_path_reset(&p);
}

static int begin_tile(ras_dl *dl, double ax, double ay, double aw, double ah,
                      ras_tile t) {
  ras_path p;
  ras_path_init(&p, 0);
  t_rect(&p, ax, ay, aw, ah);
  ras_matrix id = ras_matrix_identity();
  int rc = D->begin_tile(dl, &p, &id, RAS_NONZERO, NULL, &t);
  ras_path_reset(&p);
  return rc;
}

static ras_tile cell(double x, double y, double w, double h, int mode) {
  ras_tile t = {x, y, w, h, ras_matrix_identity(), mode, 1};
  return t;
}

static void mode_none(void **state) {
  (void)state;
  ras_dl *dl = t_dl(96, 100, 100);
  assert_int_equal(
      begin_tile(dl, 0, 0, 100, 100, cell(10, 10, 20, 20, RAS_TILE_NONE)), 0);
  fill_rect(dl, 0, 0, 100, 100, t_solid(0, 0, 0, 1));
  assert_int_equal(D->end_tile(dl), 0);
  assert_int_equal(D->end_tile(dl), XR_E_USAGE);
  size_t st;
  uint8_t *img = t_render(dl, RAS_GRAY8, 16, &st);
  assert_int_equal(t_gray(img, st, 15, 15), 0);
  assert_int_equal(t_gray(img, st, 35, 15), 255);
  assert_int_equal(t_gray(img, st, 5, 5), 255);
  assert_true(fabs(t_ink(img, st, 100, 100) / 255 - 400) < 0.5);
  free(img);
  ras_dl_drop(dl);
}

static void mode_tile(void **state) {
  (void)state;
  ras_dl *dl = t_dl(96, 100, 100);
  assert_int_equal(
      begin_tile(dl, 0, 0, 60, 60, cell(0, 0, 10, 10, RAS_TILE_TILE)), 0);
  fill_rect(dl, 0, 0, 5, 5, t_solid(0, 0, 0, 1));
  assert_int_equal(D->end_tile(dl), 0);
  size_t st;
  uint8_t *img = t_render(dl, RAS_GRAY8, 0, &st);
  assert_int_equal(t_gray(img, st, 2, 2), 0);
  assert_int_equal(t_gray(img, st, 7, 7), 255);
  assert_int_equal(t_gray(img, st, 12, 2), 0);
  assert_int_equal(t_gray(img, st, 52, 52), 0);
  assert_int_equal(t_gray(img, st, 57, 52), 255);
  assert_int_equal(t_gray(img, st, 72, 2), 255); /* outside the area */
  /* 36 tiles with a 5x5 square each, no seams. */
  assert_true(fabs(t_ink(img, st, 100, 100) / 255 - 36 * 25) < 2);
  free(img);
  ras_dl_drop(dl);
}

static void flips_and_opacity(void **state) {
  (void)state;
  for (int mode = RAS_TILE_FLIPX; mode <= RAS_TILE_FLIPXY; mode++) {
    ras_dl *dl = t_dl(96, 40, 40);
    ras_tile t = cell(0, 0, 10, 10, mode);
    t.opacity = 0.5f;
    assert_int_equal(begin_tile(dl, 0, 0, 40, 40, t), 0);
    fill_rect(dl, 0, 0, 3, 3, t_solid(0, 0, 0, 1)); /* top-left corner */
    assert_int_equal(D->end_tile(dl), 0);
    size_t st;
    uint8_t *img = t_render(dl, RAS_GRAY8, 0, &st);
    int fx = mode != RAS_TILE_FLIPY, fy = mode != RAS_TILE_FLIPX;
    assert_in_range(t_gray(img, st, 1, 1), 126, 129);
    /* The next tile in x shows the corner at its right if flipped. */
    assert_in_range(t_gray(img, st, fx ? 18 : 11, 1), 126, 129);
    assert_int_equal(t_gray(img, st, fx ? 11 : 18, 1), 255);
    assert_in_range(t_gray(img, st, 1, fy ? 18 : 11), 126, 129);
    assert_int_equal(t_gray(img, st, 1, fy ? 11 : 18), 255);
    free(img);
    ras_dl_drop(dl);
  }
}

static void scaled_tile_and_stroked_area(void **state) {
  (void)state;
  ras_dl *dl = t_dl(96, 100, 40);
  ras_tile t = cell(0, 0, 10, 10, RAS_TILE_TILE);
  t.m = ras_matrix_scale(2, 2); /* 20 x 20 device pixels per tile */
  ras_path p;
  ras_path_init(&p, 0);
  assert_int_equal(ras_path_move(&p, 0, 20), 0);
  assert_int_equal(ras_path_line(&p, 100, 20), 0);
  ras_stroke s = {.width = 10, .miter_limit = 10};
  ras_matrix id = ras_matrix_identity();
  assert_int_equal(D->begin_tile(dl, &p, &id, RAS_NONZERO, &s, &t), 0);
  fill_rect(dl, 0, 0, 10, 20, t_solid(0, 0, 0, 1)); /* left half of a tile */
  assert_int_equal(D->end_tile(dl), 0);
  size_t st;
  uint8_t *img = t_render(dl, RAS_GRAY8, 0, &st);
  assert_int_equal(t_gray(img, st, 5, 20), 0);
  assert_int_equal(t_gray(img, st, 15, 20), 255);
  assert_int_equal(t_gray(img, st, 35, 20), 255);
  assert_int_equal(t_gray(img, st, 45, 20), 0);
  assert_int_equal(t_gray(img, st, 5, 10), 255); /* outside the stroke */
  free(img);
  ras_path_reset(&p);
  ras_dl_drop(dl);
}

/* Tiles nest up to RESOURCE_DEPTH: N levels pass, N+1 is refused. */
static void nesting_and_limit(void **state) {
  (void)state;
  xr_limits lim;
  xr_limits_init(&lim);
  xr_limits_set(&lim, XR_LIMIT_RESOURCE_DEPTH, 2);
  ras_dl *dl = NULL;
  assert_int_equal(ras_dl_new(96, &lim, &dl), 0);
  assert_int_equal(D->begin_page(dl, 40, 40), 0);
  assert_int_equal(
      begin_tile(dl, 0, 0, 40, 40, cell(0, 0, 20, 20, RAS_TILE_TILE)), 0);
  assert_int_equal(
      begin_tile(dl, 0, 0, 20, 20, cell(0, 0, 10, 10, RAS_TILE_TILE)), 0);
  assert_int_equal(
      begin_tile(dl, 0, 0, 10, 10, cell(0, 0, 5, 5, RAS_TILE_TILE)),
      XR_E_LIMIT);
  fill_rect(dl, 0, 0, 5, 5, t_solid(0, 0, 0, 1));
  assert_int_equal(D->end_tile(dl), 0);
  assert_int_equal(D->end_tile(dl), 0);
  assert_int_equal(D->end_tile(dl), XR_E_USAGE);
  size_t st;
  uint8_t *img = t_render(dl, RAS_GRAY8, 0, &st);
  /* A 5x5 square every 10 pixels over the whole page. */
  assert_int_equal(t_gray(img, st, 32, 32), 0);
  assert_int_equal(t_gray(img, st, 37, 32), 255);
  assert_true(fabs(t_ink(img, st, 40, 40) / 255 - 16 * 25) < 2);
  free(img);
  ras_dl_drop(dl);
  assert_int_equal(xr_limits_set(&lim, XR_LIMIT_RESOURCE_DEPTH, 1 << 30),
                   xr_limit_bound(XR_LIMIT_RESOURCE_DEPTH));
}

static void invisible_tiles(void **state) {
  (void)state;
  ras_dl *dl = t_dl(96, 20, 20);
  /* Empty cell, zero opacity, area off the page: content is dropped. */
  assert_int_equal(begin_tile(dl, 0, 0, 20, 20, cell(0, 0, 0, 5, 1)), 0);
  fill_rect(dl, 0, 0, 20, 20, t_solid(0, 0, 0, 1));
  assert_int_equal(D->end_tile(dl), 0);
  ras_tile t = cell(0, 0, 5, 5, RAS_TILE_TILE);
  t.opacity = 0;
  assert_int_equal(begin_tile(dl, 0, 0, 20, 20, t), 0);
  fill_rect(dl, 0, 0, 20, 20, t_solid(0, 0, 0, 1));
  assert_int_equal(D->end_tile(dl), 0);
  assert_int_equal(begin_tile(dl, 50, 50, 20, 20, cell(0, 0, 5, 5, 1)), 0);
  fill_rect(dl, 0, 0, 20, 20, t_solid(0, 0, 0, 1));
  assert_int_equal(D->end_tile(dl), 0);
  size_t st;
  uint8_t *img = t_render(dl, RAS_GRAY8, 0, &st);
  assert_true(t_ink(img, st, 20, 20) == 0);
  free(img);
  ras_dl_drop(dl);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(mode_none),
      cmocka_unit_test(mode_tile),
      cmocka_unit_test(flips_and_opacity),
      cmocka_unit_test(scaled_tile_and_stroked_area),
      cmocka_unit_test(nesting_and_limit),
      cmocka_unit_test(invisible_tiles),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
