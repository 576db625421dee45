/* Glyph runs replayed by many band threads at once through one small,
 * shared glyph cache that evicts while others hit: the pixels must equal a
 * single-threaded, unbanded rendering with a roomy cache, byte for byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <pthread.h>
#include <stdlib.h>

#include "render/dl.h"
#include "render/font.h"
#include "render/glyph.h"
#include "render/glyph_cache.h"
#include "text_fixture.h"
#include "xpsraster/error.h"

#define W 600
#define H 400
#define LINES 24
#define PER 60

static ras_font *font;
static ras_glyph_pos pos[LINES][PER];

/* Records 24 lines of text at several sizes and sub-pixel offsets. */
static ras_dl *record(ras_glyph_cache *cache) {
  ras_dl *dl;
  assert_int_equal(ras_dl_new(96, NULL, &dl), 0);
  if (cache)
    ras_dl_set_glyph_cache(dl, cache);
  const ras_device_fns *D = &ras_dl_device;
  assert_int_equal(D->begin_page(dl, W, H), 0);
  for (int l = 0; l < LINES; l++) {
    double size = 9 + (l % 6) * 3.5;
    double x = 3.37 * (l % 5);
    for (int i = 0; i < PER; i++) {
      uint32_t c = (uint32_t)('!' + (l * 7 + i * 13) % 90);
      uint32_t g = ras_font_lookup(font, c);
      pos[l][i] = (ras_glyph_pos){g, x, 14 + l * 16.3};
      ras_glyph_metrics m;
      ras_font_metrics(font, g, &m);
      x += m.advance * size;
    }
    ras_glyph_run run = {font, ras_matrix_scale(size, size),
                         l % 4 == 3 ? 0.02 : 0, pos[l], PER};
    ras_paint paint;
    memset(&paint, 0, sizeof paint);
    paint.kind = RAS_PAINT_SOLID;
    paint.solid = (ras_color){0.1f * (l % 3), 0, 0.3f, 1};
    ras_matrix ctm = ras_matrix_identity();
    assert_int_equal(D->fill_glyphs(dl, &run, &ctm, &paint), 0);
  }
  return dl;
}

typedef struct job {
  const ras_dl *dl;
  uint8_t *buf;
  int first, step, band, rc;
} job;

static void *bands(void *u) {
  job *j = u;
  ras_render_ctx *ctx;
  if (ras_render_ctx_new(&ctx)) {
    j->rc = XR_E_NOMEM;
    return NULL;
  }
  for (int rep = 0; rep < 3 && !j->rc; rep++)
    for (int y = j->first * j->band; y < H && !j->rc; y += j->step * j->band) {
      int h = y + j->band > H ? H - y : j->band;
      j->rc = ras_dl_render_band_ctx(j->dl, ctx, RAS_RGB8, y, h,
                                     j->buf + (size_t)y * W * 3, W * 3);
    }
  ras_render_ctx_drop(ctx);
  return NULL;
}

static void test_threads_match_reference(void **st) {
  (void)st;
  size_t n = 0;
  unsigned char *d = fx_read(DEJAVU_SANS, &n);
  assert_non_null(d);
  assert_int_equal(ras_font_new(d, n, 0, "sans", &font, NULL), 0);

  ras_dl *ref = record(NULL); /* private, roomy cache */
  uint8_t *want = malloc(W * H * 3);
  assert_int_equal(ras_dl_render_band(ref, RAS_RGB8, 0, H, want, W * 3), 0);
  long ink = 0;
  for (int i = 0; i < W * H * 3; i++)
    ink += 255 - want[i];
  assert_true(ink > 255L * 20000);

  /* 64 shards x 1.5 KB: far smaller than the page's glyphs. */
  ras_glyph_cache *small;
  assert_int_equal(ras_glyph_cache_new(64 * 1536, &small), 0);
  ras_dl *dl = record(small);
  uint8_t *got = malloc(W * H * 3);
  job j[4];
  pthread_t t[4];
  for (int i = 0; i < 4; i++) {
    /* Thread i renders bands i, i+4, ... of 9 rows (an odd height that
     * does not divide the page), three times over. */
    j[i] = (job){dl, got, i, 4, 9, 0};
    assert_int_equal(pthread_create(&t[i], NULL, bands, &j[i]), 0);
  }
  for (int i = 0; i < 4; i++) {
    pthread_join(t[i], NULL);
    assert_int_equal(j[i].rc, 0);
  }
  assert_memory_equal(got, want, W * H * 3);
  ras_glyph_cache_stats s;
  ras_glyph_cache_stats_get(small, &s);
  assert_true(s.evictions > 100); /* the test really evicted */
  assert_true(s.hits > 0);

  ras_dl_drop(dl);
  ras_dl_drop(ref);
  ras_glyph_cache_drop(small);
  ras_font_drop(font);
  free(want);
  free(got);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_threads_match_reference),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
