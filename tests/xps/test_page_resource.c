/* Resource dictionaries: FixedPage and Canvas scopes, x:Key lookup,
 * {StaticResource} for brushes, geometries and transforms, remote Source=
 * dictionaries, missing keys, cycles and RESOURCE_DEPTH. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "support_trace.h"
#include "xps/page.h"
#include "xps/pkg.h"

#define NS "xmlns=\"http://schemas.microsoft.com/xps/2005/06\""
#define XK                                                                     \
  "xmlns:x=\"http://schemas.microsoft.com/xps/2005/06/"                        \
  "resourcedictionary-key\""
#define PAGE(body)                                                             \
  "<FixedPage " NS " " XK " Width=\"100\" Height=\"50\">\n" body               \
  "\n</FixedPage>"
#define RES(scope, items)                                                      \
  "<" scope ".Resources><ResourceDictionary>" items                            \
  "</ResourceDictionary></" scope ".Resources>"

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

static void page_resources(void **state) {
  (void)state;
  assert_int_equal(
      run(PAGE(
          RES("FixedPage", "<SolidColorBrush x:Key=\"red\" Color=\"#FF0000\"/>"
                           "<PathGeometry x:Key=\"tri\" Figures=\"M0,0 L5,0 "
                           "5,5 Z\"/>"
                           "<MatrixTransform x:Key=\"m\" "
                           "Matrix=\"1,0,0,1,7,8\"/>") "<Path "
                                                       "Data=\"{StaticResource "
                                                       "tri}\" "
                                                       "Fill=\"{StaticResource "
                                                       "red}\" "
                                                       "RenderTransform=\"{"
                                                       "StaticResource "
                                                       "m}\"/>")),
      0);
  assert_string_equal(t.buf, "begin_page 100 50\n"
                             "fill evenodd #FF0000FF [ 1 0 0 1 7 8 ] "
                             "M 0 0 L 5 0 L 5 5 Z\n");
  assert_int_equal(w.n, 0);
}

static void nested_scopes(void **state) {
  (void)state;
  assert_int_equal(
      run(PAGE(RES("FixedPage",
                   "<SolidColorBrush x:Key=\"c\" "
                   "Color=\"#FF0000\"/>"
                   "<SolidColorBrush x:Key=\"outer\" "
                   "Color=\"#0000FF\"/>") "<Canvas>" RES("Canvas", "<SolidCol"
                                                                   "orBrush "
                                                                   "x:Key="
                                                                   "\"c\" "
                                                                   "Color=\"#"
                                                                   "00FF00\"/"
                                                                   ">") "<Can"
                                                                        "vas>"
                                                                        "<Pat"
                                                                        "h "
                                                                        "Data"
                                                                        "=\"M"
                                                                        "0,0 "
                                                                        "L1,"
                                                                        "1\" "
                                                                        "Fill"
                                                                        "=\"{"
                                                                        "Stat"
                                                                        "icRe"
                                                                        "sour"
                                                                        "ce "
                                                                        "c}"
                                                                        "\"/>"
                                                                        "<Pat"
                                                                        "h "
                                                                        "Data"
                                                                        "=\"M"
                                                                        "0,0 "
                                                                        "L1,"
                                                                        "1\" "
                                                                        "Fill"
                                                                        "=\"{"
                                                                        "Stat"
                                                                        "icRe"
                                                                        "sour"
                                                                        "ce "
                                                                        "oute"
                                                                        "r}"
                                                                        "\"/>"
                                                                        "</"
                                                                        "Canv"
                                                                        "as><"
                                                                        "/Can"
                                                                        "vas>"
                                                                        "<Pat"
                                                                        "h "
                                                                        "Data"
                                                                        "=\"M"
                                                                        "0,0 "
                                                                        "L1,"
                                                                        "1\" "
                                                                        "Fill"
                                                                        "=\"{"
                                                                        "Stat"
                                                                        "icRe"
                                                                        "sour"
                                                                        "ce "
                                                                        "c}"
                                                                        "\"/"
                                                                        ">")),
      0);
  /* Inner scope shadows, outer keys show through, and the inner
   * dictionary ends with its Canvas. */
  assert_int_equal(count_of(t.buf, "#00FF00FF"), 1);
  assert_int_equal(count_of(t.buf, "#0000FFFF"), 1);
  assert_int_equal(count_of(t.buf, "#FF0000FF"), 1);
  assert_true(strstr(t.buf, "#00FF00FF") < strstr(t.buf, "#FF0000FF"));
}

static void resource_uses_resource(void **state) {
  (void)state;
  assert_int_equal(
      run(PAGE(RES(
          "FixedPage",
          "<MatrixTransform x:Key=\"m\" Matrix=\"2,0,0,2,0,0\"/>"
          "<PathGeometry x:Key=\"g\" Figures=\"M1,1 L2,2\" "
          "Transform=\"{StaticResource m}\"/>") "<Path Data=\"{StaticResource "
                                                "g}\" Fill=\"#000000\"/>")),
      0);
  assert_int_equal(count_of(t.buf, "M 2 2 L 4 4"), 1);
}

static void missing_and_malformed_keys(void **state) {
  (void)state;
  assert_int_equal(run(PAGE("<Path Data=\"M0,0 L1,1\" "
                            "Fill=\"{StaticResource nope}\"/>\n"
                            "<Path Data=\"M0,0 L1,1\" "
                            "Fill=\"{StaticResource}\"/>\n"
                            "<Path Data=\"M0,0 L1,1\" "
                            "Fill=\"{DynamicResource a}\"/>\n"
                            "<Path Data=\"M0,0 L1,1\" Fill=\"#000000\"/>")),
                   0);
  assert_int_equal(count_of(t.buf, "fill"), 1);
  assert_int_equal(w.n, 3);
  assert_non_null(strstr(w.all, "/p.fpage:2: no resource with key 'nope'"));
  /* A resource of the wrong kind. */
  assert_int_equal(
      run(PAGE(RES("FixedPage",
                   "<SolidColorBrush x:Key=\"b\" "
                   "Color=\"#FF0000\"/>") "<Path Data=\"{StaticResource b}\" "
                                          "Fill=\"#000000\"/>")),
      0);
  assert_int_equal(w.n, 1);
  assert_int_equal(count_of(t.buf, "fill"), 0);
  /* Two dictionaries in one Resources element. */
  assert_int_equal(
      run(PAGE("<Canvas><Canvas.Resources><ResourceDictionary/>"
               "<ResourceDictionary/></Canvas.Resources>"
               "<Path Data=\"M0,0 L1,1\" Fill=\"#000000\"/></Canvas>")),
      0);
  assert_int_equal(w.n, 1);
  assert_int_equal(count_of(t.buf, "fill"), 0);
}

static void literal_braces(void **state) {
  (void)state;
  /* "{}" escapes a value that would otherwise look like an extension. */
  assert_int_equal(run(PAGE("<Path Data=\"{}M0,0 L1,1\" Fill=\"{}#FF0000\" "
                            "RenderTransform=\"{}1,0,0,1,2,3\"/>")),
                   0);
  assert_int_equal(count_of(t.buf, "fill evenodd #FF0000FF [ 1 0 0 1 2 3 ] "
                                   "M 0 0 L 1 1"),
                   1);
  assert_int_equal(w.n, 0);
}

/* Each level's Visual holds fan paths filled with the next level's brush:
 * work grows as fan^depth unless replays are bounded. */
static char *fan_page(int depth, int fan) {
  size_t cap = 4096 + (size_t)depth * (size_t)fan * 128;
  char *x = malloc(cap);
  size_t k = (size_t)snprintf(x, cap,
                              "<FixedPage %s %s Width=\"9\" Height=\"9\">"
                              "<FixedPage.Resources><ResourceDictionary>",
                              NS, XK);
  for (int d = 0; d < depth; d++) {
    k += (size_t)snprintf(x + k, cap - k,
                          "<VisualBrush x:Key=\"b%d\" Viewbox=\"0,0,1,1\" "
                          "Viewport=\"0,0,1,1\"><VisualBrush.Visual><Canvas>",
                          d);
    for (int i = 0; i < fan; i++) {
      if (d == 0)
        k += (size_t)snprintf(x + k, cap - k,
                              "<Path Data=\"M0,0 L1,1\" Fill=\"#000000\"/>");
      else
        k += (size_t)snprintf(x + k, cap - k,
                              "<Path Data=\"M0,0 L1,1\" "
                              "Fill=\"{StaticResource b%d}\"/>",
                              d - 1);
    }
    k += (size_t)snprintf(x + k, cap - k,
                          "</Canvas></VisualBrush.Visual></VisualBrush>");
  }
  snprintf(x + k, cap - k,
           "</ResourceDictionary></FixedPage.Resources>"
           "<Path Data=\"M0,0 L1,1\" Fill=\"{StaticResource b%d}\"/>"
           "</FixedPage>",
           depth - 1);
  return x;
}

static void replay_amplification(void **state) {
  (void)state;
  xps_ctx c;
  trace_ctx(&c, &w);
  /* 3 levels of 4: 4 + 16 + 64 replayed Paths plus 1 + 4 + 16 Canvases. */
  xr_limits_set(&c.limits, XR_LIMIT_ELEMENTS_PER_PAGE, 105);
  char *x = fan_page(3, 4);
  assert_int_equal(trace_page(&t, x, &c, &err), 0);
  assert_int_equal(count_of(t.buf, "fill evenodd #000000FF"), 64);
  xr_limits_set(&c.limits, XR_LIMIT_ELEMENTS_PER_PAGE, 104);
  assert_int_equal(trace_page(&t, x, &c, &err), XR_E_LIMIT);
  assert_int_equal(t.depth, 0);
  free(x);
  /* 20 levels of 10 would be 10^20 fills: stopped by the limit (lowered
   * from its default of a million only to keep the sanitized test fast). */
  trace_ctx(&c, &w);
  xr_limits_set(&c.limits, XR_LIMIT_ELEMENTS_PER_PAGE, 100000);
  x = fan_page(20, 10);
  assert_int_equal(trace_page(&t, x, &c, &err), XR_E_LIMIT);
  assert_string_equal(err.part, "/p.fpage");
  free(x);
}

static void cycles(void **state) {
  (void)state;
  /* A geometry whose transform refers back to itself. */
  assert_int_equal(
      run(PAGE(RES(
          "FixedPage",
          "<PathGeometry x:Key=\"g\" "
          "Transform=\"{StaticResource g}\"/>") "<Path Data=\"{StaticResource "
                                                "g}\" Fill=\"#000000\"/>")),
      XR_E_FORMAT);
  assert_non_null(strstr(err.msg, "refers to itself"));
  assert_int_equal(err.line, 2);
  /* A visual brush whose content is filled with the brush itself. */
  assert_int_equal(
      run(PAGE(
          RES("FixedPage",
              "<VisualBrush x:Key=\"v\" Viewbox=\"0,0,1,1\" "
              "Viewport=\"0,0,1,1\"><VisualBrush.Visual>"
              "<Path Data=\"M0,0 L1,1\" Fill=\"{StaticResource v}\"/>"
              "</VisualBrush.Visual></VisualBrush>") "<Path Data=\"M0,0 L1,1\" "
                                                     "Fill=\"{StaticResource "
                                                     "v}\"/>")),
      XR_E_FORMAT);
  assert_non_null(strstr(err.msg, "refers to itself"));
}

/* depth VisualBrushes, each inside the previous one's Visual. */
static char *nested_visuals(int depth) {
  size_t cap = 512 + (size_t)depth * 256;
  char *x = malloc(cap);
  size_t k =
      (size_t)snprintf(x, cap, "<FixedPage %s Width=\"9\" Height=\"9\">", NS);
  for (int i = 0; i < depth; i++)
    k += (size_t)snprintf(
        x + k, cap - k,
        "<Path Data=\"M0,0 L1,1\"><Path.Fill><VisualBrush Viewbox=\"0,0,1,1\" "
        "Viewport=\"0,0,1,1\"><VisualBrush.Visual>");
  k += (size_t)snprintf(x + k, cap - k,
                        "<Path Data=\"M0,0 L1,1\" Fill=\"#000000\"/>");
  for (int i = 0; i < depth; i++)
    k += (size_t)snprintf(x + k, cap - k,
                          "</VisualBrush.Visual></VisualBrush></Path.Fill>"
                          "</Path>");
  snprintf(x + k, cap - k, "</FixedPage>");
  return x;
}

static void resource_depth_limit(void **state) {
  (void)state;
  xps_ctx c;
  trace_ctx(&c, &w);
  xr_limits_set(&c.limits, XR_LIMIT_RESOURCE_DEPTH, 3);
  char *x = nested_visuals(3);
  assert_int_equal(trace_page(&t, x, &c, &err), 0);
  assert_int_equal(count_of(t.buf, "begin_tile"), 3);
  assert_int_equal(count_of(t.buf, "fill"), 1);
  assert_int_equal(t.depth, 0);
  free(x);
  x = nested_visuals(4);
  assert_int_equal(trace_page(&t, x, &c, &err), XR_E_LIMIT);
  assert_non_null(strstr(err.msg, "RESOURCE_DEPTH"));
  assert_int_equal(t.depth, 0); /* open tiles were closed */
  free(x);
  assert_int_equal(xr_limits_set(&c.limits, XR_LIMIT_RESOURCE_DEPTH, INT64_MAX),
                   xr_limit_bound(XR_LIMIT_RESOURCE_DEPTH));
}

/* Writes data to dir/name, creating one level of directory. */
static void put_file(const char *dir, const char *name, const char *data) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  char *slash = strrchr(path, '/');
  *slash = '\0';
  mkdir(path, 0755);
  *slash = '/';
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  fputs(data, f);
  fclose(f);
}

static void remote_dictionary(void **state) {
  (void)state;
  char dir[] = "/tmp/xr_res_XXXXXX";
  assert_non_null(mkdtemp(dir));
  put_file(dir, "Res/r.dict",
           "<ResourceDictionary " NS " " XK ">"
           "<SolidColorBrush x:Key=\"b\" Color=\"#123456\"/>"
           "</ResourceDictionary>");
  put_file(dir, "Res/bad.dict", "<ResourceDictionary " NS ">");
  const char *page = PAGE("<Canvas><Canvas.Resources>"
                          "<ResourceDictionary Source=\"../Res/r.dict\"/>"
                          "</Canvas.Resources><Path Data=\"M0,0 L1,1\" "
                          "Fill=\"{StaticResource b}\"/></Canvas>"
                          "<Canvas><Canvas.Resources>"
                          "<ResourceDictionary Source=\"/Res/r.dict\"/>"
                          "</Canvas.Resources><Path Data=\"M0,0 L1,1\" "
                          "Fill=\"{StaticResource b}\"/></Canvas>"
                          "<Canvas><Canvas.Resources>"
                          "<ResourceDictionary Source=\"../Res/none.dict\"/>"
                          "</Canvas.Resources><Path Data=\"M0,0 L1,1\" "
                          "Fill=\"#000000\"/></Canvas>"
                          "<Canvas><Canvas.Resources>"
                          "<ResourceDictionary Source=\"../Res/bad.dict\"/>"
                          "</Canvas.Resources><Path Data=\"M0,0 L1,1\" "
                          "Fill=\"#000000\"/></Canvas>"
                          "<Canvas><Canvas.Resources>"
                          "<ResourceDictionary Source=\"../Res/bad.dict\"/>"
                          "</Canvas.Resources><Path Data=\"M0,0 L1,1\" "
                          "Fill=\"#000000\"/></Canvas>");
  put_file(dir, "Pages/p.fpage", page);
  xps_pkg *pkg = NULL;
  trace_ctx(&ctx, &w);
  int rc = xps_pkg_open(dir, &ctx, &pkg, &err);
  if (rc == 0) {
    trace_clear(&t);
    rc = xps_page_run(pkg, "/Pages/p.fpage", &ctx, &trace_fns, &t, &err);
    assert_int_equal(rc, 0);
    assert_int_equal(err.status, XR_OK); /* warnings leave err alone */
    /* The same part named twice (relative and absolute) is one dictionary,
     * read once. */
    assert_int_equal(count_of(t.buf, "#123456FF"), 2);
    /* Missing and broken remote dictionaries warn and skip their Canvas. */
    assert_int_equal(count_of(t.buf, "fill"), 2);
    assert_int_equal(w.n >= 3, 1);
    /* The broken part is parsed once; its second use only says so. */
    assert_int_equal(count_of(w.all, "XML:"), 1);
    assert_int_equal(count_of(w.all, "bad.dict is unusable"), 1);
    xps_pkg_close(pkg);
  } else {
    print_message("directory package unavailable: %s\n", err.msg);
  }
  /* Without a package, a remote dictionary is a warning. */
  assert_int_equal(run(page), 0);
  assert_int_equal(count_of(t.buf, "fill"), 0);
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  assert_int_equal(system(cmd), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(page_resources),
      cmocka_unit_test(nested_scopes),
      cmocka_unit_test(resource_uses_resource),
      cmocka_unit_test(missing_and_malformed_keys),
      cmocka_unit_test(literal_braces),
      cmocka_unit_test(replay_amplification),
      cmocka_unit_test(cycles),
      cmocka_unit_test(resource_depth_limit),
      cmocka_unit_test(remote_dictionary),
  };
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  trace_free(&t);
  return rc;
}
