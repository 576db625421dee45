/* The element subtree reader: ELEMENT_BYTES (bytes of markup held for one
 * element) at N and N + 1 and its bound, and GRADIENT_STOPS refused at the
 * stop that goes over, before the rest is read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "support_trace.h"

#define NS "xmlns=\"http://schemas.microsoft.com/xps/2005/06\""

static trace t;
static warns w;
static xr_errinfo err;

/* A page with one Path whose Data holds pad extra spaces. */
static char *path_page(size_t pad) {
  size_t cap = 256 + pad;
  char *x = malloc(cap);
  int k = snprintf(x, cap,
                   "<FixedPage " NS " Width=\"9\" Height=\"9\">"
                   "<Path Fill=\"#000000\" Data=\"M 0,0 L 1,1 1,0");
  memset(x + k, ' ', pad);
  snprintf(x + k + pad, cap - (size_t)k - pad, "Z\"/></FixedPage>");
  return x;
}

static int run_at(const char *x, int64_t limit) {
  xps_ctx c;
  trace_ctx(&c, &w);
  xr_limits_set(&c.limits, XR_LIMIT_ELEMENT_BYTES, limit);
  return trace_page(&t, x, &c, &err);
}

static void element_bytes(void **state) {
  (void)state;
  char *x = path_page(100);
  /* N: the smallest limit this Path fits in (found by bisection, since it
   * counts node overhead as well as the markup's text). */
  int64_t lo = 1, hi = 1 << 20;
  assert_int_equal(run_at(x, hi), 0);
  assert_int_equal(run_at(x, lo), XR_E_LIMIT);
  while (hi - lo > 1) {
    int64_t mid = lo + (hi - lo) / 2;
    if (run_at(x, mid) == 0)
      hi = mid;
    else
      lo = mid;
  }
  int64_t n = hi;
  /* It counts at least the attribute text. */
  assert_true(n > 100 + (int64_t)strlen("M 0,0 L 1,1 1,0Z"));
  assert_int_equal(run_at(x, n), 0);
  assert_int_equal(count_of(t.buf, "fill"), 1);
  assert_int_equal(run_at(x, n - 1), XR_E_LIMIT);
  assert_non_null(strstr(err.msg, "ELEMENT_BYTES"));
  assert_non_null(strstr(err.msg, "Path"));
  assert_int_equal(err.line, 1);
  free(x);
  /* The same limit, one byte more markup: refused. */
  x = path_page(101);
  assert_int_equal(run_at(x, n), XR_E_LIMIT);
  assert_int_equal(count_of(t.buf, "fill"), 0);
  free(x);
  /* Not raisable past its bound. */
  xps_ctx c;
  trace_ctx(&c, &w);
  assert_int_equal(xr_limits_set(&c.limits, XR_LIMIT_ELEMENT_BYTES, INT64_MAX),
                   xr_limit_bound(XR_LIMIT_ELEMENT_BYTES));
  assert_true(xr_limits_get(&c.limits, XR_LIMIT_ELEMENT_BYTES) <=
              xr_limit_bound(XR_LIMIT_ELEMENT_BYTES));
}

/* Over the limit in a child element: the error names the line where the
 * subtree went over and the element it belongs to. */
static void element_bytes_child(void **state) {
  (void)state;
  char x[4096];
  int k = snprintf(x, sizeof x,
                   "<FixedPage " NS " Width=\"9\" Height=\"9\">\n<Path "
                   "Fill=\"#000000\">\n<Path.Data>\n<PathGeometry>\n"
                   "<PathFigure StartPoint=\"0,0\">\n");
  for (int i = 0; i < 20; i++)
    k += snprintf(x + k, sizeof x - (size_t)k,
                  "<PolyLineSegment Points=\"1,1 2,2 3,3 4,4 5,5\"/>\n");
  snprintf(x + k, sizeof x - (size_t)k,
           "</PathFigure></PathGeometry></Path.Data></Path></FixedPage>");
  assert_int_equal(run_at(x, 1 << 20), 0);
  assert_int_equal(run_at(x, 600), XR_E_LIMIT);
  assert_non_null(strstr(err.msg, "<Path> starting at line 2"));
  assert_true(err.line > 5 && err.line <= 25);
}

/* GRADIENT_STOPS: the error names the line of the first stop too many. */
static void stops_refused_early(void **state) {
  (void)state;
  char x[8192];
  int k = snprintf(
      x, sizeof x,
      "<FixedPage " NS " Width=\"9\" Height=\"9\">\n<Path Data=\"M0,0 L1,1\">"
      "<Path.Fill><LinearGradientBrush StartPoint=\"0,0\" EndPoint=\"1,0\">"
      "<LinearGradientBrush.GradientStops>\n");
  for (int i = 0; i < 10; i++)
    k += snprintf(x + k, sizeof x - (size_t)k,
                  "<GradientStop Color=\"#000000\" Offset=\"0\"/>\n");
  snprintf(x + k, sizeof x - (size_t)k,
           "</LinearGradientBrush.GradientStops></LinearGradientBrush>"
           "</Path.Fill></Path></FixedPage>");
  xps_ctx c;
  trace_ctx(&c, &w);
  xr_limits_set(&c.limits, XR_LIMIT_GRADIENT_STOPS, 10);
  assert_int_equal(trace_page(&t, x, &c, &err), 0);
  xr_limits_set(&c.limits, XR_LIMIT_GRADIENT_STOPS, 3);
  assert_int_equal(trace_page(&t, x, &c, &err), XR_E_LIMIT);
  assert_non_null(strstr(err.msg, "GRADIENT_STOPS (3)"));
  assert_int_equal(err.line, 6); /* stops are on lines 3..12 */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(element_bytes),
      cmocka_unit_test(element_bytes_child),
      cmocka_unit_test(stops_refused_early),
  };
  trace_init(&t);
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  trace_free(&t);
  return rc;
}
