/* Colour management: the profile and transform cache, conversions of
 * colours and pixels, bad profiles, the output CMYK converter and the mono
 * halftone. Profiles are made here with lcms2, so every expectation comes
 * from a known colour space. */
#include <lcms2.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "render/cms.h"
#include "render/cms_out.h"
#include "render/image.h"

typedef struct blob {
  uint8_t *d;
  size_t n;
} blob;

static blob save(cmsHPROFILE h) {
  blob b = {NULL, 0};
  cmsUInt32Number n = 0;
  assert_true(cmsSaveProfileToMem(h, NULL, &n));
  b.d = malloc(n);
  assert_true(cmsSaveProfileToMem(h, b.d, &n));
  b.n = n;
  cmsCloseProfile(h);
  return b;
}

static blob srgb(void) {
  return save(cmsCreate_sRGBProfile());
}

static blob gray_linear(void) {
  cmsToneCurve *lin = cmsBuildGamma(NULL, 1.0);
  blob b = save(cmsCreateGrayProfile(cmsD50_xyY(), lin));
  cmsFreeToneCurve(lin);
  return b;
}

/* RGB with red and blue primaries swapped. */
static blob rgb_swapped(void) {
  cmsCIExyYTRIPLE p = {{0.15, 0.06, 1}, {0.30, 0.60, 1}, {0.64, 0.33, 1}};
  cmsCIExyY d65;
  cmsWhitePointFromTemp(&d65, 6504);
  cmsToneCurve *g = cmsBuildGamma(NULL, 2.4);
  cmsToneCurve *t[3] = {g, g, g};
  blob b = save(cmsCreateRGBProfile(&d65, &p, t));
  cmsFreeToneCurve(g);
  return b;
}

/* A 2-channel (2CLR) output profile: channel 0 is cyan ink, channel 1
 * magenta ink, mixed like ideal inks, through sRGB to Lab. */
typedef struct two_ud {
  cmsHTRANSFORM rgb2lab;
} two_ud;

static cmsInt32Number two_a2b(const cmsUInt16Number in[], cmsUInt16Number out[],
                              void *ud) {
  cmsUInt16Number rgb[3] = {(cmsUInt16Number)(65535 - in[0]),
                            (cmsUInt16Number)(65535 - in[1]), 65535};
  cmsDoTransform(((two_ud *)ud)->rgb2lab, rgb, out, 1);
  return 1;
}

static blob two_channel(void) {
  cmsHPROFILE s = cmsCreate_sRGBProfile(), lab = cmsCreateLab4Profile(NULL);
  two_ud ud = {cmsCreateTransform(s, TYPE_RGB_16, lab, TYPE_Lab_16,
                                  INTENT_RELATIVE_COLORIMETRIC, 0)};
  cmsPipeline *p = cmsPipelineAlloc(NULL, 2, 3);
  cmsStage *clut = cmsStageAllocCLut16bit(NULL, 9, 2, 3, NULL);
  assert_true(cmsStageSampleCLut16bit(clut, two_a2b, &ud, 0));
  cmsPipelineInsertStage(p, cmsAT_END, cmsStageAllocToneCurves(NULL, 2, NULL));
  cmsPipelineInsertStage(p, cmsAT_END, clut);
  cmsPipelineInsertStage(p, cmsAT_END, cmsStageAllocToneCurves(NULL, 3, NULL));
  cmsHPROFILE h = cmsCreateProfilePlaceholder(NULL);
  cmsSetProfileVersion(h, 4.3);
  cmsSetDeviceClass(h, cmsSigOutputClass);
  cmsSetColorSpace(h, cmsSig2colorData);
  cmsSetPCS(h, cmsSigLabData);
  cmsWriteTag(h, cmsSigMediaWhitePointTag, cmsD50_XYZ());
  assert_true(cmsWriteTag(h, cmsSigAToB0Tag, p));
  cmsPipelineFree(p);
  cmsDeleteTransform(ud.rgb2lab);
  cmsCloseProfile(s);
  cmsCloseProfile(lab);
  return save(h);
}

static void near(float got, float want, float tol) {
  if (!(got > want - tol && got < want + tol))
    fail_msg("got %.4f, want %.4f +- %.4f", got, want, tol);
}

static void test_cache_per_profile_not_per_colour(void **st) {
  (void)st;
  ras_cms *c = NULL;
  assert_int_equal(ras_cms_new(&c), 0);
  blob g = gray_linear();
  int ch = 0;
  int h = ras_cms_profile(c, "/p/gray.icc", g.d, g.n, &ch);
  assert_true(h >= 0);
  assert_int_equal(ch, 1);
  assert_int_equal(ras_cms_profile(c, "/p/gray.icc", NULL, 0, &ch), h);
  assert_int_equal(ras_cms_lookup(c, "/p/gray.icc", &ch), h);
  assert_int_equal(ras_cms_lookup(c, "/p/other.icc", &ch), XR_E_NOTFOUND);
  float rgb[3];
  float in = 0.5f;
  assert_int_equal(ras_cms_color(c, h, 1, &in, rgb), 0);
  int made = ras_cms_transforms_made(c);
  for (int i = 0; i < 1000; i++) {
    in = (float)i / 999;
    assert_int_equal(ras_cms_color(c, h, 1, &in, rgb), 0);
  }
  assert_int_equal(ras_cms_transforms_made(c), made);
  /* Linear 0.5 is sRGB-encoded 0.735. */
  in = 0.5f;
  ras_cms_color(c, h, 1, &in, rgb);
  near(rgb[0], 0.735f, 0.02f);
  near(rgb[1], rgb[0], 0.01f);
  /* Keyed by bytes: the same bytes give the same handle. */
  int hb = ras_cms_profile(c, NULL, g.d, g.n, &ch);
  assert_true(hb >= 0 && hb != h);
  assert_int_equal(ras_cms_profile(c, NULL, g.d, g.n, &ch), hb);
  /* Wrong channel count. */
  float three[3] = {1, 0, 0};
  assert_int_equal(ras_cms_color(c, h, 3, three, rgb), XR_E_INVAL);
  free(g.d);
  ras_cms_drop(c);
}

static void test_bad_profiles(void **st) {
  (void)st;
  ras_cms *c = NULL;
  assert_int_equal(ras_cms_new(&c), 0);
  uint8_t junk[300];
  memset(junk, 0x41, sizeof junk);
  int ch;
  assert_int_equal(ras_cms_profile(c, "/bad.icc", junk, sizeof junk, &ch),
                   XR_E_FORMAT);
  /* Remembered: fails fast without bytes. */
  assert_int_equal(ras_cms_lookup(c, "/bad.icc", &ch), XR_E_FORMAT);
  assert_int_equal(ras_cms_profile(c, "/bad.icc", NULL, 0, &ch), XR_E_FORMAT);
  /* Truncated real profile. */
  blob s = srgb();
  assert_int_equal(ras_cms_profile(c, "/short.icc", s.d, s.n / 2, &ch),
                   XR_E_FORMAT);
  assert_int_equal(ras_cms_profile(c, NULL, s.d, 10, &ch), XR_E_FORMAT);
  /* A Lab profile is not a device space for XPS. */
  blob lab = save(cmsCreateLab4Profile(NULL));
  assert_int_equal(ras_cms_profile(c, "/lab.icc", lab.d, lab.n, &ch),
                   XR_E_FORMAT);
  free(lab.d);
  free(s.d);
  ras_cms_drop(c);
}

static void test_profile_cap(void **st) {
  (void)st;
  ras_cms *c = NULL;
  assert_int_equal(ras_cms_new(&c), 0);
  blob s = srgb();
  int ch;
  char key[32];
  for (int i = 0; i < RAS_CMS_MAX_PROFILES; i++) {
    snprintf(key, sizeof key, "/p%d.icc", i);
    assert_int_equal(ras_cms_profile(c, key, s.d, s.n, &ch), i);
  }
  assert_int_equal(ras_cms_profile(c, "/one-more.icc", s.d, s.n, &ch),
                   XR_E_LIMIT);
  /* Known keys still work at the cap. */
  assert_int_equal(ras_cms_profile(c, "/p3.icc", s.d, s.n, &ch), 3);
  free(s.d);
  ras_cms_drop(c);
}

static void test_conversions(void **st) {
  (void)st;
  ras_cms *c = NULL;
  assert_int_equal(ras_cms_new(&c), 0);
  int ch;
  blob s = srgb(), sw = rgb_swapped(), two = two_channel();
  int hs = ras_cms_profile(c, "/srgb.icc", s.d, s.n, &ch);
  int hw = ras_cms_profile(c, "/sw.icc", sw.d, sw.n, &ch);
  int h2 = ras_cms_profile(c, "/two.icc", two.d, two.n, &ch);
  assert_true(hs >= 0 && hw >= 0 && h2 >= 0);
  assert_int_equal(ch, 2);
  float rgb[3];
  /* sRGB through its own profile is (nearly) the identity. */
  float v[3] = {0.2f, 0.6f, 0.9f};
  ras_cms_color(c, hs, 3, v, rgb);
  for (int i = 0; i < 3; i++)
    near(rgb[i], v[i], 0.02f);
  /* Swapped primaries: "red" is blue. */
  float red[3] = {1, 0, 0};
  ras_cms_color(c, hw, 3, red, rgb);
  assert_true(rgb[2] > 0.8f && rgb[0] < 0.3f);
  /* n-channel: full cyan ink, then cyan + magenta (blue). */
  float cy[2] = {1, 0}, cm[2] = {1, 1};
  ras_cms_color(c, h2, 2, cy, rgb);
  assert_true(rgb[0] < 0.2f && rgb[1] > 0.8f && rgb[2] > 0.8f);
  ras_cms_color(c, h2, 2, cm, rgb);
  assert_true(rgb[0] < 0.2f && rgb[1] < 0.2f && rgb[2] > 0.8f);
  /* Default spaces without a profile. */
  float k[4] = {0, 0, 0, 1}, cyan[4] = {1, 0, 0, 0};
  ras_cms_color(NULL, -1, 4, k, rgb);
  near(rgb[0] + rgb[1] + rgb[2], 0, 0.001f);
  ras_cms_color(NULL, -1, 4, cyan, rgb);
  near(rgb[0], 0, 0.001f);
  near(rgb[1], 1, 0.001f);
  assert_int_equal(ras_cms_color(NULL, -1, 2, cy, rgb), XR_E_INVAL);
  /* Pixels through the cached 8-bit transform. */
  uint8_t px[6] = {255, 0, 0, 0, 0, 255}, out[6];
  assert_int_equal(ras_cms_pixels(c, hw, 3, px, out, 2), 0);
  assert_true(out[2] > 200 && out[0] < 80);
  assert_true(out[3] > 200 && out[5] < 80);
  free(s.d), free(sw.d), free(two.d);
  ras_cms_drop(c);
}

/* An image with an embedded profile is converted through it; a bad one
 * falls back (and says so). */
static void test_image_profiles(void **st) {
  (void)st;
  ras_cms *c = NULL;
  assert_int_equal(ras_cms_new(&c), 0);
  xr_limits lim;
  xr_limits_init(&lim);
  blob sw = rgb_swapped();
  ras_image *img = NULL;
  assert_int_equal(ras_image_new(1, 1, 3, 0, &lim, &img), 0);
  img->px[0] = 255, img->px[1] = 0, img->px[2] = 0;
  assert_int_equal(ras_image_set_icc(img, sw.d, sw.n), 0);
  int warned = -1;
  assert_int_equal(ras_image_prepare(img, c, NULL, 0, &warned), 0);
  assert_int_equal(warned, 0);
  uint8_t p[4];
  ras_image_pixel(img, 0, 0, p);
  assert_true(p[2] > 200 && p[0] < 80);
  ras_image_drop(img);
  /* {ColorConvertedBitmap}: the given profile wins over none. */
  assert_int_equal(ras_image_new(1, 1, 3, 0, &lim, &img), 0);
  img->px[0] = 255, img->px[1] = 0, img->px[2] = 0;
  assert_int_equal(ras_image_prepare(img, c, sw.d, sw.n, &warned), 0);
  ras_image_pixel(img, 0, 0, p);
  assert_true(p[2] > 200 && p[0] < 80);
  ras_image_drop(img);
  /* A bad or mismatched profile: default space, warned. */
  assert_int_equal(ras_image_new(1, 1, 1, 0, &lim, &img), 0);
  img->px[0] = 100;
  assert_int_equal(ras_image_prepare(img, c, sw.d, sw.n, &warned), 0);
  assert_int_equal(warned, 1);
  ras_image_pixel(img, 0, 0, p);
  assert_int_equal(p[0], 100);
  ras_image_drop(img);
  free(sw.d);
  ras_cms_drop(c);
}

static void test_output_cmyk(void **st) {
  (void)st;
  ras_cms_out *o = NULL;
  xr_errinfo err;
  assert_int_equal(ras_cms_out_new(NULL, &o, &err), 0);
  uint8_t rgb[5 * 3] = {255, 255, 255, 0,   0,   0,   255, 0,
                        0,   0,   255, 255, 128, 128, 128};
  uint8_t cmyk[5 * 4];
  ras_cms_out_cmyk_row(o, rgb, cmyk, 5);
  /* White: no ink. */
  for (int i = 0; i < 4; i++)
    assert_true(cmyk[i] <= 3);
  /* Black: mostly K (full grey component replacement). */
  assert_true(cmyk[7] > 200);
  assert_true(cmyk[4] < 60 && cmyk[5] < 60 && cmyk[6] < 60);
  /* Red: magenta and yellow, little cyan. */
  assert_true(cmyk[9] > 200 && cmyk[10] > 200 && cmyk[8] < 40);
  /* Cyan. */
  assert_true(cmyk[12] > 200 && cmyk[13] < 40 && cmyk[14] < 40);
  /* Mid gray: K only. */
  assert_true(cmyk[19] > 80 && cmyk[16] < 20 && cmyk[17] < 20);
  ras_cms_out_drop(o);
  /* The built-in profile is a valid ICC file, small or full size. */
  void *icc = NULL;
  size_t len = 0;
  assert_int_equal(ras_cms_builtin_cmyk(9, 5, &icc, &len), 0);
  cmsHPROFILE h = cmsOpenProfileFromMem(icc, (cmsUInt32Number)len);
  assert_non_null(h);
  assert_int_equal(cmsGetColorSpace(h), cmsSigCmykData);
  cmsCloseProfile(h);
  /* And it can be used as a file. */
  char path[] = "/tmp/xr_cmykXXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, icc, len), (ssize_t)len);
  close(fd);
  free(icc);
  assert_int_equal(ras_cms_out_new(path, &o, &err), 0);
  ras_cms_out_cmyk_row(o, rgb, cmyk, 1);
  assert_true(cmyk[0] <= 3 && cmyk[3] <= 3);
  ras_cms_out_drop(o);
  unlink(path);
  assert_int_equal(ras_cms_builtin_cmyk(1, 5, &icc, &len), XR_E_INVAL);
}

/* Runs of one colour are converted once; the result must equal
 * converting every pixel on its own, across chunk boundaries. */
static void test_output_runs(void **st) {
  (void)st;
  ras_cms_out *o = NULL;
  assert_int_equal(ras_cms_out_new(NULL, &o, NULL), 0);
  enum { W = 700 };
  static uint8_t rgb[W * 3], row[W * 4], one[4];
  for (int i = 0; i < W; i++)
    for (int c = 0; c < 3; c++)
      rgb[i * 3 + c] = (uint8_t)((i / 37) * 50 + c * 70 + (i % 97 == 0));
  ras_cms_out_cmyk_row(o, rgb, row, W);
  for (int i = 0; i < W; i++) {
    ras_cms_out_cmyk_row(o, rgb + i * 3, one, 1);
    assert_memory_equal(row + i * 4, one, 4);
  }
  ras_cms_out_drop(o);
}

static void test_output_bad_profile(void **st) {
  (void)st;
  ras_cms_out *o = NULL;
  xr_errinfo err;
  xr_errinfo_clear(&err);
  assert_int_equal(ras_cms_out_new("/nonexistent/x.icc", &o, &err), XR_E_IO);
  assert_null(o);
  assert_string_equal(err.part, "/nonexistent/x.icc");
  /* An RGB profile is not a CMYK output profile. */
  blob s = srgb();
  char path[] = "/tmp/xr_rgbXXXXXX";
  int fd = mkstemp(path);
  assert_int_equal(write(fd, s.d, s.n), (ssize_t)s.n);
  close(fd);
  assert_int_equal(ras_cms_out_new(path, &o, &err), XR_E_FORMAT);
  unlink(path);
  free(s.d);
}

static int popcount8(uint8_t v) {
  int n = 0;
  for (; v; v &= (uint8_t)(v - 1))
    n++;
  return n;
}

static void test_mono_halftone(void **st) {
  (void)st;
  uint8_t gray[64], bits[8];
  for (int level = 0; level <= 255; level += 17) {
    memset(gray, level, sizeof gray);
    int black = 0;
    for (int y = 0; y < 16; y++) {
      ras_cms_out_mono_row(gray, bits, 16, y);
      black += popcount8(bits[0]) + popcount8(bits[1]);
    }
    /* Of each 16 x 16 cell, 256 - level are black (none at white). */
    assert_int_equal(black, level == 255 ? 0 : 256 - level);
  }
  /* Depends only on absolute coordinates: rows 16 apart are equal, so
   * band boundaries never show. */
  for (int i = 0; i < 64; i++)
    gray[i] = (uint8_t)(i * 4);
  uint8_t a[8], b[8];
  ras_cms_out_mono_row(gray, a, 64, 3);
  ras_cms_out_mono_row(gray, b, 64, 19);
  assert_memory_equal(a, b, 8);
  /* Odd widths leave the padding bits clear. */
  memset(gray, 0, sizeof gray);
  ras_cms_out_mono_row(gray, bits, 13, 0);
  assert_int_equal(bits[1], 0xf8);
}

typedef struct worker {
  const ras_cms_out *o;
  uint8_t rgb[3 * 256], out[4 * 256];
} worker;

static void *run(void *ud) {
  worker *w = ud;
  for (int i = 0; i < 200; i++)
    ras_cms_out_cmyk_row(w->o, w->rgb, w->out, 256);
  return NULL;
}

/* One converter shared by band threads gives the same bytes as one
 * thread (lcms2's pixel cache is off for exactly this). */
static void test_output_threads(void **st) {
  (void)st;
  ras_cms_out *o = NULL;
  assert_int_equal(ras_cms_out_new(NULL, &o, NULL), 0);
  static worker w[3];
  for (int t = 0; t < 3; t++) {
    w[t].o = o;
    for (int i = 0; i < 256 * 3; i++)
      w[t].rgb[i] = (uint8_t)(i * 7 + (i / 3) * 13);
  }
  pthread_t th[2];
  for (int t = 0; t < 2; t++)
    pthread_create(&th[t], NULL, run, &w[t]);
  for (int t = 0; t < 2; t++)
    pthread_join(th[t], NULL);
  ras_cms_out_cmyk_row(o, w[2].rgb, w[2].out, 256);
  assert_memory_equal(w[0].out, w[2].out, sizeof w[0].out);
  assert_memory_equal(w[1].out, w[2].out, sizeof w[1].out);
  ras_cms_out_drop(o);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_cache_per_profile_not_per_colour),
      cmocka_unit_test(test_bad_profiles),
      cmocka_unit_test(test_profile_cap),
      cmocka_unit_test(test_conversions),
      cmocka_unit_test(test_image_profiles),
      cmocka_unit_test(test_output_cmyk),
      cmocka_unit_test(test_output_runs),
      cmocka_unit_test(test_output_bad_profile),
      cmocka_unit_test(test_mono_halftone),
      cmocka_unit_test(test_output_threads),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
