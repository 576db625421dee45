/* JPEG decoding through libjpeg(-turbo): gray, YCbCr/RGB, CMYK and YCCK
 * (Adobe-inverted CMYK is un-inverted here), JFIF density, and ICC
 * profiles split over APP2 markers. */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* jpeglib.h needs size_t and FILE declared first. */
#include <jerror.h>
#include <jpeglib.h>

#include "render/image_decode.h"

/* Progressive files may carry any number of scans; each costs a full pass
 * over the coefficients, so a few hundred bytes could cost minutes. */
#define MAX_SCANS 1000

typedef struct jerr {
  struct jpeg_error_mgr pub;
  jmp_buf jb;
  char msg[JMSG_LENGTH_MAX];
  int truncated;
} jerr;

static void on_error_exit(j_common_ptr c) {
  jerr *e = (jerr *)c->err;
  c->err->format_message(c, e->msg);
  longjmp(e->jb, 1);
}

static void on_message(j_common_ptr c, int level) {
  jerr *e = (jerr *)c->err;
  /* A premature end is a truncated part, not a benign oddity: libjpeg would
   * pad it with gray, and the brief is to skip such an image instead. */
  if (level < 0 && c->err->msg_code == JWRN_JPEG_EOF)
    e->truncated = 1;
}

static void on_progress(j_common_ptr c) {
  j_decompress_ptr d = (j_decompress_ptr)c;
  if (d->input_scan_number > MAX_SCANS) {
    jerr *e = (jerr *)c->err;
    snprintf(e->msg, sizeof e->msg, "more than %d scans", MAX_SCANS);
    longjmp(e->jb, 1);
  }
}

int ras_image_decode_jpeg(const uint8_t *data, size_t len, const xr_limits *lim,
                          ras_image **out, xr_errinfo *err) {
  *out = NULL;
  struct jpeg_decompress_struct ci;
  jerr je;
  struct jpeg_progress_mgr prog;
  memset(&ci, 0, sizeof ci);
  memset(&je, 0, sizeof je);
  memset(&prog, 0, sizeof prog);
  ci.err = jpeg_std_error(&je.pub);
  je.pub.error_exit = on_error_exit;
  je.pub.emit_message = on_message;
  ras_image *volatile img = NULL;
  uint8_t *volatile icc = NULL;
  volatile int rc = XR_E_FORMAT;
  if (setjmp(je.jb)) {
    xr_errinfo_set(err, rc, NULL, -1, -1, "JPEG: %s",
                   je.msg[0] ? je.msg : "decoding failed");
    goto done;
  }
  jpeg_create_decompress(&ci);
  prog.progress_monitor = on_progress;
  ci.progress = &prog;
  if (len > 0xffffffffu) {
    snprintf(je.msg, sizeof je.msg, "too large");
    longjmp(je.jb, 1);
  }
  jpeg_mem_src(&ci, data, (unsigned long)len);
  jpeg_save_markers(&ci, JPEG_APP0 + 2, 0xffff);
  jpeg_read_header(&ci, TRUE);
  int ck = ras_image_check(ci.image_width, ci.image_height, lim);
  if (ck < 0) {
    rc = ck;
    snprintf(je.msg, sizeof je.msg, "image %ux%u over the image limits",
             ci.image_width, ci.image_height);
    longjmp(je.jb, 1);
  }
  int n;
  switch (ci.jpeg_color_space) {
  case JCS_GRAYSCALE:
    ci.out_color_space = JCS_GRAYSCALE;
    n = 1;
    break;
  case JCS_CMYK:
  case JCS_YCCK:
    ci.out_color_space = JCS_CMYK;
    n = 4;
    break;
  default:
    ci.out_color_space = JCS_RGB;
    n = 3;
    break;
  }
  JOCTET *prof = NULL;
  unsigned plen = 0;
  if (jpeg_read_icc_profile(&ci, &prof, &plen))
    icc = prof;
  jpeg_start_decompress(&ci);
  if (ci.output_components != n) {
    snprintf(je.msg, sizeof je.msg, "unexpected %d components",
             ci.output_components);
    longjmp(je.jb, 1);
  }
  ras_image *im = NULL;
  rc = ras_image_new((int)ci.output_width, (int)ci.output_height, n, 0, lim,
                     &im);
  if (rc < 0) {
    snprintf(je.msg, sizeof je.msg, "cannot hold %ux%u pixels", ci.output_width,
             ci.output_height);
    longjmp(je.jb, 1);
  }
  img = im;
  rc = XR_E_FORMAT;
  while (ci.output_scanline < ci.output_height) {
    JSAMPROW row = img->px + (size_t)ci.output_scanline * img->stride;
    if (jpeg_read_scanlines(&ci, &row, 1) != 1)
      break;
    if (je.truncated)
      break;
  }
  if (je.truncated || ci.output_scanline < ci.output_height) {
    snprintf(je.msg, sizeof je.msg, "truncated data (row %u of %u)",
             ci.output_scanline, ci.output_height);
    longjmp(je.jb, 1);
  }
  /* Photoshop writes CMYK with 0 meaning full ink and marks it with an
   * Adobe APP14 segment; everyone follows that convention. */
  if (n == 4 && ci.saw_Adobe_marker) {
    size_t total = img->stride * (size_t)img->h;
    for (size_t i = 0; i < total; i++)
      img->px[i] = (uint8_t)(255 - img->px[i]);
  }
  if (ci.density_unit == 1 && ci.X_density && ci.Y_density) {
    img->xdpi = ci.X_density;
    img->ydpi = ci.Y_density;
  } else if (ci.density_unit == 2 && ci.X_density && ci.Y_density) {
    img->xdpi = ci.X_density * 2.54;
    img->ydpi = ci.Y_density * 2.54;
  }
  if (icc && ras_image_set_icc(img, icc, plen) < 0) {
    rc = XR_E_NOMEM;
    snprintf(je.msg, sizeof je.msg, "out of memory");
    longjmp(je.jb, 1);
  }
  jpeg_finish_decompress(&ci);
  rc = 0;
  *out = img;
  img = NULL;
done:
  free(icc);
  ras_image_drop(img);
  jpeg_destroy_decompress(&ci);
  return rc;
}
