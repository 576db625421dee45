/* ICC profile and transform cache over lcms2 (see cms.h). */
#include "render/cms.h"

#include <lcms2.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct prof {
  char *key;     /* part name, or NULL when keyed by bytes */
  uint64_t hash; /* FNV-1a of the bytes (byte-keyed entries) */
  size_t len;
  int bad; /* lcms2 rejected it: fail fast on reuse */
  int channels;
  cmsHPROFILE h;
  cmsHTRANSFORM x8;  /* n x 8-bit -> RGB 8-bit */
  cmsHTRANSFORM x16; /* n x 16-bit -> RGB 16-bit */
} prof;

struct ras_cms {
  pthread_mutex_t mu;
  cmsContext lcms;
  cmsHPROFILE srgb;
  prof p[RAS_CMS_MAX_PROFILES];
  int np;
  int made; /* transforms created, for tests */
};

/* lcms2 would otherwise stay silent too, but a handler makes that explicit:
 * the caller reports a bad profile as a warning naming its part. */
static void quiet(cmsContext c, cmsUInt32Number code, const char *text) {
  (void)c, (void)code, (void)text;
}

int ras_cms_new(ras_cms **out) {
  *out = NULL;
  ras_cms *c = calloc(1, sizeof *c);
  if (!c)
    return XR_E_NOMEM;
  if (pthread_mutex_init(&c->mu, NULL))
    goto fail_mutex;
  c->lcms = cmsCreateContext(NULL, NULL);
  if (!c->lcms)
    goto fail_ctx;
  cmsSetLogErrorHandlerTHR(c->lcms, quiet);
  c->srgb = cmsCreate_sRGBProfileTHR(c->lcms);
  if (!c->srgb)
    goto fail_srgb;
  *out = c;
  return 0;
fail_srgb:
  cmsDeleteContext(c->lcms);
fail_ctx:
  pthread_mutex_destroy(&c->mu);
fail_mutex:
  free(c);
  return XR_E_NOMEM;
}

static void prof_clear(prof *p) {
  if (p->x8)
    cmsDeleteTransform(p->x8);
  if (p->x16)
    cmsDeleteTransform(p->x16);
  if (p->h)
    cmsCloseProfile(p->h);
  free(p->key);
  memset(p, 0, sizeof *p);
}

void ras_cms_drop(ras_cms *cms) {
  if (!cms)
    return;
  for (int i = 0; i < cms->np; i++)
    prof_clear(&cms->p[i]);
  cmsCloseProfile(cms->srgb);
  cmsDeleteContext(cms->lcms);
  pthread_mutex_destroy(&cms->mu);
  free(cms);
}

static uint64_t fnv(const uint8_t *d, size_t n) {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < n; i++)
    h = (h ^ d[i]) * 1099511628211ull;
  return h;
}

static int channels_of(cmsHPROFILE h) {
  cmsColorSpaceSignature cs = cmsGetColorSpace(h);
  if (cs == cmsSigLabData || cs == cmsSigXYZData)
    return -1; /* abstract spaces are not device colours for XPS */
  int n = (int)cmsChannelsOf(cs);
  return n >= 1 && n <= 15 ? n : -1;
}

/* Opens and vets one profile: must parse, be a device space, and make a
 * transform to sRGB (tried now, so a bad one is rejected once, here). */
static int open_profile(ras_cms *c, prof *p, const void *icc, size_t len) {
  if (!icc || len < 128 || len > UINT32_MAX)
    return XR_E_FORMAT;
  p->h = cmsOpenProfileFromMemTHR(c->lcms, icc, (cmsUInt32Number)len);
  if (!p->h)
    return XR_E_FORMAT;
  cmsProfileClassSignature cl = cmsGetDeviceClass(p->h);
  if (cl == cmsSigLinkClass || cl == cmsSigNamedColorClass ||
      cl == cmsSigAbstractClass)
    return XR_E_FORMAT;
  p->channels = channels_of(p->h);
  if (p->channels < 0)
    return XR_E_FORMAT;
  cmsUInt32Number f8 = cmsFormatterForColorspaceOfProfile(p->h, 1, FALSE);
  p->x8 = cmsCreateTransformTHR(c->lcms, p->h, f8, c->srgb, TYPE_RGB_8,
                                INTENT_PERCEPTUAL, cmsFLAGS_NOCACHE);
  if (!p->x8)
    return XR_E_FORMAT;
  c->made++;
  return 0;
}

int ras_cms_profile(ras_cms *cms, const char *key, const void *icc, size_t len,
                    int *channels) {
  uint64_t h = key ? 0 : fnv(icc, len);
  int rc = 0;
  pthread_mutex_lock(&cms->mu);
  for (int i = 0; i < cms->np; i++) {
    prof *p = &cms->p[i];
    int hit = key ? (p->key && strcmp(p->key, key) == 0)
                  : (!p->key && p->hash == h && p->len == len);
    if (hit) {
      rc = p->bad ? XR_E_FORMAT : i;
      if (!p->bad)
        *channels = p->channels;
      goto out;
    }
  }
  if (cms->np == RAS_CMS_MAX_PROFILES) {
    /* Full: a bounded cache, so the job cannot grow it without end. */
    rc = XR_E_LIMIT;
    goto out;
  }
  prof *p = &cms->p[cms->np];
  memset(p, 0, sizeof *p);
  if (key && !(p->key = strdup(key))) {
    rc = XR_E_NOMEM;
    goto out;
  }
  p->hash = h;
  p->len = len;
  if (open_profile(cms, p, icc, len) < 0) {
    char *k = p->key;
    p->key = NULL;
    prof_clear(p);
    p->key = k;
    p->hash = h;
    p->len = len;
    p->bad = 1;
    cms->np++;
    rc = XR_E_FORMAT;
    goto out;
  }
  *channels = p->channels;
  rc = cms->np++;
out:
  pthread_mutex_unlock(&cms->mu);
  return rc;
}

int ras_cms_lookup(ras_cms *cms, const char *key, int *channels) {
  int rc = XR_E_NOTFOUND;
  pthread_mutex_lock(&cms->mu);
  for (int i = 0; i < cms->np; i++) {
    prof *p = &cms->p[i];
    if (p->key && strcmp(p->key, key) == 0) {
      rc = p->bad ? XR_E_FORMAT : i;
      if (!p->bad)
        *channels = p->channels;
      break;
    }
  }
  pthread_mutex_unlock(&cms->mu);
  return rc;
}

static float clamp01(float v) {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

static void default_color(int n, const float *in, float rgb[3]) {
  if (n == 1) {
    rgb[0] = rgb[1] = rgb[2] = clamp01(in[0]);
  } else if (n == 3) {
    for (int i = 0; i < 3; i++)
      rgb[i] = clamp01(in[i]);
  } else if (n == 4) {
    float k = 1 - clamp01(in[3]);
    for (int i = 0; i < 3; i++)
      rgb[i] = (1 - clamp01(in[i])) * k;
  } else {
    rgb[0] = rgb[1] = rgb[2] = 0;
  }
}

/* The entry for handle; the caller holds cms->mu (np grows under it). */
static prof *handle_prof(ras_cms *cms, int handle, int n) {
  if (handle < 0 || handle >= cms->np)
    return NULL;
  prof *p = &cms->p[handle];
  if (p->bad || p->channels != n)
    return NULL;
  return p;
}

int ras_cms_color(ras_cms *cms, int handle, int n, const float *in,
                  float rgb[3]) {
  if (handle < 0) {
    if (n != 1 && n != 3 && n != 4)
      return XR_E_INVAL;
    default_color(n, in, rgb);
    return 0;
  }
  if (!cms)
    return XR_E_INVAL;
  pthread_mutex_lock(&cms->mu);
  prof *p = handle_prof(cms, handle, n);
  if (!p) {
    pthread_mutex_unlock(&cms->mu);
    return XR_E_INVAL;
  }
  if (!p->x16) {
    cmsUInt32Number f = cmsFormatterForColorspaceOfProfile(p->h, 2, FALSE);
    p->x16 = cmsCreateTransformTHR(cms->lcms, p->h, f, cms->srgb, TYPE_RGB_16,
                                   INTENT_PERCEPTUAL, cmsFLAGS_NOCACHE);
    if (p->x16)
      cms->made++;
  }
  cmsHTRANSFORM x = p->x16;
  pthread_mutex_unlock(&cms->mu);
  if (!x)
    return XR_E_INVAL;
  /* 16-bit integers sidestep lcms2's float ranges (CMYK floats are 0..100
   * there, RGB 0..1), so every space takes 0..1 the same way. */
  uint16_t src[16], dst[3];
  for (int i = 0; i < n; i++)
    src[i] = (uint16_t)(clamp01(in[i]) * 65535.0f + 0.5f);
  cmsDoTransform(x, src, dst, 1);
  for (int i = 0; i < 3; i++)
    rgb[i] = dst[i] / 65535.0f;
  return 0;
}

void ras_cms_default_pixels(int n, const uint8_t *in, uint8_t *rgb,
                            size_t npix) {
  for (size_t i = 0; i < npix; i++, rgb += 3) {
    const uint8_t *s = in + i * (size_t)n;
    if (n == 1) {
      rgb[0] = rgb[1] = rgb[2] = s[0];
    } else if (n == 3) {
      rgb[0] = s[0], rgb[1] = s[1], rgb[2] = s[2];
    } else if (n == 4) {
      unsigned k = 255u - s[3];
      for (int j = 0; j < 3; j++)
        rgb[j] = (uint8_t)(((255u - s[j]) * k + 127) / 255);
    } else {
      rgb[0] = rgb[1] = rgb[2] = 0;
    }
  }
}

int ras_cms_pixels(ras_cms *cms, int handle, int n, const uint8_t *in,
                   uint8_t *rgb, size_t npix) {
  if (handle < 0) {
    if (n != 1 && n != 3 && n != 4)
      return XR_E_INVAL;
    ras_cms_default_pixels(n, in, rgb, npix);
    return 0;
  }
  if (!cms)
    return XR_E_INVAL;
  pthread_mutex_lock(&cms->mu);
  prof *p = handle_prof(cms, handle, n);
  cmsHTRANSFORM x = p ? p->x8 : NULL;
  pthread_mutex_unlock(&cms->mu);
  if (!x)
    return XR_E_INVAL;
  /* cmsDoTransform takes a 32-bit count. */
  while (npix) {
    cmsUInt32Number k = npix > (1u << 20) ? (1u << 20) : (cmsUInt32Number)npix;
    cmsDoTransform(x, in, rgb, k);
    in += (size_t)k * (size_t)n;
    rgb += (size_t)k * 3;
    npix -= k;
  }
  return 0;
}

int ras_cms_transforms_made(const ras_cms *cms) {
  return cms ? cms->made : 0;
}
