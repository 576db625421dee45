/* Image decoding, limits, mip levels and sampling.
 *
 * Test images are encoded here with libpng, libjpeg and libtiff from known
 * pixel patterns, then decoded by our glue and compared with the pattern,
 * so every case can fail for a decoding, conversion or layout bug. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jpeglib.h>
#include <lcms2.h>
#include <png.h>
#include <tiffio.h>
#include <zlib.h>

#include "render/image.h"
#include "render/image_decode.h"

/* ---- growable memory buffer ------------------------------------------- */

typedef struct buf {
  uint8_t *d;
  size_t n, cap;
  size_t pos; /* for libtiff seeks */
} buf;

static void buf_put(buf *b, const void *p, size_t n) {
  if (b->pos + n > b->cap) {
    size_t c = (b->pos + n) * 2 + 64;
    b->d = realloc(b->d, c);
    assert_non_null(b->d);
    memset(b->d + b->cap, 0, c - b->cap);
    b->cap = c;
  }
  memcpy(b->d + b->pos, p, n);
  b->pos += n;
  if (b->pos > b->n)
    b->n = b->pos;
}

/* ---- patterns ----------------------------------------------------------- */

/* Sample c of pixel (x, y), 0..maxv. */
static unsigned pat(int x, int y, int c, unsigned maxv) {
  return (unsigned)(x * 7 + y * 13 + c * 29) % (maxv + 1);
}

static uint8_t to8(unsigned v, unsigned maxv) {
  return (uint8_t)((v * 255 + maxv / 2) / maxv);
}

/* ---- PNG writer --------------------------------------------------------- */

static void png_wr(png_structp p, png_bytep d, png_size_t n) {
  buf_put(png_get_io_ptr(p), d, n);
}
static void png_fl(png_structp p) {
  (void)p;
}

typedef struct png_case {
  int type, depth, w, h, interlace;
  int trns; /* palette: index 1 transparent; gray/RGB: colour 0 */
  int phys; /* pixels per metre, 0 = none */
  int iccp;
} png_case;

static buf make_png(const png_case *k) {
  buf b = {0};
  png_structp p =
      png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  png_infop info = png_create_info_struct(p);
  assert_int_equal(setjmp(png_jmpbuf(p)), 0);
  png_set_write_fn(p, &b, png_wr, png_fl);
  png_set_IHDR(p, info, (png_uint_32)k->w, (png_uint_32)k->h, k->depth, k->type,
               k->interlace ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  unsigned maxv = (1u << k->depth) - 1;
  if (k->type == PNG_COLOR_TYPE_PALETTE) {
    png_color pal[256];
    for (int i = 0; i < 256; i++)
      pal[i].red = (png_byte)i, pal[i].green = (png_byte)(255 - i),
      pal[i].blue = (png_byte)(i * 3);
    png_set_PLTE(p, info, pal, (int)maxv + 1);
    if (k->trns) {
      png_byte t[2] = {255, 0};
      png_set_tRNS(p, info, t, 2, NULL);
    }
  } else if (k->trns) {
    png_color_16 c = {0};
    png_set_tRNS(p, info, NULL, 0, &c);
  }
  if (k->phys)
    png_set_pHYs(p, info, (png_uint_32)k->phys, (png_uint_32)k->phys,
                 PNG_RESOLUTION_METER);
  if (k->iccp) {
    cmsHPROFILE sp = cmsCreate_sRGBProfile();
    cmsUInt32Number n = 0;
    cmsSaveProfileToMem(sp, NULL, &n);
    uint8_t *icc = malloc(n);
    cmsSaveProfileToMem(sp, icc, &n);
    cmsCloseProfile(sp);
    png_set_iCCP(p, info, "sRGB", 0, icc, n);
    free(icc);
  }
  png_write_info(p, info);
  int ch = png_get_channels(p, info);
  size_t rowbytes = png_get_rowbytes(p, info);
  uint8_t *row = calloc(1, rowbytes);
  int passes = png_set_interlace_handling(p);
  for (int pass = 0; pass < passes; pass++)
    for (int y = 0; y < k->h; y++) {
      memset(row, 0, rowbytes);
      for (int x = 0; x < k->w; x++)
        for (int c = 0; c < ch; c++) {
          unsigned v = pat(x, y, c, maxv);
          if (k->depth == 16) {
            row[(x * ch + c) * 2] = (uint8_t)(v >> 8);
            row[(x * ch + c) * 2 + 1] = (uint8_t)v;
          } else if (k->depth == 8) {
            row[x * ch + c] = (uint8_t)v;
          } else {
            int per = 8 / k->depth;
            row[x / per] |= (uint8_t)(v << (8 - k->depth * (x % per + 1)));
          }
        }
      png_write_row(p, row);
    }
  free(row);
  png_write_end(p, info);
  png_destroy_write_struct(&p, &info);
  return b;
}

/* Expected straight RGBA of pixel (x, y) for a PNG case. */
static void png_expect(const png_case *k, int x, int y, uint8_t e[4]) {
  unsigned maxv = (1u << k->depth) - 1;
  e[3] = 255;
  switch (k->type) {
  case PNG_COLOR_TYPE_GRAY:
  case PNG_COLOR_TYPE_GRAY_ALPHA:
    e[0] = e[1] = e[2] = to8(pat(x, y, 0, maxv), maxv);
    if (k->type == PNG_COLOR_TYPE_GRAY_ALPHA)
      e[3] = to8(pat(x, y, 1, maxv), maxv);
    if (k->trns && pat(x, y, 0, maxv) == 0)
      e[3] = 0;
    break;
  case PNG_COLOR_TYPE_PALETTE: {
    unsigned i = pat(x, y, 0, maxv);
    e[0] = (uint8_t)i, e[1] = (uint8_t)(255 - i), e[2] = (uint8_t)(i * 3);
    if (k->trns && i <= 1)
      e[3] = i == 0 ? 255 : 0;
    break;
  }
  default:
    for (int c = 0; c < 3; c++)
      e[c] = to8(pat(x, y, c, maxv), maxv);
    if (k->type == PNG_COLOR_TYPE_RGB_ALPHA)
      e[3] = to8(pat(x, y, 3, maxv), maxv);
    if (k->trns && !pat(x, y, 0, maxv) && !pat(x, y, 1, maxv) &&
        !pat(x, y, 2, maxv))
      e[3] = 0;
  }
}

/* Decodes, prepares without colour management, and compares every pixel
 * (premultiplied) with the expectation, within tol. */
static void check_png(const png_case *k, int tol) {
  buf b = make_png(k);
  xr_limits lim;
  xr_limits_init(&lim);
  ras_image *img = NULL;
  xr_errinfo err;
  xr_errinfo_clear(&err);
  int rc = ras_image_decode(b.d, b.n, &lim, &img, &err);
  if (rc)
    fail_msg("type %d depth %d: %s", k->type, k->depth, err.msg);
  assert_int_equal(img->w, k->w);
  assert_int_equal(img->h, k->h);
  assert_int_equal(ras_image_prepare(img, NULL, NULL, 0, NULL), 0);
  for (int y = 0; y < k->h; y++)
    for (int x = 0; x < k->w; x++) {
      uint8_t e[4], g[4];
      png_expect(k, x, y, e);
      ras_image_pixel(img, x, y, g);
      for (int c = 0; c < 4; c++) {
        int want = c == 3 ? e[3] : (e[c] * e[3] + 127) / 255;
        if (abs(want - g[c]) > tol)
          fail_msg("type %d depth %d: (%d,%d) c%d want %d got %d", k->type,
                   k->depth, x, y, c, want, g[c]);
      }
    }
  ras_image_drop(img);
  free(b.d);
}

static void test_png_all_depths(void **st) {
  (void)st;
  static const int gd[] = {1, 2, 4, 8, 16};
  for (int i = 0; i < 5; i++) {
    png_case k = {PNG_COLOR_TYPE_GRAY, gd[i], 13, 9, 0, 0, 0, 0};
    check_png(&k, 0);
    k.trns = 1;
    check_png(&k, 0);
  }
  static const int pd[] = {1, 2, 4, 8};
  for (int i = 0; i < 4; i++) {
    png_case k = {PNG_COLOR_TYPE_PALETTE, pd[i], 11, 7, 0, 0, 0, 0};
    check_png(&k, 0);
    k.trns = 1;
    check_png(&k, 0);
  }
  for (int d = 8; d <= 16; d += 8) {
    png_case k = {PNG_COLOR_TYPE_RGB, d, 10, 6, 0, 0, 0, 0};
    check_png(&k, 0);
    k.trns = 1;
    check_png(&k, 0);
    png_case ga = {PNG_COLOR_TYPE_GRAY_ALPHA, d, 10, 6, 0, 0, 0, 0};
    check_png(&ga, 1);
    png_case ra = {PNG_COLOR_TYPE_RGB_ALPHA, d, 10, 6, 0, 0, 0, 0};
    check_png(&ra, 1);
  }
}

static void test_png_interlaced(void **st) {
  (void)st;
  png_case k = {PNG_COLOR_TYPE_RGB, 8, 17, 19, 1, 0, 0, 0};
  check_png(&k, 0);
}

static void test_png_dpi_and_icc(void **st) {
  (void)st;
  png_case k = {PNG_COLOR_TYPE_RGB, 8, 4, 4, 0, 0, 11811, 1}; /* 300 dpi */
  buf b = make_png(&k);
  xr_limits lim;
  xr_limits_init(&lim);
  ras_image *img = NULL;
  assert_int_equal(ras_image_decode(b.d, b.n, &lim, &img, NULL), 0);
  assert_true(img->xdpi > 299.9 && img->xdpi < 300.1);
  assert_true(img->ydpi > 299.9 && img->ydpi < 300.1);
  assert_true(img->icc_len > 128);
  assert_true(memcmp(img->icc + 36, "acsp", 4) == 0);
  /* Without colour management the profile cannot be honoured: warned. */
  int warned = 0;
  assert_int_equal(ras_image_prepare(img, NULL, NULL, 0, &warned), 0);
  assert_int_equal(warned, 1);
  ras_image_drop(img);
  free(b.d);
}

static void test_png_truncated_and_corrupt(void **st) {
  (void)st;
  png_case k = {PNG_COLOR_TYPE_RGB, 8, 64, 64, 0, 0, 0, 0};
  buf b = make_png(&k);
  xr_limits lim;
  xr_limits_init(&lim);
  ras_image *img = NULL;
  xr_errinfo err;
  for (size_t cut = 0; cut < b.n; cut += b.n / 7 + 1) {
    xr_errinfo_clear(&err);
    int rc = ras_image_decode(b.d, cut, &lim, &img, &err);
    assert_true(rc < 0);
    assert_null(img);
    assert_true(err.msg[0] != 0);
  }
  /* A flipped byte in the image data fails its CRC. */
  b.d[b.n / 2] ^= 0x55;
  assert_true(ras_image_decode(b.d, b.n, &lim, &img, &err) < 0);
  assert_null(img);
  free(b.d);
  /* Unknown bytes. */
  assert_int_equal(
      ras_image_decode((const uint8_t *)"GIF89a....", 10, &lim, &img, &err),
      XR_E_UNSUPPORTED);
}

/* A PNG header claiming w x h, then nothing: must fail on the limit before
 * any pixel memory is taken (ASan would see a huge allocation otherwise). */
static buf png_header_only(uint32_t w, uint32_t h) {
  png_case k = {PNG_COLOR_TYPE_RGB, 8, 1, 1, 0, 0, 0, 0};
  buf b = make_png(&k);
  /* IHDR data starts at 16: width, height big-endian; fix its CRC. */
  uint8_t *d = b.d + 16;
  d[0] = (uint8_t)(w >> 24), d[1] = (uint8_t)(w >> 16),
  d[2] = (uint8_t)(w >> 8), d[3] = (uint8_t)w;
  d[4] = (uint8_t)(h >> 24), d[5] = (uint8_t)(h >> 16),
  d[6] = (uint8_t)(h >> 8), d[7] = (uint8_t)h;
  uint32_t crc = (uint32_t)crc32(0, b.d + 12, 17);
  uint8_t *c = b.d + 29;
  c[0] = (uint8_t)(crc >> 24), c[1] = (uint8_t)(crc >> 16),
  c[2] = (uint8_t)(crc >> 8), c[3] = (uint8_t)crc;
  return b;
}

static void test_limit_image_dim(void **st) {
  (void)st;
  xr_limits lim;
  xr_limits_init(&lim);
  int64_t n = xr_limits_get(&lim, XR_LIMIT_IMAGE_DIM);
  assert_int_equal(ras_image_check(n, 1, &lim), 0);
  assert_int_equal(ras_image_check(1, n, &lim), 0);
  assert_int_equal(ras_image_check(n + 1, 1, &lim), XR_E_LIMIT);
  assert_int_equal(ras_image_check(1, n + 1, &lim), XR_E_LIMIT);
  assert_int_equal(ras_image_check(0, 1, &lim), XR_E_FORMAT);
  /* Lowered per job: N passes, N+1 fails, through a real decoder. */
  xr_limits_set(&lim, XR_LIMIT_IMAGE_DIM, 100);
  buf ok = png_header_only(100, 1), bad = png_header_only(101, 1);
  ras_image *img = NULL;
  xr_errinfo err;
  /* 100 x 1 passes the limit and then fails on the missing data. */
  assert_int_equal(ras_image_decode(ok.d, ok.n, &lim, &img, &err), XR_E_FORMAT);
  assert_int_equal(ras_image_decode(bad.d, bad.n, &lim, &img, &err),
                   XR_E_LIMIT);
  free(ok.d);
  free(bad.d);
  /* Cannot be raised past its bound. */
  int64_t bound = xr_limit_bound(XR_LIMIT_IMAGE_DIM);
  assert_int_equal(xr_limits_set(&lim, XR_LIMIT_IMAGE_DIM, bound + 1), bound);
}

static void test_limit_image_pixels(void **st) {
  (void)st;
  xr_limits lim;
  xr_limits_init(&lim);
  xr_limits_set(&lim, XR_LIMIT_IMAGE_PIXELS, 1000);
  assert_int_equal(ras_image_check(100, 10, &lim), 0);
  assert_int_equal(ras_image_check(1001, 1, &lim), XR_E_LIMIT);
  assert_int_equal(ras_image_check(91, 11, &lim), XR_E_LIMIT);
  /* A decompression bomb: 60000 x 60000 claimed by a tiny file, under the
   * default limits, never allocates. */
  xr_limits_init(&lim);
  buf bomb = png_header_only(60000, 60000);
  ras_image *img = NULL;
  xr_errinfo err;
  assert_int_equal(ras_image_decode(bomb.d, bomb.n, &lim, &img, &err),
                   XR_E_LIMIT);
  free(bomb.d);
  /* The prepared image must also fit the job's memory. */
  xr_limits_set(&lim, XR_LIMIT_JOB_MEMORY, 100 * 100 * 10);
  ras_image *im = NULL;
  assert_int_equal(ras_image_new(100, 100, 3, 1, &lim, &im), 0);
  ras_image_drop(im);
  assert_int_equal(ras_image_new(100, 110, 3, 1, &lim, &im), XR_E_LIMIT);
  assert_null(im);
  int64_t bound = xr_limit_bound(XR_LIMIT_IMAGE_PIXELS);
  assert_int_equal(xr_limits_set(&lim, XR_LIMIT_IMAGE_PIXELS, bound * 2),
                   bound);
}

/* ---- JPEG --------------------------------------------------------------- */

static buf make_jpeg(int w, int h, int nc, J_COLOR_SPACE in, int adobe,
                     int invert, int quality, int progressive) {
  struct jpeg_compress_struct ci;
  struct jpeg_error_mgr je;
  ci.err = jpeg_std_error(&je);
  jpeg_create_compress(&ci);
  unsigned char *mem = NULL;
  unsigned long mlen = 0;
  jpeg_mem_dest(&ci, &mem, &mlen);
  ci.image_width = (JDIMENSION)w;
  ci.image_height = (JDIMENSION)h;
  ci.input_components = nc;
  ci.in_color_space = in;
  jpeg_set_defaults(&ci);
  if (in == JCS_CMYK)
    jpeg_set_colorspace(&ci, JCS_CMYK);
  ci.write_Adobe_marker = adobe ? TRUE : FALSE;
  ci.density_unit = 1;
  ci.X_density = 150;
  ci.Y_density = 75;
  jpeg_set_quality(&ci, quality, TRUE);
  if (progressive)
    jpeg_simple_progression(&ci);
  jpeg_start_compress(&ci, TRUE);
  uint8_t *row = malloc((size_t)w * nc);
  while (ci.next_scanline < ci.image_height) {
    int y = (int)ci.next_scanline;
    for (int x = 0; x < w; x++)
      for (int c = 0; c < nc; c++) {
        /* Smooth ramps survive JPEG at high quality. */
        uint8_t v = (uint8_t)(x * 120 / (w - 1) + c * 30 + y);
        if (c == 3)
          v = (uint8_t)(y * 100 / h);
        row[x * nc + c] = invert ? (uint8_t)(255 - v) : v;
      }
    JSAMPROW r = row;
    jpeg_write_scanlines(&ci, &r, 1);
  }
  free(row);
  jpeg_finish_compress(&ci);
  jpeg_destroy_compress(&ci);
  buf b = {mem, mlen, mlen, 0};
  return b;
}

static uint8_t jpeg_expect(int x, int y, int c, int w, int h) {
  if (c == 3)
    return (uint8_t)(y * 100 / h);
  return (uint8_t)(x * 120 / (w - 1) + c * 30 + y);
}

static void check_jpeg_native(const buf *b, int w, int h, int n, int tol) {
  xr_limits lim;
  xr_limits_init(&lim);
  ras_image *img = NULL;
  xr_errinfo err;
  xr_errinfo_clear(&err);
  if (ras_image_decode(b->d, b->n, &lim, &img, &err))
    fail_msg("%s", err.msg);
  assert_int_equal(img->n, n);
  assert_int_equal(img->alpha, 0);
  /* libjpeg writes no JFIF header (so no density) for CMYK. */
  if (n != 4)
    assert_true(img->xdpi == 150 && img->ydpi == 75);
  long bad = 0;
  for (int y = 0; y < h; y++)
    for (int x = 2; x < w - 2; x++)
      for (int c = 0; c < n; c++) {
        int e = jpeg_expect(x, y, c, w, h);
        int g = img->px[(size_t)y * img->stride + (size_t)x * n + c];
        if (abs(e - g) > tol)
          bad++;
      }
  assert_true(bad < (long)w * h * n / 50);
  ras_image_drop(img);
}

static void test_jpeg_gray_rgb(void **st) {
  (void)st;
  buf g = make_jpeg(64, 32, 1, JCS_GRAYSCALE, 0, 0, 95, 0);
  check_jpeg_native(&g, 64, 32, 1, 12);
  free(g.d);
  buf c = make_jpeg(64, 32, 3, JCS_RGB, 0, 0, 95, 0);
  check_jpeg_native(&c, 64, 32, 3, 16);
  free(c.d);
  buf p = make_jpeg(64, 32, 3, JCS_RGB, 0, 0, 95, 1);
  check_jpeg_native(&p, 64, 32, 3, 16);
  free(p.d);
}

static void test_jpeg_cmyk(void **st) {
  (void)st;
  /* Plain CMYK, no Adobe marker: taken as stored. */
  buf a = make_jpeg(64, 32, 4, JCS_CMYK, 0, 0, 95, 0);
  check_jpeg_native(&a, 64, 32, 4, 16);
  free(a.d);
  /* Photoshop style: inverted samples and an Adobe marker; the decoder
   * must hand out the same (un-inverted) values. */
  buf b = make_jpeg(64, 32, 4, JCS_CMYK, 1, 1, 95, 0);
  check_jpeg_native(&b, 64, 32, 4, 16);
  free(b.d);
}

static void test_jpeg_truncated(void **st) {
  (void)st;
  buf b = make_jpeg(64, 64, 3, JCS_RGB, 0, 0, 90, 0);
  xr_limits lim;
  xr_limits_init(&lim);
  ras_image *img = NULL;
  xr_errinfo err;
  for (size_t cut = 3; cut < b.n - 2; cut += b.n / 9 + 1) {
    xr_errinfo_clear(&err);
    assert_true(ras_image_decode(b.d, cut, &lim, &img, &err) < 0);
    assert_null(img);
    assert_true(err.msg[0] != 0);
  }
  /* The limit is checked on the header. */
  xr_limits_set(&lim, XR_LIMIT_IMAGE_DIM, 63);
  assert_int_equal(ras_image_decode(b.d, b.n, &lim, &img, &err), XR_E_LIMIT);
  free(b.d);
}

/* ---- TIFF --------------------------------------------------------------- */

static tsize_t t_read(thandle_t h, tdata_t p, tsize_t n) {
  buf *b = h;
  size_t k = b->pos + (size_t)n > b->n ? b->n - b->pos : (size_t)n;
  memcpy(p, b->d + b->pos, k);
  b->pos += k;
  return (tsize_t)k;
}
static tsize_t t_write(thandle_t h, tdata_t p, tsize_t n) {
  buf_put(h, p, (size_t)n);
  return n;
}
static toff_t t_seek(thandle_t h, toff_t off, int wh) {
  buf *b = h;
  size_t base = wh == SEEK_CUR ? b->pos : wh == SEEK_END ? b->n : 0;
  b->pos = base + (size_t)off;
  if (b->pos > b->cap) {
    size_t keep = b->pos;
    b->pos = b->n;
    uint8_t z = 0;
    while (b->n < keep)
      buf_put(b, &z, 1);
    b->pos = keep;
  }
  return b->pos;
}
static int t_close(thandle_t h) {
  (void)h;
  return 0;
}
static toff_t t_size(thandle_t h) {
  return ((buf *)h)->n;
}
static int t_map(thandle_t h, tdata_t *p, toff_t *n) {
  (void)h, (void)p, (void)n;
  return 0;
}
static void t_unmap(thandle_t h, tdata_t p, toff_t n) {
  (void)h, (void)p, (void)n;
}

typedef struct tiff_case {
  int photo, spp, extra, compress, tiled, palette, bps;
  int w, h;
} tiff_case;

static buf make_tiff(const tiff_case *k) {
  buf b = {0};
  TIFF *t = TIFFClientOpen("mem", "w", &b, t_read, t_write, t_seek, t_close,
                           t_size, t_map, t_unmap);
  assert_non_null(t);
  TIFFSetField(t, TIFFTAG_IMAGEWIDTH, k->w);
  TIFFSetField(t, TIFFTAG_IMAGELENGTH, k->h);
  TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, k->spp);
  TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, k->bps);
  TIFFSetField(t, TIFFTAG_PHOTOMETRIC, k->photo);
  TIFFSetField(t, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
  TIFFSetField(t, TIFFTAG_COMPRESSION, k->compress);
  TIFFSetField(t, TIFFTAG_XRESOLUTION, 200.0f);
  TIFFSetField(t, TIFFTAG_YRESOLUTION, 100.0f);
  TIFFSetField(t, TIFFTAG_RESOLUTIONUNIT, RESUNIT_INCH);
  if (k->extra) {
    uint16_t ex = (uint16_t)k->extra;
    TIFFSetField(t, TIFFTAG_EXTRASAMPLES, 1, &ex);
  }
  if (k->photo == PHOTOMETRIC_SEPARATED)
    TIFFSetField(t, TIFFTAG_INKSET, INKSET_CMYK);
  if (k->palette) {
    uint16_t *r = calloc(256, 2), *g = calloc(256, 2), *bl = calloc(256, 2);
    for (int i = 0; i < (1 << k->bps); i++)
      r[i] = (uint16_t)(i * 4369), g[i] = (uint16_t)(65535 - i * 4369),
      bl[i] = 32896;
    TIFFSetField(t, TIFFTAG_COLORMAP, r, g, bl);
    free(r), free(g), free(bl);
  }
  size_t bpp = (size_t)k->spp * (size_t)k->bps / 8;
  if (k->tiled) {
    TIFFSetField(t, TIFFTAG_TILEWIDTH, 16);
    TIFFSetField(t, TIFFTAG_TILELENGTH, 16);
    uint8_t *tile = calloc(16 * 16, bpp);
    for (int ty = 0; ty < k->h; ty += 16)
      for (int tx = 0; tx < k->w; tx += 16) {
        for (int y = 0; y < 16; y++)
          for (int x = 0; x < 16; x++)
            for (int c = 0; c < k->spp; c++)
              tile[(y * 16 + x) * bpp + c] =
                  (uint8_t)pat(tx + x, ty + y, c, 255);
        TIFFWriteTile(t, tile, (uint32_t)tx, (uint32_t)ty, 0, 0);
      }
    free(tile);
  } else {
    TIFFSetField(t, TIFFTAG_ROWSPERSTRIP, 5);
    size_t rb = (size_t)k->w * k->spp * k->bps / 8 + 1;
    uint8_t *row = calloc(1, rb);
    for (int y = 0; y < k->h; y++) {
      memset(row, 0, rb);
      for (int x = 0; x < k->w; x++)
        for (int c = 0; c < k->spp; c++) {
          if (k->bps == 8) {
            row[x * k->spp + c] = (uint8_t)pat(x, y, c, 255);
          } else if (k->bps == 16) {
            uint16_t v = (uint16_t)(pat(x, y, c, 255) * 257);
            memcpy(row + (x * k->spp + c) * 2, &v, 2);
          } else { /* 4-bit palette */
            row[x / 2] |= (uint8_t)(pat(x, y, 0, 15) << (x % 2 ? 0 : 4));
          }
        }
      TIFFWriteScanline(t, row, (uint32_t)y, 0);
    }
    free(row);
  }
  TIFFClose(t);
  return b;
}

static void check_tiff(const tiff_case *k) {
  buf b = make_tiff(k);
  xr_limits lim;
  xr_limits_init(&lim);
  ras_image *img = NULL;
  xr_errinfo err;
  xr_errinfo_clear(&err);
  if (ras_image_decode(b.d, b.n, &lim, &img, &err))
    fail_msg("photo %d compress %d tiled %d: %s", k->photo, k->compress,
             k->tiled, err.msg);
  assert_int_equal(img->w, k->w);
  assert_true(img->xdpi == 200 && img->ydpi == 100);
  int bpp = img->n + img->alpha;
  for (int y = 0; y < k->h; y++)
    for (int x = 0; x < k->w; x++) {
      const uint8_t *p = img->px + (size_t)y * img->stride + (size_t)x * bpp;
      if (k->palette) {
        unsigned i = pat(x, y, 0, 15);
        uint8_t e[3] = {(uint8_t)(i * 17), (uint8_t)(255 - i * 17), 128};
        for (int c = 0; c < 3; c++)
          assert_int_equal(p[c], e[c]);
        continue;
      }
      int nc = k->extra ? k->spp - 1 : k->spp;
      unsigned a = k->extra ? pat(x, y, nc, 255) : 255;
      for (int c = 0; c < nc; c++) {
        unsigned e = pat(x, y, c, 255);
        int got =
            k->photo == PHOTOMETRIC_MINISBLACK && img->n == 3 ? p[0] : p[c];
        if (k->extra == EXTRASAMPLE_ASSOCALPHA) {
          /* Stored premultiplied: compare after re-multiplying. */
          if (e > a)
            continue; /* not a valid premultiplied sample */
          int rem = (int)((got * a + 127) / 255);
          if (abs(rem - (int)e) > 1)
            fail_msg("(%d,%d) c%d: %d vs %u", x, y, c, rem, e);
        } else if (a == 0) {
          continue;
        } else if (abs(got - (int)e) > (img->alpha && k->extra == 0 ? 0 : 2)) {
          fail_msg("photo %d (%d,%d) c%d: want %u got %d", k->photo, x, y, c, e,
                   got);
        }
      }
      if (k->extra)
        assert_int_equal(p[img->n], a);
    }
  ras_image_drop(img);
  free(b.d);
}

static void test_tiff_native(void **st) {
  (void)st;
  static const int comp[] = {COMPRESSION_NONE, COMPRESSION_LZW,
                             COMPRESSION_ADOBE_DEFLATE, COMPRESSION_PACKBITS};
  for (int i = 0; i < 4; i++) {
    tiff_case rgb = {PHOTOMETRIC_RGB, 3, 0, comp[i], 0, 0, 8, 37, 23};
    check_tiff(&rgb);
    rgb.tiled = 1;
    check_tiff(&rgb);
  }
  tiff_case gray = {
      PHOTOMETRIC_MINISBLACK, 1, 0, COMPRESSION_LZW, 0, 0, 8, 20, 20};
  check_tiff(&gray);
  tiff_case cmyk = {
      PHOTOMETRIC_SEPARATED, 4, 0, COMPRESSION_LZW, 0, 0, 8, 20, 20};
  check_tiff(&cmyk);
  cmyk.tiled = 1;
  check_tiff(&cmyk);
  tiff_case rgba = {PHOTOMETRIC_RGB,
                    4,
                    EXTRASAMPLE_UNASSALPHA,
                    COMPRESSION_ADOBE_DEFLATE,
                    0,
                    0,
                    8,
                    20,
                    20};
  check_tiff(&rgba);
  rgba.extra = EXTRASAMPLE_ASSOCALPHA;
  check_tiff(&rgba);
  tiff_case ga = {PHOTOMETRIC_MINISBLACK,
                  2,
                  EXTRASAMPLE_UNASSALPHA,
                  COMPRESSION_NONE,
                  1,
                  0,
                  8,
                  20,
                  20};
  check_tiff(&ga);
}

static void test_tiff_rgba_path(void **st) {
  (void)st;
  tiff_case pal = {PHOTOMETRIC_PALETTE, 1, 0, COMPRESSION_NONE, 0, 1, 4, 21, 9};
  check_tiff(&pal);
  /* 16-bit RGB goes through libtiff's RGBA reader to 8 bits. */
  tiff_case deep = {PHOTOMETRIC_RGB, 3, 0, COMPRESSION_LZW, 0, 0, 16, 12, 12};
  check_tiff(&deep);
}

/* JPEG-in-TIFF (YCbCr, lossy) and CCITT G4 bilevel: the other common
 * compressions, through libtiff's RGBA reader. */
static void test_tiff_jpeg_and_g4(void **st) {
  (void)st;
  xr_limits lim;
  xr_limits_init(&lim);
  for (int kind = 0; kind < 2; kind++) {
    buf b = {0};
    TIFF *t = TIFFClientOpen("mem", "w", &b, t_read, t_write, t_seek, t_close,
                             t_size, t_map, t_unmap);
    assert_non_null(t);
    int w = 32, h = 32;
    TIFFSetField(t, TIFFTAG_IMAGEWIDTH, w);
    TIFFSetField(t, TIFFTAG_IMAGELENGTH, h);
    TIFFSetField(t, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
    if (kind == 0) {
      TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, 3);
      TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, 8);
      TIFFSetField(t, TIFFTAG_COMPRESSION, COMPRESSION_JPEG);
      TIFFSetField(t, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_YCBCR);
      TIFFSetField(t, TIFFTAG_JPEGCOLORMODE, JPEGCOLORMODE_RGB);
      TIFFSetField(t, TIFFTAG_JPEGQUALITY, 95);
      TIFFSetField(t, TIFFTAG_ROWSPERSTRIP, 16);
    } else {
      TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, 1);
      TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, 1);
      TIFFSetField(t, TIFFTAG_COMPRESSION, COMPRESSION_CCITTFAX4);
      TIFFSetField(t, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISWHITE);
      TIFFSetField(t, TIFFTAG_ROWSPERSTRIP, h);
    }
    uint8_t row[32 * 3];
    for (int y = 0; y < h; y++) {
      memset(row, 0, sizeof row);
      for (int x = 0; x < w; x++) {
        int left = x < 16;
        if (kind == 0) {
          row[x * 3] = left ? 220 : 20;
          row[x * 3 + 1] = 40;
          row[x * 3 + 2] = left ? 30 : 200;
        } else if (left) {
          row[x / 8] |= (uint8_t)(0x80 >> (x % 8)); /* 1 = black */
        }
      }
      assert_true(TIFFWriteScanline(t, row, (uint32_t)y, 0) >= 0);
    }
    TIFFClose(t);
    ras_image *img = NULL;
    xr_errinfo err;
    xr_errinfo_clear(&err);
    if (ras_image_decode(b.d, b.n, &lim, &img, &err))
      fail_msg("kind %d: %s", kind, err.msg);
    assert_int_equal(ras_image_prepare(img, NULL, NULL, 0, NULL), 0);
    uint8_t l[4], r[4];
    ras_image_pixel(img, 4, 10, l);
    ras_image_pixel(img, 27, 10, r);
    if (kind == 0) {
      assert_true(l[0] > 190 && l[2] < 70);
      assert_true(r[0] < 60 && r[2] > 170);
    } else {
      assert_true(l[0] == 0 && l[1] == 0 && l[2] == 0);
      assert_true(r[0] == 255 && r[1] == 255 && r[2] == 255);
    }
    ras_image_drop(img);
    free(b.d);
  }
}

static void test_tiff_truncated(void **st) {
  (void)st;
  tiff_case rgb = {PHOTOMETRIC_RGB, 3, 0, COMPRESSION_LZW, 0, 0, 8, 64, 64};
  buf b = make_tiff(&rgb);
  xr_limits lim;
  xr_limits_init(&lim);
  ras_image *img = NULL;
  xr_errinfo err;
  int fails = 0;
  for (size_t cut = 4; cut < b.n; cut += b.n / 11 + 1) {
    int rc = ras_image_decode(b.d, cut, &lim, &img, &err);
    if (rc < 0) {
      assert_null(img);
      fails++;
    } else {
      ras_image_drop(img);
      img = NULL;
    }
  }
  assert_true(fails > 0);
  xr_limits_set(&lim, XR_LIMIT_IMAGE_PIXELS, 64 * 64 - 1);
  assert_int_equal(ras_image_decode(b.d, b.n, &lim, &img, &err), XR_E_LIMIT);
  free(b.d);
}

/* ---- JPEG XR (checked-in sample made with JxrEncApp) --------------------- */

static uint8_t *slurp(const char *path, size_t *n) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  fseek(f, 0, SEEK_END);
  long l = ftell(f);
  fseek(f, 0, SEEK_SET);
  uint8_t *d = malloc((size_t)l + 1);
  *n = fread(d, 1, (size_t)l, f);
  fclose(f);
  return d;
}

static void test_jxr(void **st) {
  (void)st;
  size_t n = 0;
  uint8_t *d = slurp(XR_SOURCE_DIR "/corpus/image/src/sample.jxr", &n);
  assert_non_null(d);
  assert_int_equal(ras_image_sniff(d, n), RAS_IMG_JXR);
  xr_limits lim;
  xr_limits_init(&lim);
  ras_image *img = NULL;
  xr_errinfo err;
  xr_errinfo_clear(&err);
  int rc = ras_image_decode(d, n, &lim, &img, &err);
#ifdef XR_HAVE_JXR
  if (rc)
    fail_msg("%s", err.msg);
  /* The sample: 32 x 24, left half red, right half blue, a green bottom
   * band (see corpus/gen_image.py). */
  assert_int_equal(img->w, 32);
  assert_int_equal(img->h, 24);
  assert_int_equal(ras_image_prepare(img, NULL, NULL, 0, NULL), 0);
  uint8_t p[4];
  ras_image_pixel(img, 4, 4, p);
  assert_true(p[0] > 200 && p[1] < 50 && p[2] < 50);
  ras_image_pixel(img, 28, 4, p);
  assert_true(p[0] < 50 && p[1] < 50 && p[2] > 200);
  ras_image_pixel(img, 16, 21, p);
  assert_true(p[0] < 50 && p[1] > 200 && p[2] < 50);
  ras_image_drop(img);
  /* Truncated: fails cleanly. */
  for (size_t cut = 8; cut < n; cut += n / 5 + 1) {
    rc = ras_image_decode(d, cut, &lim, &img, &err);
    if (rc == 0)
      ras_image_drop(img);
    img = NULL;
  }
#else
  assert_int_equal(rc, XR_E_UNSUPPORTED);
#endif
  free(d);
}

/* Inputs that once crashed or aborted the decoders (found by
 * tests/fuzz/fuzz_image.c): each must now fail cleanly or decode. */
static void test_regressions(void **st) {
  (void)st;
  static const char *files[] = {
      /* jxrlib asserted on a descriptive-metadata tag of the wrong type
       * and printed unknown tags to stderr. */
      "jxr-metadata-assert.jxr",
      /* jxrlib's codec read out of bounds (SEGV); now decoded in a child
       * process, so this must fail cleanly. */
      "jxr-codec-segv.jxr",
  };
  xr_limits lim;
  xr_limits_init(&lim);
  for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
    char path[1024];
    snprintf(path, sizeof path, XR_SOURCE_DIR "/tests/regress/image/%s",
             files[i]);
    size_t n = 0;
    uint8_t *d = slurp(path, &n);
    assert_non_null(d);
    ras_image *img = NULL;
    xr_errinfo err;
    if (ras_image_decode(d, n, &lim, &img, &err) == 0) {
      ras_image_prepare(img, NULL, NULL, 0, NULL);
      ras_image_drop(img);
    }
    free(d);
  }
}

/* ---- mips and sampling -------------------------------------------------- */

static ras_image *checker(int w, int h) {
  xr_limits lim;
  xr_limits_init(&lim);
  ras_image *img = NULL;
  assert_int_equal(ras_image_new(w, h, 1, 0, &lim, &img), 0);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      img->px[(size_t)y * img->stride + x] = (x + y) & 1 ? 255 : 0;
  assert_int_equal(ras_image_prepare(img, NULL, NULL, 0, NULL), 0);
  return img;
}

static void test_mip_levels(void **st) {
  (void)st;
  ras_image *img = checker(37, 20);
  assert_true(img->nlevels >= 6);
  assert_int_equal(img->lv[1].w, 19);
  assert_int_equal(img->lv[1].h, 10);
  ras_mip *top = &img->lv[img->nlevels - 1];
  assert_int_equal(top->w, 1);
  assert_int_equal(top->h, 1);
  /* A checkerboard averages to mid gray at every level past the first. */
  for (int l = 1; l < img->nlevels; l++)
    assert_true(abs(img->lv[l].rgba[0] - 128) < 40);
  ras_image_drop(img);
}

/* Scaling a 1-pixel checkerboard down 16x must give gray, not the black
 * or white a point sampler picks. */
static void test_build_mips_on_level0(void **st) {
  (void)st;
  ras_image *img = calloc(1, sizeof *img);
  atomic_init(&img->refs, 1);
  img->w = 5, img->h = 3, img->n = 3, img->alpha = 1;
  img->lv[0] = (ras_mip){5, 3, calloc(5 * 3, 4)};
  memset(img->lv[0].rgba, 200, 5 * 3 * 4);
  img->nlevels = 1;
  ras_image_build_mips(img);
  assert_int_equal(img->nlevels, 4); /* 5x3, 3x2, 2x1, 1x1 */
  assert_int_equal(img->lv[3].w, 1);
  assert_int_equal(img->lv[3].rgba[0], 200);
  ras_image_drop(img);
}

static void test_downscale_is_filtered(void **st) {
  (void)st;
  ras_image *img = checker(512, 512);
  ras_matrix to_dev = ras_matrix_scale(1.0 / 16, 1.0 / 16);
  ras_image_sampler s;
  ras_image_sampler_init(&s, img, &to_dev, NULL, RAS_IMAGE_TILE_NONE, 1);
  assert_true(s.ok);
  assert_true(s.level >= 3);
  uint8_t out[32 * 4];
  for (int y = 0; y < 32; y++) {
    ras_image_sample_span(&s, 0, y, 32, out);
    for (int x = 0; x < 32; x++) {
      assert_true(abs(out[x * 4] - 128) <= 8);
      assert_int_equal(out[x * 4 + 3], 255);
    }
  }
  ras_image_drop(img);
}

static void test_sample_identity_and_tiles(void **st) {
  (void)st;
  xr_limits lim;
  xr_limits_init(&lim);
  ras_image *img = NULL;
  assert_int_equal(ras_image_new(4, 2, 3, 0, &lim, &img), 0);
  for (int i = 0; i < 24; i++)
    img->px[i] = (uint8_t)(i * 10);
  assert_int_equal(ras_image_prepare(img, NULL, NULL, 0, NULL), 0);
  ras_matrix id = ras_matrix_identity();
  ras_image_sampler s;
  ras_image_sampler_init(&s, img, &id, NULL, RAS_IMAGE_TILE_NONE, 1);
  uint8_t out[8 * 4];
  ras_image_sample_span(&s, -2, 1, 8, out);
  for (int i = 0; i < 8; i++) {
    int x = i - 2;
    if (x < 0 || x >= 4) {
      assert_int_equal(out[i * 4 + 3], 0); /* outside: transparent */
      continue;
    }
    for (int c = 0; c < 3; c++)
      assert_int_equal(out[i * 4 + c], img->lv[0].rgba[(4 + x) * 4 + c]);
  }
  /* Tiled: column x shows x mod 4; FlipX mirrors odd tiles. */
  double tile[4] = {0, 0, 4, 2};
  ras_image_sampler_init(&s, img, &id, tile, RAS_IMAGE_TILE_TILE, 1);
  ras_image_sample_span(&s, 0, 0, 8, out);
  for (int i = 0; i < 8; i++)
    assert_int_equal(out[i * 4], img->lv[0].rgba[(i % 4) * 4]);
  ras_image_sampler_init(&s, img, &id, tile, RAS_IMAGE_TILE_FLIPX, 1);
  ras_image_sample_span(&s, 0, 0, 8, out);
  for (int i = 4; i < 8; i++)
    assert_int_equal(out[i * 4], img->lv[0].rgba[(7 - i) * 4]);
  /* Opacity scales premultiplied values. */
  ras_image_sampler_init(&s, img, &id, NULL, RAS_IMAGE_TILE_NONE, 0.5f);
  ras_image_sample_span(&s, 0, 0, 1, out);
  assert_true(abs(out[3] - 128) <= 1);
  /* Singular matrix: nothing. */
  ras_matrix z = {0, 0, 0, 0, 0, 0};
  ras_image_sampler_init(&s, img, &z, NULL, RAS_IMAGE_TILE_NONE, 1);
  assert_false(s.ok);
  ras_image_drop(img);
}

static void test_brush_matrix_dpi(void **st) {
  (void)st;
  xr_limits lim;
  xr_limits_init(&lim);
  ras_image *img = NULL;
  assert_int_equal(ras_image_new(300, 150, 1, 0, &lim, &img), 0);
  img->xdpi = img->ydpi = 300;
  /* Viewbox of the whole image in 1/96 inch: 96 x 48. */
  double vb[4] = {0, 0, 96, 48}, vp[4] = {10, 20, 192, 96};
  ras_matrix m;
  assert_int_equal(ras_image_brush_matrix(img, vb, vp, &m), 0);
  double x, y;
  ras_matrix_apply(&m, 300, 150, &x, &y);
  assert_true(fabs(x - 202) < 1e-9 && fabs(y - 116) < 1e-9);
  ras_matrix_apply(&m, 0, 0, &x, &y);
  assert_true(fabs(x - 10) < 1e-9 && fabs(y - 20) < 1e-9);
  double bad[4] = {0, 0, 0, 48};
  assert_int_equal(ras_image_brush_matrix(img, bad, vp, &m), -1);
  ras_image_drop(img);
}

static void test_fill_span(void **st) {
  (void)st;
  ras_image *img = checker(2, 1); /* black, white */
  uint8_t px[6] = {10, 10, 10, 10, 10, 10};
  ras_surf dst = {px, 6, 0, 0, 2, 1, 3, 0};
  ras_matrix id = ras_matrix_identity();
  ras_image_sampler s;
  ras_image_sampler_init(&s, img, &id, NULL, RAS_IMAGE_TILE_NONE, 1);
  uint8_t tmp[16];
  ras_image_fill f = {&dst, NULL, &s, tmp};
  uint8_t cov[2] = {255, 128};
  ras_image_fill_span(&f, 0, 0, 2, cov, 0);
  assert_int_equal(px[0], 0);               /* full cover: black */
  assert_true(abs(px[3] - (128 + 5)) <= 1); /* half white over 10 */
  ras_image_drop(img);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_png_all_depths),
      cmocka_unit_test(test_png_interlaced),
      cmocka_unit_test(test_png_dpi_and_icc),
      cmocka_unit_test(test_png_truncated_and_corrupt),
      cmocka_unit_test(test_limit_image_dim),
      cmocka_unit_test(test_limit_image_pixels),
      cmocka_unit_test(test_jpeg_gray_rgb),
      cmocka_unit_test(test_jpeg_cmyk),
      cmocka_unit_test(test_jpeg_truncated),
      cmocka_unit_test(test_tiff_native),
      cmocka_unit_test(test_tiff_rgba_path),
      cmocka_unit_test(test_tiff_jpeg_and_g4),
      cmocka_unit_test(test_tiff_truncated),
      cmocka_unit_test(test_jxr),
      cmocka_unit_test(test_regressions),
      cmocka_unit_test(test_mip_levels),
      cmocka_unit_test(test_build_mips_on_level0),
      cmocka_unit_test(test_downscale_is_filtered),
      cmocka_unit_test(test_sample_identity_and_tiles),
      cmocka_unit_test(test_brush_matrix_dpi),
      cmocka_unit_test(test_fill_span),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
