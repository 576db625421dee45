/* The glyph cache: hits and misses, the key (font, glyph, transform,
 * sub-pixel position), bounded memory with eviction, big glyphs refused,
 * font lifetime, and many threads hitting and evicting at once with every
 * mask checked against a direct rendering. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <pthread.h>
#include <stdlib.h>

#include "render/font.h"
#include "render/glyph_cache.h"
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

/* Captures one drawn mask. */
typedef struct cap {
  int ox, oy, x, y, w, h;
  unsigned long sum;
  unsigned char first[64];
} cap;

static void capture(void *ud, const ras_glyph_mask *k, int ox, int oy) {
  cap *c = ud;
  c->ox = ox;
  c->oy = oy;
  c->x = k->x;
  c->y = k->y;
  c->w = k->w;
  c->h = k->h;
  c->sum = 0;
  for (int i = 0; i < k->w * k->h; i++)
    c->sum = c->sum * 31 + k->data[i];
  memset(c->first, 0, sizeof c->first);
  if (k->data)
    memcpy(c->first, k->data,
           (size_t)(k->w * k->h) < sizeof c->first ? (size_t)(k->w * k->h)
                                                   : sizeof c->first);
}

static void test_hit_miss_key(void **st) {
  (void)st;
  ras_font *f = sans();
  ras_glyph_cache *c;
  assert_int_equal(ras_glyph_cache_new(0, &c), 0);
  uint32_t g = ras_font_lookup(f, 'g');
  ras_matrix m = {24, 0, 0, 24, 100, 200};
  cap a, b;
  assert_int_equal(ras_glyph_cache_draw(c, f, g, 0, &m, capture, &a), 0);
  assert_int_equal(ras_glyph_cache_draw(c, f, g, 0, &m, capture, &b), 0);
  ras_glyph_cache_stats s;
  ras_glyph_cache_stats_get(c, &s);
  assert_int_equal(s.misses, 1);
  assert_int_equal(s.hits, 1);
  assert_int_equal(s.entries, 1);
  assert_int_equal(a.sum, b.sum);
  assert_int_equal(a.ox, 100);
  assert_int_equal(a.oy, 200);
  /* Same sub-pixel bucket (0.1 px rounds to 0): a hit. */
  m.e = 100.1;
  assert_int_equal(ras_glyph_cache_draw(c, f, g, 0, &m, capture, &b), 0);
  ras_glyph_cache_stats_get(c, &s);
  assert_int_equal(s.hits, 2);
  assert_int_equal(b.sum, a.sum);
  /* Another bucket, another glyph, size, embolden, font: misses. */
  m.e = 100.5;
  assert_int_equal(ras_glyph_cache_draw(c, f, g, 0, &m, capture, &b), 0);
  assert_true(b.sum != a.sum);
  assert_int_equal(b.ox, 100);
  m.e = 100.9; /* rounds up to the next whole pixel, bucket 0 */
  assert_int_equal(ras_glyph_cache_draw(c, f, g, 0, &m, capture, &b), 0);
  assert_int_equal(b.ox, 101);
  assert_int_equal(b.sum, a.sum);
  m.e = 100;
  assert_int_equal(ras_glyph_cache_draw(c, f, g + 1, 0, &m, capture, &b), 0);
  ras_matrix m2 = {25, 0, 0, 25, 100, 200};
  assert_int_equal(ras_glyph_cache_draw(c, f, g, 0, &m2, capture, &b), 0);
  assert_int_equal(ras_glyph_cache_draw(c, f, g, 0.02, &m, capture, &b), 0);
  ras_font *f2 = sans();
  assert_int_equal(ras_glyph_cache_draw(c, f2, g, 0, &m, capture, &b), 0);
  assert_int_equal(b.sum, a.sum); /* same pixels, separate entry */
  ras_glyph_cache_stats_get(c, &s);
  assert_int_equal(s.misses, 6);
  assert_int_equal(s.entries, 6);
  /* Entries keep their fonts alive. */
  ras_font_drop(f2);
  assert_int_equal(ras_glyph_cache_draw(c, f, g, 0, &m, capture, &b), 0);
  ras_glyph_cache_drop(c);
  ras_font_drop(f);
}

static void test_limits(void **st) {
  (void)st;
  ras_font *f = sans();
  ras_glyph_cache *c;
  assert_int_equal(ras_glyph_cache_new(0, &c), 0);
  cap a;
  uint32_t g = ras_font_lookup(f, 'W');
  ras_matrix big = {RAS_GC_MAX_EM_PX + 1, 0, 0, RAS_GC_MAX_EM_PX + 1, 0, 0};
  assert_int_equal(ras_glyph_cache_draw(c, f, g, 0, &big, capture, &a),
                   XR_E_LIMIT);
  ras_matrix ok = {RAS_GC_MAX_EM_PX, 0, 0, RAS_GC_MAX_EM_PX, 0, 0};
  assert_int_equal(ras_glyph_cache_draw(c, f, g, 0, &ok, capture, &a), 0);
  ras_matrix far = {20, 0, 0, 20, 1e12, 0};
  assert_int_equal(ras_glyph_cache_draw(c, f, g, 0, &far, capture, &a),
                   XR_E_LIMIT);
  assert_int_equal(ras_glyph_cache_draw(c, f, 1u << 30, 0, &ok, capture, &a),
                   XR_E_FORMAT);
  ras_glyph_cache_drop(c);
  ras_font_drop(f);
}

static void test_bounded(void **st) {
  (void)st;
  ras_font *f = sans();
  size_t budget = 64 * 2048;
  ras_glyph_cache *c;
  assert_int_equal(ras_glyph_cache_new(budget, &c), 0);
  cap a;
  for (int size = 10; size < 40; size++)
    for (uint32_t ch = 'A'; ch <= 'z'; ch++) {
      ras_matrix m = {size, 0, 0, size, 0, 0};
      assert_int_equal(ras_glyph_cache_draw(c, f, ras_font_lookup(f, ch), 0, &m,
                                            capture, &a),
                       0);
    }
  ras_glyph_cache_stats s;
  ras_glyph_cache_stats_get(c, &s);
  assert_true(s.evictions > 0);
  /* Each shard stays within its share (one entry is at most ~2 KB here). */
  assert_true(s.bytes <= budget);
  assert_true(s.entries < 30 * 58);
  ras_glyph_cache_drop(c);
  ras_font_drop(f);
}

typedef struct worker {
  ras_glyph_cache *c;
  ras_font *f;
  unsigned seed;
  unsigned long expect[64][4]; /* by glyph and sub-pixel bucket */
  int bad;
} worker;

static void *hammer(void *u) {
  worker *w = u;
  for (int i = 0; i < 4000; i++) {
    int k = (int)(rand_r(&w->seed) % 64), fx = (int)(rand_r(&w->seed) % 4);
    ras_matrix m = {30, 0, 0, 30, 50 + fx / 4.0, 80};
    cap a;
    if (ras_glyph_cache_draw(w->c, w->f, (uint32_t)(36 + k), 0, &m, capture,
                             &a) ||
        a.sum != w->expect[k][fx])
      w->bad++;
  }
  return NULL;
}

static void test_threads(void **st) {
  (void)st;
  ras_font *f = sans();
  ras_glyph_cache *c;
  /* A small budget: threads evict while others hit. */
  assert_int_equal(ras_glyph_cache_new(64 * 3000, &c), 0);
  worker w[4];
  /* The reference: direct renderings, no cache. */
  for (int k = 0; k < 64; k++)
    for (int fx = 0; fx < 4; fx++) {
      ras_matrix m = {30, 0, 0, 30, fx / 4.0, 0};
      ras_glyph_mask mk;
      assert_int_equal(ras_font_render(f, (uint32_t)(36 + k), 0, &m, &mk), 0);
      cap a;
      capture(&a, &mk, 0, 0);
      free(mk.data);
      for (int t = 0; t < 4; t++)
        w[t].expect[k][fx] = a.sum;
    }
  pthread_t th[4];
  for (int t = 0; t < 4; t++) {
    w[t].c = c;
    w[t].f = f;
    w[t].seed = 7u + (unsigned)t;
    w[t].bad = 0;
    assert_int_equal(pthread_create(&th[t], NULL, hammer, &w[t]), 0);
  }
  for (int t = 0; t < 4; t++) {
    pthread_join(th[t], NULL);
    assert_int_equal(w[t].bad, 0);
  }
  ras_glyph_cache_stats s;
  ras_glyph_cache_stats_get(c, &s);
  assert_int_equal(s.hits + s.misses, 16000);
  assert_true(s.hits > 0 && s.evictions > 0);
  ras_glyph_cache_drop(c);
  ras_font_drop(f);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_hit_miss_key),
      cmocka_unit_test(test_limits),
      cmocka_unit_test(test_bounded),
      cmocka_unit_test(test_threads),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
