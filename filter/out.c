/* Output writers: one sink that opens files per page or per stream and
 * hands rows to the PNG or Netpbm encoder as bands arrive, so no page is
 * ever held whole in memory. */
#include "filter/out.h"

#include <errno.h>
#include <png.h>
#include <stdlib.h>
#include <string.h>


struct xr_out {
  int format;
  char *pattern;
  int has_num;      /* pattern contains %d */
  int pages;        /* pages begun */
  FILE *fp;         /* current output stream */
  int fp_is_stdout;
  int status;       /* first error */
  png_structp png;
  png_infop pinfo;
  uint8_t *row;     /* conversion buffer for one row */
  xr_errinfo *err;
  char name[4096];  /* current file name, for messages */
};

int xr_out_format_from_name(const char *name) {
  static const char *const names[] = {"png", "pam", "pgm", "null", "pwg",
                                      "cups"};
  for (int i = 0; i < (int)(sizeof names / sizeof names[0]); i++)
    if (strcmp(name, names[i]) == 0)
      return i;
  return -1;
}

int xr_out_pattern_check(const char *pattern) {
  int found = 0;
  for (const char *p = pattern; *p; p++) {
    if (*p != '%')
      continue;
    if (p[1] == '%') {
      p++;
      continue;
    }
    const char *q = p + 1;
    while (*q == '0' || *q == '-' || *q == ' ' || *q == '+')
      q++;
    while (*q >= '0' && *q <= '9')
      q++;
    if (*q != 'd' || found || q - p > 8)
      return XR_E_USAGE;
    found = 1;
    p = q;
  }
  return found;
}

static int fail(xr_out *o, int status, const char *fmt, const char *arg) {
  if (o->status == 0) {
    o->status = status;
    xr_errinfo_set(o->err, status, NULL, -1, -1, fmt, arg);
  }
  return status;
}

static void close_stream(xr_out *o) {
  if (!o->fp)
    return;
  if (fflush(o->fp) != 0 || ferror(o->fp))
    fail(o, XR_E_IO, "cannot write %s", o->name);
  if (!o->fp_is_stdout && fclose(o->fp) != 0)
    fail(o, XR_E_IO, "cannot close %s", o->name);
  o->fp = NULL;
}

static int open_stream(xr_out *o, int page) {
  if (strcmp(o->pattern, "-") == 0) {
    o->fp = stdout;
    o->fp_is_stdout = 1;
    snprintf(o->name, sizeof o->name, "standard output");
    return 0;
  }
  if (o->has_num) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    snprintf(o->name, sizeof o->name, o->pattern, page);
#pragma GCC diagnostic pop
  } else {
    snprintf(o->name, sizeof o->name, "%s", o->pattern);
  }
  o->fp = fopen(o->name, "wb");
  if (!o->fp)
    return fail(o, XR_E_IO, "cannot create %s", o->name);
  o->fp_is_stdout = 0;
  return 0;
}

static void png_error_cb(png_structp png, png_const_charp msg) {
  (void)msg;
  png_longjmp(png, 1);
}

static void png_warn_cb(png_structp png, png_const_charp msg) {
  (void)png;
  (void)msg;
}

static int begin_png(xr_out *o, const xr_page_info *info) {
  o->png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, png_error_cb,
                                   png_warn_cb);
  if (!o->png)
    return fail(o, XR_E_NOMEM, "cannot start PNG for %s", o->name);
  o->pinfo = png_create_info_struct(o->png);
  if (!o->pinfo)
    return fail(o, XR_E_NOMEM, "cannot start PNG for %s", o->name);
  if (setjmp(png_jmpbuf(o->png)))
    return fail(o, XR_E_IO, "cannot write PNG %s", o->name);
  png_init_io(o->png, o->fp);
  int type = PNG_COLOR_TYPE_GRAY, depth = 8;
  if (info->colorspace == XR_CS_RGB)
    type = PNG_COLOR_TYPE_RGB;
  else if (info->colorspace == XR_CS_MONO)
    depth = 1;
  /* Compression level 1: output speed matters more than a few percent. */
  png_set_compression_level(o->png, 1);
  png_set_IHDR(o->png, o->pinfo, (png_uint_32)info->width,
               (png_uint_32)info->height, depth, type, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_uint_32 ppm = (png_uint_32)(info->dpi / 0.0254 + 0.5);
  png_set_pHYs(o->png, o->pinfo, ppm, ppm, PNG_RESOLUTION_METER);
  png_write_info(o->png, o->pinfo);
  if (info->colorspace == XR_CS_MONO)
    png_set_invert_mono(o->png); /* our 1 is black, PNG's 0 is black */
  return 0;
}

static void end_png(xr_out *o) {
  if (o->png) {
    if (setjmp(png_jmpbuf(o->png)) == 0)
      png_write_end(o->png, o->pinfo);
    else
      fail(o, XR_E_IO, "cannot finish PNG %s", o->name);
    png_destroy_write_struct(&o->png, &o->pinfo);
  }
  o->png = NULL;
  o->pinfo = NULL;
}

/* One row per setjmp scope, so no local of the caller can be clobbered by
 * libpng's longjmp. */
static int png_row(xr_out *o, const uint8_t *row) {
  if (setjmp(png_jmpbuf(o->png)))
    return fail(o, XR_E_IO, "cannot write PNG %s", o->name);
  png_write_row(o->png, row);
  return 0;
}

static int out_begin(void *ud, const xr_page_info *info) {
  xr_out *o = ud;
  if (o->status)
    return o->status;
  o->pages++;
  if (o->format == XR_OUT_NULL)
    return 0;
  if (o->format == XR_OUT_PGM && info->colorspace != XR_CS_GRAY)
    return fail(o, XR_E_USAGE, "%s", "PGM output needs -c gray");
  if (o->format == XR_OUT_PNG && info->colorspace == XR_CS_CMYK)
    return fail(o, XR_E_USAGE, "%s", "PNG cannot hold CMYK; use -F pam");
  if (!o->has_num && o->pages > 1 && o->format == XR_OUT_PNG)
    return fail(o, XR_E_USAGE,
                "%s holds one PNG page; use %%d in the name for more",
                o->pattern);
  if (o->has_num || !o->fp) {
    close_stream(o);
    if (open_stream(o, info->index + 1))
      return o->status;
  }
  free(o->row);
  o->row = malloc((size_t)info->width * 4 + 16);
  if (!o->row)
    return fail(o, XR_E_NOMEM, "%s", "no memory for an output row");
  if (o->format == XR_OUT_PNG)
    return begin_png(o, info);
  if (o->format == XR_OUT_PGM) {
    fprintf(o->fp, "P5\n%d %d\n255\n", info->width, info->height);
  } else {
    static const char *const tuple[] = {"GRAYSCALE", "RGB", "CMYK",
                                        "BLACKANDWHITE"};
    fprintf(o->fp,
            "P7\nWIDTH %d\nHEIGHT %d\nDEPTH %d\nMAXVAL %d\nTUPLTYPE %s\n"
            "ENDHDR\n",
            info->width, info->height, info->components,
            info->colorspace == XR_CS_MONO ? 1 : 255,
            tuple[info->colorspace]);
  }
  return ferror(o->fp) ? fail(o, XR_E_IO, "cannot write %s", o->name) : 0;
}

static int out_band(void *ud, const xr_page_info *info, int y, int rows,
                    const uint8_t *data, size_t stride) {
  xr_out *o = ud;
  if (o->status)
    return o->status;
  if (o->format == XR_OUT_NULL)
    return 0;
  (void)y;
  size_t rowbytes = info->colorspace == XR_CS_MONO
                        ? ((size_t)info->width + 7) / 8
                        : (size_t)info->width * (size_t)info->components;
  for (int r = 0; r < rows; r++) {
    const uint8_t *src = data + (size_t)r * stride;
    if (o->format == XR_OUT_PNG) {
      if (png_row(o, src))
        return o->status;
    } else if (info->colorspace == XR_CS_MONO) {
      /* PAM BLACKANDWHITE: one byte per pixel, 0 = black. */
      for (int x = 0; x < info->width; x++)
        o->row[x] = !((src[x >> 3] >> (7 - (x & 7))) & 1);
      fwrite(o->row, 1, (size_t)info->width, o->fp);
    } else {
      fwrite(src, 1, rowbytes, o->fp);
    }
  }
  if (o->fp && ferror(o->fp))
    return fail(o, XR_E_IO, "cannot write %s", o->name);
  return 0;
}

static int out_end(void *ud, const xr_page_info *info) {
  xr_out *o = ud;
  (void)info;
  if (o->format == XR_OUT_PNG)
    end_png(o);
  if (o->has_num || o->format == XR_OUT_PNG)
    close_stream(o);
  else if (o->fp)
    fflush(o->fp);
  return o->status;
}

int xr_out_open(int format, const char *pattern, xr_out **out,
                xr_band_sink *sink, xr_errinfo *err) {
  *out = NULL;
  if (format < XR_OUT_PNG || format > XR_OUT_NULL)
    return xr_errinfo_set(err, XR_E_USAGE, NULL, -1, -1, "unknown format");
  int has = pattern ? xr_out_pattern_check(pattern) : 0;
  if (has < 0)
    return xr_errinfo_set(err, XR_E_USAGE, NULL, -1, -1,
                          "output name %s: only one %%d is allowed", pattern);
  xr_out *o = calloc(1, sizeof *o);
  if (!o)
    return xr_errinfo_set(err, XR_E_NOMEM, NULL, -1, -1, NULL);
  o->pattern = strdup(pattern ? pattern : "-");
  if (!o->pattern) {
    free(o);
    return xr_errinfo_set(err, XR_E_NOMEM, NULL, -1, -1, NULL);
  }
  o->format = format;
  o->has_num = has;
  o->err = err;
  sink->ud = o;
  sink->begin_page = out_begin;
  sink->write_band = out_band;
  sink->end_page = out_end;
  *out = o;
  return 0;
}

int xr_out_close(xr_out *o) {
  if (!o)
    return 0;
  end_png(o);
  close_stream(o);
  int rc = o->status;
  free(o->row);
  free(o->pattern);
  free(o);
  return rc;
}
