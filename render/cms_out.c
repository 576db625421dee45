/* Output colour models (see cms_out.h). */
#include "render/cms_out.h"

#include <lcms2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ras_cms_out {
  cmsContext lcms;
  cmsHTRANSFORM x; /* sRGB 8-bit -> CMYK 8-bit */
};

static void quiet(cmsContext c, cmsUInt32Number code, const char *text) {
  (void)c, (void)code, (void)text;
}

/* Helper transforms between sRGB and Lab (D50, v4 16-bit encoding) used
 * while sampling the built-in profile's tables. */
typedef struct cargo {
  cmsHTRANSFORM rgb2lab, lab2rgb;
} cargo;

/* CMYK -> Lab: the naive complement r = (1 - c)(1 - k), read as sRGB. */
static cmsInt32Number a2b(const cmsUInt16Number in[], cmsUInt16Number out[],
                          void *ud) {
  cargo *cg = ud;
  cmsUInt16Number rgb[3];
  unsigned k = 65535u - in[3];
  for (int i = 0; i < 3; i++)
    rgb[i] =
        (cmsUInt16Number)(((65535u - in[i]) * (uint64_t)k + 32767) / 65535u);
  cmsDoTransform(cg->rgb2lab, rgb, out, 1);
  return 1;
}

/* Lab -> CMYK: through sRGB, then full grey component replacement. */
static cmsInt32Number b2a(const cmsUInt16Number in[], cmsUInt16Number out[],
                          void *ud) {
  cargo *cg = ud;
  cmsUInt16Number rgb[3];
  cmsDoTransform(cg->lab2rgb, in, rgb, 1);
  unsigned c = 65535u - rgb[0], m = 65535u - rgb[1], y = 65535u - rgb[2];
  unsigned k = c < m ? (c < y ? c : y) : (m < y ? m : y);
  if (k == 65535u) {
    out[0] = out[1] = out[2] = 0;
  } else {
    unsigned d = 65535u - k;
    out[0] = (cmsUInt16Number)(((uint64_t)(c - k) * 65535u + d / 2) / d);
    out[1] = (cmsUInt16Number)(((uint64_t)(m - k) * 65535u + d / 2) / d);
    out[2] = (cmsUInt16Number)(((uint64_t)(y - k) * 65535u + d / 2) / d);
  }
  out[3] = (cmsUInt16Number)k;
  return 1;
}

/* Curves, CLUT, curves: the shape a v4 lutAtoB/lutBtoA tag can store. */
static cmsPipeline *sampled(cmsContext ctx, int nin, int nout, int grid,
                            cmsSAMPLER16 fn, cargo *cg) {
  cmsPipeline *p =
      cmsPipelineAlloc(ctx, (cmsUInt32Number)nin, (cmsUInt32Number)nout);
  if (!p)
    return NULL;
  cmsStage *a = cmsStageAllocToneCurves(ctx, (cmsUInt32Number)nin, NULL);
  cmsStage *clut =
      cmsStageAllocCLut16bit(ctx, (cmsUInt32Number)grid, (cmsUInt32Number)nin,
                             (cmsUInt32Number)nout, NULL);
  cmsStage *b = cmsStageAllocToneCurves(ctx, (cmsUInt32Number)nout, NULL);
  int ok = a && clut && b && cmsStageSampleCLut16bit(clut, fn, cg, 0) &&
           cmsPipelineInsertStage(p, cmsAT_END, a) &&
           (a = NULL, cmsPipelineInsertStage(p, cmsAT_END, clut)) &&
           (clut = NULL, cmsPipelineInsertStage(p, cmsAT_END, b)) &&
           (b = NULL, 1);
  if (a)
    cmsStageFree(a);
  if (clut)
    cmsStageFree(clut);
  if (b)
    cmsStageFree(b);
  if (!ok) {
    cmsPipelineFree(p);
    return NULL;
  }
  return p;
}

static cmsHPROFILE builtin_cmyk(cmsContext ctx, int b2a_grid, int a2b_grid) {
  cmsHPROFILE srgb = cmsCreate_sRGBProfileTHR(ctx);
  cmsHPROFILE lab = cmsCreateLab4ProfileTHR(ctx, NULL);
  cmsHPROFILE h = NULL;
  cargo cg = {NULL, NULL};
  cmsPipeline *fwd = NULL, *rev = NULL;
  cmsMLU *desc = NULL;
  if (!srgb || !lab)
    goto out;
  cg.rgb2lab = cmsCreateTransformTHR(ctx, srgb, TYPE_RGB_16, lab, TYPE_Lab_16,
                                     INTENT_RELATIVE_COLORIMETRIC, 0);
  cg.lab2rgb = cmsCreateTransformTHR(ctx, lab, TYPE_Lab_16, srgb, TYPE_RGB_16,
                                     INTENT_RELATIVE_COLORIMETRIC, 0);
  if (!cg.rgb2lab || !cg.lab2rgb)
    goto out;
  fwd = sampled(ctx, 4, 3, a2b_grid, a2b, &cg);
  rev = sampled(ctx, 3, 4, b2a_grid, b2a, &cg);
  desc = cmsMLUalloc(ctx, 1);
  h = cmsCreateProfilePlaceholder(ctx);
  if (!fwd || !rev || !desc || !h)
    goto fail;
  cmsSetProfileVersion(h, 4.3);
  cmsSetDeviceClass(h, cmsSigOutputClass);
  cmsSetColorSpace(h, cmsSigCmykData);
  cmsSetPCS(h, cmsSigLabData);
  cmsSetHeaderRenderingIntent(h, INTENT_PERCEPTUAL);
  if (!cmsMLUsetASCII(desc, "en", "US",
                      "xpsraster built-in CMYK (sRGB, GCR)") ||
      !cmsWriteTag(h, cmsSigProfileDescriptionTag, desc) ||
      !cmsWriteTag(h, cmsSigMediaWhitePointTag, cmsD50_XYZ()) ||
      !cmsWriteTag(h, cmsSigAToB0Tag, fwd) ||
      !cmsWriteTag(h, cmsSigBToA0Tag, rev))
    goto fail;
  goto out;
fail:
  if (h)
    cmsCloseProfile(h);
  h = NULL;
out:
  if (desc)
    cmsMLUfree(desc);
  if (fwd)
    cmsPipelineFree(fwd);
  if (rev)
    cmsPipelineFree(rev);
  if (cg.rgb2lab)
    cmsDeleteTransform(cg.rgb2lab);
  if (cg.lab2rgb)
    cmsDeleteTransform(cg.lab2rgb);
  if (srgb)
    cmsCloseProfile(srgb);
  if (lab)
    cmsCloseProfile(lab);
  return h;
}

int ras_cms_builtin_cmyk(int b2a_grid, int a2b_grid, void **icc, size_t *len) {
  *icc = NULL;
  *len = 0;
  if (b2a_grid < 2 || b2a_grid > 65 || a2b_grid < 2 || a2b_grid > 33)
    return XR_E_INVAL;
  cmsContext ctx = cmsCreateContext(NULL, NULL);
  if (!ctx)
    return XR_E_NOMEM;
  cmsSetLogErrorHandlerTHR(ctx, quiet);
  int rc = XR_E_INTERNAL;
  cmsHPROFILE h = builtin_cmyk(ctx, b2a_grid, a2b_grid);
  cmsUInt32Number n = 0;
  if (h && cmsSaveProfileToMem(h, NULL, &n) && n > 0) {
    void *buf = malloc(n);
    if (!buf)
      rc = XR_E_NOMEM;
    else if (cmsSaveProfileToMem(h, buf, &n)) {
      *icc = buf;
      *len = n;
      rc = 0;
    } else {
      free(buf);
    }
  }
  if (h)
    cmsCloseProfile(h);
  cmsDeleteContext(ctx);
  return rc;
}

int ras_cms_out_new(const char *path, ras_cms_out **out, xr_errinfo *err) {
  *out = NULL;
  ras_cms_out *o = calloc(1, sizeof *o);
  if (!o)
    return XR_E_NOMEM;
  int rc = XR_E_NOMEM;
  const char *name = path && *path ? path : "(built-in CMYK)";
  o->lcms = cmsCreateContext(NULL, NULL);
  if (!o->lcms)
    goto fail_ctx;
  cmsSetLogErrorHandlerTHR(o->lcms, quiet);
  cmsHPROFILE dst;
  if (path && *path) {
    FILE *f = fopen(path, "rb");
    if (!f) {
      rc = xr_errinfo_set(err, XR_E_IO, name, -1, -1,
                          "cannot open the output profile");
      goto fail_profile;
    }
    fclose(f);
    dst = cmsOpenProfileFromFileTHR(o->lcms, path, "r");
  } else {
    dst = builtin_cmyk(o->lcms, RAS_CMS_BUILTIN_B2A_GRID,
                       RAS_CMS_BUILTIN_A2B_GRID);
  }
  if (!dst || cmsGetColorSpace(dst) != cmsSigCmykData) {
    if (dst)
      cmsCloseProfile(dst);
    rc = xr_errinfo_set(err, XR_E_FORMAT, name, -1, -1,
                        "not a usable CMYK output profile");
    goto fail_profile;
  }
  cmsHPROFILE srgb = cmsCreate_sRGBProfileTHR(o->lcms);
  /* NOCACHE: band threads share the transform, and lcms2's one-pixel
   * cache is written by every cmsDoTransform call. */
  if (srgb)
    o->x = cmsCreateTransformTHR(
        o->lcms, srgb, TYPE_RGB_8, dst, TYPE_CMYK_8, INTENT_PERCEPTUAL,
        cmsFLAGS_BLACKPOINTCOMPENSATION | cmsFLAGS_NOCACHE);
  if (srgb)
    cmsCloseProfile(srgb);
  cmsCloseProfile(dst);
  if (!o->x) {
    rc = xr_errinfo_set(err, XR_E_FORMAT, name, -1, -1,
                        "no transform from sRGB to this profile");
    goto fail_profile;
  }
  *out = o;
  return 0;
fail_profile:
  cmsDeleteContext(o->lcms);
fail_ctx:
  free(o);
  return rc;
}

void ras_cms_out_drop(ras_cms_out *o) {
  if (!o)
    return;
  cmsDeleteTransform(o->x);
  cmsDeleteContext(o->lcms);
  free(o);
}

void ras_cms_out_cmyk_row(const ras_cms_out *o, const uint8_t *rgb,
                          uint8_t *cmyk, int w) {
  /* Pages are mostly runs of one colour (paper white above all), so only
   * the first pixel of each run goes through lcms2, in chunks. */
  enum { CHUNK = 256 };
  uint8_t in[CHUNK * 3], res[CHUNK * 4];
  for (int x0 = 0; x0 < w; x0 += CHUNK) {
    int n = w - x0 < CHUNK ? w - x0 : CHUNK, u = 0;
    const uint8_t *s = rgb + (size_t)x0 * 3;
    for (int i = 0; i < n; i++)
      if (u == 0 || memcmp(s + i * 3, in + (u - 1) * 3, 3) != 0)
        memcpy(in + (u++) * 3, s + i * 3, 3);
    cmsDoTransform(o->x, in, res, (cmsUInt32Number)u);
    uint8_t *d = cmyk + (size_t)x0 * 4;
    for (int i = 0, k = -1; i < n; i++) {
      if (k < 0 || memcmp(s + i * 3, in + k * 3, 3) != 0)
        k++;
      memcpy(d + i * 4, res + k * 4, 4);
    }
  }
}

/* 16 x 16 Bayer index: bit-interleave of x ^ y and y, bit-reversed. */
static unsigned bayer16(unsigned x, unsigned y) {
  unsigned v = 0, xr = x ^ y;
  for (int bit = 0; bit < 4; bit++) {
    v = (v << 1) | ((xr >> bit) & 1);
    v = (v << 1) | ((y >> bit) & 1);
  }
  return v; /* 0..255, each value once per 16 x 16 cell */
}

void ras_cms_out_mono_row(const uint8_t *gray, uint8_t *bits, int w, int y) {
  uint8_t t[16];
  for (unsigned x = 0; x < 16; x++)
    t[x] = (uint8_t)bayer16(x, (unsigned)y & 15);
  memset(bits, 0, (size_t)(w + 7) / 8);
  for (int x = 0; x < w; x++)
    /* Threshold 0..255: gray 255 is all white, 0 all black, and gray g
     * turns on 255 - g of every 256 cells. */
    if (gray[x] <= t[x & 15] && gray[x] != 255)
      bits[x >> 3] |= (uint8_t)(0x80 >> (x & 7));
}
