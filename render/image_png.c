/* PNG decoding through libpng: every bit depth, palette, tRNS, gray and
 * alpha, interlacing, pHYs resolution and iCCP profiles. */
#include <math.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/image_decode.h"

typedef struct png_src {
  const uint8_t *data;
  size_t len, pos;
  char msg[200];
  int ours; /* msg is this file's words, not libpng's */
} png_src;

static void on_error(png_structp png, png_const_charp msg) {
  png_src *s = png_get_error_ptr(png);
  snprintf(s->msg, sizeof s->msg, "%s", msg ? msg : "error");
  png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp msg) {
  (void)png, (void)msg; /* benign; stderr belongs to CUPS */
}

/* What a libpng message means, in words for whoever made the job. */
static const char *png_meaning(const char *msg) {
  static const struct {
    const char *has, *means;
  } map[] = {
      {"IHDR", "the image header is invalid"},
      {"CRC", "a chunk fails its checksum (the file is damaged)"},
      {"signature", "the data is not a PNG image"},
      {"Not a PNG", "the data is not a PNG image"},
      {"truncated", "the image data ends early (the file is cut short)"},
      {"Not enough image data", "the image data ends early"},
      {"user limit", "the image is larger than the image limits allow"},
      {"IDAT", "the compressed pixel data is damaged"},
      {"ecompress", "the compressed pixel data is damaged"},
      {"zlib", "the compressed pixel data is damaged"},
  };
  for (size_t i = 0; i < sizeof map / sizeof *map; i++)
    if (strstr(msg, map[i].has))
      return map[i].means;
  return "the image data is damaged";
}

/* Pixels per metre cannot say 96 dpi exactly (3780 is 96.012): a value
 * within 0.05 of a whole dpi is taken as that whole value. */
static double snap_dpi(double v) {
  double r = floor(v + 0.5);
  return fabs(v - r) < 0.05 && r > 0 ? r : v;
}

static void on_read(png_structp png, png_bytep out, png_size_t n) {
  png_src *s = png_get_io_ptr(png);
  if (n > s->len - s->pos)
    png_error(png, "truncated PNG data");
  memcpy(out, s->data + s->pos, n);
  s->pos += n;
}

int ras_image_decode_png(const uint8_t *data, size_t len, const xr_limits *lim,
                         ras_image **out, xr_errinfo *err) {
  *out = NULL;
  png_src src = {data, len, 0, "", 0};
  png_structp png =
      png_create_read_struct(PNG_LIBPNG_VER_STRING, &src, on_error, on_warning);
  if (!png)
    return xr_errinfo_set(err, XR_E_NOMEM, NULL, -1, -1, "libpng setup");
  png_infop info = png_create_info_struct(png);
  if (!info) {
    png_destroy_read_struct(&png, NULL, NULL);
    return xr_errinfo_set(err, XR_E_NOMEM, NULL, -1, -1, "libpng setup");
  }
  /* Locals changed after setjmp and used after a longjmp are volatile. */
  ras_image *volatile img = NULL;
  png_bytep *volatile rows = NULL;
  volatile int rc = XR_E_FORMAT;
  if (setjmp(png_jmpbuf(png))) {
    if (src.ours)
      xr_errinfo_set(err, rc, NULL, -1, (long long)src.pos, "PNG: %s", src.msg);
    else
      xr_errinfo_set(err, rc, NULL, -1, (long long)src.pos,
                     "PNG: %s (libpng: %s)", png_meaning(src.msg),
                     src.msg[0] ? src.msg : "no reason given");
    goto done;
  }
  png_set_read_fn(png, &src, on_read);
  /* Bound what libpng allocates for ancillary chunks (iCCP, text). */
  png_set_chunk_malloc_max(png, RAS_IMAGE_MAX_CHUNK);
  png_read_info(png, info);
  png_uint_32 w = png_get_image_width(png, info);
  png_uint_32 h = png_get_image_height(png, info);
  int ck = ras_image_check(w, h, lim);
  if (ck < 0) {
    rc = ck;
    snprintf(src.msg, sizeof src.msg, "image %ux%u over the image limits",
             (unsigned)w, (unsigned)h);
    src.ours = 1;
    png_longjmp(png, 1);
  }
  int ctype = png_get_color_type(png, info);
  /* Palette to RGB, low-bit gray to 8 bits, tRNS to an alpha channel. */
  png_set_expand(png);
  png_set_scale_16(png);
  png_set_interlace_handling(png);
  png_read_update_info(png, info);
  int ch = png_get_channels(png, info);
  int n = ch >= 3 ? 3 : 1;
  int alpha = ch == 2 || ch == 4;
  if (png_get_bit_depth(png, info) != 8 || ch < 1 || ch > 4) {
    snprintf(src.msg, sizeof src.msg, "unexpected layout (type %d)", ctype);
    src.ours = 1;
    png_longjmp(png, 1);
  }
  ras_image *im = NULL;
  rc = ras_image_new((int)w, (int)h, n, alpha, lim, &im);
  if (rc < 0) {
    snprintf(src.msg, sizeof src.msg, "cannot hold %ux%u pixels", (unsigned)w,
             (unsigned)h);
    src.ours = 1;
    png_longjmp(png, 1);
  }
  img = im;
  rc = XR_E_FORMAT;
  if (png_get_rowbytes(png, info) != img->stride) {
    snprintf(src.msg, sizeof src.msg, "row size mismatch");
    src.ours = 1;
    png_longjmp(png, 1);
  }
  rows = malloc(sizeof(png_bytep) * h);
  if (!rows) {
    rc = XR_E_NOMEM;
    png_longjmp(png, 1);
  }
  for (png_uint_32 y = 0; y < h; y++)
    rows[y] = img->px + (size_t)y * img->stride;
  png_read_image(png, rows);
  png_uint_32 rx, ry;
  int unit;
  if (png_get_pHYs(png, info, &rx, &ry, &unit) &&
      unit == PNG_RESOLUTION_METER && rx > 0 && ry > 0) {
    img->xdpi = snap_dpi(rx * 0.0254);
    img->ydpi = snap_dpi(ry * 0.0254);
  }
  png_charp name;
  int comp;
  png_bytep prof;
  png_uint_32 plen;
  if (png_get_iCCP(png, info, &name, &comp, &prof, &plen) && plen > 0 &&
      ras_image_set_icc(img, prof, plen) < 0) {
    rc = XR_E_NOMEM;
    png_longjmp(png, 1);
  }
  rc = 0;
  *out = img;
  img = NULL;
done:
  free(rows);
  ras_image_drop(img);
  png_destroy_read_struct(&png, &info, NULL);
  return rc;
}
