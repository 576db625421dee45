/* End-to-end renders of corpus documents through the public API, checking
 * pixels at known coordinates. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "xrt_render.h"

#define DARK 40
#define LIGHT 215

static void square_gray(void **state) {
  (void)state;
  xrt_doc d;
  xrt_render(&d, "basic/square.xps", 96, XR_CS_GRAY, NULL);
  assert_int_equal(d.rc, 0);
  assert_int_equal(d.npages, 1);
  assert_int_equal(d.pages[0].info.width, 200);
  assert_int_equal(d.pages[0].info.height, 200);
  assert_true(xrt_px(&d, 0, 100, 100, 0) < DARK);
  assert_true(xrt_px(&d, 0, 51, 51, 0) < DARK);
  assert_true(xrt_px(&d, 0, 148, 148, 0) < DARK);
  assert_true(xrt_px(&d, 0, 10, 10, 0) > LIGHT);
  assert_true(xrt_px(&d, 0, 160, 100, 0) > LIGHT);
  assert_true(xrt_px(&d, 0, 100, 45, 0) > LIGHT);
  xrt_free(&d);
}

static void square_scales_with_dpi(void **state) {
  (void)state;
  xrt_doc d;
  xrt_render(&d, "basic/square.xps", 192, XR_CS_RGB, NULL);
  assert_int_equal(d.rc, 0);
  assert_int_equal(d.pages[0].info.width, 400);
  assert_int_equal(d.pages[0].info.components, 3);
  for (int c = 0; c < 3; c++) {
    assert_true(xrt_px(&d, 0, 200, 200, c) < DARK);
    assert_true(xrt_px(&d, 0, 102, 102, c) < DARK);
    assert_true(xrt_px(&d, 0, 96, 200, c) > LIGHT);
    assert_true(xrt_px(&d, 0, 310, 200, c) > LIGHT);
  }
  xrt_free(&d);
}

static void openxps_namespace(void **state) {
  (void)state;
  xrt_doc d;
  xrt_render(&d, "basic/square.oxps", 96, XR_CS_GRAY, NULL);
  assert_int_equal(d.rc, 0);
  assert_int_equal(d.npages, 1);
  assert_true(xrt_px(&d, 0, 100, 100, 0) < DARK);
  assert_true(xrt_px(&d, 0, 10, 10, 0) > LIGHT);
  xrt_free(&d);
}

static void rotated_canvas(void **state) {
  (void)state;
  xrt_doc d;
  xrt_render(&d, "basic/rotated.xps", 96, XR_CS_GRAY, NULL);
  assert_int_equal(d.rc, 0);
  /* (20..60, 20..60) rotated: x' = 200 - y, y' = x -> (140..180, 20..60) */
  assert_true(xrt_px(&d, 0, 160, 40, 0) < DARK);
  assert_true(xrt_px(&d, 0, 40, 40, 0) > LIGHT);
  xrt_free(&d);
}

static void nested_transforms(void **state) {
  (void)state;
  xrt_doc d;
  xrt_render(&d, "basic/nested.xps", 96, XR_CS_GRAY, NULL);
  assert_int_equal(d.rc, 0);
  /* Square (10..50) translated by (100, 100). */
  assert_true(xrt_px(&d, 0, 130, 130, 0) < DARK);
  assert_true(xrt_px(&d, 0, 30, 30, 0) > LIGHT);
  assert_true(xrt_px(&d, 0, 130, 30, 0) > LIGHT);
  assert_true(xrt_px(&d, 0, 30, 130, 0) > LIGHT);
  xrt_free(&d);
}

static void fill_rules(void **state) {
  (void)state;
  xrt_doc d;
  xrt_render(&d, "basic/fillrule.xps", 96, XR_CS_GRAY, NULL);
  assert_int_equal(d.rc, 0);
  /* Star centres: even-odd leaves the pentagon hollow, non-zero fills it. */
  assert_true(xrt_px(&d, 0, 50, 100, 0) > LIGHT);
  assert_true(xrt_px(&d, 0, 150, 100, 0) < DARK);
  /* A point tip of each star is filled in both. */
  assert_true(xrt_px(&d, 0, 50, 62, 0) < 128);
  assert_true(xrt_px(&d, 0, 150, 62, 0) < 128);
  xrt_free(&d);
}

static void colors(void **state) {
  (void)state;
  xrt_doc d;
  xrt_render(&d, "basic/colors.xps", 96, XR_CS_RGB, NULL);
  assert_int_equal(d.rc, 0);
  assert_int_equal(xrt_px(&d, 0, 50, 50, 0), 255);
  assert_int_equal(xrt_px(&d, 0, 50, 50, 1), 0);
  assert_int_equal(xrt_px(&d, 0, 50, 50, 2), 0);
  assert_int_equal(xrt_px(&d, 0, 150, 50, 0), 0);
  assert_int_equal(xrt_px(&d, 0, 150, 50, 2), 255);
  /* #80000000 over white: 255 * (1 - 128/255) = 127. */
  int v = xrt_px(&d, 0, 50, 150, 0);
  assert_in_range(v, 125, 129);
  /* scRGB 0.214 linear is sRGB 0.5: about 128. */
  v = xrt_px(&d, 0, 150, 150, 1);
  assert_in_range(v, 124, 132);
  xrt_free(&d);
}

static void stroke_and_hairline(void **state) {
  (void)state;
  xrt_doc d;
  xrt_render(&d, "basic/stroke.xps", 96, XR_CS_GRAY, NULL);
  assert_int_equal(d.rc, 0);
  /* 10-wide stroke about y = 100 covers 95..105. */
  assert_true(xrt_px(&d, 0, 100, 100, 0) < DARK);
  assert_true(xrt_px(&d, 0, 100, 97, 0) < DARK);
  assert_true(xrt_px(&d, 0, 100, 90, 0) > LIGHT);
  /* A 0.1 hairline still leaves a visible mark (1-pixel minimum). */
  int darkest = 255;
  for (int y = 147; y <= 152; y++) {
    int v = xrt_px(&d, 0, 100, y, 0);
    if (v < darkest)
      darkest = v;
  }
  assert_true(darkest < 160);
  xrt_free(&d);
}

static void relative_commands(void **state) {
  (void)state;
  xrt_doc d;
  xrt_render(&d, "basic/relative.xps", 96, XR_CS_GRAY, NULL);
  assert_int_equal(d.rc, 0);
  assert_true(xrt_px(&d, 0, 60, 60, 0) < DARK);
  /* The default fill rule of abbreviated syntax (F0) is even-odd, so the
   * inner square is a hole. */
  assert_true(xrt_px(&d, 0, 100, 100, 0) > LIGHT);
  xrt_free(&d);
}

static void multipage_and_ranges(void **state) {
  (void)state;
  xrt_doc d;
  xrt_render(&d, "basic/multipage.xps", 96, XR_CS_GRAY, NULL);
  assert_int_equal(d.rc, 0);
  assert_int_equal(d.npages, 3);
  for (int i = 0; i < 3; i++) {
    assert_int_equal(d.pages[i].info.index, i);
    assert_true(xrt_px(&d, i, 20 + 40 * i, 20, 0) < DARK);
    assert_true(xrt_px(&d, i, 20 + 40 * ((i + 1) % 3), 20, 0) > LIGHT);
  }
  xrt_free(&d);

  xr_render_opts ro;
  xr_render_opts_init(&ro);
  ro.colorspace = XR_CS_GRAY;
  ro.pages = "2-";
  xrt_render(&d, "basic/multipage.xps", 96, XR_CS_GRAY, &ro);
  assert_int_equal(d.rc, 0);
  assert_int_equal(d.npages, 2);
  assert_int_equal(d.pages[0].info.index, 1);
  assert_int_equal(d.pages[1].info.index, 2);
  xrt_free(&d);
}

static void bad_page_keeps_earlier_pages(void **state) {
  (void)state;
  xrt_doc d;
  xrt_render(&d, "bad/badxml.xps", 96, XR_CS_GRAY, NULL);
  assert_int_equal(d.rc, XR_E_FORMAT);
  assert_int_equal(d.npages, 1);
  assert_true(xrt_px(&d, 0, 100, 100, 0) < DARK);
  assert_non_null(strstr(d.err.part, "2.fpage"));
  assert_true(d.err.line > 0);
  xrt_free(&d);
}

static void bad_packages(void **state) {
  (void)state;
  xrt_doc d;
  xrt_render(&d, "bad/notzip.xps", 96, XR_CS_GRAY, NULL);
  assert_true(d.rc < 0);
  assert_int_equal(d.npages, 0);
  xrt_free(&d);
  xrt_render(&d, "bad/norels.xps", 96, XR_CS_GRAY, NULL);
  assert_true(d.rc < 0);
  assert_non_null(strstr(d.err.part, "_rels/.rels"));
  xrt_free(&d);
  xrt_render(&d, "bad/does-not-exist.xps", 96, XR_CS_GRAY, NULL);
  assert_int_equal(d.rc, XR_E_IO);
  xrt_free(&d);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(square_gray),
      cmocka_unit_test(square_scales_with_dpi),
      cmocka_unit_test(openxps_namespace),
      cmocka_unit_test(rotated_canvas),
      cmocka_unit_test(nested_transforms),
      cmocka_unit_test(fill_rules),
      cmocka_unit_test(colors),
      cmocka_unit_test(stroke_and_hairline),
      cmocka_unit_test(relative_commands),
      cmocka_unit_test(multipage_and_ranges),
      cmocka_unit_test(bad_page_keeps_earlier_pages),
      cmocka_unit_test(bad_packages),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
