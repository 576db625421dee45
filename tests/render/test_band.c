/* Band scheduler: in-order delivery, identical output for every band
 * height and thread count, error propagation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "render/band.h"
#include "support_render.h"
#include "xpsraster/error.h"

typedef struct collect {
  uint8_t *img;
  size_t stride;
  int next_y, calls, fail_at;
} collect;

static int deliver(void *ud, int y, int rows, const uint8_t *data,
                   size_t stride) {
  collect *c = ud;
  assert_int_equal(y, c->next_y); /* in order, no gaps */
  assert_true(stride >= c->stride);
  for (int r = 0; r < rows; r++)
    memcpy(c->img + (size_t)(y + r) * c->stride, data + (size_t)r * stride,
           c->stride);
  c->next_y = y + rows;
  if (++c->calls == c->fail_at)
    return XR_E_IO;
  return 0;
}

static void identical_for_all_bandings(void **state) {
  (void)state;
  ras_dl *dl = t_busy_page(144);
  int w, h;
  ras_dl_size(dl, &w, &h);
  const int fmts[] = {RAS_GRAY8, RAS_RGB8, RAS_CMYK8, RAS_MONO1};
  const int bands[] = {0, 1, 7, 32, 64, 100000};
  const int threads[] = {1, 2, 3, 5};
  for (int f = 0; f < 4; f++) {
    size_t st;
    uint8_t *ref = t_render(dl, fmts[f], 0, &st);
    for (int b = 0; b < 6; b++)
      for (int t = 0; t < 4; t++) {
        collect c = {calloc(st, (size_t)h), st, 0, 0, 0};
        assert_non_null(c.img);
        assert_int_equal(
            ras_band_run(dl, fmts[f], bands[b], threads[t], deliver, &c), 0);
        assert_int_equal(c.next_y, h);
        assert_memory_equal(c.img, ref, st * (size_t)h);
        free(c.img);
      }
    free(ref);
  }
  ras_dl_drop(dl);
}

static void deliver_error_stops(void **state) {
  (void)state;
  ras_dl *dl = t_busy_page(96);
  int w, h;
  ras_dl_size(dl, &w, &h);
  for (int t = 1; t <= 3; t++) {
    size_t st = ras_dl_stride(dl, RAS_RGB8);
    collect c = {calloc(st, (size_t)h), st, 0, 0, 3};
    assert_int_equal(ras_band_run(dl, RAS_RGB8, 8, t, deliver, &c), XR_E_IO);
    assert_int_equal(c.calls, 3);
    free(c.img);
  }
  assert_int_equal(ras_band_run(dl, 42, 8, 2, deliver, NULL), XR_E_INVAL);
  ras_dl_drop(dl);
}

static void default_height(void **state) {
  (void)state;
  ras_dl *dl = t_dl(600, 816, 1056); /* Letter at 600 dpi */
  int bh = ras_band_default_height(dl, RAS_RGB8);
  assert_int_equal(bh % 32, 0);
  assert_true(bh >= 32);
  assert_true((size_t)bh * ras_dl_stride(dl, RAS_RGB8) <=
              RAS_BAND_TARGET_BYTES + ras_dl_stride(dl, RAS_RGB8) * 32);
  assert_true(ras_band_threads(0) >= 1);
  assert_int_equal(ras_band_threads(1000), RAS_BAND_MAX_THREADS);
  ras_dl_drop(dl);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(identical_for_all_bandings),
      cmocka_unit_test(deliver_error_stops),
      cmocka_unit_test(default_height),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
