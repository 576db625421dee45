/* The abbreviated geometry parser: every command, relative forms, implicit
 * repeats, number syntax, and malformed strings with their offsets. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "support_trace.h"
#include "xps/arc.h"
#include "xps/pathdata.h"

/* Parses s and returns its trace text in a static buffer ("ERR@off what"
 * for failures); *rule gets the fill rule. */
static char out[4096];
static int last_rule;
static const char *parse(const char *s) {
  ras_path p;
  ras_path_init(&p, 0);
  int rule = RAS_EVENODD;
  xps_pathdata_err e = {0, NULL};
  int rc = xps_pathdata_parse(s, &p, &rule, &e);
  if (rc) {
    snprintf(out, sizeof out, "ERR%d@%zu %s", rc, e.offset,
             e.what ? e.what : "");
  } else {
    trace t;
    trace_init(&t);
    trace_path(&t, &p);
    snprintf(out, sizeof out, "%s", t.buf ? t.buf : "");
    trace_free(&t);
  }
  last_rule = rule;
  ras_path_reset(&p);
  return out;
}

static void absolute_commands(void **state) {
  (void)state;
  assert_string_equal(parse("M 1,2 L 3,4 Z"), "M 1 2 L 3 4 Z");
  assert_string_equal(parse("M0,0 H 5 V 6"), "M 0 0 L 5 0 L 5 6");
  assert_string_equal(parse("M0,0 C 1,2 3,4 5,6"), "M 0 0 C 1 2 3 4 5 6");
  assert_string_equal(parse("M0,0 Q 1,2 3,4"), "M 0 0 Q 1 2 3 4");
  /* S reflects the previous cubic's second control point about the end. */
  assert_string_equal(parse("M0,0 C 1,1 2,1 3,0 S 5,-1 6,0"),
                      "M 0 0 C 1 1 2 1 3 0 C 4 -1 5 -1 6 0");
  /* S without a preceding cubic uses the current point. */
  assert_string_equal(parse("M0,0 L 1,0 S 2,2 3,0"),
                      "M 0 0 L 1 0 C 1 0 2 2 3 0");
}

static void relative_commands(void **state) {
  (void)state;
  assert_string_equal(parse("m 1,2 l 3,4 h 1 v -1 z"),
                      "M 1 2 L 4 6 L 5 6 L 5 5 Z");
  assert_string_equal(parse("M 10,10 c 1,1 2,2 3,3"),
                      "M 10 10 C 11 11 12 12 13 13");
  assert_string_equal(parse("M 10,10 q 1,1 2,2"), "M 10 10 Q 11 11 12 12");
  assert_string_equal(parse("M 10,10 c 1,1 2,1 3,0 s 2,-1 3,0"),
                      "M 10 10 C 11 11 12 11 13 10 C 14 9 15 9 16 10");
  /* After z the current point is the figure's start. */
  assert_string_equal(parse("M 5,5 l 10,0 z m 1,1 l 1,0"),
                      "M 5 5 L 15 5 Z M 6 6 L 7 6");
}

static void implicit_repeats(void **state) {
  (void)state;
  /* Extra pairs after M are line segments, relative after m. */
  assert_string_equal(parse("M 0,0 1,1 2,0"), "M 0 0 L 1 1 L 2 0");
  assert_string_equal(parse("m 1,1 1,1 1,1"), "M 1 1 L 2 2 L 3 3");
  assert_string_equal(parse("M0 0L1 1 2 2 3 3"), "M 0 0 L 1 1 L 2 2 L 3 3");
  assert_string_equal(parse("M0,0 H 1 2 3"), "M 0 0 L 1 0 L 2 0 L 3 0");
  assert_string_equal(parse("M0,0 Q 1,1 2,0 3,-1 4,0"),
                      "M 0 0 Q 1 1 2 0 Q 3 -1 4 0");
  assert_string_equal(parse("M0,0 l 1,0 1,0"), "M 0 0 L 1 0 L 2 0");
}

static void numbers(void **state) {
  (void)state;
  assert_string_equal(parse("M 1e1,2.5E-1 L -.5,+3."), "M 10 0.25 L -0.5 3");
  assert_string_equal(parse("M1-2L-3-4"), "M 1 -2 L -3 -4");
  assert_string_equal(parse("M .5.5"), "M 0.5 0.5");
  assert_string_equal(parse("  M\t1\n,\r2  "), "M 1 2");
  assert_string_equal(parse(""), "");
  assert_string_equal(parse("M 0,0 L 1e+2,1e-2"), "M 0 0 L 100 0.01");
  double v;
  assert_int_equal(xps_number_scan("12.5e2x", &v), 6);
  assert_true(v == 1250);
  assert_int_equal(xps_number_scan("inf", &v), 0);
  assert_int_equal(xps_number_scan("nan", &v), 0);
  assert_int_equal(xps_number_scan("0x10", &v), 1);
  assert_int_equal(xps_number_scan("1e999", &v), 0); /* not finite */
  assert_int_equal(xps_number_scan(".", &v), 0);
}

static void fill_rules(void **state) {
  (void)state;
  parse("F1 M 0,0 L 1,1");
  assert_int_equal(last_rule, RAS_NONZERO);
  parse("F0 M 0,0 L 1,1");
  assert_int_equal(last_rule, RAS_EVENODD);
  parse("M 0,0 L 1,1");
  assert_int_equal(last_rule, RAS_EVENODD);
  assert_string_equal(parse("F2 M 0,0"), "ERR-5@1 fill rule must be F0 or F1");
  assert_string_equal(parse("M 0,0 F1"),
                      "ERR-5@6 fill rule is allowed only at the start");
}

static void malformed(void **state) {
  (void)state;
  assert_string_equal(parse("M 0,0 L 1"),
                      "ERR-5@9 string ends where a number belongs");
  assert_string_equal(parse("M 0,0 X 1,1"), "ERR-5@6 unknown command");
  assert_string_equal(parse("1,1"), "ERR-5@0 number without a command");
  assert_string_equal(parse("M 0,0 L 1,x"), "ERR-5@10 expected a number");
  assert_string_equal(parse("M 0,0 Z 1"), "ERR-5@8 number after Z");
  assert_string_equal(parse("M 0,0 A 1,1 0 1"),
                      "ERR-5@15 string ends where a number belongs");
  assert_string_equal(parse("M 0,0 T 1,1"), "ERR-5@6 unknown command");
  /* Finite numbers whose result overflows are out of range. */
  assert_string_equal(parse("M 1e308,0 l 1e308,0"),
                      "ERR-5@10 coordinate out of range");
}

static void point_limit(void **state) {
  (void)state;
  ras_path p;
  int rule = 0;
  xps_pathdata_err e;
  ras_path_init(&p, 3);
  assert_int_equal(xps_pathdata_parse("M0,0 L1,1 2,2", &p, &rule, &e), 0);
  ras_path_clear(&p);
  assert_int_equal(xps_pathdata_parse("M0,0 L1,1 2,2 3,3", &p, &rule, &e),
                   XR_E_LIMIT);
  assert_string_equal(e.what, "too many points");
  ras_path_reset(&p);
}

/* Distance of a cubic's points from the circle of radius r at (cx, cy). */
static double max_radial_error(const ras_path *p, double cx, double cy,
                               double r) {
  double worst = 0;
  size_t k = 1;
  for (size_t i = 1; i < p->nverbs; i++) {
    assert_int_equal(p->verbs[i], RAS_CUBIC);
    const ras_point *q = &p->pts[k - 1];
    for (int s = 0; s <= 16; s++) {
      double t = s / 16.0, u = 1 - t;
      double x = u * u * u * q[0].x + 3 * u * u * t * q[1].x +
                 3 * u * t * t * q[2].x + t * t * t * q[3].x;
      double y = u * u * u * q[0].y + 3 * u * u * t * q[1].y +
                 3 * u * t * t * q[2].y + t * t * t * q[3].y;
      double d = fabs(hypot(x - cx, y - cy) - r);
      if (d > worst)
        worst = d;
    }
    k += 3;
  }
  return worst;
}

static void arcs(void **state) {
  (void)state;
  ras_path p;
  int rule = 0;
  xps_pathdata_err e;
  ras_path_init(&p, 0);
  /* A half circle of radius 10 from (0,0) to (20,0): two 90° cubics. */
  assert_int_equal(
      xps_pathdata_parse("M 0,0 A 10,10 0 0 1 20,0", &p, &rule, &e), 0);
  assert_int_equal(p.nverbs, 3);
  assert_true(max_radial_error(&p, 10, 0, 10) < 0.003);
  /* Clockwise in y-down space goes through y < 0 (the top). */
  assert_true(p.pts[3].y < -9.99 && fabs(p.pts[3].x - 10) < 1e-9);
  ras_path_clear(&p);
  /* Sweep 0 goes the other way, through the bottom. */
  xps_pathdata_parse("M 0,0 A 10,10 0 0 0 20,0", &p, &rule, &e);
  assert_true(p.pts[3].y > 9.99);
  ras_path_clear(&p);
  /* Large arc of 270°: three cubics; end point exact. */
  xps_pathdata_parse("M 10,0 A 10,10 0 1 1 0,-10", &p, &rule, &e);
  assert_int_equal(p.nverbs, 4);
  assert_true(max_radial_error(&p, 0, 0, 10) < 0.003);
  assert_true(p.pts[p.npts - 1].x == 0 && p.pts[p.npts - 1].y == -10);
  ras_path_clear(&p);
  /* Radii too small: scaled up to a half circle through both ends. */
  xps_pathdata_parse("M 0,0 A 1,1 0 0 1 20,0", &p, &rule, &e);
  assert_int_equal(p.nverbs, 3);
  assert_true(max_radial_error(&p, 10, 0, 10) < 0.003);
  ras_path_clear(&p);
  /* Zero radius is a line; equal endpoints draw nothing. */
  assert_string_equal(parse("M 0,0 A 0,5 0 0 1 20,0"), "M 0 0 L 20 0");
  assert_string_equal(parse("M 3,3 A 5,5 0 0 1 3,3"), "M 3 3");
  /* Relative form and rotation: a rotated ellipse still ends exactly. */
  xps_pathdata_parse("M 5,5 a 10,5 30 1 0 7,7", &p, &rule, &e);
  assert_true(p.pts[p.npts - 1].x == 12 && p.pts[p.npts - 1].y == 12);
  assert_true(p.nverbs >= 3 && p.nverbs <= 5);
  ras_path_reset(&p);
}

/* Every arc piece spans at most 90°: check on a full-ish ellipse. */
static void arc_pieces(void **state) {
  (void)state;
  ras_path p;
  ras_path_init(&p, 0);
  ras_path_move(&p, 10, 0);
  assert_int_equal(xps_arc_to(&p, 10, 10, 0, 1, 1, 10, -0.001), 0);
  assert_int_equal(p.nverbs, 5); /* just under 360°: four pieces */
  /* 90° pieces stay within 2.8e-4 of the radius. */
  assert_true(max_radial_error(&p, 0, -0.0005, 10) < 0.0029);
  ras_path_reset(&p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(absolute_commands), cmocka_unit_test(relative_commands),
      cmocka_unit_test(implicit_repeats),  cmocka_unit_test(numbers),
      cmocka_unit_test(fill_rules),        cmocka_unit_test(malformed),
      cmocka_unit_test(point_limit),       cmocka_unit_test(arcs),
      cmocka_unit_test(arc_pieces),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
