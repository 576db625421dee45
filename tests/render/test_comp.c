/* Compositing spans: the vector blend loops against the formula, for gray
 * and RGB bases, per-pixel and constant coverage, with and without clip and
 * paint alpha, at every offset and length around the vector width. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "render/comp.h"

static uint32_t seed = 1;
static uint8_t rnd8(void) {
  seed = seed * 1103515245u + 12345u;
  uint8_t v = (uint8_t)(seed >> 16);
  /* Plenty of 0 and 255 so that the all-0 / all-255 shortcuts run. */
  return (seed >> 8 & 3) == 0 ? 0 : (seed >> 8 & 3) == 1 ? 255 : v;
}

static uint8_t ref(uint8_t d, uint8_t c, uint32_t a) {
  return (uint8_t)((d * (255 - a) + c * a + 127) / 255);
}

static void spans_match_formula(void **state) {
  (void)state;
  enum { W = 200 };
  for (int nc = 1; nc <= 3; nc += 2)
    for (int iter = 0; iter < 400; iter++) {
      uint8_t base[W * 3], want[W * 3], cov[W], mask[W], tmp[4 * (W + 2)];
      for (int i = 0; i < W * nc; i++)
        base[i] = want[i] = rnd8();
      int runs = iter % 5 == 0;
      for (int i = 0; i < W; i++) {
        cov[i] = runs ? (uint8_t)((i / 16) % 2 ? 255 : 0) : rnd8();
        mask[i] = rnd8();
      }
      int x = iter % 37, len = 1 + (iter * 7) % (W - x - 1);
      int use_clip = iter % 3 == 1, constant = iter % 4 == 3;
      uint8_t pa = iter % 2 ? 255 : rnd8();
      ras_surf s = {base, (size_t)W * 3, 0, 0, W, 1, nc, 0};
      ras_mask m = {mask, W, 0, 0, W, 1};
      ras_fill f = {.dst = &s,
                    .clip = use_clip ? &m : NULL,
                    .c = {rnd8(), rnd8(), rnd8()},
                    .a = pa,
                    .tmp = tmp};
      uint8_t ca = (uint8_t)(1 + iter % 254);
      ras_comp_fill_span(&f, 0, x, len, constant ? NULL : cov + x, ca);
      for (int i = x; i < x + len; i++) {
        uint32_t a = constant ? ca : cov[i];
        a = ras_div255(a * pa);
        if (use_clip)
          a = ras_div255(a * mask[i]);
        for (int j = 0; j < nc; j++)
          want[i * nc + j] = ref(want[i * nc + j], f.c[j], a);
      }
      assert_memory_equal(base, want, (size_t)W * nc);
    }
}

/* Layer compositing (the vector loop for RGB without clip, the scalar one
 * with a clip or for gray) against the formula. */
static void layers_match_formula(void **state) {
  (void)state;
  enum { W = 67 };
  for (int nc = 1; nc <= 3; nc += 2)
    for (int iter = 0; iter < 300; iter++) {
      uint8_t src[W * 4], dst[W * 3], want[W * 3], mask[W];
      for (int i = 0; i < W; i++) {
        uint8_t a = rnd8();
        for (int k = 0; k < nc; k++) /* premultiplied: colour <= alpha */
          src[i * (nc + 1) + k] = (uint8_t)(a ? rnd8() % (a + 1) : 0);
        src[i * (nc + 1) + nc] = a;
        mask[i] = rnd8();
      }
      for (int i = 0; i < W * nc; i++)
        dst[i] = want[i] = rnd8();
      int op = iter % 3 == 0 ? 255 : rnd8(), use_clip = iter % 4 == 1;
      ras_surf d = {dst, (size_t)W * nc, 0, 0, W, 1, nc, 0};
      ras_surf l = {src, (size_t)W * (nc + 1), 0, 0, W, 1, nc, 1};
      ras_mask m = {mask, W, 0, 0, W, 1};
      ras_comp_layer(&d, &l, op, use_clip ? &m : NULL);
      for (int i = 0; i < W; i++) {
        uint32_t la = src[i * (nc + 1) + nc], f = (uint32_t)op;
        if (use_clip)
          f = ras_div255(f * mask[i]);
        if (!la || !f)
          continue;
        uint32_t sa = ras_div255(la * f), ia = 255 - sa;
        for (int k = 0; k < nc; k++) {
          uint32_t v = ras_div255(src[i * (nc + 1) + k] * f) +
                       ras_div255(want[i * nc + k] * ia);
          want[i * nc + k] = (uint8_t)(v > 255 ? 255 : v);
        }
      }
      assert_memory_equal(dst, want, (size_t)W * nc);
    }
}

static void div255_exact(void **state) {
  (void)state;
  for (uint32_t x = 0; x <= 255 * 255; x++)
    assert_int_equal(ras_div255(x), (x + 127) / 255);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(spans_match_formula),
      cmocka_unit_test(layers_match_formula),
      cmocka_unit_test(div255_exact),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
