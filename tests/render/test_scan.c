/* Scan conversion: coverage, fill rules, huge and degenerate input, band
 * invariance. */
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

static const ras_paint *black(void) {
  static ras_paint p;
  p = t_solid(0, 0, 0, 1);
  return &p;
}

static void square_inside_outside(void **state) {
  (void)state;
  ras_dl *dl = t_dl(96, 40, 40);
  ras_path p;
  ras_path_init(&p, 0);
  t_rect(&p, 10, 10, 10, 10);
  t_fill(dl, &p, RAS_NONZERO, *black());
  size_t st;
  uint8_t *img = t_render(dl, RAS_GRAY8, 0, &st);
  for (int y = 0; y < 40; y++)
    for (int x = 0; x < 40; x++) {
      int in = x >= 10 && x < 20 && y >= 10 && y < 20;
      assert_int_equal(t_gray(img, st, x, y), in ? 0 : 255);
    }
  free(img);
  ras_path_reset(&p);
  ras_dl_drop(dl);
}

static void half_pixel_edge(void **state) {
  (void)state;
  ras_dl *dl = t_dl(96, 40, 40);
  ras_path p;
  ras_path_init(&p, 0);
  t_rect(&p, 10.5, 10, 9.5, 10.25);
  t_fill(dl, &p, RAS_NONZERO, *black());
  size_t st;
  uint8_t *img = t_render(dl, RAS_GRAY8, 0, &st);
  int v = t_gray(img, st, 10, 15);
  assert_in_range(v, 126, 129); /* half covered */
  assert_int_equal(t_gray(img, st, 11, 15), 0);
  assert_int_equal(t_gray(img, st, 9, 15), 255);
  /* Bottom edge at 20.25: a quarter of row 20 is covered. */
  assert_in_range(t_gray(img, st, 15, 20), 190, 193);
  /* Corner: half x quarter. */
  assert_in_range(t_gray(img, st, 10, 20), 222, 225);
  free(img);
  ras_path_reset(&p);
  ras_dl_drop(dl);
}

/* Total coverage equals the area, wherever the shape sits. */
static void area_is_exact(void **state) {
  (void)state;
  for (int i = 0; i < 8; i++) {
    double ox = 3 + i * 0.137, oy = 4 + i * 0.311;
    ras_dl *dl = t_dl(96, 32, 32);
    ras_path p;
    ras_path_init(&p, 0);
    /* A triangle of area 0.5 * 20 * 15 = 150. */
    assert_int_equal(ras_path_move(&p, ox, oy), 0);
    assert_int_equal(ras_path_line(&p, ox + 20, oy), 0);
    assert_int_equal(ras_path_line(&p, ox + 20, oy + 15), 0);
    assert_int_equal(ras_path_close(&p), 0);
    t_fill(dl, &p, RAS_NONZERO, *black());
    size_t st;
    uint8_t *img = t_render(dl, RAS_GRAY8, 0, &st);
    double ink = t_ink(img, st, 32, 32) / 255;
    assert_true(fabs(ink - 150) < 0.5);
    free(img);
    ras_path_reset(&p);
    ras_dl_drop(dl);
  }
}

static void star_rules(void **state) {
  (void)state;
  for (int rule = 0; rule < 2; rule++) {
    ras_dl *dl = t_dl(96, 100, 100);
    ras_path p;
    ras_path_init(&p, 0);
    t_star(&p, 50, 50, 40);
    t_fill(dl, &p, rule, *black());
    size_t st;
    uint8_t *img = t_render(dl, RAS_GRAY8, 0, &st);
    /* The pentagon in the middle has winding 2. */
    assert_int_equal(t_gray(img, st, 50, 50), rule == RAS_NONZERO ? 0 : 255);
    /* The top point has winding 1. */
    assert_int_equal(t_gray(img, st, 50, 16), 0);
    /* Outside. */
    assert_int_equal(t_gray(img, st, 5, 95), 255);
    free(img);
    ras_path_reset(&p);
    ras_dl_drop(dl);
  }
}

/* Opposite orientations cancel under both rules; same ones add. */
static void winding_overlap(void **state) {
  (void)state;
  ras_dl *dl = t_dl(96, 40, 20);
  ras_path p;
  ras_path_init(&p, 0);
  t_rect(&p, 0, 0, 20, 20);
  /* Counter-clockwise inner square: a hole under non-zero. */
  assert_int_equal(ras_path_move(&p, 5, 5), 0);
  assert_int_equal(ras_path_line(&p, 5, 15), 0);
  assert_int_equal(ras_path_line(&p, 15, 15), 0);
  assert_int_equal(ras_path_line(&p, 15, 5), 0);
  assert_int_equal(ras_path_close(&p), 0);
  /* Same orientation: still filled under non-zero. */
  t_rect(&p, 20, 0, 20, 20);
  t_rect(&p, 25, 5, 10, 10);
  t_fill(dl, &p, RAS_NONZERO, *black());
  size_t st;
  uint8_t *img = t_render(dl, RAS_GRAY8, 0, &st);
  assert_int_equal(t_gray(img, st, 10, 10), 255);
  assert_int_equal(t_gray(img, st, 2, 10), 0);
  assert_int_equal(t_gray(img, st, 30, 10), 0);
  free(img);
  ras_path_reset(&p);
  ras_dl_drop(dl);
}

static void huge_coordinates(void **state) {
  (void)state;
  ras_dl *dl = t_dl(96, 50, 50);
  ras_path p;
  ras_path_init(&p, 0);
  /* Huge rectangle: the whole page. */
  t_rect(&p, -1e9, -1e9, 2e9, 2e9);
  t_fill(dl, &p, RAS_NONZERO, t_solid(0.5f, 0.5f, 0.5f, 1));
  ras_path_clear(&p);
  /* Right edge far outside: covers from x = 10 on. */
  t_rect(&p, 10, 10, 1e15, 10);
  t_fill(dl, &p, RAS_NONZERO, *black());
  ras_path_clear(&p);
  /* Rows 40..44 across the page, with far vertices and a flat curve with
   * absurd control points. */
  assert_int_equal(ras_path_move(&p, -1e300, 40), 0);
  assert_int_equal(ras_path_line(&p, 1e300, 40), 0);
  assert_int_equal(ras_path_line(&p, 1e300, 45), 0);
  assert_int_equal(ras_path_cubic(&p, 1e250, 45, -1e250, 45, -1e300, 45), 0);
  assert_int_equal(ras_path_close(&p), 0);
  t_fill(dl, &p, RAS_EVENODD, *black());
  size_t st;
  uint8_t *img = t_render(dl, RAS_GRAY8, 7, &st);
  assert_int_equal(t_gray(img, st, 5, 5), 128);
  assert_int_equal(t_gray(img, st, 9, 15), 128);
  assert_int_equal(t_gray(img, st, 10, 15), 0);
  assert_int_equal(t_gray(img, st, 49, 19), 0);
  assert_int_equal(t_gray(img, st, 49, 20), 128);
  assert_int_equal(t_gray(img, st, 0, 40), 0);
  assert_int_equal(t_gray(img, st, 25, 44), 0);
  assert_int_equal(t_gray(img, st, 25, 45), 128);
  free(img);
  ras_path_reset(&p);
  ras_dl_drop(dl);
}

static void degenerate_edges(void **state) {
  (void)state;
  ras_dl *dl = t_dl(96, 30, 30);
  ras_path p;
  ras_path_init(&p, 0);
  /* Zero area: out and back, a point, a horizontal line. */
  assert_int_equal(ras_path_move(&p, 3, 3), 0);
  assert_int_equal(ras_path_line(&p, 20, 25), 0);
  assert_int_equal(ras_path_close(&p), 0);
  assert_int_equal(ras_path_move(&p, 7, 7), 0);
  assert_int_equal(ras_path_line(&p, 7, 7), 0);
  assert_int_equal(ras_path_move(&p, 1, 9), 0);
  assert_int_equal(ras_path_line(&p, 29, 9), 0);
  assert_int_equal(ras_path_cubic(&p, 29, 9, 29, 9, 29, 9), 0);
  t_fill(dl, &p, RAS_NONZERO, *black());
  size_t st;
  uint8_t *img = t_render(dl, RAS_GRAY8, 0, &st);
  assert_true(t_ink(img, st, 30, 30) == 0);
  free(img);
  /* A sub-pixel sliver still leaves proportional ink. */
  ras_path_clear(&p);
  t_rect(&p, 5.1, 5.2, 0.01, 10);
  t_fill(dl, &p, RAS_NONZERO, *black());
  img = t_render(dl, RAS_GRAY8, 0, &st);
  double ink = t_ink(img, st, 30, 30) / 255;
  assert_true(ink > 0.02 && ink < 0.2);
  free(img);
  ras_path_reset(&p);
  ras_dl_drop(dl);
}

static void rgb_and_alpha(void **state) {
  (void)state;
  ras_dl *dl = t_dl(96, 20, 20);
  ras_path p;
  ras_path_init(&p, 0);
  t_rect(&p, 0, 0, 10, 20);
  t_fill(dl, &p, RAS_NONZERO, t_solid(1, 0, 0, 1));
  ras_path_clear(&p);
  t_rect(&p, 5, 0, 10, 20);
  t_fill(dl, &p, RAS_NONZERO, t_solid(0, 0, 1, 0.5f));
  size_t st;
  uint8_t *img = t_render(dl, RAS_RGB8, 0, &st);
  const uint8_t *px = img + 10 * st + 2 * 3;
  assert_int_equal(px[0], 255);
  assert_int_equal(px[1], 0);
  assert_int_equal(px[2], 0);
  px = img + 10 * st + 7 * 3; /* half blue over red */
  assert_in_range(px[0], 126, 129);
  assert_int_equal(px[1], 0);
  assert_in_range(px[2], 126, 129);
  px = img + 10 * st + 12 * 3; /* half blue over white */
  assert_in_range(px[0], 126, 129);
  assert_in_range(px[1], 126, 129);
  assert_int_equal(px[2], 255);
  px = img + 10 * st + 18 * 3;
  assert_int_equal(px[0] & px[1] & px[2], 255);
  free(img);
  img = t_render(dl, RAS_GRAY8, 0, &st);
  assert_int_equal(t_gray(img, st, 2, 10), (255 * 77 + 128) >> 8);
  free(img);
  ras_path_reset(&p);
  ras_dl_drop(dl);
}

static void band_invariance(void **state) {
  (void)state;
  const int fmts[] = {RAS_GRAY8, RAS_RGB8, RAS_CMYK8, RAS_MONO1};
  for (int dpi = 96; dpi <= 150; dpi += 54) {
    ras_dl *dl = t_busy_page(dpi);
    int w, h;
    ras_dl_size(dl, &w, &h);
    for (int f = 0; f < 4; f++) {
      size_t st;
      uint8_t *ref = t_render(dl, fmts[f], 0, &st);
      /* The page must not be blank, or the comparison proves nothing. */
      size_t inked = 0;
      for (size_t i = 0; i < st * (size_t)h; i++)
        inked +=
            ref[i] != (fmts[f] == RAS_GRAY8 || fmts[f] == RAS_RGB8 ? 255 : 0);
      assert_true(inked > st * (size_t)h / 10);
      const int bands[] = {1, 7, 64, 33};
      for (int b = 0; b < 4; b++) {
        uint8_t *img = t_render(dl, fmts[f], bands[b], &st);
        assert_memory_equal(img, ref, st * (size_t)h);
        free(img);
      }
      free(ref);
    }
    ras_dl_drop(dl);
  }
}

static void page_size_rounding(void **state) {
  (void)state;
  ras_dl *dl = t_dl(300, 816, 1056); /* Letter at 300 dpi */
  int w, h;
  ras_dl_size(dl, &w, &h);
  assert_int_equal(w, 2550);
  assert_int_equal(h, 3300);
  ras_dl_drop(dl);
  dl = t_dl(100, 10.1, 10.0); /* 10.52 -> 11, 10.42 -> 10 */
  ras_dl_size(dl, &w, &h);
  assert_int_equal(w, 11);
  assert_int_equal(h, 10);
  ras_dl_drop(dl);
  ras_dl *bad = NULL;
  assert_int_equal(ras_dl_new(96, NULL, &bad), 0);
  assert_int_equal(ras_dl_device.begin_page(bad, 1e9, 10), XR_E_LIMIT);
  assert_int_equal(ras_dl_device.begin_page(bad, -1, 10), XR_E_INVAL);
  ras_dl_drop(bad);
}

/* Axis-aligned rectangles take a fast path; a rectangle with an extra
 * collinear point takes the general one. Both must agree within one level
 * (rounding), anti-aliased and aliased, as fills and as clips. */
static void rect_fast_path_matches_edges(void **state) {
  (void)state;
  uint32_t seed = 7;
  for (int i = 0; i < 60; i++) {
    double v[4];
    for (int k = 0; k < 4; k++) {
      seed = seed * 1103515245u + 12345u;
      v[k] = (seed >> 8 & 0xffff) / 65536.0 * 50 - 5;
    }
    double x = fmin(v[0], v[1]), w = fabs(v[0] - v[1]) + 0.05;
    double y = fmin(v[2], v[3]), h = fabs(v[2] - v[3]) + 0.05;
    int aliased = i % 3 == 0, as_clip = i % 2;
    uint8_t *img[2];
    size_t st;
    for (int slow = 0; slow < 2; slow++) {
      ras_dl *dl = t_dl(96, 40, 40);
      assert_int_equal(ras_dl_device.set_aliased(dl, aliased), 0);
      ras_path p;
      ras_path_init(&p, 0);
      assert_int_equal(ras_path_move(&p, x, y), 0);
      if (slow)
        assert_int_equal(ras_path_line(&p, x + w / 3, y), 0);
      assert_int_equal(ras_path_line(&p, x + w, y), 0);
      assert_int_equal(ras_path_line(&p, x + w, y + h), 0);
      assert_int_equal(ras_path_line(&p, x, y + h), 0);
      assert_int_equal(ras_path_close(&p), 0);
      ras_matrix id = ras_matrix_identity();
      if (as_clip) {
        assert_int_equal(ras_dl_device.push_clip(dl, &p, &id, RAS_NONZERO), 0);
        ras_path_clear(&p);
        t_rect(&p, -10, -10, 60, 60);
      }
      t_fill(dl, &p, RAS_NONZERO, t_solid(0, 0, 0, 1));
      if (as_clip)
        assert_int_equal(ras_dl_device.pop_clip(dl), 0);
      img[slow] = t_render(dl, RAS_GRAY8, 9, &st);
      ras_path_reset(&p);
      ras_dl_drop(dl);
    }
    for (size_t k = 0; k < st * 40; k++)
      assert_true(abs(img[0][k] - img[1][k]) <= 1);
    if (w > 1 && h > 1 && x + w > 1 && y + h > 1)
      assert_true(t_ink(img[0], st, 40, 40) > 0);
    free(img[0]);
    free(img[1]);
  }
}

/* Naive CMYK (full grey replacement) and ordered-dither mono values. */
static void cmyk_and_mono_values(void **state) {
  (void)state;
  ras_dl *dl = t_dl(96, 32, 16);
  ras_path p;
  ras_path_init(&p, 0);
  t_rect(&p, 0, 0, 8, 16);
  t_fill(dl, &p, RAS_NONZERO, t_solid(1, 0, 0, 1));
  ras_path_clear(&p);
  t_rect(&p, 8, 0, 8, 16);
  t_fill(dl, &p, RAS_NONZERO, t_solid(0.5f, 0.5f, 0.5f, 1));
  ras_path_clear(&p);
  t_rect(&p, 16, 0, 8, 16);
  t_fill(dl, &p, RAS_NONZERO, t_solid(0, 0, 0, 1));
  size_t st;
  uint8_t *img = t_render(dl, RAS_CMYK8, 0, &st);
  const uint8_t red[4] = {0, 255, 255, 0}, grey[4] = {0, 0, 0, 127},
                black[4] = {0, 0, 0, 255}, white[4] = {0, 0, 0, 0};
  assert_memory_equal(img + 4 * 2, red, 4);
  assert_memory_equal(img + 4 * 10, grey, 4);
  assert_memory_equal(img + 4 * 18, black, 4);
  assert_memory_equal(img + 4 * 28, white, 4);
  free(img);
  img = t_render(dl, RAS_MONO1, 5, &st);
  int ones[4] = {0, 0, 0, 0};
  for (int y = 0; y < 16; y++)
    for (int x = 0; x < 32; x++)
      ones[x / 8] += img[(size_t)y * st + (size_t)x / 8] >> (7 - x % 8) & 1;
  assert_int_equal(ones[2], 128);   /* black: all set */
  assert_int_equal(ones[3], 0);     /* white: none */
  assert_in_range(ones[1], 56, 72); /* 50% grey: about half */
  free(img);
  ras_path_reset(&p);
  ras_dl_drop(dl);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(square_inside_outside),
      cmocka_unit_test(half_pixel_edge),
      cmocka_unit_test(area_is_exact),
      cmocka_unit_test(star_rules),
      cmocka_unit_test(winding_overlap),
      cmocka_unit_test(huge_coordinates),
      cmocka_unit_test(degenerate_edges),
      cmocka_unit_test(rgb_and_alpha),
      cmocka_unit_test(band_invariance),
      cmocka_unit_test(page_size_rounding),
      cmocka_unit_test(rect_fast_path_matches_edges),
      cmocka_unit_test(cmyk_and_mono_values),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
