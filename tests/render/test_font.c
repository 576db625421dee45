/* ras_font: loading from memory, format checks, cmaps, metrics, outlines,
 * coverage masks, collections, hostile bytes and concurrent use. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <math.h>
#include <pthread.h>

#include "render/font.h"
#include "render/glyph.h"
#include "text_fixture.h"
#include "xpsraster/error.h"

static ras_font *load(const char *path, int index, int *rc) {
  size_t n = 0;
  unsigned char *d = fx_read(path, &n);
  assert_non_null(d);
  ras_font *f = NULL;
  xr_errinfo e;
  xr_errinfo_clear(&e);
  *rc = ras_font_new(d, n, index, path, &f, &e);
  return f;
}

static ras_font *sans(void) {
  int rc;
  ras_font *f = load(DEJAVU_SANS, 0, &rc);
  assert_int_equal(rc, 0);
  return f;
}

static void test_load_and_cmap(void **st) {
  (void)st;
  ras_font *f = sans();
  assert_int_equal(ras_font_face_count(f), 1);
  assert_int_equal(ras_font_has_cmap(f), 1);
  assert_true(ras_font_glyph_count(f) > 1000);
  uint32_t a = ras_font_lookup(f, 'A'), b = ras_font_lookup(f, 'B');
  assert_true(a > 0 && b > 0 && a != b);
  assert_true(ras_font_lookup(f, 0x05D0) > 0); /* Hebrew alef */
  assert_int_equal(ras_font_lookup(f, 0x10FFFD), 0);
  ras_font_drop(f);
}

static void test_metrics(void **st) {
  (void)st;
  ras_font *f = sans();
  ras_glyph_metrics m, mi;
  assert_int_equal(ras_font_metrics(f, ras_font_lookup(f, 'M'), &m), 0);
  assert_int_equal(ras_font_metrics(f, ras_font_lookup(f, 'i'), &mi), 0);
  assert_true(m.advance > 0.6 && m.advance < 1.0);
  assert_true(mi.advance < m.advance);
  assert_true(fabs(m.top_x - m.advance / 2) < 1e-9);
  assert_true(m.vadvance > 0.9 && m.vadvance < 1.5);
  assert_true(m.top_y > 0.5 && m.top_y < 1.2);
  assert_int_equal(ras_font_metrics(f, 1u << 30, &m), XR_E_FORMAT);
  /* The fast advance agrees with the full metrics. */
  double adv;
  assert_int_equal(ras_font_advance(f, ras_font_lookup(f, 'M'), &adv), 0);
  ras_font_metrics(f, ras_font_lookup(f, 'M'), &m);
  assert_true(fabs(adv - m.advance) < 1e-12);
  assert_int_equal(ras_font_advance(f, 1u << 30, &adv), XR_E_FORMAT);
  ras_font_drop(f);
}

static void test_outline(void **st) {
  (void)st;
  ras_font *f = sans();
  ras_path p;
  ras_path_init(&p, 0);
  assert_int_equal(ras_font_outline(f, ras_font_lookup(f, 'H'), 0, NULL, &p),
                   0);
  double x0, y0, x1, y1;
  assert_int_equal(ras_path_bounds(&p, NULL, &x0, &y0, &x1, &y1), 0);
  /* y grows down: a capital sits above the baseline. */
  assert_true(y1 <= 0.001 && y0 < -0.6 && y0 > -0.9);
  assert_true(x0 > 0 && x1 < 1);
  /* The space has no outline. */
  ras_path_clear(&p);
  assert_int_equal(ras_font_outline(f, ras_font_lookup(f, ' '), 0, NULL, &p),
                   0);
  assert_int_equal((int)p.npts, 0);
  /* Transform and embolden widen the box. */
  ras_matrix m = ras_matrix_scale(100, 100);
  assert_int_equal(ras_font_outline(f, ras_font_lookup(f, 'H'), 0.05, &m, &p),
                   0);
  double bx0, by0, bx1, by1;
  ras_path_bounds(&p, NULL, &bx0, &by0, &bx1, &by1);
  assert_true(bx1 - bx0 > (x1 - x0) * 100 + 3);
  ras_path_reset(&p);
  ras_font_drop(f);
}

static long mask_sum(const ras_glyph_mask *m) {
  long s = 0;
  for (int i = 0; i < m->w * m->h; i++)
    s += m->data[i];
  return s;
}

static void test_render(void **st) {
  (void)st;
  ras_font *f = sans();
  uint32_t g = ras_font_lookup(f, 'H');
  ras_matrix m = {40, 0, 0, 40, 10, 50};
  ras_glyph_mask k;
  assert_int_equal(ras_font_render(f, g, 0, &m, &k), 0);
  /* 'H' at 40 px: about 30 px tall, sitting on the baseline y = 50. */
  assert_true(k.h >= 28 && k.h <= 32);
  assert_true(k.y + k.h == 50 || k.y + k.h == 51);
  assert_true(k.x >= 10 && k.x <= 14);
  int full = 0;
  for (int i = 0; i < k.w * k.h; i++)
    full += k.data[i] == 255;
  assert_true(full > 50); /* the stems are solid */
  /* Row extents hold all the ink and start and end on inked pixels. */
  for (int j = 0; j < k.h; j++) {
    int s0 = k.span[2 * j], s1 = k.span[2 * j + 1];
    assert_true(s0 <= s1 && s1 <= k.w);
    for (int i = 0; i < k.w; i++)
      if (i < s0 || i >= s1)
        assert_int_equal(k.data[j * k.w + i], 0);
    if (s0 < s1)
      assert_true(k.data[j * k.w + s0] && k.data[j * k.w + s1 - 1]);
  }
  long plain = mask_sum(&k);
  /* A half-pixel shift changes the pixels but not the ink. */
  ras_matrix m2 = m;
  m2.e += 0.5;
  ras_glyph_mask k2;
  assert_int_equal(ras_font_render(f, g, 0, &m2, &k2), 0);
  assert_true(k.w != k2.w || memcmp(k.data, k2.data, (size_t)(k.w * k.h)));
  assert_true(labs(mask_sum(&k2) - plain) < plain / 50);
  free(k2.data);
  /* Bold has more ink. */
  assert_int_equal(ras_font_render(f, g, 0.04, &m, &k2), 0);
  assert_true(mask_sum(&k2) > plain * 11 / 10);
  free(k2.data);
  free(k.data);
  /* Empty glyph, then a glyph too big to be a mask. */
  assert_int_equal(ras_font_render(f, ras_font_lookup(f, ' '), 0, &m, &k), 0);
  assert_null(k.data);
  assert_int_equal(k.w * k.h, 0);
  ras_matrix big = {5000, 0, 0, 5000, 0, 0};
  assert_int_equal(ras_font_render(f, g, 0, &big, &k), XR_E_LIMIT);
  ras_matrix far = {40, 0, 0, 40, 1e30, 0};
  assert_int_equal(ras_font_render(f, g, 0, &far, &k), XR_E_LIMIT);
  ras_font_drop(f);
}

static void test_reject(void **st) {
  (void)st;
  ras_font *f = NULL;
  /* Not a font; a Type 1 header; too short. */
  unsigned char *junk = malloc(64);
  memset(junk, 'x', 64);
  assert_int_equal(ras_font_new(junk, 64, 0, "junk", &f, NULL), XR_E_FORMAT);
  const char t1[] = "%!PS-AdobeFont-1.0: Foo 001.000\n";
  unsigned char *d = malloc(sizeof t1);
  memcpy(d, t1, sizeof t1);
  assert_int_equal(ras_font_new(d, sizeof t1, 0, "t1", &f, NULL), XR_E_FORMAT);
  assert_int_equal(ras_font_new(NULL, 0, 0, "none", &f, NULL), XR_E_FORMAT);
  assert_null(f);
  /* Truncated inside the table directory and inside the tables. */
  size_t n = 0;
  unsigned char *full = fx_read(DEJAVU_SANS, &n);
  size_t cuts[] = {12, 100, 2000};
  for (int i = 0; i < 3; i++) {
    unsigned char *c = malloc(cuts[i]);
    memcpy(c, full, cuts[i]);
    xr_errinfo e;
    xr_errinfo_clear(&e);
    assert_true(ras_font_new(c, cuts[i], 0, "cut.ttf", &f, &e) < 0);
    assert_string_equal(e.part, "cut.ttf");
  }
  /* A face index the file does not have. */
  int rc;
  f = load(DEJAVU_SANS, 3, &rc);
  assert_int_equal(rc, XR_E_FORMAT);
  assert_null(f);
  f = load(DEJAVU_SANS, -1, &rc);
  assert_int_equal(rc, XR_E_FORMAT);
  free(full);
}

static void test_collection(void **st) {
  (void)st;
  size_t na = 0, nb = 0, n = 0;
  unsigned char *a = fx_read(DEJAVU_SANS, &na);
  unsigned char *b = fx_read(DEJAVU_SERIF, &nb);
  unsigned char *t = fx_ttc(a, na, b, nb, &n);
  unsigned char *t2 = malloc(n);
  memcpy(t2, t, n);
  ras_font *f0 = NULL, *f1 = NULL;
  assert_int_equal(ras_font_new(t, n, 0, "c.ttc", &f0, NULL), 0);
  assert_int_equal(ras_font_new(t2, n, 1, "c.ttc", &f1, NULL), 0);
  assert_int_equal(ras_font_face_count(f0), 2);
  ras_glyph_metrics m0, m1;
  ras_font_metrics(f0, ras_font_lookup(f0, 'a'), &m0);
  ras_font_metrics(f1, ras_font_lookup(f1, 'a'), &m1);
  /* Sans and Serif differ: proof that index 1 is the second face. */
  assert_true(fabs(m0.advance - m1.advance) > 1e-3);
  ras_font_drop(f0);
  ras_font_drop(f1);
  unsigned char *t3 = fx_ttc(a, na, b, nb, &n);
  assert_int_equal(ras_font_new(t3, n, 2, "c.ttc", &f0, NULL), XR_E_FORMAT);
  free(a);
  free(b);
}

static void test_run_path(void **st) {
  (void)st;
  ras_font *f = sans();
  ras_glyph_pos g[3] = {{ras_font_lookup(f, 'A'), 10, 100},
                        {1u << 30, 30, 100}, /* bad: skipped, counted */
                        {ras_font_lookup(f, 'B'), 50, 100}};
  ras_glyph_run run = {f, ras_matrix_scale(20, 20), 0, g, 3};
  ras_path p;
  ras_path_init(&p, 0);
  size_t bad = 0;
  assert_int_equal(ras_glyph_run_path(&run, &p, &bad), 0);
  assert_int_equal((int)bad, 1);
  double x0, y0, x1, y1;
  ras_path_bounds(&p, NULL, &x0, &y0, &x1, &y1);
  assert_true(x0 >= 10 && x0 < 11 && x1 > 60 && x1 < 70);
  assert_true(y1 <= 100.01 && y0 > 100 - 20);
  /* The point limit is honoured. */
  ras_path small;
  ras_path_init(&small, 10);
  assert_int_equal(ras_glyph_run_path(&run, &small, NULL), XR_E_LIMIT);
  ras_path_reset(&small);
  ras_path_reset(&p);
  ras_font_drop(f);
}

/* DejaVu Sans with its cmap encoding records rewritten: each (pid, eid)
 * pair found as from[i] becomes to[i], and optionally takes the offset of
 * the record named by take_off (to point it at another subtable). */
static ras_font *patched(const uint16_t from[][2], const uint16_t to[][2],
                         int n, const uint16_t *take_off_of, int rec_index) {
  size_t len = 0;
  unsigned char *d = fx_read(DEJAVU_SANS, &len);
  uint32_t lc;
  unsigned char *c = (unsigned char *)fx_table(d, len, "cmap", &lc);
  assert_non_null(c);
  unsigned k = (unsigned)(c[2] << 8 | c[3]);
  uint32_t off = 0;
  for (unsigned j = 0; take_off_of && j < k; j++) {
    unsigned char *r = c + 4 + 8 * j;
    if ((r[0] << 8 | r[1]) == take_off_of[0] &&
        (r[2] << 8 | r[3]) == take_off_of[1])
      off = fx_be32(r + 4);
  }
  for (unsigned j = 0; j < k; j++) {
    unsigned char *r = c + 4 + 8 * j;
    for (int i = 0; i < n; i++)
      if ((r[0] << 8 | r[1]) == from[i][0] &&
          (r[2] << 8 | r[3]) == from[i][1]) {
        r[0] = (unsigned char)(to[i][0] >> 8);
        r[1] = (unsigned char)to[i][0];
        r[2] = (unsigned char)(to[i][1] >> 8);
        r[3] = (unsigned char)to[i][1];
        if (take_off_of && i == rec_index)
          fx_put32(r + 4, off);
        break;
      }
  }
  ras_font *f = NULL;
  assert_int_equal(ras_font_new(d, len, 0, "patched", &f, NULL), 0);
  return f;
}

static void test_cmap_order(void **st) {
  (void)st;
  ras_font *ref = sans();
  uint32_t e_acute = ras_font_lookup(ref, 0xE9), A = ras_font_lookup(ref, 'A');
  uint32_t E_grave = ras_font_lookup(ref, 0xC8); /* Mac Roman 0xE9 */
  assert_true(e_acute && E_grave && e_acute != E_grave);

  /* (3,1) pointed at the Mac Roman subtable: (3,10) is consulted first,
   * so U+00E9 still maps right. */
  const uint16_t f1[][2] = {{3, 1}}, t1[][2] = {{3, 1}}, mac[2] = {1, 0};
  ras_font *f = patched(f1, t1, 1, mac, 0);
  assert_int_equal(ras_font_lookup(f, 0xE9), e_acute);
  ras_font_drop(f);
  /* Without (3,10), that (3,1) table now decides: 0xE9 is E grave. */
  const uint16_t f2[][2] = {{3, 1}, {3, 10}}, t2[][2] = {{3, 1}, {2, 2}};
  f = patched(f2, t2, 2, mac, 0);
  assert_int_equal(ras_font_lookup(f, 0xE9), E_grave);
  ras_font_drop(f);
  /* Only (3,0) and (1,0): the symbol cmap (here with Unicode codes) comes
   * before Mac Roman. */
  const uint16_t t3[][2] = {{3, 0}, {2, 2}};
  f = patched(f2, t3, 2, NULL, 0);
  assert_int_equal(ras_font_lookup(f, 0xE9), e_acute);
  assert_int_equal(ras_font_lookup(f, 'A'), A);
  ras_font_drop(f);
  /* Only (1,0): ASCII maps, nothing at or above 0x80 does. */
  const uint16_t t4[][2] = {{2, 1}, {2, 2}};
  f = patched(f2, t4, 2, NULL, 0);
  assert_int_equal(ras_font_lookup(f, 'A'), A);
  assert_int_equal(ras_font_lookup(f, 0xE9), 0);
  assert_int_equal(ras_font_lookup(f, 0x5D0), 0);
  ras_font_drop(f);
  ras_font_drop(ref);
}

/* CFF OpenType (fonts-urw-base35, in .ci/deps): cubic outlines. */
#define NIMBUS "/usr/share/fonts/opentype/urw-base35/NimbusSans-Regular.otf"

static void test_cff(void **st) {
  (void)st;
  size_t n = 0;
  unsigned char *d = fx_read(NIMBUS, &n);
  if (!d) {
    fprintf(stderr, "%s missing (fonts-urw-base35): CFF test skipped\n",
            NIMBUS);
    skip();
  }
  assert_int_equal(memcmp(d, "OTTO", 4), 0);
  ras_font *f = NULL;
  assert_int_equal(ras_font_new(d, n, 0, NIMBUS, &f, NULL), 0);
  uint32_t g = ras_font_lookup(f, 'S');
  assert_true(g > 0);
  ras_path p;
  ras_path_init(&p, 0);
  assert_int_equal(ras_font_outline(f, g, 0, NULL, &p), 0);
  int cubics = 0;
  for (size_t i = 0; i < p.nverbs; i++)
    cubics += p.verbs[i] == RAS_CUBIC;
  assert_true(cubics > 4); /* CFF charstrings are cubic Beziers */
  double x0, y0, x1, y1;
  ras_path_bounds(&p, NULL, &x0, &y0, &x1, &y1);
  assert_true(y0 < -0.6 && y1 > -0.05 && y1 < 0.05);
  ras_path_reset(&p);
  ras_glyph_mask k;
  ras_matrix m = {40, 0, 0, 40, 5, 40};
  assert_int_equal(ras_font_render(f, g, 0, &m, &k), 0);
  assert_true(k.w > 15 && k.h > 25 && mask_sum(&k) > 0);
  free(k.data);
  ras_glyph_metrics gm;
  assert_int_equal(ras_font_metrics(f, g, &gm), 0);
  assert_true(gm.advance > 0.5 && gm.advance < 0.8);
  ras_font_drop(f);
}

/* VORG on a CFF font (NimbusSans with a VORG table added): the sideways
 * top origin is the table's value for listed glyphs, its default for the
 * others; without the table, the OS/2 fallback. */
static void test_vorg(void **st) {
  (void)st;
  size_t n = 0;
  unsigned char *d = fx_read(NIMBUS, &n);
  if (!d) {
    fprintf(stderr, "%s missing: VORG test skipped\n", NIMBUS);
    skip();
  }
  unsigned char *plain_copy = malloc(n);
  memcpy(plain_copy, d, n);
  ras_font *plain;
  assert_int_equal(ras_font_new(plain_copy, n, 0, "plain", &plain, NULL), 0);
  uint32_t gA = ras_font_lookup(plain, 'A'), gB = ras_font_lookup(plain, 'B');
  assert_true(gA && gB && gA != gB);
  uint32_t lo = gA < gB ? gA : gB, hi = gA < gB ? gB : gA;
  /* VORG 1.0: default 880, two records (sorted): lo -> 700, hi -> -50. */
  unsigned char vorg[16] = {0, 1, 0, 0, 880 >> 8, 880 & 255, 0, 2};
  vorg[8] = (unsigned char)(lo >> 8);
  vorg[9] = (unsigned char)lo;
  vorg[10] = 700 >> 8;
  vorg[11] = 700 & 255;
  vorg[12] = (unsigned char)(hi >> 8);
  vorg[13] = (unsigned char)hi;
  vorg[14] = 0xFF; /* -50 */
  vorg[15] = 0xCE;
  size_t n2 = 0;
  unsigned char *d2 = fx_add_table(d, n, "VORG", vorg, sizeof vorg, &n2);
  ras_font *f;
  assert_int_equal(ras_font_new(d2, n2, 0, "vorg", &f, NULL), 0);
  ras_glyph_metrics m, p;
  assert_int_equal(ras_font_metrics(f, lo, &m), 0);
  assert_true(fabs(m.top_y - 0.700) < 1e-9); /* NimbusSans: 1000 units */
  assert_int_equal(ras_font_metrics(f, hi, &m), 0);
  assert_true(fabs(m.top_y + 0.050) < 1e-9);
  uint32_t other = ras_font_lookup(f, 'z');
  assert_int_equal(ras_font_metrics(f, other, &m), 0);
  assert_true(fabs(m.top_y - 0.880) < 1e-9);
  assert_int_equal(ras_font_metrics(plain, other, &p), 0);
  assert_true(fabs(p.top_y - 0.880) > 1e-3); /* the table made the change */
  /* An unsorted table is ignored. */
  vorg[9] = (unsigned char)hi, vorg[8] = (unsigned char)(hi >> 8);
  vorg[13] = (unsigned char)lo, vorg[12] = (unsigned char)(lo >> 8);
  unsigned char *d3 = fx_add_table(d, n, "VORG", vorg, sizeof vorg, &n2);
  ras_font *g;
  assert_int_equal(ras_font_new(d3, n2, 0, "unsorted", &g, NULL), 0);
  assert_int_equal(ras_font_metrics(g, other, &m), 0);
  assert_true(fabs(m.top_y - p.top_y) < 1e-9);
  ras_font_drop(g);
  ras_font_drop(f);
  ras_font_drop(plain);
  free(d);
}

/* Vertical metrics from vmtx (fonts-droid-fallback, in .ci/deps): the
 * sideways origin is the glyph's yMax plus its top side bearing, and the
 * advance the vmtx advance height; both read here from the tables. */
#define DROID "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"

static void test_vmtx(void **st) {
  (void)st;
  size_t n = 0;
  unsigned char *d = fx_read(DROID, &n);
  if (!d) {
    fprintf(stderr, "%s missing (fonts-droid-fallback): skipped\n", DROID);
    skip();
  }
  uint32_t lhead, lvhea, lvmtx, lloca, lglyf;
  const unsigned char *head = fx_table(d, n, "head", &lhead);
  const unsigned char *vhea = fx_table(d, n, "vhea", &lvhea);
  const unsigned char *vmtx = fx_table(d, n, "vmtx", &lvmtx);
  const unsigned char *loca = fx_table(d, n, "loca", &lloca);
  const unsigned char *glyf = fx_table(d, n, "glyf", &lglyf);
  assert_true(head && vhea && vmtx && loca && glyf);
  double upem = (head[18] << 8 | head[19]);
  int long_loca = fx_s16(head + 50);
  unsigned nlong = (unsigned)(vhea[34] << 8 | vhea[35]);
  unsigned char *copy = malloc(n);
  memcpy(copy, d, n);
  ras_font *f;
  assert_int_equal(ras_font_new(copy, n, 0, DROID, &f, NULL), 0);
  const uint32_t cps[] = {0x4E00, 0x6C34, 0x3042};
  for (int i = 0; i < 3; i++) {
    uint32_t g = ras_font_lookup(f, cps[i]);
    assert_true(g > 0);
    unsigned k = g < nlong ? g : nlong - 1;
    double adv = (vmtx[4 * k] << 8 | vmtx[4 * k + 1]);
    int tsb = g < nlong ? fx_s16(vmtx + 4 * g + 2)
                        : fx_s16(vmtx + 4 * nlong + 2 * (g - nlong));
    uint32_t off = long_loca
                       ? fx_be32(loca + 4 * g)
                       : 2u * (uint32_t)(loca[2 * g] << 8 | loca[2 * g + 1]);
    int ymax = fx_s16(glyf + off + 8);
    ras_glyph_metrics m;
    assert_int_equal(ras_font_metrics(f, g, &m), 0);
    assert_true(fabs(m.vadvance - adv / upem) < 1e-9);
    assert_true(fabs(m.top_y - (ymax + tsb) / upem) < 1e-9);
  }
  ras_font_drop(f);
  free(d);
}

typedef struct worker {
  ras_font *f;
  long sum;
} worker;

static void *render_many(void *u) {
  worker *w = u;
  for (uint32_t c = 'A'; c <= 'z'; c++) {
    ras_matrix m = {30, 0, 0, 30, 5, 40};
    ras_glyph_mask k;
    if (ras_font_render(w->f, ras_font_lookup(w->f, c), 0, &m, &k) == 0) {
      w->sum += mask_sum(&k);
      free(k.data);
    }
  }
  return NULL;
}

static void test_threads(void **st) {
  (void)st;
  ras_font *f = sans();
  worker w[4];
  pthread_t t[4];
  for (int i = 0; i < 4; i++) {
    w[i] = (worker){ras_font_keep(f), 0};
    assert_int_equal(pthread_create(&t[i], NULL, render_many, &w[i]), 0);
  }
  ras_font_drop(f); /* the workers' references keep it alive */
  for (int i = 0; i < 4; i++) {
    pthread_join(t[i], NULL);
    ras_font_drop(w[i].f);
  }
  assert_true(w[0].sum > 0);
  for (int i = 1; i < 4; i++)
    assert_int_equal(w[i].sum, w[0].sum);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_load_and_cmap), cmocka_unit_test(test_metrics),
      cmocka_unit_test(test_outline),       cmocka_unit_test(test_render),
      cmocka_unit_test(test_reject),        cmocka_unit_test(test_collection),
      cmocka_unit_test(test_run_path),      cmocka_unit_test(test_threads),
      cmocka_unit_test(test_cff),           cmocka_unit_test(test_vmtx),
      cmocka_unit_test(test_cmap_order),    cmocka_unit_test(test_vorg),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
