/* Compositing spans, masks and layers into band surfaces.
 *
 * Colours are 8-bit sRGB-encoded values and blending happens on them
 * directly (source-over, as XPS renderers do). A base surface is opaque
 * (nc colour bytes per pixel); a layer is premultiplied with an alpha
 * byte after its nc colour bytes (nc = 0 for an alpha-only mask layer). */
#ifndef RAS_COMP_H
#define RAS_COMP_H

#include <stddef.h>
#include <stdint.h>

typedef struct ras_surf {
  uint8_t *data;
  size_t stride;
  int x0, y0, x1, y1; /* device rectangle the data covers */
  int nc;             /* colour channels: 0, 1 or 3 */
  int alpha;          /* 1: premultiplied alpha byte follows the colour */
} ras_surf;

/* A coverage mask; pixels outside [x0,x1) x [y0,y1) are 0. */
typedef struct ras_mask {
  uint8_t *data;
  size_t stride;
  int x0, y0, x1, y1;
} ras_mask;

/* What a fill span needs: target, optional clip, solid colour. */
typedef struct ras_fill {
  ras_surf *dst;
  const ras_mask *clip; /* NULL: no clip */
  uint8_t c[3];         /* colour in dst's channels */
  uint8_t a;            /* paint alpha */
  uint8_t *tmp;         /* scratch of at least the band width */
  uint8_t pat[48];      /* c repeated, built on first use; zero-init */
  int pat_ok;
} ras_fill;

/* ras_span_fn callbacks. */
void ras_comp_fill_span(void *fill, int y, int x, int len, const uint8_t *cov,
                        int a);
/* ud is ras_mask_build: writes cov x parent into mask. */
typedef struct ras_mask_build {
  ras_mask *m;
  const ras_mask *parent; /* NULL: none */
} ras_mask_build;
void ras_comp_mask_span(void *mb, int y, int x, int len, const uint8_t *cov,
                        int a);

/* Composites layer src (premultiplied, same nc as dst, alpha=1) onto dst
 * with constant opacity (0..255) through clip (NULL: none). */
void ras_comp_layer(ras_surf *dst, const ras_surf *src, int opacity,
                    const ras_mask *clip);

/* Mask value at (x, y), 255 when m is NULL. */
static inline int ras_mask_at(const ras_mask *m, int x, int y) {
  if (!m)
    return 255;
  if (x < m->x0 || x >= m->x1 || y < m->y0 || y >= m->y1)
    return 0;
  return m->data[(size_t)(y - m->y0) * m->stride + (size_t)(x - m->x0)];
}

/* Exact round(x / 255) for 0 <= x <= 255 * 255. */
static inline uint32_t ras_div255(uint32_t x) {
  x += 128;
  return (x + (x >> 8)) >> 8;
}

/* Colour c (3 bytes) at alpha a (0..255), source-over onto the opaque RGB
 * pixel p: the solid and gradient span loops share it. */
static inline void ras_over_rgb(uint8_t *p, const uint8_t *c, uint32_t a) {
  if (a == 255) {
    p[0] = c[0];
    p[1] = c[1];
    p[2] = c[2];
  } else if (a) {
    uint32_t ia = 255 - a;
    p[0] = (uint8_t)ras_div255(p[0] * ia + c[0] * a);
    p[1] = (uint8_t)ras_div255(p[1] * ia + c[1] * a);
    p[2] = (uint8_t)ras_div255(p[2] * ia + c[2] * a);
  }
}

#endif
