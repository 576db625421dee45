/* Makes the binary sources of the image corpus that Python alone cannot:
 * JPEG files (libjpeg) and ICC profiles (lcms2, and the project's built-in
 * CMYK profile). Run by `python3 corpus/gen_image.py --rebuild-src`, which
 * compiles it; the outputs are checked in, so regenerating the corpus
 * normally needs only python3.
 *
 * Usage: mkimage OUTDIR */
#include <lcms2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>

#include "render/cms_out.h"

static void die(const char *what) {
  fprintf(stderr, "mkimage: %s\n", what);
  exit(1);
}

static void save(const char *dir, const char *name, const void *d, size_t n) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(d, 1, n, f) != n || fclose(f))
    die(path);
}

static void save_profile(const char *dir, const char *name, cmsHPROFILE h) {
  cmsUInt32Number n = 0;
  if (!h || !cmsSaveProfileToMem(h, NULL, &n))
    die(name);
  void *d = malloc(n);
  if (!d || !cmsSaveProfileToMem(h, d, &n))
    die(name);
  save(dir, name, d, n);
  free(d);
  cmsCloseProfile(h);
}

/* The test picture: four quadrants of pure colours (so every colour model
 * is easy to check), a diagonal ramp, 48 x 32 pixels. nc: 1, 3 or 4. */
static void pixel(int x, int y, int nc, uint8_t *p) {
  int q = (x >= 24) + 2 * (y >= 16);
  static const uint8_t rgb[4][3] = {
      {230, 30, 30}, {30, 160, 40}, {30, 60, 220}, {240, 200, 20}};
  static const uint8_t cmyk[4][4] = {
      {0, 230, 230, 0}, {200, 0, 200, 30}, {230, 180, 0, 0}, {0, 40, 240, 0}};
  if (nc == 1) {
    p[0] = (uint8_t)(x * 255 / 47);
  } else if (nc == 3) {
    memcpy(p, rgb[q], 3);
  } else {
    memcpy(p, cmyk[q], 4);
  }
}

static void jpeg(const char *dir, const char *name, int nc, int adobe_invert,
                 const void *icc, size_t icc_len) {
  struct jpeg_compress_struct ci;
  struct jpeg_error_mgr je;
  ci.err = jpeg_std_error(&je);
  jpeg_create_compress(&ci);
  unsigned char *mem = NULL;
  unsigned long len = 0;
  jpeg_mem_dest(&ci, &mem, &len);
  ci.image_width = 48;
  ci.image_height = 32;
  ci.input_components = nc;
  ci.in_color_space = nc == 1 ? JCS_GRAYSCALE : nc == 3 ? JCS_RGB : JCS_CMYK;
  jpeg_set_defaults(&ci);
  /* libjpeg marks CMYK with an Adobe segment; plain CMYK goes without it. */
  ci.write_Adobe_marker = nc == 4 && adobe_invert ? TRUE : FALSE;
  ci.density_unit = 1;
  ci.X_density = 96;
  ci.Y_density = 96;
  jpeg_set_quality(&ci, 90, TRUE);
  jpeg_start_compress(&ci, TRUE);
  if (icc)
    jpeg_write_icc_profile(&ci, icc, (unsigned)icc_len);
  uint8_t row[48 * 4];
  while (ci.next_scanline < 32) {
    for (int x = 0; x < 48; x++) {
      pixel(x, (int)ci.next_scanline, nc, row + x * nc);
      if (adobe_invert)
        for (int c = 0; c < nc; c++)
          row[x * nc + c] = (uint8_t)(255 - row[x * nc + c]);
    }
    JSAMPROW r = row;
    jpeg_write_scanlines(&ci, &r, 1);
  }
  jpeg_finish_compress(&ci);
  jpeg_destroy_compress(&ci);
  save(dir, name, mem, len);
  free(mem);
}

int main(int argc, char **argv) {
  if (argc != 2)
    die("usage: mkimage OUTDIR");
  const char *dir = argv[1];
  /* Profiles: gray with gamma 1.0 (so it visibly differs from sRGB gray),
   * an RGB space with swapped red and blue primaries (a profile that is
   * honoured is obvious), and the built-in CMYK. */
  cmsToneCurve *lin = cmsBuildGamma(NULL, 1.0);
  save_profile(dir, "gray-linear.icc", cmsCreateGrayProfile(cmsD50_xyY(), lin));
  cmsCIExyYTRIPLE swapped = {{0.15, 0.06, 1}, {0.30, 0.60, 1}, {0.64, 0.33, 1}};
  cmsCIExyY d65;
  cmsWhitePointFromTemp(&d65, 6504);
  cmsToneCurve *g22 = cmsBuildGamma(NULL, 2.2);
  cmsToneCurve *t3[3] = {g22, g22, g22};
  save_profile(dir, "rgb-swapped.icc", cmsCreateRGBProfile(&d65, &swapped, t3));
  cmsFreeToneCurve(g22);
  cmsFreeToneCurve(lin);
  void *cmyk = NULL;
  size_t cmyk_len = 0;
  /* Small tables keep the test profile at a few KiB. */
  if (ras_cms_builtin_cmyk(9, 5, &cmyk, &cmyk_len))
    die("built-in CMYK profile");
  save(dir, "cmyk-small.icc", cmyk, cmyk_len);
  /* JPEGs. */
  jpeg(dir, "gray.jpg", 1, 0, NULL, 0);
  jpeg(dir, "rgb.jpg", 3, 0, NULL, 0);
  jpeg(dir, "cmyk.jpg", 4, 0, NULL, 0);
  jpeg(dir, "cmyk-adobe.jpg", 4, 1, NULL, 0);
  FILE *f = NULL;
  char path[4096];
  snprintf(path, sizeof path, "%s/rgb-swapped.icc", dir);
  f = fopen(path, "rb");
  if (!f)
    die(path);
  static uint8_t icc[65536];
  size_t n = fread(icc, 1, sizeof icc, f);
  fclose(f);
  jpeg(dir, "rgb-icc.jpg", 3, 0, icc, n);
  free(cmyk);
  return 0;
}
