/* Paths: a compact list of verbs and points in user space.
 *
 * Empty state allocates nothing (ras_path_init); every append checks the
 * point limit given at init and fails with XR_E_LIMIT past it, so an input
 * cannot grow a path without bound. */
#ifndef RAS_PATH_H
#define RAS_PATH_H

#include <stddef.h>
#include <stdint.h>

#include "render/matrix.h"

enum ras_verb {
  RAS_MOVE = 0,  /* 1 point */
  RAS_LINE = 1,  /* 1 point */
  RAS_QUAD = 2,  /* 2 points: control, end */
  RAS_CUBIC = 3, /* 3 points: c1, c2, end */
  RAS_CLOSE = 4  /* 0 points */
};

typedef struct ras_point {
  double x, y;
} ras_point;

typedef struct ras_path {
  uint8_t *verbs;
  ras_point *pts;
  size_t nverbs, verb_cap;
  size_t npts, pt_cap;
  size_t max_pts;   /* limit: XR_E_LIMIT past it */
  ras_point cur;    /* current point */
  ras_point start;  /* start of the current figure */
  int has_cur;      /* a MOVE has been seen */
} ras_path;

/* Empty path; allocates nothing. max_pts of 0 means XR_MAX_PATH_POINTS. */
void ras_path_init(ras_path *p, size_t max_pts);
/* Frees storage and returns to the empty state. */
void ras_path_reset(ras_path *p);
/* Keeps storage, forgets contents. */
void ras_path_clear(ras_path *p);

/* Appends; each returns 0, XR_E_NOMEM, XR_E_LIMIT, or XR_E_INVAL for a
 * non-finite coordinate. LINE/QUAD/CUBIC without a current point start a
 * figure at (0,0) as XPS does. */
int ras_path_move(ras_path *p, double x, double y);
int ras_path_line(ras_path *p, double x, double y);
int ras_path_quad(ras_path *p, double x1, double y1, double x, double y);
int ras_path_cubic(ras_path *p, double x1, double y1, double x2, double y2,
                   double x, double y);
int ras_path_close(ras_path *p);
/* Appends all of src transformed by m (m may be NULL). */
int ras_path_append(ras_path *p, const ras_path *src, const ras_matrix *m);

/* Bounding box of the control points after transform m (m may be NULL).
 * Returns -1 for an empty path. */
int ras_path_bounds(const ras_path *p, const ras_matrix *m, double *x0,
                    double *y0, double *x1, double *y1);

#endif
