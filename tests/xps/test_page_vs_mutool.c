/* Renders corpus/vector documents through the page interpreter and the
 * display list, and compares them with `mutool draw` at the same
 * resolution, for the features MuPDF also renders correctly.
 *
 * Tolerance: both renderers anti-alias, but with different coverage
 * estimators and curve flattening, so pixels on edges legitimately differ
 * by up to a full step. Interiors must match. We therefore bound (a) the
 * mean absolute difference at 3 levels of 255 and (b) the share of pixels
 * differing by more than 64 at 1.5 %: an edge-only disagreement on these
 * 200 x 150 pages touches well under 1 %, while a missing or misplaced
 * shape, a wrong colour or a wrong transform breaks both bounds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "render/dl.h"
#include "xps/doc.h"
#include "xps/page.h"
#include "xps/pkg.h"

#define DPI 48

static int have_mutool(void) {
  return system("command -v mutool >/dev/null 2>&1") == 0;
}

/* Reads a binary PGM (P5, maxval 255). */
static uint8_t *read_pgm(const char *path, int *w, int *h) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  int maxv = 0;
  uint8_t *px = NULL;
  if (fscanf(f, "P5 %d %d %d", w, h, &maxv) == 3 && maxv == 255 &&
      fgetc(f) != EOF && *w > 0 && *h > 0 && *w < 10000 && *h < 10000) {
    px = malloc((size_t)*w * (size_t)*h);
    if (px &&
        fread(px, 1, (size_t)*w * (size_t)*h, f) != (size_t)*w * (size_t)*h) {
      free(px);
      px = NULL;
    }
  }
  fclose(f);
  return px;
}

static uint8_t *mutool_page(const char *doc, int *w, int *h) {
  char out[] = "/tmp/xr_mu_XXXXXX";
  int fd = mkstemp(out);
  assert_true(fd >= 0);
  close(fd);
  char cmd[2048];
  snprintf(cmd, sizeof cmd,
           "mutool draw -q -r %d -c gray -F pgm -o '%s' '%s' 1 2>/dev/null",
           DPI, out, doc);
  assert_int_equal(system(cmd), 0);
  uint8_t *px = read_pgm(out, w, h);
  unlink(out);
  return px;
}

static uint8_t *our_page(const char *doc, int *w, int *h) {
  xps_ctx ctx;
  xps_ctx_init(&ctx);
  xr_errinfo err;
  xps_pkg *pkg = NULL;
  xps_doc *d = NULL;
  ras_dl *dl = NULL;
  xps_page_ref ref;
  assert_int_equal(xps_pkg_open(doc, &ctx, &pkg, &err), 0);
  assert_int_equal(xps_doc_open(pkg, &ctx, &d, &err), 0);
  assert_int_equal(xps_doc_next_page(d, &ref, &err), 1);
  assert_int_equal(ras_dl_new(DPI, &ctx.limits, &dl), 0);
  int rc = xps_page_run(pkg, ref.name, &ctx, &ras_dl_device, dl, &err);
  if (rc)
    print_message("%s: %s\n", doc, err.msg);
  assert_int_equal(rc, 0);
  ras_dl_size(dl, w, h);
  uint8_t *px = malloc((size_t)*w * (size_t)*h);
  assert_non_null(px);
  assert_int_equal(ras_dl_render_band(dl, RAS_GRAY8, 0, *h, px, (size_t)*w), 0);
  ras_dl_drop(dl);
  xps_doc_close(d);
  xps_pkg_close(pkg);
  return px;
}

/* Compares page 1 of corpus/vector/name, leaving out pixel rows
 * [skip0, skip1) where MuPDF is known to be wrong. */
static void compare_rows(const char *name, int skip0, int skip1) {
  char doc[1024];
  snprintf(doc, sizeof doc, "%s/corpus/vector/%s", XR_SOURCE_DIR, name);
  int mw, mh, ow, oh;
  uint8_t *m = mutool_page(doc, &mw, &mh);
  assert_non_null(m);
  uint8_t *o = our_page(doc, &ow, &oh);
  assert_int_equal(mw, ow);
  assert_int_equal(mh, oh);
  size_t n = 0, big = 0;
  double sum = 0;
  for (int y = 0; y < oh; y++) {
    if (y >= skip0 && y < skip1)
      continue;
    for (int x = 0; x < ow; x++) {
      size_t i = (size_t)y * (size_t)ow + (size_t)x;
      int d = abs((int)m[i] - (int)o[i]);
      sum += d;
      big += d > 64;
      n++;
    }
  }
  double mean = sum / (double)n, share = 100.0 * (double)big / (double)n;
  print_message("%-24s mean |diff| %.2f, %.2f%% of pixels off by > 64\n", name,
                mean, share);
  free(m);
  free(o);
  assert_true(mean < 3.0);
  assert_true(share < 1.5);
}

static void compare(const char *name) {
  compare_rows(name, 0, 0);
}

#define CASE(fn, file)                                                         \
  static void fn(void **state) {                                               \
    (void)state;                                                               \
    if (!have_mutool())                                                        \
      skip();                                                                  \
    compare(file);                                                             \
  }

CASE(arcs, "arcs.xps")
CASE(geometry, "geometry.xps")
CASE(strokes, "strokes.xps")
CASE(clips, "clips.xps")
CASE(transforms, "transforms.xps")
CASE(colors, "colors.xps")
CASE(resources, "resources.xps")
CASE(markup_compat, "markup_compat.xps")
CASE(visual_brushes, "visual_brushes.xps")

/* Pad and Repeat only: MuPDF draws Reflect with a finite number of
 * mirrored copies, which breaks off at the left of the middle band (page
 * units 100-180, pixel rows 50-90 at 48 dpi). */
static void linear_spread(void **state) {
  (void)state;
  if (!have_mutool())
    skip();
  compare_rows("linear_spread.xps", 50, 90);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(arcs),           cmocka_unit_test(geometry),
      cmocka_unit_test(strokes),        cmocka_unit_test(clips),
      cmocka_unit_test(transforms),     cmocka_unit_test(colors),
      cmocka_unit_test(resources),      cmocka_unit_test(markup_compat),
      cmocka_unit_test(visual_brushes), cmocka_unit_test(linear_spread),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
