/* Brushes through the trace device: SolidColorBrush, linear and radial
 * gradients (stops, spread, mapping, interpolation, transform, opacity),
 * VisualBrush tiles, OpacityMask and EdgeMode. */
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
#define FILL(brush)                                                            \
  PAGE("<Path Data=\"M 10,10 L 30,10 30,20 10,20 Z\"><Path.Fill>" brush        \
       "</Path.Fill></Path>")

static trace t;
static warns w;
static xps_ctx ctx;
static xr_errinfo err;

static int run(const char *xml) {
  trace_ctx(&ctx, &w);
  int rc = trace_page(&t, xml, &ctx, &err);
  assert_int_equal(t.depth, 0);
  assert_false(t.unbalanced);
  return rc;
}

static void solid_brush(void **state) {
  (void)state;
  assert_int_equal(
      run(FILL("<SolidColorBrush Color=\"#FF0000\" Opacity=\"0.5\"/>")), 0);
  assert_int_equal(count_of(t.buf, "fill evenodd #FF000080"), 1);
  /* Element opacity multiplies brush opacity and colour alpha. */
  assert_int_equal(run(PAGE("<Path Data=\"M0,0 L1,1\" Opacity=\"0.5\">"
                            "<Path.Fill><SolidColorBrush Color=\"#80FF0000\" "
                            "Opacity=\"0.5\"/></Path.Fill></Path>")),
                   0);
  assert_int_equal(count_of(t.buf, "#FF000020"), 1);
  assert_int_equal(run(FILL("<SolidColorBrush/>")), 0);
  assert_int_equal(count_of(t.buf, "fill"), 0);
  assert_int_equal(w.n, 1);
}

static void linear_gradient(void **state) {
  (void)state;
  assert_int_equal(
      run(FILL("<LinearGradientBrush StartPoint=\"0,0\" EndPoint=\"10,0\" "
               "SpreadMethod=\"Reflect\" MappingMode=\"Absolute\" "
               "Opacity=\"0.5\">"
               "<LinearGradientBrush.GradientStops>"
               "<GradientStop Color=\"#0000FF\" Offset=\"1\"/>"
               "<GradientStop Color=\"#FF0000\" Offset=\"0\"/>"
               "</LinearGradientBrush.GradientStops></LinearGradientBrush>")),
      0);
  /* Stops sorted by offset; geometry as given. */
  assert_int_equal(count_of(t.buf, "fill evenodd linear(reflect srgb op 0.5 "
                                   "pts 0 0 10 0 m [ 1 0 0 1 0 0 ] stops 0 "
                                   "#FF0000FF 1 #0000FFFF)"),
                   1);
}

static void relative_mapping_and_transform(void **state) {
  (void)state;
  assert_int_equal(
      run(FILL("<LinearGradientBrush StartPoint=\"0,0\" EndPoint=\"1,1\" "
               "MappingMode=\"RelativeToBoundingBox\" "
               "Transform=\"1,0,0,1,5,0\" "
               "ColorInterpolationMode=\"ScRgbLinearInterpolation\">"
               "<LinearGradientBrush.GradientStops>"
               "<GradientStop Color=\"#000000\" Offset=\"0\"/>"
               "<GradientStop Color=\"#FFFFFF\" Offset=\"1\"/>"
               "</LinearGradientBrush.GradientStops></LinearGradientBrush>")),
      0);
  /* Unit square -> bbox (10,10)-(30,20), then the brush Transform. */
  assert_int_equal(count_of(t.buf, "linear-light"), 1);
  assert_int_equal(count_of(t.buf, "m [ 20 0 0 10 15 10 ]"), 1);
}

static void stops_outside_range(void **state) {
  (void)state;
  assert_int_equal(
      run(FILL("<LinearGradientBrush StartPoint=\"0,0\" EndPoint=\"1,0\">"
               "<LinearGradientBrush.GradientStops>"
               "<GradientStop Color=\"#000000\" Offset=\"-1\"/>"
               "<GradientStop Color=\"#FFFFFF\" Offset=\"3\"/>"
               "</LinearGradientBrush.GradientStops></LinearGradientBrush>")),
      0);
  /* -1..3 black to white: 0 is 1/4 of the way, 1 is half way. */
  assert_int_equal(count_of(t.buf, "stops 0 #404040FF 1 #808080FF)"), 1);
  /* Hard edge: equal offsets keep document order. */
  assert_int_equal(
      run(FILL("<LinearGradientBrush StartPoint=\"0,0\" EndPoint=\"1,0\">"
               "<LinearGradientBrush.GradientStops>"
               "<GradientStop Color=\"#FF0000\" Offset=\"0.5\"/>"
               "<GradientStop Color=\"#00FF00\" Offset=\"0.5\"/>"
               "</LinearGradientBrush.GradientStops></LinearGradientBrush>")),
      0);
  assert_int_equal(count_of(t.buf, "stops 0.5 #FF0000FF 0.5 #00FF00FF)"), 1);
}

static void radial_gradient(void **state) {
  (void)state;
  assert_int_equal(
      run(FILL("<RadialGradientBrush Center=\"20,15\" GradientOrigin=\"25,15\" "
               "RadiusX=\"10\" RadiusY=\"5\" SpreadMethod=\"Repeat\">"
               "<RadialGradientBrush.GradientStops>"
               "<GradientStop Color=\"#FFFFFF\" Offset=\"0\"/>"
               "<GradientStop Color=\"#000000\" Offset=\"1\"/>"
               "</RadialGradientBrush.GradientStops></RadialGradientBrush>")),
      0);
  /* The ellipse is the unit circle under m; the origin is at (0.5, 0). */
  assert_int_equal(count_of(t.buf, "radial(repeat srgb op 1 pts 0 0 0.5 0 m "
                                   "[ 10 0 0 5 20 15 ]"),
                   1);
  /* An origin outside the ellipse is pulled just inside. */
  assert_int_equal(
      run(FILL("<RadialGradientBrush Center=\"0,0\" GradientOrigin=\"50,0\" "
               "RadiusX=\"10\" RadiusY=\"10\">"
               "<RadialGradientBrush.GradientStops>"
               "<GradientStop Color=\"#FFFFFF\" Offset=\"0\"/>"
               "</RadialGradientBrush.GradientStops></RadialGradientBrush>")),
      0);
  assert_int_equal(count_of(t.buf, "pts 0 0 0.999 0 m"), 1);
  /* A zero radius paints nothing, silently. */
  assert_int_equal(
      run(FILL("<RadialGradientBrush Center=\"0,0\" GradientOrigin=\"0,0\" "
               "RadiusX=\"0\" RadiusY=\"10\">"
               "<RadialGradientBrush.GradientStops>"
               "<GradientStop Color=\"#FFFFFF\" Offset=\"0\"/>"
               "</RadialGradientBrush.GradientStops></RadialGradientBrush>")),
      0);
  assert_int_equal(count_of(t.buf, "fill"), 0);
  assert_int_equal(w.n, 0);
}

static void bad_gradients(void **state) {
  (void)state;
  static const char *bad[] = {
      "<LinearGradientBrush StartPoint=\"0,0\" EndPoint=\"1,0\"/>",
      "<LinearGradientBrush StartPoint=\"0,0\"><LinearGradientBrush."
      "GradientStops><GradientStop Color=\"#000000\" Offset=\"0\"/>"
      "</LinearGradientBrush.GradientStops></LinearGradientBrush>",
      "<LinearGradientBrush StartPoint=\"0,0\" EndPoint=\"1,0\" "
      "SpreadMethod=\"Mirror\"><LinearGradientBrush.GradientStops>"
      "<GradientStop Color=\"#000000\" Offset=\"0\"/>"
      "</LinearGradientBrush.GradientStops></LinearGradientBrush>",
      "<LinearGradientBrush StartPoint=\"0,0\" EndPoint=\"1,0\">"
      "<LinearGradientBrush.GradientStops><GradientStop Color=\"#000000\"/>"
      "</LinearGradientBrush.GradientStops></LinearGradientBrush>",
      "<RadialGradientBrush Center=\"0,0\" RadiusX=\"1\" RadiusY=\"1\">"
      "<RadialGradientBrush.GradientStops><GradientStop Color=\"#000000\" "
      "Offset=\"0\"/></RadialGradientBrush.GradientStops>"
      "</RadialGradientBrush>",
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    char xml[2048];
    snprintf(xml, sizeof xml, FILL("%s"), bad[i]);
    assert_int_equal(run(xml), 0);
    assert_int_equal(count_of(t.buf, "fill"), 0);
    assert_int_equal(w.n, 1);
  }
}

/* GRADIENT_STOPS at N passes and at N + 1 is XR_E_LIMIT. */
static char *stops_page(int n) {
  size_t cap = 512 + (size_t)n * 64;
  char *x = malloc(cap);
  size_t k = (size_t)snprintf(
      x, cap,
      "<FixedPage " NS " Width=\"9\" Height=\"9\"><Path Data=\"M0,0 L1,1\">"
      "<Path.Fill><LinearGradientBrush StartPoint=\"0,0\" EndPoint=\"1,0\">"
      "<LinearGradientBrush.GradientStops>");
  for (int i = 0; i < n; i++)
    k += (size_t)snprintf(x + k, cap - k,
                          "<GradientStop Color=\"#000000\" Offset=\"0\"/>");
  snprintf(x + k, cap - k,
           "</LinearGradientBrush.GradientStops></LinearGradientBrush>"
           "</Path.Fill></Path></FixedPage>");
  return x;
}

static void stop_limit(void **state) {
  (void)state;
  xps_ctx c;
  trace_ctx(&c, &w);
  xr_limits_set(&c.limits, XR_LIMIT_GRADIENT_STOPS, 5);
  char *x = stops_page(5);
  assert_int_equal(trace_page(&t, x, &c, &err), 0);
  assert_int_equal(count_of(t.buf, "fill"), 1);
  free(x);
  x = stops_page(6);
  assert_int_equal(trace_page(&t, x, &c, &err), XR_E_LIMIT);
  assert_non_null(strstr(err.msg, "GRADIENT_STOPS"));
  free(x);
  assert_int_equal(xr_limits_set(&c.limits, XR_LIMIT_GRADIENT_STOPS, INT64_MAX),
                   xr_limit_bound(XR_LIMIT_GRADIENT_STOPS));
  /* And at the default limit. */
  trace_ctx(&c, &w);
  int n = (int)xr_limits_get(&c.limits, XR_LIMIT_GRADIENT_STOPS);
  x = stops_page(n);
  assert_int_equal(trace_page(&t, x, &c, &err), 0);
  free(x);
  x = stops_page(n + 1);
  assert_int_equal(trace_page(&t, x, &c, &err), XR_E_LIMIT);
  free(x);
}

static void visual_brush(void **state) {
  (void)state;
  assert_int_equal(
      run(FILL("<VisualBrush Viewbox=\"0,0,10,10\" Viewport=\"0,0,5,5\" "
               "TileMode=\"FlipXY\" ViewboxUnits=\"Absolute\" "
               "ViewportUnits=\"Absolute\" Opacity=\"0.5\">"
               "<VisualBrush.Visual><Path Data=\"M0,0 L10,10\" "
               "Fill=\"#00FF00\"/></VisualBrush.Visual></VisualBrush>")),
      0);
  /* The tile content is drawn in page space at the base tile: Viewbox
   * 10x10 onto Viewport 5x5 is a scale of 0.5. */
  assert_string_equal(
      t.buf, "begin_page 100 50\n"
             "begin_tile evenodd flipxy op 0.5 port 0 0 5 5 m [ 1 0 0 1 0 0 ]"
             " [ 1 0 0 1 0 0 ] M 10 10 L 30 10 L 30 20 L 10 20 Z\n"
             "fill evenodd #00FF00FF [ 0.5 0 0 0.5 0 0 ] M 0 0 L 10 10\n"
             "end_tile\n");
  /* Visual as a resource; a Canvas inside a Canvas-scaled path. */
  assert_int_equal(
      run(PAGE("<Canvas RenderTransform=\"2,0,0,2,0,0\"><Canvas.Resources>"
               "<ResourceDictionary><Canvas x:Key=\"v\" xmlns:x=\"http://"
               "schemas.microsoft.com/xps/2005/06/resourcedictionary-key\">"
               "<Path Data=\"M0,0 L1,1\" Stroke=\"#000000\"/></Canvas>"
               "</ResourceDictionary></Canvas.Resources>"
               "<Path Data=\"M0,0 L4,0 4,4 Z\"><Path.Fill>"
               "<VisualBrush Viewbox=\"0,0,1,1\" Viewport=\"1,1,2,2\" "
               "TileMode=\"Tile\" Visual=\"{StaticResource v}\"/>"
               "</Path.Fill></Path></Canvas>")),
      0);
  assert_int_equal(count_of(t.buf, "begin_tile evenodd tile op 1 port 1 1 2 2"),
                   1);
  /* Viewbox (0,0,1,1) -> Viewport (1,1,2,2) is scale 2 + 1, then ctm x2. */
  assert_int_equal(count_of(t.buf, "stroke w 1 caps flat,flat,flat join miter "
                                   "ml 10 #000000FF [ 4 0 0 4 2 2 ]"),
                   1);
  /* A Visual that is not a visual element warns. */
  assert_int_equal(run(FILL("<VisualBrush Viewbox=\"0,0,1,1\" "
                            "Viewport=\"0,0,1,1\"><VisualBrush.Visual>"
                            "<SolidColorBrush Color=\"#000000\"/>"
                            "</VisualBrush.Visual></VisualBrush>")),
                   0);
  assert_int_equal(w.n, 1);
  assert_int_equal(count_of(t.buf, "tile"), 0);
}

static void opacity_mask(void **state) {
  (void)state;
  assert_int_equal(
      run(PAGE("<Canvas Opacity=\"0.5\" OpacityMask=\"#80000000\">"
               "<Path Data=\"M0,0 L1,1\" Fill=\"#FF0000\"/></Canvas>")),
      0);
  assert_string_equal(t.buf,
                      "begin_page 100 50\n"
                      "begin_mask\n"
                      "fill nonzero #00000080 [ 1 0 0 1 0 0 ] "
                      "M 0 0 L 100 0 L 100 50 L 0 50 Z\n"
                      "end_mask\n"
                      "begin_group 0.5\n"
                      "fill evenodd #FF0000FF [ 1 0 0 1 0 0 ] M 0 0 L 1 1\n"
                      "end_group\n"
                      "pop_clip\n");
  /* A mask on a Path with a gradient, through a property element. */
  assert_int_equal(
      run(PAGE("<Path Data=\"M0,0 L1,1\" Fill=\"#FF0000\">"
               "<Path.OpacityMask><LinearGradientBrush StartPoint=\"0,0\" "
               "EndPoint=\"1,0\"><LinearGradientBrush.GradientStops>"
               "<GradientStop Color=\"#00000000\" Offset=\"0\"/>"
               "<GradientStop Color=\"#FF000000\" Offset=\"1\"/>"
               "</LinearGradientBrush.GradientStops></LinearGradientBrush>"
               "</Path.OpacityMask></Path>")),
      0);
  assert_int_equal(count_of(t.buf, "begin_mask\nfill nonzero linear("), 1);
  assert_int_equal(count_of(t.buf, "begin_group 1\nfill evenodd #FF0000FF"), 1);
}

static void mask_with_visual_canvas(void **state) {
  (void)state;
  /* The mask's Visual opens canvases while the masked Canvas is being
   * set up: they must not disturb its frame. */
  assert_int_equal(
      run(PAGE("<Canvas Opacity=\"0.5\"><Canvas.OpacityMask><VisualBrush "
               "Viewbox=\"0,0,1,1\" Viewport=\"0,0,10,10\" TileMode=\"Tile\">"
               "<VisualBrush.Visual><Canvas RenderTransform=\"1,0,0,1,0,0\">"
               "<Canvas Clip=\"M0,0 L1,0 1,1 Z\"><Path Data=\"M0,0 L1,1\" "
               "Fill=\"#000000\"/></Canvas></Canvas></VisualBrush.Visual>"
               "</VisualBrush></Canvas.OpacityMask>"
               "<Path Data=\"M0,0 L1,1\" Fill=\"#00A000\"/></Canvas>")),
      0);
  assert_int_equal(count_of(t.buf, "begin_mask\nbegin_tile nonzero tile op 1 "
                                   "port 0 0 10 10"),
                   1);
  assert_int_equal(count_of(t.buf, "pop_clip\nend_tile\nend_mask\n"
                                   "begin_group 0.5\nfill evenodd #00A000FF "
                                   "[ 1 0 0 1 0 0 ] M 0 0 L 1 1\nend_group\n"
                                   "pop_clip\n"),
                   1);
  assert_int_equal(w.n, 0);
}

static void edge_mode(void **state) {
  (void)state;
  assert_int_equal(
      run(PAGE("<Canvas RenderOptions.EdgeMode=\"Aliased\">"
               "<Canvas><Path Data=\"M0,0 L1,1\" Fill=\"#000000\"/></Canvas>"
               "</Canvas><Path Data=\"M0,0 L1,1\" Fill=\"#000000\"/>")),
      0);
  /* Aliased for the canvas and what it holds, restored after. */
  assert_int_equal(count_of(t.buf, "aliased 1\nfill"), 1);
  assert_int_equal(count_of(t.buf, "aliased 0\nfill"), 1);
  assert_int_equal(run(PAGE("<Canvas RenderOptions.EdgeMode=\"Sharp\">"
                            "<Path Data=\"M0,0 L1,1\" Fill=\"#000000\"/>"
                            "</Canvas>")),
                   0);
  assert_int_equal(w.n, 1);
  assert_int_equal(count_of(t.buf, "fill"), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(solid_brush),
      cmocka_unit_test(linear_gradient),
      cmocka_unit_test(relative_mapping_and_transform),
      cmocka_unit_test(stops_outside_range),
      cmocka_unit_test(radial_gradient),
      cmocka_unit_test(bad_gradients),
      cmocka_unit_test(stop_limit),
      cmocka_unit_test(visual_brush),
      cmocka_unit_test(opacity_mask),
      cmocka_unit_test(mask_with_visual_canvas),
      cmocka_unit_test(edge_mode),
  };
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  trace_free(&t);
  return rc;
}
