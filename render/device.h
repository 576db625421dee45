/* The seam between the interpreter (xps/) and the renderer.
 *
 * xps/ walks a page and calls a ras_device_fns table; the display-list
 * builder implements it for rendering, a trace device implements it for
 * tests. Geometry arrives in page units (1/96 inch) with a transform to page
 * space; the device owns the page-to-pixel mapping. A device never keeps
 * pointers to arguments after a call returns: it copies what it needs.
 *
 * Every entry returns 0 or a negative xr_status. Entries may be NULL when a
 * device does not care (the caller then skips the call). New entries are
 * appended at the end. */
#ifndef RAS_DEVICE_H
#define RAS_DEVICE_H

#include <stdint.h>

#include "render/matrix.h"
#include "render/path.h"

/* sRGB-encoded colour, each component 0..1, plus alpha 0..1. */
typedef struct ras_color {
  float r, g, b, a;
} ras_color;

enum ras_paint_kind {
  RAS_PAINT_SOLID = 0,
  /* Gradients, images and tiles are appended here by later work. */
};

typedef struct ras_paint {
  int kind;
  ras_color solid;
} ras_paint;

enum ras_fill_rule { RAS_NONZERO = 0, RAS_EVENODD = 1 };

enum ras_cap { RAS_CAP_FLAT, RAS_CAP_ROUND, RAS_CAP_SQUARE, RAS_CAP_TRIANGLE };
enum ras_join { RAS_JOIN_MITER, RAS_JOIN_BEVEL, RAS_JOIN_ROUND };

typedef struct ras_stroke {
  double width; /* user units; a device enforces a 1-pixel minimum */
  int start_cap, end_cap, dash_cap; /* enum ras_cap */
  int join;                         /* enum ras_join */
  double miter_limit;               /* XPS default 10 */
  const double *dashes;             /* in multiples of width; NULL = solid */
  int ndashes;
  double dash_offset; /* in multiples of width */
} ras_stroke;

typedef struct ras_device_fns {
  /* Page size in 1/96 inch. Called once, before anything else. */
  int (*begin_page)(void *dev, double width, double height);
  int (*fill_path)(void *dev, const ras_path *path, const ras_matrix *ctm,
                   int fill_rule, const ras_paint *paint);
  int (*stroke_path)(void *dev, const ras_path *path, const ras_matrix *ctm,
                     const ras_stroke *stroke, const ras_paint *paint);
  /* Clips nest: everything until the matching pop is clipped to path. */
  int (*push_clip)(void *dev, const ras_path *path, const ras_matrix *ctm,
                   int fill_rule);
  int (*pop_clip)(void *dev);
  /* A transparency group with a constant opacity, composited as a whole. */
  int (*begin_group)(void *dev, float opacity);
  int (*end_group)(void *dev);
  /* Edge mode for following fills: 1 = aliased, 0 = anti-aliased. */
  int (*set_aliased)(void *dev, int aliased);
} ras_device_fns;

#endif
