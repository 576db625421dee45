/* Stroke attributes as they reach the device, and the DASH_ENTRIES and
 * NESTING limits at N and N + 1. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "support_trace.h"

#define NS "xmlns=\"http://schemas.microsoft.com/xps/2005/06\""
#define PAGE(body)                                                             \
  "<FixedPage " NS " Width=\"100\" Height=\"50\">" body "</FixedPage>"

static trace t;
static warns w;
static xps_ctx ctx;
static xr_errinfo err;

static int run(const char *xml) {
  int rc = trace_page(&t, xml, &ctx, &err);
  assert_int_equal(t.depth, 0);
  return rc;
}

static void attributes(void **state) {
  (void)state;
  trace_ctx(&ctx, &w);
  assert_int_equal(
      run(PAGE("<Path Data=\"M0,0 L10,0\" Stroke=\"#000000\" "
               "StrokeThickness=\"3\" StrokeStartLineCap=\"Round\" "
               "StrokeEndLineCap=\"Triangle\" StrokeDashCap=\"Square\" "
               "StrokeLineJoin=\"Bevel\" StrokeMiterLimit=\"2.5\" "
               "StrokeDashArray=\"1 2.5,3\" StrokeDashOffset=\"-1\"/>")),
      0);
  /* An odd dash list repeats to make on/off pairs. */
  assert_int_equal(count_of(t.buf, "stroke w 3 caps round,triangle,square "
                                   "join bevel ml 2.5 dash[ 1 2.5 3 1 2.5 3 ] "
                                   "off -1 #000000FF"),
                   1);
  assert_int_equal(w.n, 0);
  /* Defaults, a miter limit below 1, and an all-zero dash list. */
  assert_int_equal(run(PAGE("<Path Data=\"M0,0 L10,0\" Stroke=\"#000000\" "
                            "StrokeMiterLimit=\"0.5\" "
                            "StrokeDashArray=\"0 0\"/>")),
                   0);
  assert_int_equal(count_of(t.buf, "stroke w 1 caps flat,flat,flat join "
                                   "miter ml 1 #000000FF"),
                   1);
  /* Zero thickness reaches the device (which keeps a 1-pixel minimum). */
  assert_int_equal(run(PAGE("<Path Data=\"M0,0 L10,0\" Stroke=\"#000000\" "
                            "StrokeThickness=\"0\"/>")),
                   0);
  assert_int_equal(count_of(t.buf, "stroke w 0 "), 1);
}

static void bad_attributes(void **state) {
  (void)state;
  static const char *bad[] = {
      "StrokeThickness=\"-1\"",      "StrokeThickness=\"thick\"",
      "StrokeStartLineCap=\"Butt\"", "StrokeEndLineCap=\"round\"",
      "StrokeDashCap=\"None\"",      "StrokeLineJoin=\"Mitre\"",
      "StrokeMiterLimit=\"x\"",      "StrokeDashArray=\"1 -2\"",
      "StrokeDashArray=\"1 a\"",     "StrokeDashOffset=\"\"",
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    char xml[512];
    snprintf(xml, sizeof xml,
             PAGE("<Path Data=\"M0,0 L10,0\" Stroke=\"#000000\" "
                  "Fill=\"#FF0000\" %s/>"),
             bad[i]);
    trace_ctx(&ctx, &w);
    assert_int_equal(run(xml), 0);
    /* The whole element is skipped, fill included. */
    assert_int_equal(count_of(t.buf, "stroke") + count_of(t.buf, "fill"), 0);
    assert_int_equal(w.n, 1);
  }
  /* Stroke attributes without a Stroke are not even read. */
  trace_ctx(&ctx, &w);
  assert_int_equal(run(PAGE("<Path Data=\"M0,0 L10,0\" Fill=\"#FF0000\" "
                            "StrokeThickness=\"-1\"/>")),
                   0);
  assert_int_equal(count_of(t.buf, "fill"), 1);
}

static char *dash_page(int n) {
  size_t cap = 256 + (size_t)n * 4;
  char *x = malloc(cap);
  size_t k = (size_t)snprintf(x, cap,
                              "<FixedPage %s Width=\"9\" Height=\"9\"><Path "
                              "Data=\"M0,0 L1,1\" Stroke=\"#000000\" "
                              "StrokeDashArray=\"",
                              NS);
  for (int i = 0; i < n; i++)
    k += (size_t)snprintf(x + k, cap - k, "1 ");
  snprintf(x + k, cap - k, "\"/></FixedPage>");
  return x;
}

static void dash_limit(void **state) {
  (void)state;
  trace_ctx(&ctx, &w);
  int64_t n = xr_limits_get(&ctx.limits, XR_LIMIT_DASH_ENTRIES);
  char *x = dash_page((int)n);
  assert_int_equal(run(x), 0);
  assert_int_equal(count_of(t.buf, "stroke"), 1);
  free(x);
  x = dash_page((int)n + 1);
  assert_int_equal(run(x), XR_E_LIMIT);
  assert_non_null(strstr(err.msg, "DASH_ENTRIES"));
  free(x);
  xr_limits_set(&ctx.limits, XR_LIMIT_DASH_ENTRIES, 4);
  x = dash_page(4);
  assert_int_equal(run(x), 0);
  free(x);
  x = dash_page(5);
  assert_int_equal(run(x), XR_E_LIMIT);
  free(x);
  assert_int_equal(xr_limits_set(&ctx.limits, XR_LIMIT_DASH_ENTRIES, INT64_MAX),
                   xr_limit_bound(XR_LIMIT_DASH_ENTRIES));
}

static char *canvas_page(int n) {
  size_t cap = 256 + (size_t)n * 32;
  char *x = malloc(cap);
  size_t k =
      (size_t)snprintf(x, cap, "<FixedPage %s Width=\"9\" Height=\"9\">", NS);
  for (int i = 0; i < n; i++)
    k += (size_t)snprintf(x + k, cap - k, "<Canvas Opacity=\"0.9\">");
  k += (size_t)snprintf(x + k, cap - k,
                        "<Path Data=\"M0,0 L1,1\" Fill=\"#000000\"/>");
  for (int i = 0; i < n; i++)
    k += (size_t)snprintf(x + k, cap - k, "</Canvas>");
  snprintf(x + k, cap - k, "</FixedPage>");
  return x;
}

static void nesting_limit(void **state) {
  (void)state;
  trace_ctx(&ctx, &w);
  int64_t n = xr_limits_get(&ctx.limits, XR_LIMIT_NESTING);
  char *x = canvas_page((int)n);
  assert_int_equal(run(x), 0);
  assert_int_equal(t.max_depth, n);
  assert_int_equal(count_of(t.buf, "fill"), 1);
  free(x);
  x = canvas_page((int)n + 1);
  assert_int_equal(run(x), XR_E_LIMIT);
  assert_non_null(strstr(err.msg, "NESTING"));
  assert_int_equal(count_of(t.buf, "fill"), 0);
  free(x);
  xr_limits_set(&ctx.limits, XR_LIMIT_NESTING, 2);
  x = canvas_page(2);
  assert_int_equal(run(x), 0);
  free(x);
  x = canvas_page(3);
  assert_int_equal(run(x), XR_E_LIMIT);
  free(x);
  assert_int_equal(xr_limits_set(&ctx.limits, XR_LIMIT_NESTING, INT64_MAX),
                   xr_limit_bound(XR_LIMIT_NESTING));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(attributes),
      cmocka_unit_test(bad_attributes),
      cmocka_unit_test(dash_limit),
      cmocka_unit_test(nesting_limit),
  };
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  trace_free(&t);
  return rc;
}
