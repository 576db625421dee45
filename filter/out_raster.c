/* PWG raster and CUPS raster band sinks over libcups' raster API. */
#include "filter/out_raster.h"

#include <cups/raster.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter/cups_dl.h"

#define DEFAULT_PAGE_BUFFER ((int64_t)512 << 20)

typedef struct writer {
  cups_raster_t *ras;
  int format;
  xr_raster_opts opts;
  int have_tmpl;
  cups_page_header2_t tmpl; /* a PPD driver's header fields */
  int err; /* first error; once set every callback fails with it */
  int pages;

  /* The page in progress. */
  int in_page;
  xr_page_info info;
  xr_raster_page page;
  cups_page_header2_t hdr;
  int out_w, out_h; /* raster pixels */
  size_t out_bpl;   /* raster bytes per line */
  size_t src_bpl;   /* bytes of one source row (no padding) */
  int bits;         /* bits per pixel: 1, 8, 24 or 32 */
  int cw, ch;       /* content size after rotation */
  int x_off, y_off; /* content origin on the raster; may be negative */
  int rows_in;      /* source rows received */
  int rows_out;     /* raster rows written */
  uint8_t *line;    /* one raster line */
  uint8_t white;    /* value of a blank byte */
  uint8_t *buf;     /* the whole source page, when rotating; else NULL */
  /* Kept from page to page: fresh pages of this size would each cost a
   * round of page faults. */
  uint8_t *keep_buf, *keep_blk;
  size_t keep_buf_cap, keep_blk_cap;
} writer;

static int fail(writer *w, int status) {
  if (!w->err)
    w->err = status;
  return w->err;
}

char *xr_raster_media_name(double w_in, double h_in, char *buf, size_t size) {
  /* pwgMediaForSize matches within a small tolerance, so a page that is a
   * standard size up to rounding gets its standard name. */
  pwg_media_t *m =
      pwgMediaForSize((int)lround(w_in * 2540.0), (int)lround(h_in * 2540.0));
  if (m && m->pwg)
    snprintf(buf, size, "%s", m->pwg);
  else
    snprintf(buf, size, "custom_%gx%gin_%gx%gin", w_in, h_in, w_in, h_in);
  return buf;
}

static const char *pwg_type(int cs) {
  switch (cs) {
  case XR_CS_GRAY:
    return "sgray_8";
  case XR_CS_RGB:
    return "srgb_8";
  case XR_CS_CMYK:
    return "cmyk_8";
  case XR_CS_MONO:
    return "black_1";
  }
  return NULL;
}

static const char *sides_name(int duplex) {
  switch (duplex) {
  case XR_DUPLEX_LONG_EDGE:
    return "two-sided-long-edge";
  case XR_DUPLEX_SHORT_EDGE:
    return "two-sided-short-edge";
  }
  return "one-sided";
}

/* Pixel copy for any depth; 1-bit rows are MSB first. */
static void copy_px(uint8_t *dst, int dx, const uint8_t *src, int sx,
                    int bits) {
  if (bits == 1) {
    int v = (src[sx >> 3] >> (7 - (sx & 7))) & 1;
    uint8_t mask = (uint8_t)(0x80u >> (dx & 7));
    if (v)
      dst[dx >> 3] |= mask;
    else
      dst[dx >> 3] &= (uint8_t)~mask;
    return;
  }
  int n = bits / 8;
  memcpy(dst + (size_t)dx * n, src + (size_t)sx * n, (size_t)n);
}

static void copy_span(uint8_t *dst, int dx, const uint8_t *src, int sx,
                      int count, int bits) {
  if (bits == 1 && ((dx | sx) & 7)) {
    for (int i = 0; i < count; i++)
      copy_px(dst, dx + i, src, sx + i, 1);
    return;
  }
  if (bits == 1) {
    int whole = count / 8;
    memcpy(dst + dx / 8, src + sx / 8, (size_t)whole);
    for (int i = whole * 8; i < count; i++)
      copy_px(dst, dx + i, src, sx + i, 1);
    return;
  }
  size_t n = (size_t)(bits / 8);
  memcpy(dst + (size_t)dx * n, src + (size_t)sx * n, (size_t)count * n);
}

static int put_line(writer *w, const uint8_t *line) {
  if (cupsRasterWritePixels(w->ras, (unsigned char *)line,
                            (unsigned)w->out_bpl) != w->out_bpl)
    return fail(w, XR_E_IO);
  w->rows_out++;
  return 0;
}

static int blank_until(writer *w, int row) {
  if (row > w->out_h)
    row = w->out_h;
  if (w->rows_out >= row)
    return 0;
  memset(w->line, w->white, w->out_bpl);
  while (w->rows_out < row) {
    int rc = put_line(w, w->line);
    if (rc < 0)
      return rc;
  }
  return 0;
}

/* Writes content row cy (already rotated) from a source row. */
static int put_content_row(writer *w, int cy, const uint8_t *src) {
  int dy = cy + w->y_off;
  if (dy < w->rows_out || dy >= w->out_h)
    return 0; /* cropped */
  int rc = blank_until(w, dy);
  if (rc < 0)
    return rc;
  memset(w->line, w->white, w->out_bpl);
  int sx = w->x_off < 0 ? -w->x_off : 0;
  int dx = w->x_off < 0 ? 0 : w->x_off;
  int n = w->cw - sx;
  if (n > w->out_w - dx)
    n = w->out_w - dx;
  if (n > 0)
    copy_span(w->line, dx, src, sx, n, w->bits);
  return put_line(w, w->line);
}

/* What a PPD driver set up through its option code and reads back from
 * the page header; geometry, resolution and colour are not among them. */
static void copy_driver_fields(cups_page_header2_t *h,
                               const cups_page_header2_t *t) {
  memcpy(h->MediaClass, t->MediaClass, sizeof h->MediaClass);
  memcpy(h->MediaColor, t->MediaColor, sizeof h->MediaColor);
  memcpy(h->MediaType, t->MediaType, sizeof h->MediaType);
  memcpy(h->OutputType, t->OutputType, sizeof h->OutputType);
  h->AdvanceDistance = t->AdvanceDistance;
  h->AdvanceMedia = t->AdvanceMedia;
  h->Collate = t->Collate;
  h->CutMedia = t->CutMedia;
  h->InsertSheet = t->InsertSheet;
  h->Jog = t->Jog;
  h->LeadingEdge = t->LeadingEdge;
  h->ManualFeed = t->ManualFeed;
  h->MediaPosition = t->MediaPosition;
  h->MediaWeight = t->MediaWeight;
  h->MirrorPrint = t->MirrorPrint;
  h->NegativePrint = t->NegativePrint;
  h->OutputFaceUp = t->OutputFaceUp;
  h->Separations = t->Separations;
  h->TraySwitch = t->TraySwitch;
  h->cupsMediaType = t->cupsMediaType;
  h->cupsCompression = t->cupsCompression;
  h->cupsRowCount = t->cupsRowCount;
  h->cupsRowFeed = t->cupsRowFeed;
  h->cupsRowStep = t->cupsRowStep;
  memcpy(h->cupsInteger, t->cupsInteger, sizeof h->cupsInteger);
  memcpy(h->cupsReal, t->cupsReal, sizeof h->cupsReal);
  memcpy(h->cupsString, t->cupsString, sizeof h->cupsString);
  memcpy(h->cupsMarkerType, t->cupsMarkerType, sizeof h->cupsMarkerType);
  memcpy(h->cupsRenderingIntent, t->cupsRenderingIntent,
         sizeof h->cupsRenderingIntent);
  /* Same bytes, the driver's name for them: device W and RGB are encoded
   * as sW and sRGB are. */
  if (h->cupsColorSpace == CUPS_CSPACE_SW && t->cupsColorSpace == CUPS_CSPACE_W)
    h->cupsColorSpace = CUPS_CSPACE_W;
  if (h->cupsColorSpace == CUPS_CSPACE_SRGB &&
      t->cupsColorSpace == CUPS_CSPACE_RGB)
    h->cupsColorSpace = CUPS_CSPACE_RGB;
}

static int begin_page(void *ud, const xr_page_info *info) {
  writer *w = ud;
  if (w->err)
    return w->err;
  if (w->in_page)
    return fail(w, XR_E_USAGE);
  xr_limits lim;
  xr_limits_init(&lim);
  const char *type = pwg_type(info->colorspace);
  int bits = info->colorspace == XR_CS_MONO ? 1 : 8 * info->components;
  if (!type || info->width <= 0 || info->height <= 0 ||
      info->width > lim.v[XR_LIMIT_PAGE_DIM] ||
      info->height > lim.v[XR_LIMIT_PAGE_DIM] || !(info->dpi >= 1.0) ||
      info->dpi > (double)xr_limit_bound(XR_LIMIT_DPI) ||
      (info->colorspace != XR_CS_MONO &&
       info->components != (info->colorspace == XR_CS_RGB    ? 3
                            : info->colorspace == XR_CS_CMYK ? 4
                                                             : 1)))
    return fail(w, XR_E_INVAL);
  size_t src_bpl = bits == 1 ? ((size_t)info->width + 7) / 8
                             : (size_t)info->width * (size_t)(bits / 8);
  if (info->stride < src_bpl)
    return fail(w, XR_E_INVAL);

  xr_raster_page pg;
  memset(&pg, 0, sizeof pg);
  if (w->opts.setup) {
    int rc = w->opts.setup(w->opts.setup_ud, info, &pg);
    if (rc < 0)
      return rc; /* not sticky: the stream itself is still good */
  }
  if (pg.rotate % 90 != 0)
    return fail(w, XR_E_INVAL);
  pg.rotate = ((pg.rotate % 360) + 360) % 360;
  int turned = pg.rotate == 90 || pg.rotate == 270;
  int cw = turned ? info->height : info->width;
  int ch = turned ? info->width : info->height;
  double dpi = info->dpi;
  int out_w = cw, out_h = ch;
  double win = (double)cw / dpi, hin = (double)ch / dpi;
  if (pg.media_w_in > 0 && pg.media_h_in > 0) {
    double mw = pg.media_w_in * dpi, mh = pg.media_h_in * dpi;
    if (!(mw >= 1.0 && mh >= 1.0 && mw <= (double)lim.v[XR_LIMIT_PAGE_DIM] &&
          mh <= (double)lim.v[XR_LIMIT_PAGE_DIM]))
      return fail(w, XR_E_LIMIT);
    out_w = (int)lround(mw);
    out_h = (int)lround(mh);
    win = pg.media_w_in;
    hin = pg.media_h_in;
  }
  if ((double)out_w > (double)lim.v[XR_LIMIT_PAGE_PIXELS] / (double)out_h)
    return fail(w, XR_E_LIMIT);
  if (pg.rotate) {
    int64_t cap = w->opts.max_page_buffer > 0 ? w->opts.max_page_buffer
                                              : DEFAULT_PAGE_BUFFER;
    if ((int64_t)src_bpl > cap / info->height)
      return fail(w, XR_E_LIMIT);
  }

  /* PWG 5102.4 wants an integer resolution; CUPS raster too. */
  int idpi = (int)lround(dpi);
  char name[64];
  if (pg.media_name[0])
    snprintf(name, sizeof name, "%s", pg.media_name);
  else
    xr_raster_media_name(win, hin, name, sizeof name);
  pwg_media_t media;
  memset(&media, 0, sizeof media);
  media.pwg = name;
  media.width = (int)lround(win * 2540.0);
  media.length = (int)lround(hin * 2540.0);
  memset(&w->hdr, 0, sizeof w->hdr);
  if (!cupsRasterInitPWGHeader(&w->hdr, &media, type, idpi, idpi,
                               sides_name(pg.duplex), NULL))
    return fail(w, XR_E_INTERNAL);
  size_t out_bpl =
      bits == 1 ? ((size_t)out_w + 7) / 8 : (size_t)out_w * (size_t)(bits / 8);
  w->hdr.cupsWidth = (unsigned)out_w;
  w->hdr.cupsHeight = (unsigned)out_h;
  w->hdr.cupsBytesPerLine = (unsigned)out_bpl;
  w->hdr.PageSize[0] = (unsigned)lround(win * 72.0);
  w->hdr.PageSize[1] = (unsigned)lround(hin * 72.0);
  w->hdr.cupsPageSize[0] = (float)(win * 72.0);
  w->hdr.cupsPageSize[1] = (float)(hin * 72.0);
  w->hdr.ImagingBoundingBox[2] = w->hdr.PageSize[0];
  w->hdr.ImagingBoundingBox[3] = w->hdr.PageSize[1];
  if (w->format == XR_RASTER_CUPS)
    w->hdr.Orientation = (cups_orient_t)(pg.rotate / 90);
  if (pg.copies > 1)
    w->hdr.NumCopies = (unsigned)pg.copies;
  if (w->format == XR_RASTER_CUPS && w->have_tmpl)
    copy_driver_fields(&w->hdr, &w->tmpl);

  w->line = malloc(out_bpl);
  if (!w->line)
    return fail(w, XR_E_NOMEM);
  if (pg.rotate) {
    size_t need = src_bpl * (size_t)info->height;
    if (need > w->keep_buf_cap) {
      free(w->keep_buf);
      w->keep_buf_cap = 0;
      if (!(w->keep_buf = malloc(need))) {
        free(w->line);
        w->line = NULL;
        return fail(w, XR_E_NOMEM);
      }
      w->keep_buf_cap = need;
    }
    w->buf = w->keep_buf;
  }
  if (!cupsRasterWriteHeader2(w->ras, &w->hdr)) {
    free(w->line);
    w->line = w->buf = NULL;
    return fail(w, XR_E_IO);
  }
  w->info = *info;
  w->page = pg;
  w->out_w = out_w;
  w->out_h = out_h;
  w->out_bpl = out_bpl;
  w->src_bpl = src_bpl;
  w->bits = bits;
  w->cw = cw;
  w->ch = ch;
  /* Centred; an odd leftover pixel goes right and down. */
  w->x_off = (out_w - cw) / 2;
  w->y_off = (out_h - ch) / 2;
  w->rows_in = 0;
  w->rows_out = 0;
  w->white = (info->colorspace == XR_CS_GRAY || info->colorspace == XR_CS_RGB)
                 ? 0xff
                 : 0x00;
  w->in_page = 1;
  return 0;
}

static int write_band(void *ud, const xr_page_info *info, int y, int rows,
                      const uint8_t *data, size_t stride) {
  writer *w = ud;
  (void)info;
  if (w->err)
    return w->err;
  if (!w->in_page || rows < 0 || y < w->rows_in || rows > w->info.height ||
      y > w->info.height - rows || stride < w->src_bpl || (rows && !data))
    return fail(w, XR_E_USAGE);
  if (w->buf) {
    /* A skipped stretch of source rows stays blank. */
    for (int r = w->rows_in; r < y; r++)
      memset(w->buf + (size_t)r * w->src_bpl, w->white, w->src_bpl);
    for (int r = 0; r < rows; r++)
      memcpy(w->buf + (size_t)(y + r) * w->src_bpl, data + (size_t)r * stride,
             w->src_bpl);
  } else {
    for (int r = 0; r < rows; r++) {
      int rc = put_content_row(w, y + r, data + (size_t)r * stride);
      if (rc < 0)
        return rc;
    }
  }
  w->rows_in = y + rows;
  return 0;
}

/* Whole-byte pixel move (1, 3 or 4 bytes). */
static inline void put_px(uint8_t *dst, const uint8_t *src, int ps) {
  switch (ps) {
  case 1:
    dst[0] = src[0];
    break;
  case 3:
    dst[0] = src[0];
    dst[1] = src[1];
    dst[2] = src[2];
    break;
  default:
    memcpy(dst, src, 4);
    break;
  }
}

/* Emits the buffered page turned by page.rotate. Rotated pixel (rx, ry)
 * comes from source pixel (sx, sy):
 *    90: sx = ry,          sy = sh - 1 - rx
 *   180: sx = sw - 1 - rx, sy = sh - 1 - ry
 *   270: sx = sw - 1 - ry, sy = rx
 * For a quarter turn one output line is a source column, so lines are made
 * in blocks: each source row read once per block gives one pixel to each
 * line of the block, which keeps the reads sequential. */
static int flush_rotated(writer *w) {
  int sw = w->info.width, sh = w->info.height, rot = w->page.rotate;
  int ps = w->bits / 8;
  if (w->rows_in < sh)
    memset(w->buf + (size_t)w->rows_in * w->src_bpl, w->white,
           (size_t)(sh - w->rows_in) * w->src_bpl);
  int x0 = w->x_off < 0 ? -w->x_off : 0;
  int dx0 = w->x_off < 0 ? 0 : w->x_off;
  int n = w->cw - x0;
  if (n > w->out_w - dx0)
    n = w->out_w - dx0;
  size_t cap = (size_t)8 << 20;
  int block = rot == 180 || w->out_bpl >= cap ? 1 : (int)(cap / w->out_bpl);
  if (block > 32)
    block = 32;
  /* Not w->line: blank_until uses that one. */
  size_t need = (size_t)block * w->out_bpl;
  if (need > w->keep_blk_cap) {
    free(w->keep_blk);
    w->keep_blk_cap = 0;
    if (!(w->keep_blk = malloc(need)))
      return fail(w, XR_E_NOMEM);
    w->keep_blk_cap = need;
  }
  uint8_t *blk = w->keep_blk;
  int rc = 0;
  for (int ry0 = 0; ry0 < w->ch && rc == 0; ry0 += block) {
    int nb = w->ch - ry0 < block ? w->ch - ry0 : block;
    if (ry0 + nb + w->y_off <= 0)
      continue; /* cropped above */
    if (ry0 + w->y_off >= w->out_h)
      break;
    memset(blk, w->white, (size_t)nb * w->out_bpl);
    if (rot == 180) {
      const uint8_t *srow = w->buf + (size_t)(sh - 1 - ry0) * w->src_bpl;
      for (int i = 0; i < n; i++) {
        int sx = sw - 1 - (x0 + i);
        if (ps)
          put_px(blk + (size_t)(dx0 + i) * ps, srow + (size_t)sx * ps, ps);
        else
          copy_px(blk, dx0 + i, srow, sx, 1);
      }
    } else {
      /* Along k the source moves one pixel right (90) or left (270). */
      int sx0 = rot == 90 ? ry0 : sw - 1 - ry0, step = rot == 90 ? 1 : -1;
      for (int i = 0; i < n; i++) {
        int rx = x0 + i;
        const uint8_t *srow =
            w->buf + (size_t)(rot == 90 ? sh - 1 - rx : rx) * w->src_bpl;
        if (ps == 0) {
          for (int k = 0; k < nb; k++)
            copy_px(blk + (size_t)k * w->out_bpl, dx0 + i, srow, sx0 + step * k,
                    1);
          continue;
        }
        /* Offsets, not pointers, step past the row's ends after the last
         * pixel. */
        ptrdiff_t so = (ptrdiff_t)sx0 * ps, sstep = (ptrdiff_t)step * ps;
        uint8_t *dp = blk + (size_t)(dx0 + i) * ps;
        if (ps == 3) {
          for (int k = 0; k < nb; k++, so += sstep) {
            uint8_t *d = dp + (size_t)k * w->out_bpl;
            d[0] = srow[so];
            d[1] = srow[so + 1];
            d[2] = srow[so + 2];
          }
        } else if (ps == 1) {
          for (int k = 0; k < nb; k++, so += sstep)
            dp[(size_t)k * w->out_bpl] = srow[so];
        } else {
          for (int k = 0; k < nb; k++, so += sstep)
            memcpy(dp + (size_t)k * w->out_bpl, srow + so, 4);
        }
      }
    }
    for (int k = 0; k < nb && rc == 0; k++) {
      int dy = ry0 + k + w->y_off;
      if (dy < 0)
        continue;
      if (dy >= w->out_h)
        break;
      rc = blank_until(w, dy);
      if (rc == 0)
        rc = put_line(w, blk + (size_t)k * w->out_bpl);
    }
  }
  return rc;
}

static void page_free(writer *w) {
  free(w->line);
  w->line = w->buf = NULL;
  w->in_page = 0;
}

static int end_page(void *ud, const xr_page_info *info) {
  writer *w = ud;
  (void)info;
  if (!w->in_page)
    return w->err ? w->err : fail(w, XR_E_USAGE);
  int rc = w->err;
  if (!rc && w->buf)
    rc = flush_rotated(w);
  /* A raster page must have exactly cupsHeight lines. */
  if (!rc)
    rc = blank_until(w, w->out_h);
  page_free(w);
  if (rc < 0)
    return fail(w, rc);
  w->pages++;
  return 0;
}

int xr_raster_sink_open(int fd, int format, const xr_raster_opts *opts,
                        xr_band_sink *out) {
  if (!out)
    return XR_E_INVAL;
  memset(out, 0, sizeof *out);
  if (fd < 0 || (format != XR_RASTER_PWG && format != XR_RASTER_CUPS))
    return XR_E_INVAL;
  writer *w = calloc(1, sizeof *w);
  if (!w)
    return XR_E_NOMEM;
  if (opts)
    w->opts = *opts;
  w->format = format;
  w->ras = cupsRasterOpen(fd, format == XR_RASTER_PWG
                                  ? CUPS_RASTER_WRITE_PWG
                                  : CUPS_RASTER_WRITE_COMPRESSED);
  if (!w->ras) {
    free(w);
    return XR_E_IO;
  }
  out->ud = w;
  out->begin_page = begin_page;
  out->write_band = write_band;
  out->end_page = end_page;
  return 0;
}

int xr_raster_sink_close(xr_band_sink *sink) {
  if (!sink || !sink->ud)
    return 0;
  writer *w = sink->ud;
  /* Finish a page cut short so the stream stays well-formed. */
  if (w->in_page && !w->err)
    end_page(w, &w->info);
  page_free(w);
  int rc = w->err;
  cupsRasterClose(w->ras);
  free(w->keep_buf);
  free(w->keep_blk);
  free(w);
  sink->ud = NULL;
  return rc;
}

int xr_raster_sink_set_template(xr_band_sink *sink,
                                const cups_page_header2_t *t) {
  if (!sink || !sink->ud || !t)
    return XR_E_INVAL;
  writer *w = sink->ud;
  w->tmpl = *t;
  w->have_tmpl = 1;
  return 0;
}

int xr_raster_sink_pages(const xr_band_sink *sink) {
  return sink && sink->ud ? ((const writer *)sink->ud)->pages : 0;
}
