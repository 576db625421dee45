/* Glyph runs in the display list: drawn from the glyph cache, matching the
 * outline fill, clipped, band-invariant, other paints through outlines. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "render/font.h"
#include "render/glyph.h"
#include "render/glyph_cache.h"
#include "support_render.h"
#include "text_fixture.h"
#include "xpsraster/error.h"

static const ras_device_fns *D = &ras_dl_device;

typedef struct fixture {
  ras_font *font;
  ras_glyph_pos pos[5];
  ras_glyph_run run;
} fixture;

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  size_t n;
  unsigned char *d = fx_read(DEJAVU_SANS, &n);
  if (!d || ras_font_new(d, n, 0, "DejaVuSans.ttf", &f->font, NULL)) {
    free(f);
    return -1;
  }
  const char *s = "Hexgo";
  for (int i = 0; i < 5; i++)
    f->pos[i] = (ras_glyph_pos){ras_font_lookup(f->font, (uint32_t)s[i]),
                                10.3 + 21.7 * i, 40.6};
  f->run.font = f->font;
  f->run.gm = ras_matrix_scale(30, 30);
  f->run.glyphs = f->pos;
  f->run.n = 5;
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  ras_font_drop(f->font);
  free(f);
  return 0;
}

static uint8_t *draw(fixture *f, int as_outline, int clip, size_t *st,
                     int band) {
  ras_dl *dl = t_dl(96, 130, 60);
  ras_matrix id = ras_matrix_identity();
  ras_paint k = t_solid(0, 0, 0, 1);
  ras_path p;
  ras_path_init(&p, 0);
  if (clip) {
    t_rect(&p, 0, 0, 50, 60);
    assert_int_equal(D->push_clip(dl, &p, &id, RAS_NONZERO), 0);
  }
  if (as_outline) {
    ras_path_clear(&p);
    assert_int_equal(ras_glyph_run_path(&f->run, &p, NULL), 0);
    assert_int_equal(D->fill_path(dl, &p, &id, RAS_NONZERO, &k), 0);
  } else {
    assert_int_equal(D->fill_glyphs(dl, &f->run, &id, &k), 0);
  }
  if (clip)
    assert_int_equal(D->pop_clip(dl), 0);
  uint8_t *img = t_render(dl, RAS_GRAY8, band, st);
  ras_path_reset(&p);
  ras_dl_drop(dl);
  return img;
}

static void cache_matches_outline(void **state) {
  fixture *f = *state;
  size_t st;
  uint8_t *a = draw(f, 0, 0, &st, 0), *b = draw(f, 1, 0, &st, 0);
  double ia = t_ink(a, st, 130, 60), ib = t_ink(b, st, 130, 60);
  assert_true(ib > 255 * 300); /* the text is really there */
  assert_true(fabs(ia - ib) < ib * 0.03);
  /* Pixel by pixel: masks and outlines agree closely. */
  double diff = 0;
  for (int y = 0; y < 60; y++)
    for (int x = 0; x < 130; x++)
      diff += abs(t_gray(a, st, x, y) - t_gray(b, st, x, y));
  assert_true(diff < ib * 0.1);
  free(a);
  free(b);
}

static void clipped_and_banded(void **state) {
  fixture *f = *state;
  size_t st;
  uint8_t *a = draw(f, 0, 1, &st, 0);
  for (int y = 0; y < 60; y++)
    for (int x = 50; x < 130; x++)
      assert_int_equal(t_gray(a, st, x, y), 255);
  assert_true(t_ink(a, st, 50, 60) > 255 * 100);
  const int bands[] = {1, 7, 33};
  for (int i = 0; i < 3; i++) {
    uint8_t *b = draw(f, 0, 1, &st, bands[i]);
    assert_memory_equal(a, b, st * 60);
    free(b);
  }
  free(a);
}

static void shared_cache_and_gradient(void **state) {
  fixture *f = *state;
  ras_glyph_cache *gc;
  assert_int_equal(ras_glyph_cache_new(0, &gc), 0);
  ras_dl *dl = t_dl(96, 130, 60);
  ras_dl_set_glyph_cache(dl, gc);
  ras_matrix id = ras_matrix_identity();
  ras_paint k = t_solid(0, 0, 0, 1);
  assert_int_equal(D->fill_glyphs(dl, &f->run, &id, &k), 0);
  ras_glyph_cache_stats s;
  ras_glyph_cache_stats_get(gc, &s);
  assert_true(s.entries >= 4); /* the shared cache holds the masks */
  /* A gradient paint goes through outlines. */
  ras_gradient_stop stops[2] = {{0, {0, 0, 0, 1}}, {1, {0, 0, 0, 1}}};
  ras_paint g;
  memset(&g, 0, sizeof g);
  g.kind = RAS_PAINT_LINEAR;
  g.grad =
      (ras_gradient){stops, 2, 0, 0, 1, 0, 0, 100, 0, ras_matrix_identity()};
  ras_matrix down = ras_matrix_translate(0, 1000); /* off the page */
  assert_int_equal(D->fill_glyphs(dl, &f->run, &down, &g), 0);
  size_t st;
  uint8_t *img = t_render(dl, RAS_GRAY8, 0, &st);
  assert_true(t_ink(img, st, 130, 60) > 255 * 300);
  free(img);
  ras_dl_drop(dl);
  ras_glyph_cache_drop(gc);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(cache_matches_outline),
      cmocka_unit_test(clipped_and_banded),
      cmocka_unit_test(shared_cache_and_gradient),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
