/* Decoded images: limits, colour preparation and the mip chain (see
 * image.h). */
#include "render/image.h"

#include <stdlib.h>
#include <string.h>

#include "render/cms.h"

int ras_image_check(int64_t w, int64_t h, const xr_limits *lim) {
  if (w <= 0 || h <= 0)
    return XR_E_FORMAT;
  int64_t dim = xr_limits_get(lim, XR_LIMIT_IMAGE_DIM);
  if (w > dim || h > dim)
    return XR_E_LIMIT;
  /* Divide before multiplying: w * h may not fit. */
  int64_t pix = xr_limits_get(lim, XR_LIMIT_IMAGE_PIXELS);
  if (w > pix / h)
    return XR_E_LIMIT;
  return 0;
}

int ras_image_new(int w, int h, int n, int alpha, const xr_limits *lim,
                  ras_image **out) {
  *out = NULL;
  int rc = ras_image_check(w, h, lim);
  if (rc < 0)
    return rc;
  if (n != 1 && n != 3 && n != 4)
    return XR_E_INVAL;
  alpha = alpha ? 1 : 0;
  size_t stride = (size_t)w * (size_t)(n + alpha);
  if (stride > SIZE_MAX / (size_t)h)
    return XR_E_LIMIT;
  /* Peak while preparing: the native samples, the RGBA level and the mip
   * levels (a third more); it must fit the job's memory. */
  uint64_t npix = (uint64_t)w * (uint64_t)h;
  uint64_t peak = npix * (uint64_t)(n + alpha) + npix * 4 + npix * 4 / 3;
  if (peak > (uint64_t)xr_limits_get(lim, XR_LIMIT_JOB_MEMORY))
    return XR_E_LIMIT;
  ras_image *img = calloc(1, sizeof *img);
  if (!img)
    return XR_E_NOMEM;
  img->px = malloc(stride * (size_t)h);
  if (!img->px) {
    free(img);
    return XR_E_NOMEM;
  }
  atomic_init(&img->refs, 1);
  img->w = w;
  img->h = h;
  img->n = n;
  img->alpha = alpha;
  img->stride = stride;
  img->xdpi = img->ydpi = 96;
  *out = img;
  return 0;
}

int ras_image_set_icc(ras_image *img, const void *icc, size_t len) {
  uint8_t *c = len ? malloc(len) : NULL;
  if (len && !c)
    return XR_E_NOMEM;
  if (len)
    memcpy(c, icc, len);
  free(img->icc);
  img->icc = c;
  img->icc_len = len;
  return 0;
}

ras_image *ras_image_keep(ras_image *img) {
  if (img)
    atomic_fetch_add_explicit(&img->refs, 1, memory_order_relaxed);
  return img;
}

void ras_image_drop(ras_image *img) {
  if (!img)
    return;
  /* acq_rel: the last dropper must see every other owner's writes (none
   * after prepare, but the counter is the only ordering there is). */
  if (atomic_fetch_sub_explicit(&img->refs, 1, memory_order_acq_rel) != 1)
    return;
  for (int i = 0; i < img->nlevels; i++)
    free(img->lv[i].rgba);
  free(img->px);
  free(img->icc);
  free(img);
}

/* Next mip level: each texel is the box average of up to 2 x 2 texels of
 * the level above (odd edges fold their last row or column in once). */
static int build_level(const ras_mip *src, ras_mip *dst) {
  dst->w = (src->w + 1) / 2;
  dst->h = (src->h + 1) / 2;
  dst->rgba = malloc((size_t)dst->w * (size_t)dst->h * 4);
  if (!dst->rgba)
    return XR_E_NOMEM;
  for (int y = 0; y < dst->h; y++) {
    int y0 = 2 * y, y1 = 2 * y + 1 < src->h ? 2 * y + 1 : 2 * y;
    const uint8_t *r0 = src->rgba + (size_t)y0 * (size_t)src->w * 4;
    const uint8_t *r1 = src->rgba + (size_t)y1 * (size_t)src->w * 4;
    uint8_t *d = dst->rgba + (size_t)y * (size_t)dst->w * 4;
    for (int x = 0; x < dst->w; x++) {
      int x0 = 2 * x, x1 = 2 * x + 1 < src->w ? 2 * x + 1 : 2 * x;
      for (int c = 0; c < 4; c++) {
        unsigned s =
            r0[x0 * 4 + c] + r0[x1 * 4 + c] + r1[x0 * 4 + c] + r1[x1 * 4 + c];
        d[x * 4 + c] = (uint8_t)((s + 2) / 4);
      }
    }
  }
  return 0;
}

int ras_image_prepare(ras_image *img, struct ras_cms *cms, const void *profile,
                      size_t profile_len, int *warned) {
  if (warned)
    *warned = 0;
  if (img->nlevels)
    return 0;
  size_t npix = (size_t)img->w * (size_t)img->h;
  uint8_t *rgba = malloc(npix * 4);
  if (!rgba)
    return XR_E_NOMEM;
  /* An explicit profile ({ColorConvertedBitmap}) wins over the embedded. */
  const void *icc = profile ? profile : img->icc;
  size_t icc_len = profile ? profile_len : img->icc_len;
  int handle = -1;
  if (icc && cms) {
    int ch = 0;
    handle = ras_cms_profile(cms, NULL, icc, icc_len, &ch);
    if (handle >= 0 && ch != img->n)
      handle = -1;
    if (handle < 0 && warned)
      *warned = 1;
  } else if (icc && warned) {
    /* No colour management available: the profile cannot be honoured. */
    *warned = 1;
  }
  int n = img->n, nc = n + img->alpha;
  uint8_t *row = malloc((size_t)img->w * (size_t)n);
  uint8_t *rgb = malloc((size_t)img->w * 3);
  if (!row || !rgb) {
    free(row);
    free(rgb);
    free(rgba);
    return XR_E_NOMEM;
  }
  for (int y = 0; y < img->h; y++) {
    const uint8_t *s = img->px + (size_t)y * img->stride;
    const uint8_t *src = s;
    if (img->alpha) {
      for (int x = 0; x < img->w; x++)
        memcpy(row + (size_t)x * n, s + (size_t)x * nc, (size_t)n);
      src = row;
    }
    if (handle < 0 || ras_cms_pixels(cms, handle, n, src, rgb, img->w) < 0)
      ras_cms_default_pixels(n, src, rgb, img->w);
    uint8_t *d = rgba + (size_t)y * (size_t)img->w * 4;
    for (int x = 0; x < img->w; x++) {
      unsigned a = img->alpha ? s[(size_t)x * nc + n] : 255;
      for (int c = 0; c < 3; c++)
        d[x * 4 + c] = (uint8_t)ras_div255(rgb[x * 3 + c] * a);
      d[x * 4 + 3] = (uint8_t)a;
    }
  }
  free(row);
  free(rgb);
  free(img->px);
  img->px = NULL;
  img->lv[0].w = img->w;
  img->lv[0].h = img->h;
  img->lv[0].rgba = rgba;
  img->nlevels = 1;
  ras_image_build_mips(img);
  return 0;
}

void ras_image_build_mips(ras_image *img) {
  while (img->nlevels >= 1 && img->nlevels < RAS_IMAGE_MAX_LEVELS) {
    ras_mip *top = &img->lv[img->nlevels - 1];
    if (top->w <= 1 && top->h <= 1)
      break;
    if (build_level(top, &img->lv[img->nlevels]) < 0)
      break; /* fewer levels only costs quality when minifying a lot */
    img->nlevels++;
  }
}

void ras_image_pixel(const ras_image *img, int x, int y, uint8_t rgba[4]) {
  memset(rgba, 0, 4);
  if (!img->nlevels || x < 0 || y < 0 || x >= img->w || y >= img->h)
    return;
  memcpy(rgba, img->lv[0].rgba + ((size_t)y * (size_t)img->w + x) * 4, 4);
}
