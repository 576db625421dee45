/* Decoded raster images and their sampling.
 *
 * A ras_image is made by a decoder (render/image_decode.h) holding native
 * 8-bit samples (gray, RGB or CMYK, optional straight alpha) and the
 * embedded ICC profile, if any. ras_image_prepare() then converts it once to
 * premultiplied sRGB RGBA and builds a box-filtered mip chain, after which
 * the image is immutable and may be shared by any number of threads and
 * display lists (reference counted with keep/drop).
 *
 * Sampling is trilinear: it filters bilinearly in the two mip levels whose
 * texels bracket the device pixel's footprint and blends them by where the
 * footprint lies between, so a large image scaled down is averaged over
 * every source pixel instead of point-sampled, without aliasing at scales
 * between powers of two. */
#ifndef RAS_IMAGE_H
#define RAS_IMAGE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "render/comp.h"
#include "render/matrix.h"
#include "xpsraster/error.h"
#include "xpsraster/limits.h"

#define RAS_IMAGE_MAX_LEVELS 24

struct ras_cms;

typedef struct ras_mip {
  int w, h;
  uint8_t *rgba; /* premultiplied sRGB, 4 bytes per pixel, stride 4*w */
} ras_mip;

typedef struct ras_image {
  atomic_int refs;
  int w, h;
  int n;              /* colour channels of px: 1 gray, 3 RGB, 4 CMYK */
  int alpha;          /* 1: a straight (not premultiplied) alpha byte follows */
  size_t stride;      /* bytes per row of px */
  double xdpi, ydpi;  /* pixels per inch; 96 when the file says nothing */
  uint8_t *px;        /* native samples; freed by ras_image_prepare */
  int adobe_inverted; /* CMYK stored inverted (Adobe JPEG): 255 = no ink */
  uint8_t *icc;       /* embedded ICC profile or NULL */
  size_t icc_len;
  int nlevels; /* 0 until prepared */
  ras_mip lv[RAS_IMAGE_MAX_LEVELS];
} ras_image;

/* Checks w x h against IMAGE_DIM and IMAGE_PIXELS without allocating.
 * Returns 0, XR_E_FORMAT for a zero or negative size, XR_E_LIMIT. */
int ras_image_check(int64_t w, int64_t h, const xr_limits *lim);

/* New image with uninitialised samples, after ras_image_check; its peak
 * memory while being prepared (about 5.3 + n bytes per pixel) must also
 * fit JOB_MEMORY. refs = 1.
 * Errors: XR_E_FORMAT, XR_E_LIMIT, XR_E_INVAL (n), XR_E_NOMEM. */
int ras_image_new(int w, int h, int n, int alpha, const xr_limits *lim,
                  ras_image **out);

/* Copies an ICC profile into img (replacing any). XR_E_NOMEM. */
int ras_image_set_icc(ras_image *img, const void *icc, size_t len);

/* Converts the native samples to premultiplied sRGB through cms (the
 * embedded profile, or profile when given: {ColorConvertedBitmap}), frees
 * them and builds the mip chain. cms may be NULL: then the default spaces
 * are used with plain formulas. A bad profile falls back to the default
 * space; *warned is set to 1 then (may be NULL). Errors: XR_E_NOMEM. */
int ras_image_prepare(ras_image *img, struct ras_cms *cms, const void *profile,
                      size_t profile_len, int *warned);

/* Adds the box-filtered mip levels below lv[0] (premultiplied RGBA) to an
 * image built directly at level 0, such as a rendered tile. Out of memory
 * only leaves fewer levels. */
void ras_image_build_mips(ras_image *img);

ras_image *ras_image_keep(ras_image *img);
void ras_image_drop(ras_image *img);

/* Premultiplied RGBA of level-0 pixel (x, y) (tests and tools). */
void ras_image_pixel(const ras_image *img, int x, int y, uint8_t rgba[4]);

/* Image pixels -> viewport space for an ImageBrush: the image's DPI turns
 * pixels into 1/96-inch units, viewbox (x, y, w, h in those units) is
 * mapped onto viewport (x, y, w, h in brush space). The brush Transform
 * and the element's ctm follow on the caller's side. Returns 0, or -1 for
 * an empty or non-finite viewbox or viewport (nothing to paint). */
int ras_image_brush_matrix(const ras_image *img, const double viewbox[4],
                           const double viewport[4], ras_matrix *out);

/* Tile modes, same values as enum ras_tile_mode in device.h. */
#define RAS_IMAGE_TILE_NONE 0
#define RAS_IMAGE_TILE_TILE 1
#define RAS_IMAGE_TILE_FLIPX 2
#define RAS_IMAGE_TILE_FLIPY 3
#define RAS_IMAGE_TILE_FLIPXY 4

/* Per-fill sampling state: built once per fill, then used for every span
 * of it (read-only, so band threads may share one). */
typedef struct ras_image_sampler {
  const ras_image *img;
  ras_matrix inv;        /* device pixel -> level-0 image pixel */
  double bx, by, bw, bh; /* the tile (or the visible part) in image pixels */
  int tile;              /* RAS_IMAGE_TILE_* */
  int level;             /* finer mip level used */
  double lsx, lsy;       /* level-0 pixels -> level pixels */
  int blend;             /* 0..256: weight of the next coarser level */
  double lsx2, lsy2;     /* level-0 pixels -> next level pixels */
  int alpha;             /* opacity 0..255 */
  int ok;                /* 0: nothing to draw (singular, empty) */
} ras_image_sampler;

/* to_dev maps level-0 image pixels to device pixels; tile is the rectangle
 * (x, y, w, h in image pixels) that is shown and, unless tile_mode is
 * NONE, repeated; NULL means the whole image. Outside the shown area and
 * the image the paint is transparent. opacity 0..1. */
void ras_image_sampler_init(ras_image_sampler *s, const ras_image *img,
                            const ras_matrix *to_dev, const double tile[4],
                            int tile_mode, float opacity);

/* Premultiplied RGBA for pixels [x, x+n) of row y (centres), into out
 * (4*n bytes). */
void ras_image_sample_span(const ras_image_sampler *s, int x, int y, int n,
                           uint8_t *out);

/* Span callback (ras_span_fn) compositing a sampled image through coverage
 * and clip onto a surface, source-over, as ras_comp_fill_span does for a
 * solid colour. tmp needs 4 * band width bytes. */
typedef struct ras_image_fill {
  ras_surf *dst;
  const ras_mask *clip; /* NULL: none */
  const ras_image_sampler *s;
  uint8_t *tmp;
} ras_image_fill;
void ras_image_fill_span(void *fill, int y, int x, int len, const uint8_t *cov,
                         int a);

#endif
