/* ImageBrush painting (private to xps/): loads the ImageSource through the
 * job image cache (xps/image.h) and paints it with the brush's Viewbox,
 * Viewport, TileMode, Transform and Opacity, parsed by brush.c like a
 * VisualBrush's. An untiled brush whose image fits its viewport is one
 * image fill of the area; otherwise the image fills the viewport as the
 * content of a device tile (begin_tile/end_tile), which repeats it. */
#ifndef XPS_IMAGE_BRUSH_H
#define XPS_IMAGE_BRUSH_H

#include "xps/brush.h"

/* Same contract as xps_brush_paint: 0 (an unusable image warns and paints
 * nothing) or a fatal status recorded in r->err. */
int xps_image_brush_paint(xps_run *r, const xps_brush *b, const ras_path *path,
                          int rule, const ras_stroke *stroke,
                          const ras_matrix *ctm, float opacity);

#endif
