/* Brushes: colour strings, SolidColorBrush, gradients, tiles
 * (private to xps/). */
#ifndef XPS_BRUSH_H
#define XPS_BRUSH_H

#include "xps/page_imp.h"

enum xps_brush_kind {
  XPS_BRUSH_NONE = 0,
  XPS_BRUSH_SOLID,
  XPS_BRUSH_LINEAR,
  XPS_BRUSH_RADIAL,
  XPS_BRUSH_VISUAL,
  XPS_BRUSH_IMAGE
};

typedef struct xps_brush {
  int kind;
  float opacity;        /* brush Opacity */
  ras_color color;      /* SOLID */
  const xps_node *node; /* gradient or tile brush element */
  xps_rscope *scope;    /* resource scope the node resolves in */
  ras_matrix transform; /* brush Transform */
  int relative;         /* MappingMode / ViewportUnits RelativeToBoundingBox */
  /* gradients: stops clipped to [0, 1] and sorted (in r->arena) */
  ras_gradient_stop *stops;
  int nstops;
  int spread, interp;
  double pts[6]; /* linear: start, end; radial: centre, origin, rx, ry */
  /* tiles */
  double viewbox[4], viewport[4];
  int tile_mode;
  const xps_node *visual; /* VisualBrush content */
} xps_brush;

/* Resolves a brush from an attribute value (colour or {StaticResource})
 * or from a property element (Path.Fill, ...) holding one brush element.
 * Returns 0, XR_E_SYNTAX (warned: skip the element) or fatal. */
int xps_brush_value(xps_run *r, const char *v, long line, xps_brush *b);
int xps_brush_prop(xps_run *r, const xps_node *prop, xps_brush *b);

/* Paints path (in the space of ctm) with b, fill rule rule, or its stroke
 * outline when stroke is not NULL; opacity multiplies the brush's.
 * Returns 0 or a fatal status (a bad brush warns and paints nothing). */
int xps_brush_paint(xps_run *r, const xps_brush *b, const ras_path *path,
                    int rule, const ras_stroke *stroke, const ras_matrix *ctm,
                    float opacity);

/* 1 when painting b needs more than a constant colour. */
int xps_brush_is_complex(const xps_brush *b);

#endif
