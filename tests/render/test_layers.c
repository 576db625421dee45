/* Clips, transparency groups, opacity masks, aliased edges, nesting. */
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

static void clip_rect(ras_dl *dl, double x, double y, double w, double h) {
  ras_path p;
  ras_path_init(&p, 0);
  t_rect(&p, x, y, w, h);
  ras_matrix m = ras_matrix_identity();
  assert_int_equal(D->push_clip(dl, &p, &m, RAS_NONZERO), 0);
  ras_path_reset(&p);
}

static void nested_clips(void **state) {
  (void)state;
  ras_dl *dl = t_dl(96, 70, 70);
  clip_rect(dl, 10, 10, 30, 30);
  clip_rect(dl, 25, 25, 35, 35);
  fill_rect(dl, 0, 0, 70, 70, t_solid(0, 0, 0, 1));
  assert_int_equal(D->pop_clip(dl), 0);
  fill_rect(dl, 0, 0, 20, 70, t_solid(0.5f, 0.5f, 0.5f, 1));
  assert_int_equal(D->pop_clip(dl), 0);
  fill_rect(dl, 0, 60, 5, 5, t_solid(0, 0, 0, 1));
  assert_int_equal(D->pop_clip(dl), XR_E_USAGE);
  size_t st;
  uint8_t *img = t_render(dl, RAS_GRAY8, 9, &st);
  assert_int_equal(t_gray(img, st, 30, 30), 0);   /* both clips */
  assert_int_equal(t_gray(img, st, 45, 45), 255); /* outside the first */
  assert_int_equal(t_gray(img, st, 15, 15), 128); /* first clip only */
  assert_int_equal(t_gray(img, st, 5, 15), 255);  /* outside the first */
  assert_int_equal(t_gray(img, st, 2, 62), 0);    /* after both pops */
  free(img);
  ras_dl_drop(dl);
}

static void soft_and_evenodd_clip(void **state) {
  (void)state;
  ras_dl *dl = t_dl(96, 100, 100);
  ras_path p;
  ras_path_init(&p, 0);
  t_star(&p, 50, 50, 40);
  ras_matrix m = ras_matrix_identity();
  assert_int_equal(D->push_clip(dl, &p, &m, RAS_EVENODD), 0);
  clip_rect(dl, 10.5, 0, 100, 100);
  fill_rect(dl, 0, 0, 100, 100, t_solid(0, 0, 0, 1));
  assert_int_equal(D->pop_clip(dl), 0);
  assert_int_equal(D->pop_clip(dl), 0);
  size_t st;
  uint8_t *img = t_render(dl, RAS_GRAY8, 0, &st);
  assert_int_equal(t_gray(img, st, 50, 50), 255); /* even-odd hole */
  assert_int_equal(t_gray(img, st, 50, 16), 0);
  free(img);
  ras_path_reset(&p);
  ras_dl_drop(dl);
  /* Soft clip edge at x = 10.5. */
  dl = t_dl(96, 20, 20);
  clip_rect(dl, 10.5, 0, 20, 20);
  fill_rect(dl, 0, 0, 20, 20, t_solid(0, 0, 0, 1));
  assert_int_equal(D->pop_clip(dl), 0);
  img = t_render(dl, RAS_GRAY8, 0, &st);
  assert_in_range(t_gray(img, st, 10, 5), 126, 129);
  assert_int_equal(t_gray(img, st, 9, 5), 255);
  assert_int_equal(t_gray(img, st, 11, 5), 0);
  free(img);
  ras_dl_drop(dl);
}

/* Two overlapping opaque squares in a 50% group: the overlap is no darker
 * than the rest. Without the group, per-leaf alpha darkens the overlap. */
static void group_is_true_group(void **state) {
  (void)state;
  for (int grouped = 0; grouped < 2; grouped++) {
    ras_dl *dl = t_dl(96, 40, 40);
    float a = grouped ? 1.0f : 0.5f;
    if (grouped)
      assert_int_equal(D->begin_group(dl, 0.5f), 0);
    fill_rect(dl, 0, 0, 25, 25, t_solid(0, 0, 0, a));
    fill_rect(dl, 15, 15, 25, 25, t_solid(0, 0, 0, a));
    if (grouped)
      assert_int_equal(D->end_group(dl), 0);
    assert_int_equal(ras_dl_has_transparency(dl), grouped);
    size_t st;
    uint8_t *img = t_render(dl, RAS_GRAY8, 5, &st);
    int single = t_gray(img, st, 5, 5), overlap = t_gray(img, st, 20, 20);
    assert_in_range(single, 127, 128);
    if (grouped)
      assert_int_equal(overlap, single);
    else
      assert_in_range(overlap, 63, 64);
    assert_int_equal(t_gray(img, st, 35, 5), 255);
    free(img);
    ras_dl_drop(dl);
  }
}

static void group_in_clip_and_nested(void **state) {
  (void)state;
  ras_dl *dl = t_dl(96, 40, 40);
  clip_rect(dl, 0, 0, 20, 40);
  assert_int_equal(D->begin_group(dl, 0.5f), 0);
  assert_int_equal(D->begin_group(dl, 0.5f), 0);
  fill_rect(dl, 0, 0, 40, 40, t_solid(0, 0, 0, 1));
  assert_int_equal(D->end_group(dl), 0);
  fill_rect(dl, 0, 30, 40, 10, t_solid(0, 0, 0, 1));
  assert_int_equal(D->end_group(dl), 0);
  assert_int_equal(D->pop_clip(dl), 0);
  /* A group with opacity 1 changes nothing and costs nothing. */
  assert_int_equal(D->begin_group(dl, 1.0f), 0);
  assert_int_equal(D->end_group(dl), 0);
  /* A group with opacity 0 hides its content. */
  assert_int_equal(D->begin_group(dl, 0.0f), 0);
  fill_rect(dl, 30, 0, 10, 10, t_solid(0, 0, 0, 1));
  assert_int_equal(D->end_group(dl), 0);
  size_t st;
  uint8_t *img = t_render(dl, RAS_GRAY8, 0, &st);
  assert_in_range(t_gray(img, st, 5, 5), 190, 192);  /* 1 - .25 */
  assert_in_range(t_gray(img, st, 5, 35), 127, 128); /* 1 - .5 */
  assert_int_equal(t_gray(img, st, 25, 5), 255);     /* clipped */
  assert_int_equal(t_gray(img, st, 35, 5), 255);     /* opacity 0 */
  free(img);
  ras_dl_drop(dl);
}

static void opacity_mask(void **state) {
  (void)state;
  ras_dl *dl = t_dl(96, 40, 20);
  assert_int_equal(D->begin_mask(dl), 0);
  /* Mask colour is ignored, only alpha counts. */
  fill_rect(dl, 0, 0, 20, 20, t_solid(1, 0, 0, 1));
  fill_rect(dl, 20, 0, 20, 20, t_solid(0, 1, 1, 0.25f));
  assert_int_equal(D->end_mask(dl), 0);
  assert_int_equal(D->begin_group(dl, 1.0f), 0);
  fill_rect(dl, 0, 0, 40, 10, t_solid(0, 0, 0, 1));
  fill_rect(dl, 0, 5, 40, 15, t_solid(0, 0, 0, 1));
  assert_int_equal(D->end_group(dl), 0);
  assert_int_equal(D->pop_clip(dl), 0);
  assert_int_equal(ras_dl_has_transparency(dl), 1);
  size_t st;
  uint8_t *img = t_render(dl, RAS_GRAY8, 3, &st);
  assert_int_equal(t_gray(img, st, 5, 2), 0);
  assert_int_equal(t_gray(img, st, 5, 7), 0);
  assert_in_range(t_gray(img, st, 25, 2), 190, 192);
  /* Overlapping children inside the masked group do not double up. */
  assert_in_range(t_gray(img, st, 25, 7), 190, 192);
  free(img);
  /* end_mask without begin_mask, pop_clip while a mask is open. */
  assert_int_equal(D->end_mask(dl), XR_E_USAGE);
  assert_int_equal(D->begin_mask(dl), 0);
  assert_int_equal(D->pop_clip(dl), XR_E_USAGE);
  assert_int_equal(D->end_group(dl), XR_E_USAGE);
  ras_dl_drop(dl);
}

static void aliased_edges(void **state) {
  (void)state;
  ras_dl *dl = t_dl(96, 40, 20);
  assert_int_equal(D->set_aliased(dl, 1), 0);
  fill_rect(dl, 10.3, 2.6, 10.3, 10.2, t_solid(0, 0, 0, 1));
  assert_int_equal(D->set_aliased(dl, 0), 0);
  fill_rect(dl, 30.3, 2, 5, 5, t_solid(0, 0, 0, 1));
  size_t st;
  uint8_t *img = t_render(dl, RAS_GRAY8, 0, &st);
  for (int y = 0; y < 20; y++)
    for (int x = 0; x < 25; x++) {
      int v = t_gray(img, st, x, y);
      assert_true(v == 0 || v == 255);
      /* Pixels whose centre is inside: x 10..20, y 3..12. */
      int in = x >= 10 && x <= 20 && y >= 3 && y <= 12;
      assert_int_equal(v, in ? 0 : 255);
    }
  int v = t_gray(img, st, 30, 4);
  assert_true(v > 0 && v < 255); /* anti-aliased again */
  free(img);
  ras_dl_drop(dl);
}

/* NESTING: N levels pass, N+1 is XR_E_LIMIT, and the limit cannot be raised
 * past its bound. */
static void nesting_limit(void **state) {
  (void)state;
  xr_limits lim;
  xr_limits_init(&lim);
  assert_int_equal(xr_limits_set(&lim, XR_LIMIT_NESTING, 5), 5);
  ras_dl *dl = NULL;
  assert_int_equal(ras_dl_new(96, &lim, &dl), 0);
  assert_int_equal(D->begin_page(dl, 10, 10), 0);
  ras_path p;
  ras_path_init(&p, 0);
  t_rect(&p, 1, 1, 8, 8);
  ras_matrix m = ras_matrix_identity();
  for (int i = 0; i < 3; i++)
    assert_int_equal(D->push_clip(dl, &p, &m, RAS_NONZERO), 0);
  assert_int_equal(D->begin_group(dl, 0.5f), 0);
  assert_int_equal(D->begin_mask(dl), 0);
  assert_int_equal(D->push_clip(dl, &p, &m, RAS_NONZERO), XR_E_LIMIT);
  assert_int_equal(D->begin_group(dl, 0.5f), XR_E_LIMIT);
  assert_int_equal(D->begin_group(dl, 1.0f), XR_E_LIMIT);
  assert_int_equal(D->begin_mask(dl), XR_E_LIMIT);
  /* The list stays usable after the refusals. */
  t_fill(dl, &p, RAS_NONZERO, t_solid(0, 0, 0, 1));
  assert_int_equal(D->end_mask(dl), 0);
  size_t st;
  uint8_t *img = t_render(dl, RAS_GRAY8, 0, &st);
  free(img);
  ras_path_reset(&p);
  ras_dl_drop(dl);
  assert_int_equal(xr_limits_set(&lim, XR_LIMIT_NESTING, 1 << 20),
                   xr_limit_bound(XR_LIMIT_NESTING));
}

/* A list whose interpreter stopped mid-page (groups and clips left open)
 * still renders, finishing what is open. */
static void unfinished_list(void **state) {
  (void)state;
  ras_dl *dl = t_dl(96, 20, 20);
  clip_rect(dl, 0, 0, 10, 20);
  assert_int_equal(D->begin_group(dl, 0.5f), 0);
  fill_rect(dl, 0, 0, 20, 20, t_solid(0, 0, 0, 1));
  size_t st;
  uint8_t *img = t_render(dl, RAS_GRAY8, 7, &st);
  assert_in_range(t_gray(img, st, 5, 5), 127, 128);
  assert_int_equal(t_gray(img, st, 15, 5), 255);
  free(img);
  ras_dl_drop(dl);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(nested_clips),
      cmocka_unit_test(soft_and_evenodd_clip),
      cmocka_unit_test(group_is_true_group),
      cmocka_unit_test(group_in_clip_and_nested),
      cmocka_unit_test(opacity_mask),
      cmocka_unit_test(aliased_edges),
      cmocka_unit_test(nesting_limit),
      cmocka_unit_test(unfinished_list),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
