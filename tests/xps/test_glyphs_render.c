/* Text pages end to end: the corpus/text documents through the page
 * interpreter, the display list and the band renderer, compared with golden
 * images (tests/xps/golden/text_*.pgm.gz, ours) and with `mutool draw` (an
 * independent renderer) where mutool renders the case correctly.
 *
 * XR_UPDATE_GOLDEN=1 rewrites the goldens from the current output; every
 * run leaves its images in the build directory for inspection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "render/dl.h"
#include "render/glyph.h"
#include "xps/doc.h"
#include "xps/font.h"
#include "xps/page.h"

typedef struct img {
  int w, h;
  unsigned char *px;
} img;

static int nwarn;

static void on_warn(void *ud, const xr_errinfo *w) {
  (void)ud;
  nwarn++;
  if (getenv("TEXT_VERBOSE"))
    fprintf(stderr, "warning: %s:%ld: %s\n", w->part, w->line, w->msg);
}

/* Renders page 1 of corpus/text/<name>.xps at dpi into a gray image. */
static img render(const char *name, double dpi) {
  char path[1024];
  snprintf(path, sizeof path, "%s/corpus/text/%s.xps", XR_SOURCE_DIR, name);
  xps_ctx ctx;
  xps_ctx_init(&ctx);
  ctx.warn = on_warn;
  assert_int_equal(xps_fonts_new(NULL, &ctx.fonts), 0);
  xr_errinfo err;
  xr_errinfo_clear(&err);
  xps_pkg *pkg;
  xps_doc *doc;
  assert_int_equal(xps_pkg_open(path, &ctx, &pkg, &err), 0);
  assert_int_equal(xps_doc_open(pkg, &ctx, &doc, &err), 0);
  xps_page_ref ref;
  assert_int_equal(xps_doc_next_page(doc, &ref, &err), 1);
  ras_dl *dl;
  assert_int_equal(ras_dl_new(dpi, &ctx.limits, &dl), 0);
  int rc = xps_page_run(pkg, ref.name, &ctx, &ras_dl_device, dl, &err);
  if (rc)
    fprintf(stderr, "%s: %s\n", name, err.msg);
  assert_int_equal(rc, 0);
  img im;
  ras_dl_size(dl, &im.w, &im.h);
  im.px = malloc((size_t)im.w * (size_t)im.h);
  assert_non_null(im.px);
  assert_int_equal(
      ras_dl_render_band(dl, RAS_GRAY8, 0, im.h, im.px, (size_t)im.w), 0);
  ras_dl_drop(dl);
  xps_doc_close(doc);
  xps_pkg_close(pkg);
  xps_fonts_drop(ctx.fonts);
  return im;
}

static void save_pgm(const img *im, const char *path) {
  FILE *f = fopen(path, "wb");
  if (!f)
    return;
  fprintf(f, "P5\n%d %d\n255\n", im->w, im->h);
  fwrite(im->px, 1, (size_t)im->w * (size_t)im->h, f);
  fclose(f);
}

/* Reads a binary PGM, gzip'd or not (zlib reads both). */
static int load_pgm(const char *path, img *im) {
  gzFile f = gzopen(path, "rb");
  if (!f)
    return -1;
  char hdr[64];
  int n = gzread(f, hdr, 15), w, h, max, off;
  if (n < 11)
    goto fail;
  hdr[n] = 0;
  if (sscanf(hdr, "P5 %d %d %d%n", &w, &h, &max, &off) != 3 || max != 255 ||
      w <= 0 || h <= 0 || w > 20000 || h > 20000)
    goto fail;
  off++; /* the single whitespace after maxval */
  gzrewind(f);
  gzseek(f, off, SEEK_SET);
  im->w = w;
  im->h = h;
  im->px = malloc((size_t)w * (size_t)h);
  if (gzread(f, im->px, (unsigned)(w * h)) != w * h) {
    free(im->px);
    goto fail;
  }
  gzclose(f);
  return 0;
fail:
  gzclose(f);
  return -1;
}

static void save_golden(const img *im, const char *path) {
  gzFile f = gzopen(path, "wb9");
  assert_non_null(f);
  gzprintf(f, "P5\n%d %d\n255\n", im->w, im->h);
  gzwrite(f, im->px, (unsigned)(im->w * im->h));
  gzclose(f);
}

/* Pixels of rectangle [x0,x1) x [y0,y1) differing by more than tol. */
static long diff_count(const img *a, const img *b, int tol, int x0, int y0,
                       int x1, int y1) {
  long n = 0;
  for (int y = y0; y < y1 && y < a->h; y++)
    for (int x = x0; x < x1 && x < a->w; x++)
      n += abs(a->px[y * a->w + x] - b->px[y * b->w + x]) > tol;
  return n;
}

/* Ink (sum of darkness) in a rectangle. */
static long ink(const img *a, int x0, int y0, int x1, int y1) {
  long s = 0;
  for (int y = y0; y < y1 && y < a->h; y++)
    for (int x = x0; x < x1 && x < a->w; x++)
      s += 255 - a->px[y * a->w + x];
  return s;
}

static void golden(const char *name, const img *im) {
  char path[1024], out[1024];
  snprintf(out, sizeof out, "%s/text_%s.pgm", XR_BINARY_DIR, name);
  save_pgm(im, out);
  snprintf(path, sizeof path, "%s/tests/xps/golden/text_%s.pgm.gz",
           XR_SOURCE_DIR, name);
  if (getenv("XR_UPDATE_GOLDEN")) {
    save_golden(im, path);
    return;
  }
  img g;
  assert_int_equal(load_pgm(path, &g), 0);
  assert_int_equal(g.w, im->w);
  assert_int_equal(g.h, im->h);
  /* Deterministic output; the slack only absorbs rasteriser rounding. */
  long bad = diff_count(im, &g, 24, 0, 0, im->w, im->h);
  if (bad > (long)im->w * im->h / 2000)
    fprintf(stderr, "%s: %ld pixels differ from the golden (see %s)\n", name,
            bad, out);
  assert_true(bad <= (long)im->w * im->h / 2000);
  free(g.px);
}

/* Renders with mutool at the same resolution; 0 when mutool is missing. */
static int mutool(const char *name, img *out) {
  char cmd[2048], pgm[1024];
  snprintf(pgm, sizeof pgm, "%s/text_%s.mutool.pgm", XR_BINARY_DIR, name);
  snprintf(cmd, sizeof cmd,
           "mutool draw -q -r 96 -c gray -o '%s' '%s/corpus/text/%s.xps' 1 "
           ">/dev/null 2>&1",
           pgm, XR_SOURCE_DIR, name);
  if (system(cmd) != 0)
    return 0;
  return load_pgm(pgm, out) == 0;
}

/* Fraction (per mille) of the rectangle where we and mutool disagree by
 * more than 96 levels: glyph edges may differ by a little anti-aliasing,
 * a misplaced or missing glyph differs by a lot. */
static double vs_mutool(const char *name, const img *im, int x0, int y0, int x1,
                        int y1) {
  img m;
  if (!mutool(name, &m)) {
    fprintf(stderr, "mutool unavailable: skipping the comparison\n");
    return 0;
  }
  assert_int_equal(m.w, im->w);
  assert_int_equal(m.h, im->h);
  long bad = diff_count(im, &m, 96, x0, y0, x1, y1);
  long area = (long)(x1 - x0) * (y1 - y0);
  /* The comparison can fail: the page must hold ink where mutool has it. */
  assert_true(ink(&m, x0, y0, x1, y1) > 0);
  free(m.px);
  double pm = 1000.0 * (double)bad / (double)area;
  fprintf(stderr, "%s: %.2f per mille differ from mutool\n", name, pm);
  return pm;
}

/* mutool_pm: bound on disagreement with mutool over rows [my0, my1)
 * (0: not compared). */
static void check_region(const char *name, double mutool_pm, int my0, int my1) {
  nwarn = 0;
  img im = render(name, 96);
  assert_int_equal(im.w, 480);
  assert_int_equal(im.h, 320);
  assert_int_equal(nwarn, 0);
  assert_true(ink(&im, 0, 0, im.w, im.h) > 255 * 200); /* text was drawn */
  golden(name, &im);
  if (mutool_pm > 0)
    assert_true(vs_mutool(name, &im, 0, my0, im.w, my1) < mutool_pm);
  free(im.px);
}

static void check_case(const char *name, double mutool_pm) {
  check_region(name, mutool_pm, 0, 320);
}

static void test_latin(void **st) {
  (void)st;
  check_case("latin", 6);
}
static void test_rtl(void **st) {
  (void)st;
  check_case("rtl", 6);
}
static void test_sideways(void **st) {
  (void)st;
  /* mutool puts a sideways glyph's top origin at the hhea ascender; XPS
   * §5.1.6.2 says the OS/2 typographic ascender when there is no vmtx, as
   * here. Only the upright control row is compared with mutool. */
  check_region("sideways", 6, 150, 320);
}
static void test_odttf(void **st) {
  (void)st;
  check_case("odttf", 6);
}
static void test_ttc(void **st) {
  (void)st;
  /* mutool ignores the "#1" face index and draws face 0 for both rows, so
   * only the "#0" row is compared with it; the golden and the ink test
   * below check the Serif row. */
  check_region("ttc", 6, 0, 100);
  img im = render("ttc", 96);
  /* Serif carries more ink than Sans for the same size here, and its
   * serifs make the row differ from the Sans row's glyph shapes. */
  assert_true(ink(&im, 0, 120, im.w, 170) != ink(&im, 0, 40, im.w, 90));
  free(im.px);
}
static void test_effects(void **st) {
  (void)st;
  check_case("effects", 8);
}

static void test_symbol(void **st) {
  (void)st;
  /* Only a (3,0) cmap: every character is found at U+F000 + c. */
  check_case("symbol", 6);
}

static void test_sims(void **st) {
  (void)st;
  /* One word in four rows: regular, bold, italic, bold italic. Bold adds
   * ink; italic is a shear, which keeps the area, so it keeps the ink.
   * mutool barely emboldens: it checks only the regular and italic rows. */
  nwarn = 0;
  img im = render("sims", 96);
  assert_int_equal(nwarn, 0);
  golden("sims", &im);
  assert_true(vs_mutool("sims", &im, 0, 0, im.w, 60) < 6);
  assert_true(vs_mutool("sims", &im, 0, 125, im.w, 185) < 6);
  double reg = (double)ink(&im, 0, 15, im.w, 60);
  double bold = (double)ink(&im, 0, 75, im.w, 120);
  double ital = (double)ink(&im, 0, 135, im.w, 180);
  double both = (double)ink(&im, 0, 195, im.w, 240);
  fprintf(stderr,
          "sims ink: bold/regular %.3f, italic/regular %.3f, "
          "bold italic/bold %.3f\n",
          bold / reg, ital / reg, both / bold);
  assert_true(bold / reg > 1.15);
  assert_true(fabs(ital / reg - 1) < 0.03);
  assert_true(fabs(both / bold - 1) < 0.03);
  free(im.px);
}

/* Counts device calls; fill_glyphs optional. */
typedef struct counter {
  int paths, runs, glyphs;
} counter;
static int c_begin(void *dev, double w, double h) {
  (void)dev;
  (void)w;
  (void)h;
  return 0;
}
static int c_fill(void *dev, const ras_path *p, const ras_matrix *m, int rule,
                  const ras_paint *paint) {
  (void)p;
  (void)m;
  (void)rule;
  (void)paint;
  ((counter *)dev)->paths++;
  return 0;
}
static int c_glyphs(void *dev, const ras_glyph_run *run, const ras_matrix *m,
                    const ras_paint *paint) {
  (void)m;
  (void)paint;
  ((counter *)dev)->runs++;
  ((counter *)dev)->glyphs += (int)run->n;
  return 0;
}

static void test_shared_fonts_and_devices(void **st) {
  (void)st;
  /* One job (ctx), the same page run three times: the font is loaded once;
   * a device with fill_glyphs gets runs, one without gets outlines. */
  char path[1024];
  snprintf(path, sizeof path, "%s/corpus/text/latin.xps", XR_SOURCE_DIR);
  xps_ctx ctx;
  xps_ctx_init(&ctx);
  assert_int_equal(xps_fonts_new(NULL, &ctx.fonts), 0);
  xr_errinfo err;
  xps_pkg *pkg;
  xps_doc *doc;
  assert_int_equal(xps_pkg_open(path, &ctx, &pkg, &err), 0);
  assert_int_equal(xps_doc_open(pkg, &ctx, &doc, &err), 0);
  xps_page_ref ref;
  assert_int_equal(xps_doc_next_page(doc, &ref, &err), 1);
  ras_device_fns with = {0}, without = {0};
  with.begin_page = without.begin_page = c_begin;
  with.fill_path = without.fill_path = c_fill;
  with.fill_glyphs = c_glyphs;
  counter a = {0, 0, 0}, b = {0, 0, 0};
  assert_int_equal(xps_page_run(pkg, ref.name, &ctx, &with, &a, &err), 0);
  assert_int_equal(xps_page_run(pkg, ref.name, &ctx, &with, &a, &err), 0);
  assert_int_equal(xps_page_run(pkg, ref.name, &ctx, &without, &b, &err), 0);
  assert_int_equal(xps_fonts_count(ctx.fonts), 1);
  /* latin.xps has 7 Glyphs elements, all solid. */
  assert_int_equal(a.runs, 14);
  assert_int_equal(a.paths, 0);
  assert_true(a.glyphs > 100);
  assert_int_equal(b.paths, 7);
  assert_int_equal(b.runs, 0);
  xps_doc_close(doc);
  xps_pkg_close(pkg);
  xps_fonts_drop(ctx.fonts);
}

static void test_resolution(void **st) {
  (void)st;
  /* Twice the dpi: four times the pixels, about four times the ink. */
  img a = render("latin", 96), b = render("latin", 192);
  assert_int_equal(b.w, 2 * a.w);
  double r = (double)ink(&b, 0, 0, b.w, b.h) / (double)ink(&a, 0, 0, a.w, a.h);
  assert_true(r > 3.6 && r < 4.4);
  free(a.px);
  free(b.px);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_latin),
      cmocka_unit_test(test_rtl),
      cmocka_unit_test(test_sideways),
      cmocka_unit_test(test_odttf),
      cmocka_unit_test(test_ttc),
      cmocka_unit_test(test_effects),
      cmocka_unit_test(test_sims),
      cmocka_unit_test(test_symbol),
      cmocka_unit_test(test_resolution),
      cmocka_unit_test(test_shared_fonts_and_devices),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
