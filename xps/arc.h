/* Elliptical arcs as exact cubic Béziers (private to xps/). */
#ifndef XPS_ARC_H
#define XPS_ARC_H

#include "render/path.h"

/* Appends an arc from p's current point to (x, y), as XPS ArcSegment and
 * the abbreviated "A" command define it: radii rx, ry, x-axis rotation in
 * degrees, the large-arc and sweep (1 = clockwise, y down) flags. Uses the
 * SVG endpoint-to-centre conversion: radii too small to reach are scaled
 * up, a zero radius gives a line, equal endpoints give nothing. Each cubic
 * spans at most 90 degrees. Returns 0 or a ras_path error. */
int xps_arc_to(ras_path *p, double rx, double ry, double rot_deg, int large,
               int sweep, double x, double y);

#endif
