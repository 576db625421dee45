#include "support_render.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

ras_dl *t_dl(double dpi, double w, double h) {
  ras_dl *dl = NULL;
  assert_int_equal(ras_dl_new(dpi, NULL, &dl), 0);
  assert_int_equal(ras_dl_device.begin_page(dl, w, h), 0);
  return dl;
}

ras_paint t_solid(float r, float g, float b, float a) {
  ras_paint p;
  memset(&p, 0, sizeof p);
  p.kind = RAS_PAINT_SOLID;
  p.solid = (ras_color){r, g, b, a};
  return p;
}

void t_rect(ras_path *p, double x, double y, double w, double h) {
  assert_int_equal(ras_path_move(p, x, y), 0);
  assert_int_equal(ras_path_line(p, x + w, y), 0);
  assert_int_equal(ras_path_line(p, x + w, y + h), 0);
  assert_int_equal(ras_path_line(p, x, y + h), 0);
  assert_int_equal(ras_path_close(p), 0);
}

void t_star(ras_path *p, double cx, double cy, double r) {
  for (int i = 0; i < 5; i++) {
    double a = -M_PI / 2 + i * 4 * M_PI / 5;
    double x = cx + r * cos(a), y = cy + r * sin(a);
    if (i == 0)
      assert_int_equal(ras_path_move(p, x, y), 0);
    else
      assert_int_equal(ras_path_line(p, x, y), 0);
  }
  assert_int_equal(ras_path_close(p), 0);
}

void t_fill(ras_dl *dl, const ras_path *p, int rule, ras_paint paint) {
  ras_matrix m = ras_matrix_identity();
  assert_int_equal(ras_dl_device.fill_path(dl, p, &m, rule, &paint), 0);
}

uint8_t *t_render(const ras_dl *dl, int format, int band_h, size_t *stride) {
  int w, h;
  ras_dl_size(dl, &w, &h);
  *stride = ras_dl_stride(dl, format);
  uint8_t *img = malloc(*stride * (size_t)h);
  assert_non_null(img);
  if (band_h <= 0)
    band_h = h;
  for (int y = 0; y < h; y += band_h) {
    int n = h - y < band_h ? h - y : band_h;
    assert_int_equal(ras_dl_render_band(dl, format, y, n,
                                        img + (size_t)y * *stride, *stride),
                     0);
  }
  return img;
}

int t_gray(const uint8_t *img, size_t stride, int x, int y) {
  return img[(size_t)y * stride + (size_t)x];
}

double t_ink(const uint8_t *img, size_t stride, int w, int h) {
  double s = 0;
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      s += 255 - img[(size_t)y * stride + (size_t)x];
  return s;
}

/* A busy page: curves, strokes, rules, overlaps, edges off the page. */
ras_dl *t_busy_page(double dpi) {
  ras_dl *dl = t_dl(dpi, 200, 150);
  ras_path p;
  ras_path_init(&p, 0);
  for (int i = 0; i < 12; i++) {
    ras_path_clear(&p);
    t_star(&p, 15 + i * 17.3, 20 + (i % 5) * 27.1, 12 + i);
    t_fill(dl, &p, i & 1,
           t_solid(i / 12.0f, 1 - i / 12.0f, (i % 3) / 2.0f,
                   0.4f + (i % 4) / 5.0f));
  }
  ras_path_clear(&p);
  assert_int_equal(ras_path_move(&p, -20, 75), 0);
  assert_int_equal(ras_path_cubic(&p, 50, -40, 150, 190, 230, 60), 0);
  assert_int_equal(ras_path_quad(&p, 100, 160, -10, 140), 0);
  assert_int_equal(ras_path_close(&p), 0);
  t_fill(dl, &p, RAS_EVENODD, t_solid(0.1f, 0.2f, 0.7f, 0.6f));
  ras_stroke s = {.width = 3,
                  .start_cap = RAS_CAP_ROUND,
                  .end_cap = RAS_CAP_TRIANGLE,
                  .join = RAS_JOIN_ROUND,
                  .miter_limit = 10};
  ras_matrix m = ras_matrix_identity();
  ras_paint paint = t_solid(0, 0.5f, 0, 0.8f);
  assert_int_equal(ras_dl_device.stroke_path(dl, &p, &m, &s, &paint), 0);
  /* A clipped half-transparent group with overlapping children, an opacity
   * mask, a dashed aliased stroke. */
  ras_path_clear(&p);
  t_star(&p, 100, 75, 60);
  assert_int_equal(ras_dl_device.push_clip(dl, &p, &m, RAS_EVENODD), 0);
  assert_int_equal(ras_dl_device.begin_group(dl, 0.6f), 0);
  ras_path_clear(&p);
  t_rect(&p, 40.3, 30.7, 80, 60);
  t_fill(dl, &p, RAS_NONZERO, t_solid(0.9f, 0.1f, 0.1f, 1));
  ras_path_clear(&p);
  t_rect(&p, 90.5, 60.25, 80, 60);
  t_fill(dl, &p, RAS_NONZERO, t_solid(0.1f, 0.1f, 0.9f, 0.7f));
  assert_int_equal(ras_dl_device.end_group(dl), 0);
  assert_int_equal(ras_dl_device.pop_clip(dl), 0);
  assert_int_equal(ras_dl_device.begin_mask(dl), 0);
  ras_path_clear(&p);
  t_star(&p, 160, 110, 35);
  t_fill(dl, &p, RAS_NONZERO, t_solid(0, 0, 0, 0.5f));
  assert_int_equal(ras_dl_device.end_mask(dl), 0);
  assert_int_equal(ras_dl_device.begin_group(dl, 1), 0);
  ras_path_clear(&p);
  t_rect(&p, 120, 70, 80, 80);
  t_fill(dl, &p, RAS_NONZERO, t_solid(0.2f, 0.6f, 0.2f, 1));
  assert_int_equal(ras_dl_device.end_group(dl), 0);
  assert_int_equal(ras_dl_device.pop_clip(dl), 0);
  assert_int_equal(ras_dl_device.set_aliased(dl, 1), 0);
  double dash[] = {3, 1.5};
  s.dashes = dash;
  s.ndashes = 2;
  s.dash_cap = RAS_CAP_SQUARE;
  s.width = 1.5;
  ras_path_clear(&p);
  t_star(&p, 60, 100, 45);
  assert_int_equal(ras_dl_device.stroke_path(dl, &p, &m, &s, &paint), 0);
  assert_int_equal(ras_dl_device.set_aliased(dl, 0), 0);
  /* A rotated repeating tile with gradient content, over a circle-ish
   * area, and an in-place (TileMode None) tile. */
  ras_tile t = {0,   0, 12, 9, {0.8, 0.6, -0.6, 0.8, 150, 20}, RAS_TILE_FLIPXY,
                0.8f};
  ras_path_clear(&p);
  t_star(&p, 170, 40, 28);
  assert_int_equal(ras_dl_device.begin_tile(dl, &p, &m, RAS_NONZERO, NULL, &t),
                   0);
  ras_gradient_stop stops[2] = {{0, {1, 0.5f, 0, 1}}, {1, {0, 0, 1, 0.3f}}};
  ras_paint g;
  memset(&g, 0, sizeof g);
  g.kind = RAS_PAINT_LINEAR;
  g.grad =
      (ras_gradient){stops, 2, RAS_SPREAD_REFLECT,   RAS_INTERP_LINEAR, 1, 0, 0,
                     4,     3, ras_matrix_identity()};
  ras_matrix tm = {0.8, 0.6, -0.6, 0.8, 150, 20};
  ras_path_clear(&p);
  t_rect(&p, 1, 1, 8, 6);
  assert_int_equal(ras_dl_device.fill_path(dl, &p, &tm, RAS_NONZERO, &g), 0);
  assert_int_equal(ras_dl_device.end_tile(dl), 0);
  ras_tile t2 = {10, 100, 30, 30, ras_matrix_identity(), RAS_TILE_NONE, 1};
  ras_path_clear(&p);
  t_rect(&p, 0, 90, 60, 60);
  assert_int_equal(ras_dl_device.begin_tile(dl, &p, &m, RAS_NONZERO, NULL, &t2),
                   0);
  g.kind = RAS_PAINT_RADIAL;
  g.grad.m = (ras_matrix){20, 0, 0, 15, 25, 115};
  g.grad.x1 = 0.3;
  g.grad.y1 = -0.2;
  ras_path_clear(&p);
  t_rect(&p, 0, 90, 60, 60);
  assert_int_equal(ras_dl_device.fill_path(dl, &p, &m, RAS_NONZERO, &g), 0);
  assert_int_equal(ras_dl_device.end_tile(dl), 0);
  ras_path_reset(&p);
  return dl;
}
