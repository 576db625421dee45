/* Endpoint arcs to cubic Béziers.
 *
 * The conversion follows the SVG 1.1 implementation notes (F.6.5/F.6.6),
 * which XPS ArcSegment shares. Each piece spans at most 90 degrees and uses
 * the tangent length 4/3·tan(θ/4), whose radial error is below 3e-4 of the
 * radius: the arc stays a curve all the way to the rasterizer. */
#include "xps/arc.h"

#include <math.h>

#include "xpsraster/error.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* Angle from u to v, in (-pi, pi]. */
static double vec_angle(double ux, double uy, double vx, double vy) {
  return atan2(ux * vy - uy * vx, ux * vx + uy * vy);
}

int xps_arc_to(ras_path *p, double rx, double ry, double rot_deg, int large,
               int sweep, double x, double y) {
  double x0 = p->cur.x, y0 = p->cur.y;
  if (!isfinite(rx) || !isfinite(ry) || !isfinite(rot_deg))
    return XR_E_INVAL;
  if (x0 == x && y0 == y && p->has_cur)
    return 0;
  rx = fabs(rx);
  ry = fabs(ry);
  if (rx == 0 || ry == 0)
    return ras_path_line(p, x, y);

  double phi = fmod(rot_deg, 360.0) * (M_PI / 180.0);
  double cs = cos(phi), sn = sin(phi);
  double dx = (x0 - x) / 2, dy = (y0 - y) / 2;
  double x1p = cs * dx + sn * dy;
  double y1p = -sn * dx + cs * dy;
  if (x1p == 0 && y1p == 0)
    return ras_path_line(p, x, y);

  /* Radii too small to join the endpoints grow just enough (F.6.6). */
  double lam = (x1p * x1p) / (rx * rx) + (y1p * y1p) / (ry * ry);
  if (lam > 1) {
    double s = sqrt(lam);
    rx *= s;
    ry *= s;
  }
  double rx2 = rx * rx, ry2 = ry * ry;
  double num = rx2 * ry2 - rx2 * y1p * y1p - ry2 * x1p * x1p;
  double den = rx2 * y1p * y1p + ry2 * x1p * x1p;
  double coef = (num > 0 && den > 0) ? sqrt(num / den) : 0;
  if (large == sweep)
    coef = -coef;
  double cxp = coef * rx * y1p / ry;
  double cyp = -coef * ry * x1p / rx;
  double cx = cs * cxp - sn * cyp + (x0 + x) / 2;
  double cy = sn * cxp + cs * cyp + (y0 + y) / 2;

  double ux = (x1p - cxp) / rx, uy = (y1p - cyp) / ry;
  double vx = (-x1p - cxp) / rx, vy = (-y1p - cyp) / ry;
  double th = atan2(uy, ux);
  double dth = vec_angle(ux, uy, vx, vy);
  if (!sweep && dth > 0)
    dth -= 2 * M_PI;
  else if (sweep && dth < 0)
    dth += 2 * M_PI;
  if (!isfinite(cx) || !isfinite(cy) || !isfinite(th) || !isfinite(dth))
    return ras_path_line(p, x, y);

  /* The small epsilon keeps an exact quarter turn in one piece. */
  int n = (int)ceil(fabs(dth) / (M_PI / 2) - 1e-9);
  if (n < 1)
    n = 1;
  if (n > 4)
    n = 4;
  double step = dth / n;
  double k = 4.0 / 3.0 * tan(step / 4);
  double a = th;
  for (int i = 0; i < n; i++) {
    double b = (i == n - 1) ? th + dth : a + step;
    double ca = cos(a), sa = sin(a), cb = cos(b), sb = sin(b);
    /* Unit-circle control points, then scale, rotate, translate. */
    double ux1 = ca - k * sa, uy1 = sa + k * ca;
    double ux2 = cb + k * sb, uy2 = sb - k * cb;
    double px[3], py[3];
    double ex[3] = {ux1 * rx, ux2 * rx, cb * rx};
    double ey[3] = {uy1 * ry, uy2 * ry, sb * ry};
    for (int j = 0; j < 3; j++) {
      px[j] = cs * ex[j] - sn * ey[j] + cx;
      py[j] = sn * ex[j] + cs * ey[j] + cy;
    }
    if (i == n - 1) {
      px[2] = x;
      py[2] = y;
    }
    int rc = ras_path_cubic(p, px[0], py[0], px[1], py[1], px[2], py[2]);
    if (rc)
      return rc;
    a = b;
  }
  return 0;
}
