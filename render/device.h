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
  RAS_PAINT_LINEAR = 1, /* ras_paint.grad, linear */
  RAS_PAINT_RADIAL = 2, /* ras_paint.grad, radial */
  RAS_PAINT_IMAGE = 3   /* ras_paint.image (appended for images) */
};

/* Gradients (appended for xps/ brushes).
 *
 * A gradient lives in its own "gradient space"; grad.m maps it to the user
 * space of the path being painted (the call's ctm then maps on to the page),
 * so brush Transform and MappingMode are already folded into m.
 * - LINEAR: t = 0 at (x0, y0), t = 1 at (x1, y1); t is the projection of a
 *   point on that line.
 * - RADIAL: the unit circle centred at the origin is t = 1; the focal point
 *   (GradientOrigin) is (x1, y1), strictly inside the circle, and is t = 0;
 *   t grows linearly along each ray from the focal point to the circle
 *   (x0, y0 are unused and 0). Ellipses and RadiusX != RadiusY are in m.
 * Outside [0, 1] spread decides: PAD clamps, REFLECT mirrors, REPEAT wraps.
 * Stops are sorted by offset (equal offsets allowed: a hard edge), at least
 * one. Colours are sRGB-encoded; interp says in which space to blend:
 * RAS_INTERP_SRGB blends the encoded values, RAS_INTERP_LINEAR converts to
 * linear light, blends, and converts back (XPS ScRgbLinearInterpolation).
 * Alpha always blends linearly, premultiplied is the device's business.
 * opacity multiplies every stop's alpha. Stops are borrowed for the call. */
enum ras_spread { RAS_SPREAD_PAD = 0, RAS_SPREAD_REFLECT, RAS_SPREAD_REPEAT };
enum ras_interp { RAS_INTERP_SRGB = 0, RAS_INTERP_LINEAR = 1 };

typedef struct ras_gradient_stop {
  float offset; /* 0..1 */
  ras_color color;
} ras_gradient_stop;

typedef struct ras_gradient {
  const ras_gradient_stop *stops;
  int nstops;
  int spread; /* enum ras_spread */
  int interp; /* enum ras_interp */
  float opacity;
  double x0, y0, x1, y1;
  ras_matrix m; /* gradient space -> user space of the path */
} ras_gradient;

/* Images (appended for ImageBrush). Image pixel (u, v), with (0, 0) the
 * top-left corner of the image and (w, h) the bottom-right one, lies at
 * m(u, v) in the user space of the path being painted (the call's ctm
 * then maps on to the page): m already holds the image DPI, the Viewbox to
 * Viewport mapping (ras_image_brush_matrix in render/image.h) and the brush
 * Transform. Outside the image the paint is transparent; repetition
 * (TileMode) comes from the tile calls around it. The image is borrowed
 * for the call: a device that records it takes a reference
 * (ras_image_keep) and drops it with its recording. It is prepared
 * (premultiplied sRGB with mip levels), immutable and thread-safe. */
struct ras_image;
struct ras_glyph_run; /* render/glyph.h */
typedef struct ras_image_paint {
  struct ras_image *image;
  ras_matrix m;  /* image pixels -> user space of the path */
  float opacity; /* brush opacity times element opacity, 0..1 */
} ras_image_paint;

typedef struct ras_paint {
  int kind;
  ras_color solid;
  ras_gradient grad;     /* RAS_PAINT_LINEAR, RAS_PAINT_RADIAL */
  ras_image_paint image; /* RAS_PAINT_IMAGE */
} ras_paint;

/* Tiles (VisualBrush, ImageBrush): see begin_tile. */
enum ras_tile_mode {
  RAS_TILE_NONE = 0,
  RAS_TILE_TILE,
  RAS_TILE_FLIPX,
  RAS_TILE_FLIPY,
  RAS_TILE_FLIPXY
};

typedef struct ras_tile {
  /* The base tile: the Viewport rectangle x, y, w, h (w, h > 0) in "tile
   * space"; m maps tile space to the user space of the area. */
  double x, y, w, h;
  ras_matrix m;
  int mode; /* enum ras_tile_mode */
  float opacity;
} ras_tile;

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
  /* Opacity masks. Drawing between begin_mask and end_mask defines a mask
   * (only the alpha of what is drawn counts, colour is ignored); end_mask
   * then pushes that mask like a soft clip, popped by pop_clip. For a masked
   * element the interpreter calls: begin_mask, fill the mask brush over the
   * element's area, end_mask, begin_group(opacity), the element's content,
   * end_group, pop_clip -- the group makes the mask apply to the element as
   * a whole rather than to each of its parts. */
  int (*begin_mask)(void *dev);
  int (*end_mask)(void *dev);
  /* Tiled brushes (VisualBrush, ImageBrush; appended for xps/). The area
   * to paint is path under ctm with fill_rule or, when stroke is not NULL,
   * the outline of stroking path. Everything drawn until the matching
   * end_tile is the content of the base tile, each call with its own ctm
   * in page space, already placed where the base tile (tile->x,y,w,h mapped
   * by tile->m and then ctm) lies; the device clips it to that rectangle,
   * repeats it over the area per tile->mode (NONE: the base tile only;
   * FLIPX mirrors every other column, FLIPY every other row), without
   * seams, and composites the result with tile->opacity, clipped to the
   * area. Tiles nest (content may hold tiles) up to RESOURCE_DEPTH. */
  int (*begin_tile)(void *dev, const ras_path *path, const ras_matrix *ctm,
                    int fill_rule, const ras_stroke *stroke,
                    const ras_tile *tile);
  int (*end_tile)(void *dev);
  /* Text (appended for Glyphs): fills the glyphs of run, each placed by
   * ras_glyph_matrix(run, i) in user space and then by ctm, with paint
   * (solid only: other paints go through fill_path with the outlines), the
   * non-zero rule. The run and its glyphs are borrowed for the call; a
   * recording device takes a reference to run->font. A device that renders
   * glyph masks may fill glyphs too large for its cache as outlines. */
  int (*fill_glyphs)(void *dev, const struct ras_glyph_run *run,
                     const ras_matrix *ctm, const ras_paint *paint);
} ras_device_fns;

#endif
