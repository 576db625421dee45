/* Glyph lists: recording (bboxes, big glyphs to outlines, blanks skipped,
 * memory accounted) and band-limited replay through a span callback. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <stdlib.h>

#include "render/glyph_list.h"
#include "text_fixture.h"
#include "xpsraster/error.h"

static ras_font *sans(void) {
  size_t n = 0;
  unsigned char *d = fx_read(DEJAVU_SANS, &n);
  assert_non_null(d);
  ras_font *f;
  assert_int_equal(ras_font_new(d, n, 0, "sans", &f, NULL), 0);
  return f;
}

typedef struct spans {
  int n, ymin, ymax, xmin, xmax;
  long cov;
} spans;

static void on_span(void *ud, int y, int x, int len, const uint8_t *cov,
                    int a) {
  spans *s = ud;
  (void)a;
  s->n++;
  s->ymin = y < s->ymin ? y : s->ymin;
  s->ymax = y > s->ymax ? y : s->ymax;
  s->xmin = x < s->xmin ? x : s->xmin;
  s->xmax = x + len > s->xmax ? x + len : s->xmax;
  for (int i = 0; i < len; i++)
    s->cov += cov[i];
}

static void test_record_and_replay(void **st) {
  (void)st;
  ras_font *f = sans();
  ras_glyph_pos g[4] = {{ras_font_lookup(f, 'H'), 10, 50},
                        {ras_font_lookup(f, ' '), 40, 50},
                        {ras_font_lookup(f, 'g'), 60, 50},
                        {1u << 30, 90, 50}}; /* not in the font */
  ras_glyph_run run = {f, ras_matrix_scale(30, 30), 0, g, 4};
  ras_glyph_list *l = NULL;
  ras_path big;
  ras_path_init(&big, 0);
  uint32_t ref;
  int32_t bb[4];
  ras_matrix m = ras_matrix_scale(2, 2); /* user -> device: 192 dpi */
  assert_int_equal(ras_glyph_list_add(&l, &run, &m, &big, &ref, bb), 1);
  assert_int_equal((int)big.nverbs, 0);
  /* 'H' (left bearing 0.1 em = 6 px) from x = 20 + 6 device px; 'g'
   * descends below the baseline (y 100). */
  assert_true(bb[0] >= 24 && bb[0] <= 27);
  assert_true(bb[1] < 100 - 40 && bb[3] > 100 + 5);
  size_t bytes = ras_glyph_list_bytes(l);
  assert_true(bytes > 2 * sizeof(double) * 2);

  /* Whole replay, then a band through the middle only. */
  spans all = {0, 1 << 30, -1, 1 << 30, -1, 0};
  assert_int_equal(ras_glyph_list_draw(l, ref, 0, 400, on_span, &all), 0);
  assert_true(all.n > 0 && all.ymin == bb[1] && all.ymax == bb[3] - 1);
  assert_true(all.xmin >= bb[0] && all.xmax <= bb[2]);
  assert_true(all.xmax - all.xmin > (bb[2] - bb[0]) * 9 / 10);
  spans band = {0, 1 << 30, -1, 1 << 30, -1, 0};
  assert_int_equal(ras_glyph_list_draw(l, ref, 80, 90, on_span, &band), 0);
  assert_true(band.ymin >= 80 && band.ymax <= 89 && band.n > 0);
  assert_true(band.cov < all.cov);
  spans none = {0, 1 << 30, -1, 1 << 30, -1, 0};
  assert_int_equal(ras_glyph_list_draw(l, ref, 300, 400, on_span, &none), 0);
  assert_int_equal(none.n, 0);
  /* A bad reference draws nothing. */
  assert_int_equal(ras_glyph_list_draw(l, ref + 1, 0, 400, on_span, &none), 0);
  assert_int_equal(none.n, 0);

  /* Glyphs too big for the cache come back as outlines; a run of nothing
   * but blanks records nothing. */
  ras_glyph_run huge = {f, ras_matrix_scale(300, 300), 0, g, 1};
  uint32_t ref2;
  assert_int_equal(ras_glyph_list_add(&l, &huge, &m, &big, &ref2, bb), 0);
  assert_true(big.nverbs > 0);
  ras_glyph_run blank = {f, ras_matrix_scale(30, 30), 0, g + 1, 1};
  ras_path_clear(&big);
  assert_int_equal(ras_glyph_list_add(&l, &blank, &m, &big, &ref2, bb), 0);
  assert_int_equal((int)big.nverbs, 0);
  assert_true(ras_glyph_list_bytes(l) >= bytes);
  assert_int_equal((int)ras_glyph_list_bytes(NULL), 0);

  ras_path_reset(&big);
  ras_glyph_list_drop(l);
  ras_font_drop(f); /* the list's reference kept it until here */
}

static void test_shared_cache(void **st) {
  (void)st;
  ras_font *f = sans();
  ras_glyph_cache *c;
  assert_int_equal(ras_glyph_cache_new(0, &c), 0);
  ras_glyph_pos g[1] = {{ras_font_lookup(f, 'A'), 10, 50}};
  ras_glyph_run run = {f, ras_matrix_scale(30, 30), 0, g, 1};
  ras_glyph_list *a = NULL, *b = NULL;
  assert_int_equal(ras_glyph_list_set_cache(&a, c), 0);
  assert_int_equal(ras_glyph_list_set_cache(&b, c), 0);
  assert_int_equal(ras_glyph_list_set_cache(&b, c), XR_E_USAGE);
  ras_path big;
  ras_path_init(&big, 0);
  uint32_t ref;
  int32_t bb[4];
  ras_matrix m = ras_matrix_identity();
  assert_int_equal(ras_glyph_list_add(&a, &run, &m, &big, &ref, bb), 1);
  assert_int_equal(ras_glyph_list_add(&b, &run, &m, &big, &ref, bb), 1);
  ras_glyph_cache_stats s;
  ras_glyph_cache_stats_get(c, &s);
  /* The second list (another page) hit what the first rendered. */
  assert_int_equal(s.misses, 1);
  assert_int_equal(s.hits, 1);
  ras_glyph_list_drop(a);
  ras_glyph_cache_drop(c); /* b still holds it */
  spans sp = {0, 1 << 30, -1, 1 << 30, -1, 0};
  assert_int_equal(ras_glyph_list_draw(b, ref, 0, 100, on_span, &sp), 0);
  assert_true(sp.n > 0);
  ras_glyph_list_drop(b);
  ras_path_reset(&big);
  ras_font_drop(f);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_record_and_replay),
      cmocka_unit_test(test_shared_cache),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
