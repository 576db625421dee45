/* TIFF decoding through libtiff over memory (TIFFClientOpenExt): 8-bit
 * contiguous gray, RGB and CMYK (with or without alpha) are read natively
 * from strips or tiles, so CMYK and its ICC profile survive; everything
 * else (palette, 1/2/4/16 bit, YCbCr, planar, old JPEG) goes through
 * libtiff's RGBA reader. First directory only. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tiffio.h>

#include "render/image_decode.h"

typedef struct mem {
  const uint8_t *data;
  toff_t len, pos;
  char msg[256];
} mem;

static tsize_t m_read(thandle_t h, tdata_t buf, tsize_t n) {
  mem *m = h;
  if (n < 0)
    return -1;
  toff_t left = m->pos < m->len ? m->len - m->pos : 0;
  toff_t k = (toff_t)n < left ? (toff_t)n : left;
  memcpy(buf, m->data + m->pos, (size_t)k);
  m->pos += k;
  return (tsize_t)k;
}

static tsize_t m_write(thandle_t h, tdata_t buf, tsize_t n) {
  (void)h, (void)buf, (void)n;
  return -1;
}

static toff_t m_seek(thandle_t h, toff_t off, int whence) {
  mem *m = h;
  toff_t base = whence == SEEK_CUR ? m->pos : whence == SEEK_END ? m->len : 0;
  /* Offsets arrive as unsigned; a negative relative seek wraps around. */
  toff_t np = base + off;
  if (whence != SEEK_SET && (int64_t)off < 0 && (toff_t)(-(int64_t)off) > base)
    return (toff_t)-1;
  m->pos = np;
  return np;
}

static int m_close(thandle_t h) {
  (void)h;
  return 0;
}

static toff_t m_size(thandle_t h) {
  return ((mem *)h)->len;
}

static int m_map(thandle_t h, tdata_t *base, toff_t *size) {
  (void)h, (void)base, (void)size;
  return 0;
}

static void m_unmap(thandle_t h, tdata_t base, toff_t size) {
  (void)h, (void)base, (void)size;
}

static int on_error(TIFF *t, void *ud, const char *module, const char *fmt,
                    va_list ap) {
  (void)t, (void)module;
  mem *m = ud;
  if (!m->msg[0])
    vsnprintf(m->msg, sizeof m->msg, fmt, ap);
  return 1; /* handled: keep libtiff off stderr */
}

static int on_warning(TIFF *t, void *ud, const char *module, const char *fmt,
                      va_list ap) {
  (void)t, (void)ud, (void)module, (void)fmt, (void)ap;
  return 1;
}

/* Copies a w x h block of packed samples (bpp bytes per pixel) to the
 * image at (x0, y0), clipped to it. */
static void put_block(ras_image *img, const uint8_t *src, size_t sstride,
                      int x0, int y0, int w, int h, int bpp) {
  for (int y = 0; y < h && y0 + y < img->h; y++) {
    int cw = x0 + w > img->w ? img->w - x0 : w;
    if (cw <= 0)
      return;
    memcpy(img->px + (size_t)(y0 + y) * img->stride + (size_t)x0 * bpp,
           src + (size_t)y * sstride, (size_t)cw * bpp);
  }
}

static int read_native(TIFF *t, ras_image *img, mem *m) {
  int bpp = img->n + img->alpha;
  if (TIFFIsTiled(t)) {
    uint32_t tw = 0, th = 0;
    TIFFGetField(t, TIFFTAG_TILEWIDTH, &tw);
    TIFFGetField(t, TIFFTAG_TILELENGTH, &th);
    tmsize_t ts = TIFFTileSize(t);
    if (!tw || !th || ts <= 0 || (uint64_t)tw * th * bpp > (uint64_t)ts)
      return XR_E_FORMAT;
    uint8_t *buf = malloc((size_t)ts);
    if (!buf)
      return XR_E_NOMEM;
    for (uint32_t y = 0; y < (uint32_t)img->h; y += th)
      for (uint32_t x = 0; x < (uint32_t)img->w; x += tw) {
        if (TIFFReadTile(t, buf, x, y, 0, 0) < 0) {
          free(buf);
          if (!m->msg[0])
            snprintf(m->msg, sizeof m->msg, "bad tile at %u,%u", x, y);
          return XR_E_FORMAT;
        }
        put_block(img, buf, (size_t)tw * bpp, (int)x, (int)y, (int)tw, (int)th,
                  bpp);
      }
    free(buf);
    return 0;
  }
  uint32_t rps = 0;
  if (!TIFFGetField(t, TIFFTAG_ROWSPERSTRIP, &rps) || rps == 0 ||
      rps > (uint32_t)img->h)
    rps = (uint32_t)img->h;
  tmsize_t ss = TIFFStripSize(t);
  if (ss <= 0 || (uint64_t)rps * img->stride > (uint64_t)ss)
    return XR_E_FORMAT;
  uint8_t *buf = malloc((size_t)ss);
  if (!buf)
    return XR_E_NOMEM;
  for (uint32_t y = 0; y < (uint32_t)img->h; y += rps) {
    uint32_t rows = (uint32_t)img->h - y < rps ? (uint32_t)img->h - y : rps;
    tmsize_t want = (tmsize_t)(rows * img->stride);
    if (TIFFReadEncodedStrip(t, TIFFComputeStrip(t, y, 0), buf, want) < want) {
      free(buf);
      if (!m->msg[0])
        snprintf(m->msg, sizeof m->msg, "bad or short strip at row %u", y);
      return XR_E_FORMAT;
    }
    put_block(img, buf, img->stride, 0, (int)y, img->w, (int)rows, bpp);
  }
  free(buf);
  return 0;
}

/* Premultiplied (associated) alpha back to straight alpha. */
static void unpremultiply(ras_image *img) {
  int bpp = img->n + 1;
  for (int y = 0; y < img->h; y++) {
    uint8_t *p = img->px + (size_t)y * img->stride;
    for (int x = 0; x < img->w; x++, p += bpp) {
      unsigned a = p[img->n];
      for (int c = 0; c < img->n; c++)
        p[c] = a ? (uint8_t)(p[c] * 255u > a * 255u ? 255
                                                    : (p[c] * 255u + a / 2) / a)
                 : 0;
    }
  }
}

static int read_rgba(TIFF *t, ras_image *img, mem *m) {
  size_t npix = (size_t)img->w * (size_t)img->h;
  uint32_t *raster = malloc(npix * sizeof *raster);
  if (!raster)
    return XR_E_NOMEM;
  if (!TIFFReadRGBAImageOriented(t, (uint32_t)img->w, (uint32_t)img->h, raster,
                                 ORIENTATION_TOPLEFT, 0)) {
    free(raster);
    if (!m->msg[0])
      snprintf(m->msg, sizeof m->msg, "unreadable image data");
    return XR_E_FORMAT;
  }
  for (size_t i = 0; i < npix; i++) {
    uint8_t *p = img->px + i * 4;
    p[0] = (uint8_t)TIFFGetR(raster[i]);
    p[1] = (uint8_t)TIFFGetG(raster[i]);
    p[2] = (uint8_t)TIFFGetB(raster[i]);
    p[3] = (uint8_t)TIFFGetA(raster[i]);
  }
  free(raster);
  /* libtiff's RGBA reader hands out associated alpha. */
  unpremultiply(img);
  return 0;
}

int ras_image_decode_tiff(const uint8_t *data, size_t len, const xr_limits *lim,
                          ras_image **out, xr_errinfo *err) {
  *out = NULL;
  mem m = {data, len, 0, ""};
  TIFFOpenOptions *opts = TIFFOpenOptionsAlloc();
  if (!opts)
    return xr_errinfo_set(err, XR_E_NOMEM, NULL, -1, -1, "libtiff setup");
  TIFFOpenOptionsSetMaxSingleMemAlloc(opts, (tmsize_t)RAS_IMAGE_MAX_CHUNK);
  TIFFOpenOptionsSetErrorHandlerExtR(opts, on_error, &m);
  TIFFOpenOptionsSetWarningHandlerExtR(opts, on_warning, &m);
  /* "m": no memory mapping (the data is already in memory). */
  TIFF *t = TIFFClientOpenExt("image", "rm", &m, m_read, m_write, m_seek,
                              m_close, m_size, m_map, m_unmap, opts);
  TIFFOpenOptionsFree(opts);
  if (!t)
    return xr_errinfo_set(err, XR_E_FORMAT, NULL, -1, -1, "TIFF: %s",
                          m.msg[0] ? m.msg : "not readable");
  int rc;
  ras_image *img = NULL;
  uint32_t w = 0, h = 0;
  uint16_t spp = 1, bps = 1, photo = 0, planar = PLANARCONFIG_CONTIG;
  uint16_t nextra = 0, *extra = NULL, ink = INKSET_CMYK;
  TIFFGetField(t, TIFFTAG_IMAGEWIDTH, &w);
  TIFFGetField(t, TIFFTAG_IMAGELENGTH, &h);
  TIFFGetFieldDefaulted(t, TIFFTAG_SAMPLESPERPIXEL, &spp);
  TIFFGetFieldDefaulted(t, TIFFTAG_BITSPERSAMPLE, &bps);
  TIFFGetFieldDefaulted(t, TIFFTAG_PLANARCONFIG, &planar);
  TIFFGetFieldDefaulted(t, TIFFTAG_EXTRASAMPLES, &nextra, &extra);
  TIFFGetFieldDefaulted(t, TIFFTAG_INKSET, &ink);
  if (!TIFFGetField(t, TIFFTAG_PHOTOMETRIC, &photo)) {
    rc = xr_errinfo_set(err, XR_E_FORMAT, NULL, -1, -1,
                        "TIFF: no PhotometricInterpretation");
    goto done;
  }
  rc = ras_image_check(w, h, lim);
  if (rc < 0) {
    xr_errinfo_set(err, rc, NULL, -1, -1,
                   "TIFF: image %ux%u over the image limits", w, h);
    goto done;
  }
  int n = photo == PHOTOMETRIC_MINISBLACK                        ? 1
          : photo == PHOTOMETRIC_RGB                             ? 3
          : photo == PHOTOMETRIC_SEPARATED && ink == INKSET_CMYK ? 4
                                                                 : 0;
  int has_alpha = nextra >= 1 && extra &&
                  (extra[0] == EXTRASAMPLE_ASSOCALPHA ||
                   extra[0] == EXTRASAMPLE_UNASSALPHA);
  int native = n && bps == 8 && planar == PLANARCONFIG_CONTIG &&
               spp == n + (has_alpha ? 1 : 0) && nextra <= 1;
  if (native) {
    rc = ras_image_new((int)w, (int)h, n, has_alpha, lim, &img);
    if (rc == 0)
      rc = read_native(t, img, &m);
    if (rc == 0 && has_alpha && extra[0] == EXTRASAMPLE_ASSOCALPHA)
      unpremultiply(img);
  } else {
    char emsg[1024] = "";
    if (!TIFFRGBAImageOK(t, emsg)) {
      rc =
          xr_errinfo_set(err, XR_E_UNSUPPORTED, NULL, -1, -1, "TIFF: %s", emsg);
      goto done;
    }
    rc = ras_image_new((int)w, (int)h, 3, 1, lim, &img);
    if (rc == 0)
      rc = read_rgba(t, img, &m);
  }
  if (rc < 0) {
    xr_errinfo_set(err, rc, NULL, -1, -1, "TIFF: %s",
                   m.msg[0] ? m.msg : xr_strerror(rc));
    goto done;
  }
  uint16_t unit = RESUNIT_INCH;
  float xr = 0, yr = 0;
  TIFFGetFieldDefaulted(t, TIFFTAG_RESOLUTIONUNIT, &unit);
  if (TIFFGetField(t, TIFFTAG_XRESOLUTION, &xr) &&
      TIFFGetField(t, TIFFTAG_YRESOLUTION, &yr) && xr > 0 && yr > 0 &&
      xr < 1e6 && yr < 1e6 && unit != RESUNIT_NONE) {
    double k = unit == RESUNIT_CENTIMETER ? 2.54 : 1;
    img->xdpi = xr * k;
    img->ydpi = yr * k;
  }
  uint32_t plen = 0;
  void *prof = NULL;
  if (TIFFGetField(t, TIFFTAG_ICCPROFILE, &plen, &prof) && prof && plen > 0 &&
      (native || photo == PHOTOMETRIC_RGB) &&
      ras_image_set_icc(img, prof, plen) < 0) {
    rc = xr_errinfo_set(err, XR_E_NOMEM, NULL, -1, -1, "TIFF: no memory");
    goto done;
  }
  *out = img;
  img = NULL;
done:
  ras_image_drop(img);
  TIFFClose(t);
  return rc;
}
