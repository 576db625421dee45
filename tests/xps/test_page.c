/* FixedPage interpretation through the trace device: page size, paths,
 * colours, canvases and transforms, clips, opacity groups, and how bad
 * markup is reported. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "support_trace.h"
#include "xps/page.h"

#define NS "xmlns=\"http://schemas.microsoft.com/xps/2005/06\""
#define PAGE(body)                                                             \
  "<FixedPage " NS " Width=\"100\" Height=\"50\">" body "</FixedPage>"

static trace t;
static warns w;
static xps_ctx ctx;
static xr_errinfo err;

static int setup(void **state) {
  (void)state;
  trace_init(&t);
  trace_ctx(&ctx, &w);
  xr_errinfo_clear(&err);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  trace_free(&t);
  return 0;
}

static int run(const char *xml) {
  memset(&w, 0, sizeof w);
  int rc = trace_page(&t, xml, &ctx, &err);
  assert_int_equal(t.depth, 0); /* every push popped, even on errors */
  assert_false(t.unbalanced);
  return rc;
}

static void page_size_and_fill(void **state) {
  (void)state;
  assert_int_equal(run(PAGE("<Path Data=\"M 0,0 L 10,0 10,10 Z\" "
                            "Fill=\"#FF0000\"/>")),
                   0);
  assert_string_equal(t.buf, "begin_page 100 50\n"
                             "fill evenodd #FF0000FF [ 1 0 0 1 0 0 ] "
                             "M 0 0 L 10 0 L 10 10 Z\n");
  assert_int_equal(w.n, 0);
}

static void fill_rules(void **state) {
  (void)state;
  assert_int_equal(
      run(PAGE("<Path Data=\"F1 M 0,0 L 1,1\" Fill=\"#000000\"/>"
               "<Path Data=\"F0 M 0,0 L 1,1\" Fill=\"#000000\"/>")),
      0);
  assert_int_equal(count_of(t.buf, "fill nonzero"), 1);
  assert_int_equal(count_of(t.buf, "fill evenodd"), 1);
}

static void colours(void **state) {
  (void)state;
  assert_int_equal(
      run(PAGE("<Path Data=\"M0,0 L1,1\" Fill=\"#80102030\"/>"
               "<Path Data=\"M0,0 L1,1\" Fill=\"sc#1,0.5,0,1\"/>"
               "<Path Data=\"M0,0 L1,1\" Fill=\"sc#0.2140,0,1\"/>")),
      0);
  assert_int_equal(count_of(t.buf, "#10203080"), 1);
  /* scRGB 0.5 linear is sRGB 0.735 (188). */
  assert_int_equal(count_of(t.buf, "#BC00FFFF"), 1);
  /* sc# with three values is opaque; 0.214 linear is about sRGB 0.5. */
  assert_int_equal(count_of(t.buf, "#7F00FFFF"), 1);
}

static void stroke(void **state) {
  (void)state;
  assert_int_equal(run(PAGE("<Path Data=\"M0,0 L10,0\" Stroke=\"#0000FF\" "
                            "StrokeThickness=\"2.5\"/>"
                            "<Path Data=\"M0,0 L10,0\" Stroke=\"#0000FF\"/>")),
                   0);
  assert_int_equal(count_of(t.buf, "stroke w 2.5 caps flat,flat,flat join "
                                   "miter ml 10 #0000FFFF"),
                   1);
  assert_int_equal(count_of(t.buf, "stroke w 1 "), 1);
  assert_int_equal(count_of(t.buf, "fill"), 0);
}

static void canvas_nesting(void **state) {
  (void)state;
  assert_int_equal(run(PAGE("<Canvas RenderTransform=\"1,0,0,1,10,20\">"
                            "<Canvas RenderTransform=\"2,0,0,2,0,0\">"
                            "<Path Data=\"M0,0 L1,1\" Fill=\"#000000\" "
                            "RenderTransform=\"1,0,0,1,1,1\"/>"
                            "</Canvas>"
                            "<Path Data=\"M0,0 L1,1\" Fill=\"#000000\"/>"
                            "</Canvas>"
                            "<Path Data=\"M0,0 L1,1\" Fill=\"#000000\"/>")),
                   0);
  /* Local transform first, then each enclosing one: (1,1) -> x2 -> +10,20. */
  assert_int_equal(count_of(t.buf, "[ 2 0 0 2 12 22 ]"), 1);
  assert_int_equal(count_of(t.buf, "[ 1 0 0 1 10 20 ]"), 1);
  assert_int_equal(count_of(t.buf, "[ 1 0 0 1 0 0 ]"), 1);
  /* A rotation: 90° then translate. */
  assert_int_equal(
      run(PAGE("<Canvas RenderTransform=\"0,1,-1,0,50,0\">"
               "<Path Data=\"M0,0 L1,1\" Fill=\"#000000\"/></Canvas>")),
      0);
  assert_int_equal(count_of(t.buf, "[ 0 1 -1 0 50 0 ]"), 1);
}

static void property_transform(void **state) {
  (void)state;
  assert_int_equal(
      run(PAGE("<Canvas><Canvas.RenderTransform>"
               "<MatrixTransform Matrix=\"1,0,0,1,5,6\"/>"
               "</Canvas.RenderTransform>"
               "<Path Data=\"M0,0 L1,1\" Fill=\"#000000\">"
               "<Path.RenderTransform><MatrixTransform Matrix=\"3,0,0,3,0,0\"/>"
               "</Path.RenderTransform></Path></Canvas>")),
      0);
  assert_int_equal(count_of(t.buf, "[ 3 0 0 3 5 6 ]"), 1);
  /* Attribute and element both: warned, element skipped. */
  assert_int_equal(
      run(PAGE("<Path Data=\"M0,0 L1,1\" Fill=\"#000000\" "
               "RenderTransform=\"1,0,0,1,0,0\"><Path.RenderTransform>"
               "<MatrixTransform Matrix=\"3,0,0,3,0,0\"/>"
               "</Path.RenderTransform></Path>")),
      0);
  assert_int_equal(count_of(t.buf, "fill"), 0);
  assert_int_equal(w.n, 1);
}

static void opacity_groups(void **state) {
  (void)state;
  assert_int_equal(run(PAGE("<Canvas Opacity=\"0.5\">"
                            "<Path Data=\"M0,0 L1,1\" Fill=\"#000000\"/>"
                            "<Path Data=\"M0,0 L1,1\" Fill=\"#000000\"/>"
                            "</Canvas>")),
                   0);
  /* One group around both children, not per-leaf alpha. */
  assert_string_equal(t.buf,
                      "begin_page 100 50\n"
                      "begin_group 0.5\n"
                      "fill evenodd #000000FF [ 1 0 0 1 0 0 ] M 0 0 L 1 1\n"
                      "fill evenodd #000000FF [ 1 0 0 1 0 0 ] M 0 0 L 1 1\n"
                      "end_group\n");
  /* A path with one paint takes the opacity itself... */
  assert_int_equal(run(PAGE("<Path Data=\"M0,0 L1,1\" Fill=\"#000000\" "
                            "Opacity=\"0.5\"/>")),
                   0);
  assert_int_equal(count_of(t.buf, "begin_group"), 0);
  assert_int_equal(count_of(t.buf, "#00000080"), 1);
  /* ...fill and stroke together are grouped. */
  assert_int_equal(run(PAGE("<Path Data=\"M0,0 L1,1\" Fill=\"#000000\" "
                            "Stroke=\"#FF0000\" Opacity=\"0.25\"/>")),
                   0);
  assert_int_equal(count_of(t.buf, "begin_group 0.25\nfill"), 1);
  assert_int_equal(count_of(t.buf, "#FF0000FF [ 1 0 0 1 0 0 ] M 0 0 L 1 1\n"
                                   "end_group\n"),
                   1);
  /* Opacity 1 needs no group; 0 draws nothing. */
  assert_int_equal(run(PAGE("<Canvas Opacity=\"1\"><Path Data=\"M0,0 L1,1\" "
                            "Fill=\"#000000\"/></Canvas>"
                            "<Canvas Opacity=\"0\"><Path Data=\"M0,0 L1,1\" "
                            "Fill=\"#000000\"/></Canvas>")),
                   0);
  assert_int_equal(count_of(t.buf, "begin_group"), 0);
  assert_int_equal(count_of(t.buf, "fill"), 1);
}

static void clips(void **state) {
  (void)state;
  assert_int_equal(run(PAGE("<Canvas Clip=\"F1 M0,0 L5,0 5,5 Z\" "
                            "RenderTransform=\"2,0,0,2,0,0\">"
                            "<Path Data=\"M0,0 L1,1\" Fill=\"#000000\" "
                            "Clip=\"M 1,1 L 2,2\"/></Canvas>")),
                   0);
  /* The clip is in the element's space, after its RenderTransform. */
  assert_string_equal(t.buf,
                      "begin_page 100 50\n"
                      "push_clip nonzero [ 2 0 0 2 0 0 ] M 0 0 L 5 0 L 5 5 Z\n"
                      "push_clip evenodd [ 2 0 0 2 0 0 ] M 1 1 L 2 2\n"
                      "fill evenodd #000000FF [ 2 0 0 2 0 0 ] M 0 0 L 1 1\n"
                      "pop_clip\n"
                      "pop_clip\n");
  assert_int_equal(t.max_depth, 2);
}

static void bad_attribute_skips_element(void **state) {
  (void)state;
  assert_int_equal(run("<FixedPage " NS " Width=\"100\" Height=\"50\">\n"
                       "<Path Data=\"M0,0 L1,1\" Fill=\"#00000G\"/>\n"
                       "<Path Data=\"M0,0 L1,1\" Fill=\"#000000\"/>\n"
                       "<Canvas RenderTransform=\"1,0,0\">\n"
                       "  <Path Data=\"M0,0 L1,1\" Fill=\"#000000\"/>\n"
                       "</Canvas>\n"
                       "<Path Data=\"M 0,0 L 1,x\" Fill=\"#000000\"/>\n"
                       "</FixedPage>"),
                   0);
  /* Only the good path is drawn; each bad element warned with its line. */
  assert_int_equal(count_of(t.buf, "fill"), 1);
  assert_int_equal(w.n, 3);
  assert_non_null(strstr(w.all, "XR_E_SYNTAX /p.fpage:2: bad colour"));
  assert_non_null(strstr(w.all, "XR_E_SYNTAX /p.fpage:4: bad transform"));
  assert_non_null(strstr(w.all, "XR_E_SYNTAX /p.fpage:7: bad path data at "
                                "offset 10: expected a number"));
}

static void malformed_xml(void **state) {
  (void)state;
  int rc = run("<FixedPage " NS " Width=\"100\" Height=\"50\">\n"
               "<Path Data=\"M0,0 L1,1\" Fill=\"#000000\"/>\n"
               "<Canvas>\n"
               "<Path Data=\"M0,0 L1,1\" Fill=\"#000000\"/>\n"
               "</Canvs>\n"
               "</FixedPage>");
  assert_int_equal(rc, XR_E_FORMAT);
  assert_int_equal(err.status, XR_E_FORMAT);
  assert_string_equal(err.part, "/p.fpage");
  assert_int_equal(err.line, 5);
  /* What came before the error stays emitted. The reader parses ahead in
   * chunks, so put the error well after the first few kilobytes. */
  char *big = malloc(64 * 1024);
  assert_non_null(big);
  size_t n =
      (size_t)sprintf(big, "<FixedPage %s Width=\"9\" Height=\"9\">\n", NS);
  for (int i = 0; i < 400; i++)
    n += (size_t)sprintf(big + n,
                         "<Path Data=\"M0,0 L1,1\" Fill=\"#000000\"/>\n");
  sprintf(big + n, "<Path Data=\"M0,0\" Fill=\"#000000\">\n</FixedPage>");
  rc = run(big);
  free(big);
  assert_int_equal(rc, XR_E_FORMAT);
  assert_int_equal(err.line, 403);
  assert_true(count_of(t.buf, "fill") >= 300);
  /* Truncated document. */
  rc = run("<FixedPage " NS " Width=\"100\" Height=\"50\">\n<Path");
  assert_int_equal(rc, XR_E_FORMAT);
  assert_int_equal(err.line, 2);
  /* Not a FixedPage; no Width; a DTD. */
  assert_int_equal(run("<Canvas " NS "/>"), XR_E_FORMAT);
  assert_int_equal(run("<FixedPage " NS " Height=\"5\"/>"), XR_E_FORMAT);
  assert_int_equal(run("<!DOCTYPE x [<!ENTITY a \"b\">]>\n<FixedPage " NS
                       " Width=\"1\" Height=\"1\"/>"),
                   XR_E_FORMAT);
  assert_int_equal(run(""), XR_E_FORMAT);
}

static void utf16_page(void **state) {
  (void)state;
  /* XPS parts may be UTF-16 with a byte order mark. */
  const char *ascii = PAGE("<Path Data=\"M0,0 L1,1\" Fill=\"#00FF00\"/>");
  size_t n = strlen(ascii);
  char *u = malloc(2 * n + 2);
  assert_non_null(u);
  u[0] = (char)0xFF, u[1] = (char)0xFE;
  for (size_t i = 0; i < n; i++)
    u[2 + 2 * i] = ascii[i], u[3 + 2 * i] = 0;
  trace_clear(&t);
  int rc = xps_page_run_buffer(NULL, "/u.fpage", u, 2 * n + 2, &ctx, &trace_fns,
                               &t, &err);
  free(u);
  assert_int_equal(rc, 0);
  assert_int_equal(count_of(t.buf, "fill evenodd #00FF00FF"), 1);
}

static char *bad_paths(int n) {
  size_t cap = 256 + (size_t)n * 64;
  char *x = malloc(cap);
  size_t k =
      (size_t)snprintf(x, cap, "<FixedPage %s Width=\"9\" Height=\"9\">", NS);
  for (int i = 0; i < n; i++)
    k += (size_t)snprintf(x + k, cap - k,
                          "<Path Data=\"M0,0 L1,1\" Fill=\"#bad\"/>");
  snprintf(x + k, cap - k, "</FixedPage>");
  return x;
}

static void warning_limit(void **state) {
  (void)state;
  xr_limits_set(&ctx.limits, XR_LIMIT_PAGE_WARNINGS, 3);
  char *x = bad_paths(3);
  assert_int_equal(run(x), 0);
  assert_int_equal(w.n, 3);
  free(x);
  x = bad_paths(5);
  assert_int_equal(run(x), 0);
  /* Three shown, then one summary counting the rest. */
  assert_int_equal(w.n, 4);
  assert_int_equal(w.last.status, XR_E_LIMIT);
  assert_non_null(strstr(w.last.msg, "2 more warnings"));
  free(x);
  assert_int_equal(
      xr_limits_set(&ctx.limits, XR_LIMIT_PAGE_WARNINGS, INT64_MAX),
      xr_limit_bound(XR_LIMIT_PAGE_WARNINGS));
  xps_ctx_init(&ctx);
  trace_ctx(&ctx, &w);
}

static void device_failure(void **state) {
  (void)state;
  t.fail_at = 3;
  int rc = run(PAGE("<Canvas Opacity=\"0.5\"><Path Data=\"M0,0 L1,1\" "
                    "Fill=\"#000000\"/><Path Data=\"M0,0 L1,1\" "
                    "Fill=\"#000000\"/></Canvas>"));
  t.fail_at = 0;
  assert_int_equal(rc, XR_E_NOMEM);
  assert_int_equal(count_of(t.buf, "end_group"), 1); /* unwound */
}

static void unknown_elements(void **state) {
  (void)state;
  /* An unexpected XPS element is skipped with a warning. */
  assert_int_equal(run(PAGE("<Brush/><Path Data=\"M0,0 L1,1\" "
                            "Fill=\"#000000\"/>")),
                   0);
  assert_int_equal(w.n, 1);
  assert_int_equal(count_of(t.buf, "fill"), 1);
  /* Unknown property elements make their element malformed: skipped. */
  assert_int_equal(run(PAGE("<Path Data=\"M0,0 L1,1\" Fill=\"#000000\">"
                            "<Path.Foo/></Path>"
                            "<Canvas><Canvas.Bar/><Path Data=\"M0,0 L1,1\" "
                            "Fill=\"#000000\"/></Canvas>"
                            "<Path Data=\"M0,0 L1,1\" Fill=\"#000000\">"
                            "<Canvas/></Path>"
                            "<Path Data=\"M0,0 L1,1\" Fill=\"#FF0000\"/>")),
                   0);
  assert_int_equal(w.n, 3);
  assert_string_equal(t.buf, "begin_page 100 50\n"
                             "fill evenodd #FF0000FF [ 1 0 0 1 0 0 ] "
                             "M 0 0 L 1 1\n");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(page_size_and_fill),
      cmocka_unit_test(fill_rules),
      cmocka_unit_test(colours),
      cmocka_unit_test(stroke),
      cmocka_unit_test(canvas_nesting),
      cmocka_unit_test(property_transform),
      cmocka_unit_test(opacity_groups),
      cmocka_unit_test(clips),
      cmocka_unit_test(bad_attribute_skips_element),
      cmocka_unit_test(malformed_xml),
      cmocka_unit_test(utf16_page),
      cmocka_unit_test(warning_limit),
      cmocka_unit_test(device_failure),
      cmocka_unit_test(unknown_elements),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
