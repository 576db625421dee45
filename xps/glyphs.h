/* The Glyphs element (private to xps/).
 *
 * Layout turns the attributes into a ras_glyph_run (glyph ids and em
 * origins in the element's user space); drawing paints that run's outlines
 * with the element's brush, clip, opacity and transform through the page
 * interpreter's helpers.
 *
 * Conventions from ECMA-388 §12 (XPS 1.0 §5.1):
 *  - Indices entries are "[(c[:g])][gid][,[adv][,[u][,[v]]]]"; adv, u and v
 *    are in 1/100 of FontRenderingEmSize; a positive v moves a glyph up;
 *  - an odd BidiLevel advances right to left and mirrors u;
 *  - IsSideways turns each glyph 90° anticlockwise about the top centre of
 *    the unturned glyph and advances by the vertical advance;
 *  - BoldSimulation widens outlines by XPS_BOLD_EM of the em in total,
 *    ItalicSimulation shears them by XPS_ITALIC_SHEAR (20°), both keep the
 *    advances.
 * A bad glyph index or cluster map warns (once per element) and draws what
 * it can; GLYPHS_PER_RUN, CLUSTER_MAP and FONT_SIZE are limits. */
#ifndef XPS_GLYPHS_H
#define XPS_GLYPHS_H

#include "render/glyph.h"
#include "xps/pkg.h"

#define XPS_BOLD_EM 0.02
#define XPS_ITALIC_SHEAR 0.36397023426620234 /* tan 20° */

/* The attributes of one Glyphs element (NULL when absent). */
typedef struct xps_glyphs_in {
  const char *part; /* page part: base for FontUri, named in warnings */
  long line;
  const char *font_uri, *size, *origin_x, *origin_y;
  const char *indices, *unicode, *bidi, *sideways, *sims;
} xps_glyphs_in;

typedef struct xps_glyph_layout {
  ras_glyph_run run; /* run.font is a reference owned by the layout */
  ras_glyph_pos *glyphs;
  size_t cap;
  int used_fallback; /* the font part was bad */
  int warned;        /* a bad index or cluster map was reported */
  int warned_char;   /* a character missing from the font was reported */
} xps_glyph_layout;

/* Empty; allocates nothing. */
void xps_glyph_layout_init(xps_glyph_layout *l);
void xps_glyph_layout_reset(xps_glyph_layout *l);

/* Lays out in. Fonts come from ctx->fonts (or are loaded for this call
 * when it is NULL). Returns 0 (maybe with an empty run: nothing to draw),
 * XR_E_SYNTAX after a warning (skip the element), or XR_E_LIMIT /
 * XR_E_NOMEM with err filled. */
int xps_glyphs_layout(const xps_ctx *ctx, xps_pkg *pkg, const xps_glyphs_in *in,
                      xps_glyph_layout *l, xr_errinfo *err);

struct xps_run;
struct xps_node;

/* Draws one Glyphs element tree with the page interpreter's effects
 * (RenderTransform, Clip, Opacity, OpacityMask) and Fill brush. A device
 * with fill_glyphs gets the run itself when the fill is a solid colour;
 * otherwise the outlines go through fill_path. Returns 0 (bad markup was
 * warned and skipped) or a fatal status with r->err filled. */
int xps_glyphs_draw(struct xps_run *r, const struct xps_node *n);

#endif
