/* Edge lists: device-space line segments ready for scan conversion.
 *
 * Coordinates are 24.8 fixed point. Every edge is clipped to the device box
 * when it is added, so later stages never see a huge coordinate:
 *  - parts above or below the box are dropped (coverage is accumulated per
 *    row, so they cannot affect visible rows);
 *  - parts right of the box are dropped (they only touch cells past the
 *    last column);
 *  - parts left of the box become vertical edges at x = 0 (they contribute
 *    the same winding to every visible pixel).
 * Edges are also split at every RAS_BLOCK_ROWS-row boundary, so a band finds
 * its edges through a per-block index instead of scanning the whole path.
 * The split positions depend only on the page, never on the band height, so
 * banded output is byte-identical to unbanded output. */
#ifndef RAS_EDGES_H
#define RAS_EDGES_H

#include <stddef.h>
#include <stdint.h>

#include "render/matrix.h"
#include "render/path.h"

#define RAS_FIX_SHIFT 8
#define RAS_FIX_ONE 256
#define RAS_BLOCK_SHIFT 5 /* 32 rows */
#define RAS_BLOCK_ROWS (1 << RAS_BLOCK_SHIFT)

/* Curve flattening tolerance in device pixels. */
#define RAS_FLAT_TOL 0.1
/* Upper bound on line segments per flattened curve or arc: bounds work for
 * hostile curves whose control points are far outside the page. */
#define RAS_FLAT_MAX_SEGS 512

/* A directed segment (x0,y0) -> (x1,y1); y0 != y1, both in one block. */
typedef struct ras_edge {
  int32_t x0, y0, x1, y1;
} ras_edge;

typedef struct ras_edgebuf {
  ras_edge *e;
  size_t n, cap;
  size_t max;                 /* limit on edges: XR_E_LIMIT past it */
  double w, h;                /* device box [0,w] x [0,h] */
  double cx, cy;              /* current point (device) */
  double sx, sy;              /* start of the current figure */
  int open;                   /* a figure is open */
  int err;                    /* sticky error */
  int32_t bx0, by0, bx1, by1; /* bbox of edges, fixed point */
} ras_edgebuf;

/* Empty buffer for a w x h device box; allocates nothing. */
void ras_eb_init(ras_edgebuf *eb, int w, int h, size_t max_edges);
void ras_eb_reset(ras_edgebuf *eb); /* frees storage */
void ras_eb_clear(ras_edgebuf *eb); /* forgets edges, keeps storage */

/* Polygon building in device coordinates. move and close both close the
 * open figure (fills are always closed). Errors are sticky in eb->err. */
void ras_eb_move(ras_edgebuf *eb, double x, double y);
void ras_eb_line(ras_edgebuf *eb, double x, double y);
void ras_eb_close(ras_edgebuf *eb);
/* Adds one segment without touching the current figure. */
void ras_eb_segment(ras_edgebuf *eb, double x0, double y0, double x1,
                    double y1);

/* Flattens path transformed by m (NULL: identity) into eb, closing every
 * figure, with tolerance tol in device pixels. Returns eb->err. */
int ras_eb_fill_path(ras_edgebuf *eb, const ras_path *p, const ras_matrix *m,
                     double tol);

/* Pixel bbox of the edges clipped to the box; returns 0 when empty. */
int ras_eb_bbox(const ras_edgebuf *eb, int *x0, int *y0, int *x1, int *y1);

/* Number of segments for a curve whose control polygon has second
 * differences of length dd (device pixels), clamped to
 * [1, RAS_FLAT_MAX_SEGS]. */
int ras_flat_segments(double dd, double tol);

#endif
