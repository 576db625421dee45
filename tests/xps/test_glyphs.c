/* Glyphs layout and the job font table: positions, advances, offsets,
 * cluster maps, the {} escape, bidi, sideways, simulations, ODTTF, TTC,
 * bad fonts with the fallback, and the three named limits at N and N+1. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "text_fixture.h"
#include "xps/ctx.h"
#include "xps/font.h"
#include "xps/glyphs.h"
#include "xps/pkg.h"

#define GUID "0D5B2C26-B2C6-4D33-B7F6-3D7BCC5AB3A5"

static char dir[512];
static xps_pkg *pkg;
static int nwarn;
static char lastwarn[1024];

static void on_warn(void *ud, const xr_errinfo *w) {
  (void)ud;
  nwarn++;
  if (getenv("TEXT_VERBOSE"))
    fprintf(stderr, "warning: %s: %s\n", w->part, w->msg);
  snprintf(lastwarn, sizeof lastwarn, "%s: %s", w->part, w->msg);
}

static void put(const char *name, const unsigned char *d, size_t n) {
  char p[1024];
  snprintf(p, sizeof p, "%s/%s", dir, name);
  FILE *f = fopen(p, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(d, 1, n, f), n);
  fclose(f);
}

static int setup(void **st) {
  (void)st;
  snprintf(dir, sizeof dir, "%s/text_glyphs_XXXXXX", XR_BINARY_DIR);
  if (!mkdtemp(dir))
    return -1;
  char sub[600];
  snprintf(sub, sizeof sub, "%s/Resources", dir);
  mkdir(sub, 0777);
  size_t na = 0, nb = 0, n = 0;
  unsigned char *a = fx_read(DEJAVU_SANS, &na);
  unsigned char *b = fx_read(DEJAVU_SERIF, &nb);
  put("Resources/sans.ttf", a, na);
  {
    /* The same font with every encoding record made ISO (2,x): no cmap
     * that XPS reads. */
    unsigned char *c = malloc(na);
    memcpy(c, a, na);
    uint32_t lc;
    unsigned char *cm = (unsigned char *)fx_table(c, na, "cmap", &lc);
    if (!cm)
      return -1;
    unsigned k = (unsigned)(cm[2] << 8 | cm[3]);
    for (unsigned j = 0; j < k; j++) {
      cm[4 + 8 * j] = 0;
      cm[4 + 8 * j + 1] = 2;
    }
    put("Resources/nocmap.ttf", c, na);
    free(c);
  }
  put("Resources/cut.ttf", a, 3000);
  unsigned char *t = fx_ttc(a, na, b, nb, &n);
  put("Resources/pair.ttc", t, n);
  free(t);
  unsigned char key[16];
  if (xps_font_guid_key("/x/{" GUID "}.odttf", key))
    return -1;
  xps_font_deobfuscate(key, a, na); /* obfuscates: XOR is symmetric */
  put("Resources/{" GUID "}.odttf", a, na);
  put("Resources/" GUID ".odttf", a, na);
  put("Resources/notaguid.odttf", a, na);
  /* Obfuscated by content type, under another extension. */
  put("Resources/{" GUID "}.font", a, na);
  static const char ct[] =
      "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats"
      ".org/package/2006/content-types\"><Default Extension=\"ttf\" "
      "ContentType=\"application/vnd.ms-opentype\"/><Override PartName="
      "\"/Resources/{" GUID "}.font\" ContentType=\"application/"
      "vnd.ms-package.obfuscated-opentype\"/></Types>";
  put("[Content_Types].xml", (const unsigned char *)ct, sizeof ct - 1);
  put("page.fpage", (const unsigned char *)"<FixedPage/>", 12);
  free(a);
  free(b);
  static xps_ctx pctx; /* borrowed by the package for its lifetime */
  xps_ctx_init(&pctx);
  xr_errinfo e;
  return xps_pkg_open(dir, &pctx, &pkg, &e) ? -1 : 0;
}

static int teardown(void **st) {
  (void)st;
  xps_pkg_close(pkg);
  char cmd[700];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  return system(cmd) == 0 ? 0 : -1;
}

typedef struct fix {
  xps_ctx ctx;
  xps_glyphs_in in;
  xps_glyph_layout l;
  xr_errinfo err;
} fix;

static void fix_init(fix *x) {
  xps_ctx_init(&x->ctx);
  x->ctx.warn = on_warn;
  assert_int_equal(xps_fonts_new(NULL, &x->ctx.fonts), 0);
  memset(&x->in, 0, sizeof x->in);
  x->in.part = "/Documents/1/Pages/1.fpage";
  x->in.line = 7;
  x->in.font_uri = "/Resources/sans.ttf";
  x->in.size = "20";
  x->in.origin_x = "100";
  x->in.origin_y = "200";
  xps_glyph_layout_init(&x->l);
  xr_errinfo_clear(&x->err);
  nwarn = 0;
  lastwarn[0] = 0;
}

static int run(fix *x) {
  xps_glyph_layout_reset(&x->l);
  xr_errinfo_clear(&x->err);
  return xps_glyphs_layout(&x->ctx, pkg, &x->in, &x->l, &x->err);
}

static void fix_done(fix *x) {
  xps_glyph_layout_reset(&x->l);
  xps_fonts_drop(x->ctx.fonts);
}

static double adv(fix *x, uint32_t c) {
  ras_glyph_metrics m;
  assert_int_equal(
      ras_font_metrics(x->l.run.font, ras_font_lookup(x->l.run.font, c), &m),
      0);
  return m.advance * 20;
}

static void test_unicode_only(void **st) {
  (void)st;
  fix x;
  fix_init(&x);
  x.in.unicode = "Hi!";
  assert_int_equal(run(&x), 0);
  assert_int_equal(nwarn, 0);
  assert_int_equal((int)x.l.run.n, 3);
  const ras_glyph_pos *g = x.l.run.glyphs;
  assert_int_equal(g[0].gid, ras_font_lookup(x.l.run.font, 'H'));
  assert_int_equal(g[2].gid, ras_font_lookup(x.l.run.font, '!'));
  assert_true(fabs(g[0].x - 100) < 1e-9 && fabs(g[0].y - 200) < 1e-9);
  assert_true(fabs(g[1].x - (100 + adv(&x, 'H'))) < 1e-9);
  assert_true(fabs(g[2].x - (100 + adv(&x, 'H') + adv(&x, 'i'))) < 1e-9);
  assert_true(fabs(x.l.run.gm.a - 20) < 1e-12 && x.l.run.gm.c == 0);
  assert_int_equal(x.l.used_fallback, 0);
  fix_done(&x);
}

static void test_indices_fields(void **st) {
  (void)st;
  fix x;
  fix_init(&x);
  x.in.unicode = "ABC";
  /* gid given; advance only; u,v offsets; flags field ignored. */
  x.in.indices = "40;,150;,50,10,20,0";
  assert_int_equal(run(&x), 0);
  assert_int_equal(nwarn, 0);
  const ras_glyph_pos *g = x.l.run.glyphs;
  assert_int_equal((int)x.l.run.n, 3);
  assert_int_equal(g[0].gid, 40);
  assert_int_equal(g[1].gid, ras_font_lookup(x.l.run.font, 'B'));
  /* Glyph 40's advance comes from the font. */
  ras_glyph_metrics m40;
  assert_int_equal(ras_font_metrics(x.l.run.font, 40, &m40), 0);
  double x1 = 100 + m40.advance * 20;
  assert_true(fabs(g[1].x - x1) < 1e-9);
  double x2 = x1 + 1.5 * 20;
  /* u = 10% of em right, v = 20% of em up. */
  assert_true(fabs(g[2].x - (x2 + 2)) < 1e-9);
  assert_true(fabs(g[2].y - (200 - 4)) < 1e-9);
  fix_done(&x);
}

static void test_cluster_and_escape(void **st) {
  (void)st;
  fix x;
  fix_init(&x);
  /* "ffi" as one glyph (3:1), then 'x' mapped from the text. */
  x.in.unicode = "ffix";
  x.in.indices = "(3:1)77,100;";
  assert_int_equal(run(&x), 0);
  assert_int_equal(nwarn, 0);
  assert_int_equal((int)x.l.run.n, 2);
  assert_int_equal(x.l.run.glyphs[0].gid, 77);
  assert_int_equal(x.l.run.glyphs[1].gid, ras_font_lookup(x.l.run.font, 'x'));
  assert_true(fabs(x.l.run.glyphs[1].x - 120) < 1e-9);
  /* One character drawn with two glyphs (1:2). */
  x.in.unicode = "e";
  x.in.indices = "(1:2)72;73";
  assert_int_equal(run(&x), 0);
  assert_int_equal((int)x.l.run.n, 2);
  assert_int_equal(x.l.run.glyphs[1].gid, 73);
  assert_int_equal(nwarn, 0);
  /* The {} escape: the text is "{a}". */
  x.in.indices = NULL;
  x.in.unicode = "{}{a}";
  assert_int_equal(run(&x), 0);
  assert_int_equal((int)x.l.run.n, 3);
  assert_int_equal(x.l.run.glyphs[0].gid, ras_font_lookup(x.l.run.font, '{'));
  /* A supplementary character is one glyph (two UTF-16 units). */
  x.in.unicode = "\xF0\x9D\x90\x80z";
  x.in.indices = "(2:1);";
  assert_int_equal(run(&x), 0);
  assert_int_equal((int)x.l.run.n, 2);
  assert_int_equal(x.l.run.glyphs[1].gid, ras_font_lookup(x.l.run.font, 'z'));
  fix_done(&x);
}

static void test_bad_indices_warn(void **st) {
  (void)st;
  fix x;
  fix_init(&x);
  x.in.unicode = "AB";
  x.in.indices = "999999;(0:1)5;(x";
  assert_int_equal(run(&x), 0);
  /* One warning per element, naming the part; .notdef stands in for the
   * out-of-range glyph, and the malformed entries are skipped. */
  assert_int_equal(nwarn, 1);
  assert_non_null(strstr(lastwarn, "/Documents/1/Pages/1.fpage"));
  assert_int_equal((int)x.l.run.n, 2); /* .notdef, then 'B' from the text */
  assert_int_equal(x.l.run.glyphs[0].gid, 0);
  assert_int_equal(x.l.run.glyphs[1].gid, ras_font_lookup(x.l.run.font, 'B'));
  /* A cluster map owing glyphs, and one running past the text. */
  x.in.indices = "(1:3)5;6";
  assert_int_equal(run(&x), 0);
  assert_int_equal(nwarn, 2);
  assert_int_equal((int)x.l.run.n, 3); /* 5, 6, then 'B' from the text */
  x.in.indices = "(5:1)5";
  assert_int_equal(run(&x), 0);
  assert_int_equal(nwarn, 3);
  assert_int_equal((int)x.l.run.n, 1);
  /* Trailing separators past the text are not errors. */
  x.in.unicode = NULL;
  x.in.indices = "5;6;;";
  assert_int_equal(run(&x), 0);
  assert_int_equal(nwarn, 3);
  assert_int_equal((int)x.l.run.n, 2);
  x.in.unicode = "AB";
  /* Missing required attributes: the element is skipped. */
  x.in.origin_x = "abc";
  assert_int_equal(run(&x), XR_E_SYNTAX);
  assert_int_equal(nwarn, 4);
  fix_done(&x);
}

static void test_rtl(void **st) {
  (void)st;
  fix x;
  fix_init(&x);
  x.in.unicode = "AB";
  x.in.bidi = "1";
  x.in.indices = ",,10";
  assert_int_equal(run(&x), 0);
  const ras_glyph_pos *g = x.l.run.glyphs;
  double a = adv(&x, 'A'), b = adv(&x, 'B');
  /* Right to left from OriginX; u mirrors (moves left). */
  assert_true(fabs(g[0].x - (100 - a - 2)) < 1e-9);
  assert_true(fabs(g[1].x - (100 - a - b)) < 1e-9);
  x.in.bidi = "2"; /* even: left to right */
  assert_int_equal(run(&x), 0);
  assert_true(fabs(x.l.run.glyphs[1].x - (100 + a)) < 1e-9);
  fix_done(&x);
}

static void test_sideways_and_sims(void **st) {
  (void)st;
  fix x;
  fix_init(&x);
  x.in.unicode = "AB";
  x.in.sideways = "true";
  assert_int_equal(run(&x), 0);
  ras_glyph_metrics m;
  ras_font_metrics(x.l.run.font, ras_font_lookup(x.l.run.font, 'A'), &m);
  /* Turned anticlockwise: em x runs up the page. */
  assert_true(fabs(x.l.run.gm.a) < 1e-12 && fabs(x.l.run.gm.b + 20) < 1e-12);
  assert_true(fabs(x.l.run.gm.c - 20) < 1e-12);
  const ras_glyph_pos *g = x.l.run.glyphs;
  assert_true(fabs(g[0].x - (100 + m.top_y * 20)) < 1e-9);
  assert_true(fabs(g[0].y - (200 + m.top_x * 20)) < 1e-9);
  /* Advance by the vertical advance. */
  ras_glyph_metrics mb;
  ras_font_metrics(x.l.run.font, ras_font_lookup(x.l.run.font, 'B'), &mb);
  assert_true(fabs(g[1].x - (100 + m.vadvance * 20 + mb.top_y * 20)) < 1e-9);
  /* The top centre of 'A' lands on the pen: em (top_x, -top_y). */
  ras_matrix gm0 = ras_glyph_matrix(&x.l.run, 0);
  double px, py;
  ras_matrix_apply(&gm0, m.top_x, -m.top_y, &px, &py);
  assert_true(fabs(px - 100) < 1e-9 && fabs(py - 200) < 1e-9);

  x.in.sideways = "1"; /* xs:boolean */
  assert_int_equal(run(&x), 0);
  assert_true(fabs(x.l.run.gm.b + 20) < 1e-12);
  x.in.sideways = "false";
  assert_int_equal(run(&x), 0);
  assert_true(fabs(x.l.run.gm.a - 20) < 1e-12);
  assert_int_equal(nwarn, 0);
  x.in.sideways = "yes";
  assert_int_equal(run(&x), 0);
  assert_int_equal(nwarn, 1);
  nwarn = 0;
  x.in.sideways = NULL;
  x.in.sims = "BoldSimulation";
  assert_int_equal(run(&x), 0);
  assert_true(x.l.run.embolden > 0 && x.l.run.gm.c == 0);
  x.in.sims = "ItalicSimulation";
  assert_int_equal(run(&x), 0);
  assert_true(x.l.run.embolden == 0 && x.l.run.gm.c < -5);
  x.in.sims = "BoldItalicSimulation";
  assert_int_equal(run(&x), 0);
  assert_true(x.l.run.embolden > 0 && x.l.run.gm.c < -5);
  assert_int_equal(nwarn, 0);
  x.in.sims = "Wobbly";
  assert_int_equal(run(&x), 0);
  assert_int_equal(nwarn, 1);
  fix_done(&x);
}

static void test_font_table_shared(void **st) {
  (void)st;
  fix x;
  fix_init(&x);
  x.in.unicode = "A";
  assert_int_equal(run(&x), 0);
  ras_font *first = ras_font_keep(x.l.run.font);
  x.in.font_uri = "../../../Resources/SANS.TTF"; /* same part, other spelling */
  assert_int_equal(run(&x), 0);
  assert_ptr_equal(x.l.run.font, first);
  assert_int_equal(xps_fonts_count(x.ctx.fonts), 1);
  ras_font_drop(first);
  /* TTC face 1 is a different font (Serif). */
  x.in.font_uri = "/Resources/pair.ttc#1";
  assert_int_equal(run(&x), 0);
  assert_int_equal(x.l.used_fallback, 0);
  double serif = adv(&x, 'a');
  x.in.font_uri = "/Resources/pair.ttc#0";
  assert_int_equal(run(&x), 0);
  assert_true(fabs(adv(&x, 'a') - serif) > 0.01);
  assert_int_equal(xps_fonts_count(x.ctx.fonts), 3);
  assert_int_equal(nwarn, 0);
  fix_done(&x);
}

static void test_odttf(void **st) {
  (void)st;
  fix x;
  fix_init(&x);
  x.in.unicode = "A";
  x.in.font_uri = "/Resources/{" GUID "}.odttf";
  assert_int_equal(run(&x), 0);
  assert_int_equal(nwarn, 0);
  assert_int_equal(x.l.used_fallback, 0);
  x.in.font_uri = "/Resources/" GUID ".odttf";
  assert_int_equal(run(&x), 0);
  assert_int_equal(nwarn, 0);
  /* De-obfuscation is real: the bytes differ from a TrueType header. */
  xps_part *p;
  assert_int_equal(xps_pkg_read_part(pkg, x.in.font_uri, &p, NULL), 0);
  assert_true(memcmp(p->data, "\0\1\0\0", 4) != 0);
  xps_part_drop(p);
  x.in.font_uri = "/Resources/{" GUID "}.font";
  assert_int_equal(run(&x), 0);
  assert_int_equal(nwarn, 0);
  assert_int_equal(x.l.used_fallback, 0);
  x.in.font_uri = "/Resources/notaguid.odttf";
  assert_int_equal(run(&x), 0);
  assert_int_equal(nwarn, 1);
  assert_int_equal(x.l.used_fallback, 1);
  assert_non_null(strstr(lastwarn, "/Resources/notaguid.odttf"));
  assert_int_equal((int)x.l.run.n, 1);
  /* Key order (the OOXML example GUID). */
  unsigned char key[16];
  assert_int_equal(
      xps_font_guid_key("/a/001B70DC-AA60-4AD5-90EC-18A0948E1EAE.odttf", key),
      0);
  assert_int_equal(key[0], 0xAE);
  assert_int_equal(key[15], 0x00);
  assert_int_equal(key[8], 0xD5);
  assert_int_equal(xps_font_guid_key("/a/{001B70DC-AA60}.odttf", key),
                   XR_E_FORMAT);
  unsigned char small[31] = {0};
  assert_int_equal(xps_font_deobfuscate(key, small, sizeof small), XR_E_FORMAT);
  fix_done(&x);
}

static void test_bad_fonts_fallback(void **st) {
  (void)st;
  fix x;
  fix_init(&x);
  x.in.unicode = "AB";
  const char *bad[] = {"/Resources/missing.ttf", "/Resources/cut.ttf",
                       "/page.fpage", "/Resources/sans.ttf#9"};
  for (int i = 0; i < 4; i++) {
    nwarn = 0;
    x.in.font_uri = bad[i];
    assert_int_equal(run(&x), 0);
    assert_int_equal(nwarn, 1);
    assert_int_equal(x.l.used_fallback, 1);
    assert_int_equal((int)x.l.run.n, 2); /* drawn with the fallback */
    char want[64];
    snprintf(want, sizeof want, "%.*s", (int)strcspn(bad[i], "#"), bad[i]);
    assert_non_null(strstr(lastwarn, want));
    /* The warning comes once per part. */
    assert_int_equal(run(&x), 0);
    assert_int_equal(nwarn, 1);
  }
  /* No fallback either: warned, nothing drawn, no failure. */
  xps_fonts_drop(x.ctx.fonts);
  assert_int_equal(xps_fonts_new("/nonexistent/font.ttf", &x.ctx.fonts), 0);
  nwarn = 0;
  x.in.font_uri = "/Resources/missing.ttf";
  assert_int_equal(run(&x), 0);
  assert_int_equal(nwarn, 2);
  assert_int_equal((int)x.l.run.n, 0);
  /* Without a table the font is loaded for the call. */
  xps_fonts_drop(x.ctx.fonts);
  x.ctx.fonts = NULL;
  x.in.font_uri = "/Resources/sans.ttf";
  assert_int_equal(run(&x), 0);
  assert_int_equal((int)x.l.run.n, 2);
  fix_done(&x);
}

static void test_unmapped(void **st) {
  (void)st;
  fix x;
  fix_init(&x);
  /* A character the font lacks: .notdef, one warning per element. */
  x.in.unicode = "a\xe4\xb8\x80\xe4\xb8\x81"
                 "b";
  assert_int_equal(run(&x), 0);
  assert_int_equal(nwarn, 1);
  assert_non_null(strstr(lastwarn, "U+4E00"));
  assert_int_equal((int)x.l.run.n, 4);
  assert_int_equal(x.l.run.glyphs[1].gid, 0);
  assert_int_equal(x.l.run.glyphs[2].gid, 0);
  assert_true(x.l.run.glyphs[3].gid > 0);
  /* A font without a usable cmap: warned once, naming the font part. */
  nwarn = 0;
  x.in.font_uri = "/Resources/nocmap.ttf";
  x.in.unicode = "ab";
  assert_int_equal(run(&x), 0);
  assert_int_equal(x.l.used_fallback, 0);
  assert_int_equal(nwarn, 2); /* the font, then the element's characters */
  assert_int_equal(run(&x), 0);
  assert_int_equal(nwarn, 3); /* the font is not reported again */
  /* Glyph indices still draw with it, silently. */
  x.in.indices = "36;37";
  assert_int_equal(run(&x), 0);
  assert_int_equal(nwarn, 3);
  assert_int_equal(x.l.run.glyphs[0].gid, 36);
  fix_done(&x);
}

static void test_font_memory(void **st) {
  (void)st;
  fix x;
  fix_init(&x);
  size_t n = 0;
  unsigned char *d = fx_read(DEJAVU_SANS, &n);
  free(d);
  /* Room for one DejaVu Sans, not for the collection after it. */
  xr_limits_set(&x.ctx.limits, XR_LIMIT_JOB_MEMORY, (int64_t)n + 1000);
  x.in.unicode = "a";
  assert_int_equal(run(&x), 0);
  assert_int_equal(x.l.used_fallback, 0);
  assert_int_equal(nwarn, 0);
  x.in.font_uri = "/Resources/pair.ttc#1";
  assert_int_equal(run(&x), 0);
  assert_int_equal(x.l.used_fallback, 1);
  assert_int_equal(nwarn, 1);
  assert_non_null(strstr(lastwarn, "JOB_MEMORY"));
  assert_non_null(strstr(lastwarn, "/Resources/pair.ttc"));
  /* Exactly at the limit is fine. */
  fix_done(&x);
  fix_init(&x);
  xr_limits_set(&x.ctx.limits, XR_LIMIT_JOB_MEMORY, (int64_t)n);
  x.in.unicode = "a";
  assert_int_equal(run(&x), 0);
  assert_int_equal(x.l.used_fallback, 0);
  xr_limits_set(&x.ctx.limits, XR_LIMIT_JOB_MEMORY, (int64_t)n - 1);
  x.in.font_uri = "/Resources/{" GUID "}.odttf"; /* same size, new part */
  assert_int_equal(run(&x), 0);
  assert_int_equal(x.l.used_fallback, 1);
  fix_done(&x);
}

static void test_limit_glyphs(void **st) {
  (void)st;
  fix x;
  fix_init(&x);
  xr_limits_set(&x.ctx.limits, XR_LIMIT_GLYPHS_PER_RUN, 8);
  x.in.unicode = "abcdefgh";
  assert_int_equal(run(&x), 0);
  assert_int_equal((int)x.l.run.n, 8);
  x.in.unicode = "abcdefghi";
  assert_int_equal(run(&x), XR_E_LIMIT);
  assert_non_null(strstr(x.err.msg, "GLYPHS_PER_RUN"));
  /* Eight three-byte characters are eight glyphs, not 24. */
  x.in.unicode = "\xe4\xb8\x80\xe4\xba\x8c\xe4\xb8\x89\xe5\x9b\x9b"
                 "\xe4\xba\x94\xe5\x85\xad\xe4\xb8\x83\xe5\x85\xab";
  assert_int_equal(run(&x), 0);
  assert_int_equal((int)x.l.run.n, 8);
  x.in.unicode = NULL;
  x.in.indices = "1;2;3;4;5;6;7;8;9";
  assert_int_equal(run(&x), XR_E_LIMIT);
  /* Cannot be raised past the hard bound. */
  assert_int_equal(xr_limits_set(&x.ctx.limits, XR_LIMIT_GLYPHS_PER_RUN,
                                 xr_limit_bound(XR_LIMIT_GLYPHS_PER_RUN) + 1),
                   xr_limit_bound(XR_LIMIT_GLYPHS_PER_RUN));
  fix_done(&x);
}

static void test_limit_cluster_map(void **st) {
  (void)st;
  fix x;
  fix_init(&x);
  xr_limits_set(&x.ctx.limits, XR_LIMIT_CLUSTER_MAP, 4);
  x.in.unicode = "abcd";
  x.in.indices = ";;;";
  assert_int_equal(run(&x), 0);
  assert_int_equal((int)x.l.run.n, 4);
  x.in.unicode = "abcde";
  x.in.indices = ";;;;";
  assert_int_equal(run(&x), XR_E_LIMIT);
  assert_non_null(strstr(x.err.msg, "CLUSTER_MAP"));
  /* A single cluster's counts are bounded too. */
  x.in.unicode = "abcd";
  x.in.indices = "(4:1)5";
  assert_int_equal(run(&x), 0);
  x.in.indices = "(5:1)5";
  assert_int_equal(run(&x), XR_E_LIMIT);
  assert_int_equal(xr_limits_set(&x.ctx.limits, XR_LIMIT_CLUSTER_MAP,
                                 xr_limit_bound(XR_LIMIT_CLUSTER_MAP) * 2),
                   xr_limit_bound(XR_LIMIT_CLUSTER_MAP));
  fix_done(&x);
}

static void test_limit_font_size(void **st) {
  (void)st;
  fix x;
  fix_init(&x);
  xr_limits_set(&x.ctx.limits, XR_LIMIT_FONT_SIZE, 500);
  x.in.unicode = "a";
  x.in.size = "500";
  assert_int_equal(run(&x), 0);
  assert_int_equal((int)x.l.run.n, 1);
  x.in.size = "501";
  assert_int_equal(run(&x), XR_E_LIMIT);
  assert_non_null(strstr(x.err.msg, "FONT_SIZE"));
  x.in.size = "-1";
  assert_int_equal(run(&x), XR_E_SYNTAX);
  x.in.size = "0"; /* legal: draws nothing visible */
  assert_int_equal(run(&x), 0);
  assert_int_equal(xr_limits_set(&x.ctx.limits, XR_LIMIT_FONT_SIZE,
                                 xr_limit_bound(XR_LIMIT_FONT_SIZE) + 1),
                   xr_limit_bound(XR_LIMIT_FONT_SIZE));
  fix_done(&x);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_unicode_only),
      cmocka_unit_test(test_indices_fields),
      cmocka_unit_test(test_cluster_and_escape),
      cmocka_unit_test(test_bad_indices_warn),
      cmocka_unit_test(test_rtl),
      cmocka_unit_test(test_sideways_and_sims),
      cmocka_unit_test(test_font_table_shared),
      cmocka_unit_test(test_odttf),
      cmocka_unit_test(test_bad_fonts_fallback),
      cmocka_unit_test(test_unmapped),
      cmocka_unit_test(test_font_memory),
      cmocka_unit_test(test_limit_glyphs),
      cmocka_unit_test(test_limit_cluster_map),
      cmocka_unit_test(test_limit_font_size),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
