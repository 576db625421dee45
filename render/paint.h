/* Gradient paints: linear and radial shaders with spread modes and sRGB or
 * linear-light interpolation (semantics in device.h, struct ras_gradient).
 *
 * A shader is built once per fill at record time (colour ramp as a lookup
 * table, device-to-gradient matrix) and is read-only afterwards, so band
 * threads share it. Pixels are sampled at their centres. */
#ifndef RAS_PAINT_H
#define RAS_PAINT_H

#include <stdint.h>

#include "render/comp.h"
#include "render/device.h"

#define RAS_RAMP 1024 /* entries of a colour ramp */

typedef struct ras_shader {
  int kind;       /* RAS_PAINT_LINEAR or RAS_PAINT_RADIAL */
  int spread;     /* enum ras_spread */
  int flat;       /* degenerate geometry: the whole area is ramp[RAS_RAMP-1] */
  ras_matrix inv; /* device pixel -> gradient space */
  double ox, oy;  /* linear: start; radial: focal point */
  double dx, dy;  /* linear: (end - start) / |end - start|^2 */
  double f2;      /* radial: 1 - |focal|^2 */
  uint8_t ramp[RAS_RAMP][4]; /* straight sRGB r, g, b and alpha */
  uint8_t gray[RAS_RAMP];    /* luma of each entry */
  int opaque;                /* every ramp entry has alpha 255 */
} ras_shader;

/* Builds a shader for g seen through to_dev (gradient user space -> device
 * pixels, i.e. the path's ctm and the page scale; g->m is applied on top).
 * Returns 0, or XR_E_INVAL for a gradient without stops. */
int ras_shader_init(ras_shader *sh, int kind, const ras_gradient *g,
                    const ras_matrix *to_dev);

/* Ramp index for pixel centres of row y, columns [x, x+n). */
void ras_shader_span(const ras_shader *sh, int x, int y, int n, uint16_t *idx);

/* Span callback compositing a shader through coverage and clip. tmp needs
 * 4 bytes per pixel of band width. */
typedef struct ras_shade_fill {
  ras_surf *dst;
  const ras_mask *clip; /* NULL: none */
  const ras_shader *sh;
  uint8_t *tmp;
} ras_shade_fill;
void ras_shade_fill_span(void *fill, int y, int x, int len, const uint8_t *cov,
                         int a);

#endif
