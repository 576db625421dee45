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
