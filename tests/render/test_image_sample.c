/* The fixed-point image sampler against a reference written here in
 * doubles (same definition: pixel centres, texel centres at .5, bilinear
 * with edge clamping, tiles folded and mirrored, trilinear blend by log2 of
 * the footprint), over random transforms, tile modes and opacities. The
 * fast path may differ by rounding only. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "render/image.h"

static uint32_t rng = 12345;
static double rnd(void) {
  rng = rng * 1103515245u + 12345u;
  return ((rng >> 8) & 0xffff) / 65536.0;
}

static ras_image *noise(int w, int h) {
  xr_limits lim;
  xr_limits_init(&lim);
  ras_image *img = NULL;
  assert_int_equal(ras_image_new(w, h, 3, 1, &lim, &img), 0);
  for (size_t i = 0; i < img->stride * (size_t)h; i++)
    img->px[i] = (uint8_t)(rnd() * 256);
  assert_int_equal(ras_image_prepare(img, NULL, NULL, 0, NULL), 0);
  return img;
}

static void ref_bilinear(const ras_mip *m, double x, double y, double o[4]) {
  x -= 0.5, y -= 0.5;
  double fx = floor(x), fy = floor(y), wx = x - fx, wy = y - fy;
  int xs[2] = {(int)fx, (int)fx + 1}, ys[2] = {(int)fy, (int)fy + 1};
  for (int k = 0; k < 2; k++) {
    xs[k] = xs[k] < 0 ? 0 : xs[k] >= m->w ? m->w - 1 : xs[k];
    ys[k] = ys[k] < 0 ? 0 : ys[k] >= m->h ? m->h - 1 : ys[k];
  }
  for (int c = 0; c < 4; c++) {
    double p00 = m->rgba[((size_t)ys[0] * m->w + xs[0]) * 4 + c];
    double p01 = m->rgba[((size_t)ys[0] * m->w + xs[1]) * 4 + c];
    double p10 = m->rgba[((size_t)ys[1] * m->w + xs[0]) * 4 + c];
    double p11 = m->rgba[((size_t)ys[1] * m->w + xs[1]) * 4 + c];
    o[c] = (p00 * (1 - wx) + p01 * wx) * (1 - wy) +
           (p10 * (1 - wx) + p11 * wx) * wy;
  }
}

static int fold(double *t, int repeat, int flip) {
  double v = *t;
  if (!repeat)
    return v >= 0 && v < 1;
  double k = floor(v);
  v -= k;
  if (flip && ((long long)k & 1))
    v = v > 0 ? 1 - v : v;
  *t = v;
  return 1;
}

/* Reference premultiplied RGBA of pixel (x, y); alpha -1 when outside. */
static void ref_sample(const ras_image_sampler *s, int x, int y, double o[4]) {
  const ras_image *img = s->img;
  double px = x + 0.5, py = y + 0.5;
  double ix = s->inv.a * px + s->inv.c * py + s->inv.e;
  double iy = s->inv.b * px + s->inv.d * py + s->inv.f;
  int rep = s->tile != RAS_IMAGE_TILE_NONE;
  int fx = s->tile == RAS_IMAGE_TILE_FLIPX || s->tile == RAS_IMAGE_TILE_FLIPXY;
  int fy = s->tile == RAS_IMAGE_TILE_FLIPY || s->tile == RAS_IMAGE_TILE_FLIPXY;
  double u = (ix - s->bx) / s->bw, v = (iy - s->by) / s->bh;
  memset(o, 0, 4 * sizeof *o);
  if (!fold(&u, rep, fx) || !fold(&v, rep, fy))
    return;
  ix = s->bx + u * s->bw, iy = s->by + v * s->bh;
  if (!(ix >= 0 && iy >= 0 && ix < img->w && iy < img->h))
    return;
  ref_bilinear(&img->lv[s->level], ix * s->lsx, iy * s->lsy, o);
  if (s->blend) {
    double o2[4];
    ref_bilinear(&img->lv[s->level + 1], ix * s->lsx2, iy * s->lsy2, o2);
    for (int c = 0; c < 4; c++)
      o[c] = (o[c] * (256 - s->blend) + o2[c] * s->blend) / 256;
  }
  for (int c = 0; c < 4; c++)
    o[c] = o[c] * s->alpha / 255;
}

/* Compares one span; pixels whose position is within a hair of a tile or
 * image edge may legitimately land on either side, so they are skipped. */
static long compare(const ras_image_sampler *s, int x, int y, int n) {
  uint8_t out[512 * 4];
  ras_image_sample_span(s, x, y, n, out);
  long bad = 0;
  for (int i = 0; i < n; i++) {
    double px = x + i + 0.5, py = y + 0.5;
    double ix = s->inv.a * px + s->inv.c * py + s->inv.e;
    double iy = s->inv.b * px + s->inv.d * py + s->inv.f;
    double u = (ix - s->bx) / s->bw, v = (iy - s->by) / s->bh;
    double du = fabs(u - floor(u + 0.5)) * s->bw,
           dv = fabs(v - floor(v + 0.5)) * s->bh;
    if (du < 0.01 || dv < 0.01 || fabs(ix) < 0.01 || fabs(iy) < 0.01 ||
        fabs(ix - s->img->w) < 0.01 || fabs(iy - s->img->h) < 0.01)
      continue;
    double o[4];
    ref_sample(s, x + i, y, o);
    for (int c = 0; c < 4; c++)
      if (fabs(o[c] - out[i * 4 + c]) > 2) {
        if (bad < 3)
          print_message("pixel %d,%d c%d: fast %d, reference %.2f (tile %d)\n",
                        x + i, y, c, out[i * 4 + c], o[c], s->tile);
        bad++;
      }
  }
  return bad;
}

static void test_fast_matches_reference(void **st) {
  (void)st;
  ras_image *img = noise(37, 23);
  long bad = 0, total = 0;
  for (int k = 0; k < 300; k++) {
    double sc = 0.05 + rnd() * 4, rot = rnd() < 0.5 ? 0 : rnd() * 6.28;
    double sx = sc * (0.5 + rnd()), sy = sc * (0.5 + rnd());
    ras_matrix m = {sx * cos(rot), sx * sin(rot),   -sy * sin(rot),
                    sy * cos(rot), rnd() * 40 - 20, rnd() * 40 - 20};
    int mode = (int)(rnd() * 5);
    double tile[4] = {rnd() * 10, rnd() * 8, 3 + rnd() * 30, 3 + rnd() * 20};
    ras_image_sampler s;
    ras_image_sampler_init(&s, img, &m, mode || rnd() < 0.5 ? tile : NULL, mode,
                           rnd() < 0.5 ? 1.0f : (float)rnd());
    if (!s.ok)
      continue;
    int y = (int)(rnd() * 60) - 10;
    bad += compare(&s, -20, y, 200);
    total += 200;
  }
  ras_image_drop(img);
  /* Rounding may differ on a few channels; a logic error differs a lot. */
  if (bad > total / 10000)
    fail_msg("%ld of %ld pixels differ from the reference", bad, total);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_fast_matches_reference),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
