/* XPS colour syntax (private to xps/). */
#ifndef XPS_COLOR_H
#define XPS_COLOR_H

#include "render/device.h"

/* Parses "#RRGGBB", "#AARRGGBB", "sc#R,G,B", "sc#A,R,G,B" (scRGB, linear
 * light, converted to sRGB and clamped) or "ContextColor uri a,c1,..." into
 * an sRGB colour. ContextColor has no ICC support here yet: 1, 3 and 4
 * channel values are read as gray, RGB and naive CMYK and the function
 * returns 1 so the caller can warn that the colour is approximate.
 * Returns 0, 1 or XR_E_SYNTAX. */
int xps_color_parse(const char *s, ras_color *out);

/* scRGB (linear) component to sRGB encoding, clamped to 0..1. */
float xps_linear_to_srgb(double v);

#endif
