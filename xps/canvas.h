/* Element effects shared by Canvas, Path and Glyphs (RenderTransform,
 * Clip, Opacity, OpacityMask) and the Canvas scope stack (private). */
#ifndef XPS_CANVAS_H
#define XPS_CANVAS_H

#include "xps/brush.h"
#include "xps/geometry.h"

typedef struct xps_fx {
  ras_matrix ctm; /* the element's transform to page space */
  int has_clip;
  xps_geom clip;
  float opacity;
  int has_mask;
  xps_brush mask;
  /* what begin emitted, so that end undoes exactly that */
  int clipped, masked, grouped;
} xps_fx;

/* Finds the property element "<elem>.<prop>" among n's children, or NULL.
 * Warns and returns XR_E_SYNTAX through *rc when both it and the attribute
 * prop are given. */
const xps_node *xps_prop(xps_run *r, const xps_node *n, const char *prop,
                         int *rc);

/* Checks that every child of n is one of its property elements
 * "<n->name>.<prop>" for prop in props (NULL-terminated). Warns and
 * returns XR_E_SYNTAX otherwise (the element is to be skipped). */
int xps_props_check(xps_run *r, const xps_node *n, const char *const *props);

/* Reads the effects of element n (local name n->name) relative to r->ctm.
 * Returns 0, XR_E_SYNTAX (warned) or fatal. Pair with xps_fx_drop. */
int xps_fx_read(xps_run *r, const xps_node *n, xps_fx *fx);
void xps_fx_drop(xps_fx *fx);

/* Emits clip, mask and (when group is set, or a mask needs one) the
 * opacity group, recording what it emitted for xps_fx_end. A mask brush
 * is painted over the page rectangle mapped into the element's space.
 * When group is 0 and there is no mask, the caller folds fx->opacity into
 * its paints itself. Returns 0 or a fatal status (r->err filled). */
int xps_fx_begin(xps_run *r, xps_fx *fx, int group);
int xps_fx_end(xps_run *r, xps_fx *fx);

/* Canvas: reads the property elements after the start event ev, opens the
 * canvas scope (or skips the whole element after a warning). */
int xps_canvas_begin(xps_run *r, xps_src *s, const xps_event *ev);
int xps_canvas_end(xps_run *r);
/* Bytes of one Canvas frame (r->frames holds NESTING of them). */
size_t xps_cframe_size(void);

/* Draws one Path element tree. */
int xps_path_draw(xps_run *r, const xps_node *path);

/* Draws one Canvas, Path or Glyphs tree (a VisualBrush's Visual) with
 * the current r->ctm and resources. */
int xps_draw_node(xps_run *r, const xps_node *n);

/* Walks the children of the element whose START was just read, until its
 * END: Canvas, Path and Glyphs elements. */
int xps_walk(xps_run *r, xps_src *s);

#endif
