/* PathGeometry, PathFigure and segments through the trace device. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "support_trace.h"

#define NS "xmlns=\"http://schemas.microsoft.com/xps/2005/06\""
#define PAGE(body)                                                             \
  "<FixedPage " NS " Width=\"100\" Height=\"50\">" body "</FixedPage>"
#define DATA(geom)                                                             \
  PAGE("<Path Fill=\"#000000\" Stroke=\"#FF0000\"><Path.Data>" geom            \
       "</Path.Data></Path>")

static trace t;
static warns w;
static xps_ctx ctx;
static xr_errinfo err;

static int run(const char *xml) {
  int rc = trace_page(&t, xml, &ctx, &err);
  assert_int_equal(t.depth, 0);
  return rc;
}

/* The path text of the first line starting with prefix. */
static const char *line_of(const char *prefix) {
  static char buf[2048];
  const char *p = strstr(t.buf ? t.buf : "", prefix);
  if (!p)
    return "";
  p = strstr(p, "] ");
  const char *e = strchr(p, '\n');
  snprintf(buf, sizeof buf, "%.*s", (int)(e - p - 2), p + 2);
  return buf;
}

static void segments(void **state) {
  (void)state;
  trace_ctx(&ctx, &w);
  assert_int_equal(
      run(DATA("<PathGeometry><PathFigure StartPoint=\"1,2\" IsClosed=\"true\">"
               "<PolyLineSegment Points=\"3,4 5,6\"/>"
               "<PolyBezierSegment Points=\"1,1 2,2 3,3\"/>"
               "<PolyQuadraticBezierSegment Points=\"7,7 8,8 9,9 10,10\"/>"
               "</PathFigure></PathGeometry>")),
      0);
  assert_string_equal(line_of("fill"), "M 1 2 L 3 4 L 5 6 C 1 1 2 2 3 3 "
                                       "Q 7 7 8 8 Q 9 9 10 10 Z");
  /* PathGeometry defaults to even-odd. */
  assert_int_equal(count_of(t.buf, "fill evenodd"), 1);
  assert_int_equal(w.n, 0);
}

static void arc_segment(void **state) {
  (void)state;
  trace_ctx(&ctx, &w);
  assert_int_equal(
      run(DATA("<PathGeometry FillRule=\"NonZero\"><PathFigure "
               "StartPoint=\"0,0\"><ArcSegment Point=\"20,0\" Size=\"10,10\" "
               "RotationAngle=\"0\" IsLargeArc=\"false\" "
               "SweepDirection=\"Clockwise\"/></PathFigure></PathGeometry>")),
      0);
  assert_int_equal(count_of(t.buf, "fill nonzero"), 1);
  /* Two 90° cubics, ending exactly at the point. */
  const char *l = line_of("fill");
  assert_int_equal(count_of(l, "C "), 2);
  assert_non_null(strstr(l, " 20 0"));
  assert_non_null(strstr(l, " 10 -10 "));
}

static void filled_and_stroked_flags(void **state) {
  (void)state;
  trace_ctx(&ctx, &w);
  assert_int_equal(
      run(DATA("<PathGeometry>"
               "<PathFigure StartPoint=\"0,0\" IsFilled=\"false\">"
               "<PolyLineSegment Points=\"1,0 1,1\"/></PathFigure>"
               "<PathFigure StartPoint=\"5,5\" IsClosed=\"true\">"
               "<PolyLineSegment Points=\"6,5\"/>"
               "<PolyLineSegment Points=\"6,6\" IsStroked=\"false\"/>"
               "<PolyLineSegment Points=\"5,6\"/>"
               "</PathFigure></PathGeometry>")),
      0);
  /* The unfilled figure is only stroked. */
  assert_string_equal(line_of("fill"), "M 5 5 L 6 5 L 6 6 L 5 6 Z");
  /* The unstroked segment becomes a gap; closing is still stroked. */
  assert_string_equal(line_of("stroke"),
                      "M 0 0 L 1 0 L 1 1 M 5 5 L 6 5 M 6 6 L 5 6 L 5 5");
}

static void stroke_only_figures(void **state) {
  (void)state;
  trace_ctx(&ctx, &w);
  assert_int_equal(run(DATA("<PathGeometry><PathFigure StartPoint=\"0,0\" "
                            "IsFilled=\"false\"><PolyLineSegment "
                            "Points=\"1,0 1,1\"/></PathFigure>"
                            "</PathGeometry>")),
                   0);
  assert_int_equal(count_of(t.buf, "fill"), 0);
  assert_string_equal(line_of("stroke"), "M 0 0 L 1 0 L 1 1");
}

static void figures_and_transform(void **state) {
  (void)state;
  trace_ctx(&ctx, &w);
  assert_int_equal(run(DATA("<PathGeometry Figures=\"M 1,1 L 2,2\" "
                            "Transform=\"2,0,0,2,10,0\">"
                            "<PathFigure StartPoint=\"0,0\">"
                            "<PolyLineSegment Points=\"1,0\"/></PathFigure>"
                            "</PathGeometry>")),
                   0);
  /* The geometry Transform moves points; the element ctm stays identity. */
  assert_string_equal(line_of("fill"), "M 12 2 L 14 4 M 10 0 L 12 0");
  assert_int_equal(count_of(t.buf, "[ 1 0 0 1 0 0 ]"), 2);
  assert_int_equal(
      run(DATA("<PathGeometry><PathGeometry.Transform>"
               "<MatrixTransform Matrix=\"1,0,0,1,0,5\"/>"
               "</PathGeometry.Transform><PathFigure StartPoint=\"0,0\">"
               "<PolyLineSegment Points=\"1,0\"/></PathFigure>"
               "</PathGeometry>")),
      0);
  assert_string_equal(line_of("fill"), "M 0 5 L 1 5");
}

static void bad_geometry(void **state) {
  (void)state;
  static const char *bad[] = {
      "<PathGeometry><PathFigure StartPoint=\"0,0\"><PolyBezierSegment "
      "Points=\"1,1 2,2\"/></PathFigure></PathGeometry>",
      "<PathGeometry><PathFigure><PolyLineSegment Points=\"1,1\"/>"
      "</PathFigure></PathGeometry>",
      "<PathGeometry><PathFigure StartPoint=\"0,0\"><PolyLineSegment "
      "Points=\"1,1 2\"/></PathFigure></PathGeometry>",
      "<PathGeometry FillRule=\"Odd\"/>",
      "<PathGeometry><PathFigure StartPoint=\"0,0\"><ArcSegment "
      "Point=\"1,1\" Size=\"1,1\" SweepDirection=\"Left\"/></PathFigure>"
      "</PathGeometry>",
      "<PathGeometry><PathFigure StartPoint=\"0,0\" IsClosed=\"yes\"/>"
      "</PathGeometry>",
      "<PathGeometry><Canvas/></PathGeometry>",
      "<PathGeometry/><PathGeometry/>",
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    char xml[1024];
    snprintf(xml, sizeof xml, DATA("%s"), bad[i]);
    trace_ctx(&ctx, &w);
    assert_int_equal(run(xml), 0);
    assert_int_equal(count_of(t.buf, "fill"), 0);
    assert_int_equal(w.n, 1);
    assert_int_equal(w.last.status, XR_E_SYNTAX);
  }
}

static void point_limit(void **state) {
  (void)state;
  trace_ctx(&ctx, &w);
  xr_limits_set(&ctx.limits, XR_LIMIT_PATH_POINTS, 4);
  /* N = 4 points pass... */
  assert_int_equal(run(DATA("<PathGeometry><PathFigure StartPoint=\"0,0\">"
                            "<PolyLineSegment Points=\"1,1 2,2 3,3\"/>"
                            "</PathFigure></PathGeometry>")),
                   0);
  assert_int_equal(count_of(t.buf, "fill"), 1);
  /* ...N + 1 is a page error naming the line. */
  assert_int_equal(run(DATA("<PathGeometry><PathFigure StartPoint=\"0,0\">"
                            "<PolyLineSegment Points=\"1,1 2,2 3,3 4,4\"/>"
                            "</PathFigure></PathGeometry>")),
                   XR_E_LIMIT);
  assert_non_null(strstr(err.msg, "PATH_POINTS"));
  assert_int_equal(
      run(PAGE("<Path Fill=\"#000000\" Data=\"M0,0 1,1 2,2 3,3\"/>")), 0);
  assert_int_equal(run(PAGE("<Path Fill=\"#000000\" "
                            "Data=\"M0,0 1,1 2,2 3,3 4,4\"/>")),
                   XR_E_LIMIT);
  /* The limit cannot be raised past its bound. */
  assert_int_equal(xr_limits_set(&ctx.limits, XR_LIMIT_PATH_POINTS, INT64_MAX),
                   xr_limit_bound(XR_LIMIT_PATH_POINTS));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(segments),
      cmocka_unit_test(arc_segment),
      cmocka_unit_test(filled_and_stroked_flags),
      cmocka_unit_test(stroke_only_figures),
      cmocka_unit_test(figures_and_transform),
      cmocka_unit_test(bad_geometry),
      cmocka_unit_test(point_limit),
  };
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  trace_free(&t);
  return rc;
}
