/* Markup compatibility (ECMA-376 Part 3 as XPS uses it) and the reader's
 * XML_DEPTH and ELEMENTS_PER_PAGE limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "support_trace.h"
#include "xps/mc.h"

#define NS "xmlns=\"http://schemas.microsoft.com/xps/2005/06\""
#define MC                                                                     \
  "xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\""
#define FOO "xmlns:foo=\"urn:example:future\""
#define OX "xmlns:ox=\"http://schemas.openxps.org/oxps/v1.0\""
#define PAGE(body)                                                             \
  "<FixedPage " NS " " MC " " FOO " " OX                                       \
  " Width=\"100\" Height=\"50\">\n" body "\n</FixedPage>"
#define RED "<Path Data=\"M0,0 L1,1\" Fill=\"#FF0000\"/>"
#define GREEN "<Path Data=\"M0,0 L1,1\" Fill=\"#00FF00\"/>"
#define BLUE "<Path Data=\"M0,0 L1,1\" Fill=\"#0000FF\"/>"

static trace t;
static warns w;
static xps_ctx ctx;
static xr_errinfo err;

static int run(const char *xml) {
  trace_ctx(&ctx, &w);
  int rc = trace_page(&t, xml, &ctx, &err);
  assert_int_equal(t.depth, 0);
  return rc;
}

static int reds(void) {
  return count_of(t.buf, "#FF0000FF");
}
static int greens(void) {
  return count_of(t.buf, "#00FF00FF");
}
static int blues(void) {
  return count_of(t.buf, "#0000FFFF");
}

static void choice_understood(void **state) {
  (void)state;
  /* ox is the OpenXPS namespace, which we understand. */
  assert_int_equal(run(PAGE("<mc:AlternateContent>"
                            "<mc:Choice Requires=\"ox\">" GREEN "</mc:Choice>"
                            "<mc:Fallback>" RED "</mc:Fallback>"
                            "</mc:AlternateContent>")),
                   0);
  assert_int_equal(greens(), 1);
  assert_int_equal(reds(), 0);
}

static void choice_unknown_takes_fallback(void **state) {
  (void)state;
  assert_int_equal(run(PAGE("<mc:AlternateContent>"
                            "<mc:Choice Requires=\"foo\">" RED "</mc:Choice>"
                            "<mc:Fallback>" GREEN "</mc:Fallback>"
                            "</mc:AlternateContent>")),
                   0);
  assert_int_equal(greens(), 1);
  assert_int_equal(reds(), 0);
  /* Every Requires prefix must be understood. */
  assert_int_equal(run(PAGE("<mc:AlternateContent>"
                            "<mc:Choice Requires=\"ox foo\">" RED "</mc:Choice>"
                            "<mc:Choice Requires=\"ox\">" GREEN "</mc:Choice>"
                            "<mc:Choice Requires=\"ox\">" RED "</mc:Choice>"
                            "<mc:Fallback>" RED "</mc:Fallback>"
                            "</mc:AlternateContent>")),
                   0);
  assert_int_equal(greens(), 1);
  assert_int_equal(reds(), 0);
  /* No Fallback and no usable Choice: nothing. */
  assert_int_equal(run(PAGE("<mc:AlternateContent>"
                            "<mc:Choice Requires=\"foo\">" RED "</mc:Choice>"
                            "</mc:AlternateContent>" GREEN)),
                   0);
  assert_int_equal(reds(), 0);
  assert_int_equal(greens(), 1);
}

static void requires_is_namespace_resolved(void **state) {
  (void)state;
  /* The prefix name does not matter, its namespace does: "foo" bound here
   * to the XPS namespace is understood. */
  assert_int_equal(
      run(PAGE("<mc:AlternateContent xmlns:foo=\"http://schemas.microsoft."
               "com/xps/2005/06\"><mc:Choice Requires=\"foo\">" GREEN
               "</mc:Choice><mc:Fallback>" RED
               "</mc:Fallback></mc:AlternateContent>")),
      0);
  assert_int_equal(greens(), 1);
  assert_int_equal(reds(), 0);
  /* An undeclared prefix is an error. */
  assert_int_equal(run(PAGE("<mc:AlternateContent>"
                            "<mc:Choice Requires=\"nope\">" RED "</mc:Choice>"
                            "</mc:AlternateContent>")),
                   XR_E_FORMAT);
  assert_int_equal(err.line, 2);
}

static void nested_and_in_properties(void **state) {
  (void)state;
  assert_int_equal(
      run(PAGE("<mc:AlternateContent><mc:Choice Requires=\"ox\">"
               "<mc:AlternateContent><mc:Choice Requires=\"foo\">" RED
               "</mc:Choice><mc:Fallback>" GREEN "</mc:Fallback>"
               "</mc:AlternateContent></mc:Choice></mc:AlternateContent>"
               "<Path Data=\"M0,0 L1,1\"><Path.Fill><mc:AlternateContent>"
               "<mc:Choice Requires=\"foo\"><foo:Brush/></mc:Choice>"
               "<mc:Fallback><SolidColorBrush Color=\"#0000FF\"/>"
               "</mc:Fallback></mc:AlternateContent></Path.Fill></Path>")),
      0);
  assert_int_equal(greens(), 1);
  assert_int_equal(blues(), 1);
  assert_int_equal(reds(), 0);
}

static void misplaced_mc(void **state) {
  (void)state;
  assert_int_equal(run(PAGE("<mc:Choice Requires=\"ox\">" RED "</mc:Choice>")),
                   XR_E_FORMAT);
  assert_int_equal(
      run(PAGE("<mc:AlternateContent>" RED "</mc:AlternateContent>")),
      XR_E_FORMAT);
  assert_int_equal(run(PAGE("<mc:AlternateContent><mc:Choice>" RED
                            "</mc:Choice></mc:AlternateContent>")),
                   XR_E_FORMAT);
  assert_int_equal(run(PAGE("<mc:Unknown/>")), XR_E_FORMAT);
  assert_int_equal(run(PAGE(RED "<Canvas mc:Bogus=\"x\"/>")), XR_E_FORMAT);
}

static void ignorable(void **state) {
  (void)state;
  /* Ignorable elements vanish with their content; ignorable attributes
   * vanish. */
  assert_int_equal(
      run(PAGE("<Canvas mc:Ignorable=\"foo\" foo:hint=\"1\">"
               "<foo:Future>" RED "</foo:Future>" GREEN "</Canvas>")),
      0);
  assert_int_equal(greens(), 1);
  assert_int_equal(reds(), 0);
  assert_int_equal(w.n, 0);
  /* Outside the declaring element the namespace is not ignorable. */
  assert_int_equal(
      run(PAGE("<Canvas mc:Ignorable=\"foo\"/>\n" GREEN "\n<foo:Future/>")),
      XR_E_FORMAT);
  assert_int_equal(err.line, 4);
  assert_non_null(strstr(err.msg, "non-ignorable"));
  assert_int_equal(greens(), 1); /* emitted before the error */
  /* An unknown attribute that is not ignorable is an error too. */
  assert_int_equal(run(PAGE("<Canvas foo:hint=\"1\"/>")), XR_E_FORMAT);
  /* Elements in no namespace at all are unknown. */
  assert_int_equal(run(PAGE("<Canvas><Path xmlns=\"\"/></Canvas>")),
                   XR_E_FORMAT);
}

static void process_content(void **state) {
  (void)state;
  assert_int_equal(run(PAGE("<Canvas mc:Ignorable=\"foo\" "
                            "mc:ProcessContent=\"foo:Wrapper\">"
                            "<foo:Wrapper>" GREEN "</foo:Wrapper>"
                            "<foo:Other>" RED "</foo:Other></Canvas>")),
                   0);
  assert_int_equal(greens(), 1);
  assert_int_equal(reds(), 0);
  assert_int_equal(
      run(PAGE("<Canvas mc:Ignorable=\"foo\" "
               "mc:ProcessContent=\"foo:*\">"
               "<foo:A>" GREEN "</foo:A><foo:B>" GREEN "</foo:B></Canvas>")),
      0);
  assert_int_equal(greens(), 2);
}

static void must_understand(void **state) {
  (void)state;
  assert_int_equal(
      run(PAGE("<Canvas mc:MustUnderstand=\"ox\">" GREEN "</Canvas>")), 0);
  assert_int_equal(greens(), 1);
  assert_int_equal(run(PAGE("<Canvas mc:Ignorable=\"foo\" "
                            "mc:MustUnderstand=\"foo\">" GREEN "</Canvas>")),
                   XR_E_UNSUPPORTED);
  assert_int_equal(err.line, 2);
}

/* A page with depth nested Canvas elements below FixedPage. */
static char *deep_page(int depth) {
  size_t cap = 256 + (size_t)depth * 20;
  char *x = malloc(cap);
  size_t k =
      (size_t)snprintf(x, cap, "<FixedPage %s Width=\"1\" Height=\"1\">", NS);
  for (int i = 0; i < depth; i++)
    k += (size_t)snprintf(x + k, cap - k, "<Canvas>");
  for (int i = 0; i < depth; i++)
    k += (size_t)snprintf(x + k, cap - k, "</Canvas>");
  snprintf(x + k, cap - k, "</FixedPage>");
  return x;
}

static int count_events(const char *xml, xps_ctx *c, long *elements) {
  xps_mc *r;
  xps_event ev;
  int rc = xps_mc_open(xml, strlen(xml), "/d.xml", c, &r, &err);
  assert_int_equal(rc, 0);
  int n = 0;
  while ((rc = xps_mc_next(r, &ev, &err)) > 0)
    n++;
  *elements = xps_mc_elements(r);
  xps_mc_close(r);
  return rc < 0 ? rc : n;
}

static void xml_depth_limit(void **state) {
  (void)state;
  xps_ctx c;
  long el;
  xps_ctx_init(&c);
  xr_limits_set(&c.limits, XR_LIMIT_XML_DEPTH, 10);
  char *x = deep_page(9); /* FixedPage + 9 = depth 10 */
  assert_int_equal(count_events(x, &c, &el), 20);
  free(x);
  x = deep_page(10);
  assert_int_equal(count_events(x, &c, &el), XR_E_LIMIT);
  assert_non_null(strstr(err.msg, "XML_DEPTH"));
  free(x);
  /* The default limit, at N and N + 1. */
  xps_ctx_init(&c);
  int n = (int)xr_limits_get(&c.limits, XR_LIMIT_XML_DEPTH);
  x = deep_page(n - 1);
  assert_int_equal(count_events(x, &c, &el), 2 * n);
  free(x);
  x = deep_page(n);
  assert_int_equal(count_events(x, &c, &el), XR_E_LIMIT);
  free(x);
  assert_int_equal(xr_limits_set(&c.limits, XR_LIMIT_XML_DEPTH, 1 << 30),
                   xr_limit_bound(XR_LIMIT_XML_DEPTH));
  /* Raised above libxml2's own default depth, the reader still follows. */
  xr_limits_set(&c.limits, XR_LIMIT_XML_DEPTH, 600);
  x = deep_page(599);
  assert_int_equal(count_events(x, &c, &el), 1200);
  free(x);
}

static void element_limit(void **state) {
  (void)state;
  xps_ctx c;
  long el;
  xps_ctx_init(&c);
  xr_limits_set(&c.limits, XR_LIMIT_ELEMENTS_PER_PAGE, 6);
  char *x = deep_page(5); /* 6 elements */
  assert_int_equal(count_events(x, &c, &el), 12);
  assert_int_equal(el, 6);
  free(x);
  x = deep_page(6);
  assert_int_equal(count_events(x, &c, &el), XR_E_LIMIT);
  assert_non_null(strstr(err.msg, "ELEMENTS_PER_PAGE"));
  free(x);
  /* Skipped (ignorable) elements count too: they cost parsing. */
  const char *ign = "<FixedPage " NS " " MC " " FOO
                    " mc:Ignorable=\"foo\" Width=\"1\" Height=\"1\">"
                    "<foo:a/><foo:b/><foo:c/><foo:d/><foo:e/><foo:f/>"
                    "</FixedPage>";
  assert_int_equal(count_events(ign, &c, &el), XR_E_LIMIT);
  assert_int_equal(
      xr_limits_set(&c.limits, XR_LIMIT_ELEMENTS_PER_PAGE, INT64_MAX),
      xr_limit_bound(XR_LIMIT_ELEMENTS_PER_PAGE));
}

static void events_and_attributes(void **state) {
  (void)state;
  xps_ctx c;
  xps_ctx_init(&c);
  const char *x = "<FixedPage " NS " " MC " " FOO
                  " xmlns:x=\"http://schemas.microsoft.com/xps/2005/06/"
                  "resourcedictionary-key\" mc:Ignorable=\"foo\" "
                  "Width=\"1\" foo:z=\"2\" x:Key=\"k\" xml:lang=\"en\"/>";
  xps_mc *r;
  xps_event ev;
  assert_int_equal(xps_mc_open(x, strlen(x), "/a", &c, &r, &err), 0);
  assert_int_equal(xps_mc_next(r, &ev, &err), 1);
  assert_int_equal(ev.type, XPS_EV_START);
  assert_string_equal(ev.name, "FixedPage");
  assert_int_equal(ev.nattrs, 3);
  assert_string_equal(xps_attr_find(ev.attrs, ev.nattrs, XPS_NS_NONE, "Width"),
                      "1");
  assert_string_equal(xps_attr_find(ev.attrs, ev.nattrs, XPS_NS_KEY, "Key"),
                      "k");
  assert_string_equal(xps_attr_find(ev.attrs, ev.nattrs, XPS_NS_XML, "lang"),
                      "en");
  assert_int_equal(xps_mc_next(r, &ev, &err), 1);
  assert_int_equal(ev.type, XPS_EV_END);
  assert_int_equal(xps_mc_next(r, &ev, &err), 0);
  xps_mc_close(r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(choice_understood),
      cmocka_unit_test(choice_unknown_takes_fallback),
      cmocka_unit_test(requires_is_namespace_resolved),
      cmocka_unit_test(nested_and_in_properties),
      cmocka_unit_test(misplaced_mc),
      cmocka_unit_test(ignorable),
      cmocka_unit_test(process_content),
      cmocka_unit_test(must_understand),
      cmocka_unit_test(xml_depth_limit),
      cmocka_unit_test(element_limit),
      cmocka_unit_test(events_and_attributes),
  };
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  trace_free(&t);
  return rc;
}
