/* Stroking: widths, caps, joins, miter limit, dashes, hairlines. */
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

static ras_stroke style(double w, int cap, int join) {
  ras_stroke s;
  memset(&s, 0, sizeof s);
  s.width = w;
  s.start_cap = s.end_cap = s.dash_cap = cap;
  s.join = join;
  s.miter_limit = 10;
  return s;
}

/* Strokes p with s under m on a fresh w x h page; returns gray8 pixels. */
static uint8_t *stroke_img(const ras_path *p, const ras_stroke *s,
                           const ras_matrix *m, int w, int h, size_t *st) {
  ras_dl *dl = t_dl(96, w, h);
  ras_paint k = t_solid(0, 0, 0, 1);
  ras_matrix id = ras_matrix_identity();
  assert_int_equal(ras_dl_device.stroke_path(dl, p, m ? m : &id, s, &k), 0);
  uint8_t *img = t_render(dl, RAS_GRAY8, 0, st);
  ras_dl_drop(dl);
  return img;
}

static void line(ras_path *p, double x0, double y0, double x1, double y1) {
  ras_path_clear(p);
  assert_int_equal(ras_path_move(p, x0, y0), 0);
  assert_int_equal(ras_path_line(p, x1, y1), 0);
}

static void widths(void **state) {
  (void)state;
  ras_path p;
  ras_path_init(&p, 0);
  line(&p, 10, 30, 70, 30);
  const double ws[] = {1, 2, 3.5, 6, 10};
  for (int i = 0; i < 5; i++) {
    ras_stroke s = style(ws[i], RAS_CAP_FLAT, RAS_JOIN_MITER);
    size_t st;
    uint8_t *img = stroke_img(&p, &s, NULL, 80, 60, &st);
    double ink = t_ink(img, st, 80, 60) / 255;
    assert_true(fabs(ink - 60 * ws[i]) < 0.5);
    /* Flat caps: nothing before x = 10 or after x = 70. */
    assert_int_equal(t_gray(img, st, 9, 30), 255);
    assert_int_equal(t_gray(img, st, 70, 30), 255);
    if (ws[i] >= 2)
      assert_int_equal(t_gray(img, st, 40, 29), 0);
    free(img);
  }
  ras_path_reset(&p);
}

static void hairline_minimum(void **state) {
  (void)state;
  ras_path p;
  ras_path_init(&p, 0);
  line(&p, 10, 30.5, 70, 30.5);
  const double ws[] = {0, 0.01, 0.5};
  for (int i = 0; i < 3; i++) {
    ras_stroke s = style(ws[i], RAS_CAP_FLAT, RAS_JOIN_MITER);
    size_t st;
    uint8_t *img = stroke_img(&p, &s, NULL, 80, 60, &st);
    double ink = t_ink(img, st, 80, 60) / 255;
    assert_true(fabs(ink - 60) < 0.5); /* one device pixel wide */
    assert_int_equal(t_gray(img, st, 40, 30), 0);
    free(img);
  }
  /* Also under a transform that shrinks the pen: still one pixel. */
  ras_matrix m = ras_matrix_scale(0.1, 0.1);
  line(&p, 100, 305, 700, 305);
  ras_stroke s = style(1, RAS_CAP_FLAT, RAS_JOIN_MITER);
  size_t st;
  uint8_t *img = stroke_img(&p, &s, &m, 80, 60, &st);
  assert_true(fabs(t_ink(img, st, 80, 60) / 255 - 60) < 0.5);
  free(img);
  ras_path_reset(&p);
}

static void caps(void **state) {
  (void)state;
  ras_path p;
  ras_path_init(&p, 0);
  line(&p, 20, 30, 60, 30);
  double ink[4];
  for (int c = 0; c < 4; c++) {
    ras_stroke s = style(8, c, RAS_JOIN_MITER);
    size_t st;
    uint8_t *img = stroke_img(&p, &s, NULL, 80, 60, &st);
    ink[c] = t_ink(img, st, 80, 60) / 255;
    /* Square caps reach 4 px past the ends, round ones at the axis. */
    int past = t_gray(img, st, 17, 30);
    if (c == RAS_CAP_FLAT)
      assert_int_equal(past, 255);
    else
      assert_int_equal(past, 0);
    /* The corner of a square cap is covered, not for round or triangle. */
    int corner = t_gray(img, st, 16, 26);
    assert_int_equal(corner, c == RAS_CAP_SQUARE ? 0 : 255);
    free(img);
  }
  /* Ink: flat 320; square + 2*32; round + pi*16; triangle + 2*16. */
  assert_true(fabs(ink[RAS_CAP_FLAT] - 320) < 0.5);
  assert_true(fabs(ink[RAS_CAP_SQUARE] - 384) < 0.5);
  assert_true(fabs(ink[RAS_CAP_ROUND] - (320 + M_PI * 16)) < 1);
  assert_true(fabs(ink[RAS_CAP_TRIANGLE] - 352) < 0.5);
  ras_path_reset(&p);
}

/* A right-angle corner at (40, 20): the outer corner region differs. */
static void joins(void **state) {
  (void)state;
  ras_path p;
  ras_path_init(&p, 0);
  assert_int_equal(ras_path_move(&p, 10, 20), 0);
  assert_int_equal(ras_path_line(&p, 40, 20), 0);
  assert_int_equal(ras_path_line(&p, 40, 50), 0);
  double ink[3];
  for (int j = 0; j < 3; j++) {
    ras_stroke s = style(10, RAS_CAP_FLAT, j);
    size_t st;
    uint8_t *img = stroke_img(&p, &s, NULL, 60, 60, &st);
    ink[j] = t_ink(img, st, 60, 60) / 255;
    /* Outer corner pixel (44, 15). */
    int v = t_gray(img, st, 44, 15);
    if (j == RAS_JOIN_MITER)
      assert_int_equal(v, 0);
    else
      assert_int_equal(v, 255);
    /* Inner side is filled, no notch. */
    assert_int_equal(t_gray(img, st, 36, 24), 0);
    free(img);
  }
  /* Two legs of 30 x 10 overlapping in a 5x5 inner square, plus the outer
   * corner: miter 25, round 25 pi / 4, bevel 12.5. */
  double base = 30 * 10 * 2 - 25;
  assert_true(fabs(ink[RAS_JOIN_MITER] - (base + 25)) < 0.5);
  assert_true(fabs(ink[RAS_JOIN_BEVEL] - (base + 12.5)) < 0.5);
  assert_true(fabs(ink[RAS_JOIN_ROUND] - (base + 25 * M_PI / 4)) < 0.6);
  ras_path_reset(&p);
}

static void miter_limit(void **state) {
  (void)state;
  /* A sharp spike: the miter tip is long, the limit clips it. */
  ras_path p;
  ras_path_init(&p, 0);
  assert_int_equal(ras_path_move(&p, 10, 60), 0);
  assert_int_equal(ras_path_line(&p, 40, 20), 0);
  assert_int_equal(ras_path_line(&p, 46, 60), 0);
  ras_stroke s = style(4, RAS_CAP_FLAT, RAS_JOIN_MITER);
  s.miter_limit = 20;
  size_t st;
  uint8_t *a = stroke_img(&p, &s, NULL, 60, 70, &st);
  s.miter_limit = 1;
  uint8_t *b = stroke_img(&p, &s, NULL, 60, 70, &st);
  double ia = t_ink(a, st, 60, 70), ib = t_ink(b, st, 60, 70);
  assert_true(ia > ib + 255 * 2);
  /* Above the spike the long miter reaches, the clipped one does not. */
  int tip_y = 16;
  int dark_a = 0, dark_b = 0;
  for (int x = 35; x < 48; x++) {
    dark_a += t_gray(a, st, x, tip_y) < 128;
    dark_b += t_gray(b, st, x, tip_y) < 128;
  }
  assert_true(dark_a > 0);
  assert_int_equal(dark_b, 0);
  free(a);
  free(b);
  ras_path_reset(&p);
}

static void dashes(void **state) {
  (void)state;
  ras_path p;
  ras_path_init(&p, 0);
  line(&p, 10, 30, 90, 30);
  /* Dash 2, gap 2 in multiples of the width 2: 4 px on, 4 px off. */
  double d[] = {2, 2};
  ras_stroke s = style(2, RAS_CAP_FLAT, RAS_JOIN_MITER);
  s.dashes = d;
  s.ndashes = 2;
  size_t st;
  uint8_t *img = stroke_img(&p, &s, NULL, 100, 60, &st);
  assert_true(fabs(t_ink(img, st, 100, 60) / 255 - 80) < 0.5);
  assert_int_equal(t_gray(img, st, 11, 30), 0);
  assert_int_equal(t_gray(img, st, 15, 30), 255);
  assert_int_equal(t_gray(img, st, 19, 30), 0);
  free(img);
  /* Offset by one width: starts 2 px into the first dash. */
  s.dash_offset = 1;
  img = stroke_img(&p, &s, NULL, 100, 60, &st);
  assert_int_equal(t_gray(img, st, 11, 30), 0);
  assert_int_equal(t_gray(img, st, 13, 30), 255);
  assert_int_equal(t_gray(img, st, 17, 30), 0);
  free(img);
  /* Zero-length dashes with round caps are dots. */
  double dots[] = {0, 4};
  s.dashes = dots;
  s.dash_offset = 0;
  s.dash_cap = s.start_cap = s.end_cap = RAS_CAP_ROUND;
  img = stroke_img(&p, &s, NULL, 100, 60, &st);
  double ink = t_ink(img, st, 100, 60) / 255;
  /* 10 dots of area pi (radius 1) plus the one at the end. */
  assert_true(ink > 9 * M_PI && ink < 12 * M_PI);
  assert_int_equal(t_gray(img, st, 14, 30), 255);
  free(img);
  ras_path_reset(&p);
}

static void closed_rect(void **state) {
  (void)state;
  ras_path p;
  ras_path_init(&p, 0);
  t_rect(&p, 10, 10, 40, 30);
  ras_stroke s = style(4, RAS_CAP_FLAT, RAS_JOIN_MITER);
  size_t st;
  uint8_t *img = stroke_img(&p, &s, NULL, 60, 50, &st);
  assert_int_equal(t_gray(img, st, 30, 25), 255); /* inside is empty */
  assert_int_equal(t_gray(img, st, 8, 8), 0);     /* mitred corner */
  assert_int_equal(t_gray(img, st, 11, 25), 0);
  assert_int_equal(t_gray(img, st, 12, 25), 255);
  /* 44 x 34 outside minus 36 x 26 inside. */
  assert_true(fabs(t_ink(img, st, 60, 50) / 255 - (140 * 4)) < 0.5);
  free(img);
  ras_path_reset(&p);
}

static void curves_stay_smooth(void **state) {
  (void)state;
  /* A circle of radius 20 from four cubics, stroked 2 wide: ink is the
   * annulus area within a small tolerance. */
  ras_path p;
  ras_path_init(&p, 0);
  double k = 0.5522847498 * 20, cx = 40, cy = 40;
  assert_int_equal(ras_path_move(&p, cx + 20, cy), 0);
  assert_int_equal(
      ras_path_cubic(&p, cx + 20, cy + k, cx + k, cy + 20, cx, cy + 20), 0);
  assert_int_equal(
      ras_path_cubic(&p, cx - k, cy + 20, cx - 20, cy + k, cx - 20, cy), 0);
  assert_int_equal(
      ras_path_cubic(&p, cx - 20, cy - k, cx - k, cy - 20, cx, cy - 20), 0);
  assert_int_equal(
      ras_path_cubic(&p, cx + k, cy - 20, cx + 20, cy - k, cx + 20, cy), 0);
  assert_int_equal(ras_path_close(&p), 0);
  ras_stroke s = style(2, RAS_CAP_FLAT, RAS_JOIN_ROUND);
  size_t st;
  uint8_t *img = stroke_img(&p, &s, NULL, 80, 80, &st);
  double ink = t_ink(img, st, 80, 80) / 255;
  double want = M_PI * (21 * 21 - 19 * 19);
  assert_true(fabs(ink - want) < want * 0.01);
  assert_int_equal(t_gray(img, st, 40, 40), 255);
  free(img);
  ras_path_reset(&p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(widths),      cmocka_unit_test(hairline_minimum),
      cmocka_unit_test(caps),        cmocka_unit_test(joins),
      cmocka_unit_test(miter_limit), cmocka_unit_test(dashes),
      cmocka_unit_test(closed_rect), cmocka_unit_test(curves_stay_smooth),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
