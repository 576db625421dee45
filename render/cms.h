/* Colour management over lcms2.
 *
 * A ras_cms is one job's cache of ICC profiles and of the transforms made
 * from them to sRGB: a profile is parsed once per key (a part name, or the
 * bytes of an embedded profile) and each (profile, sample format) pair gets
 * one transform, reused for every colour and every pixel row after it.
 * Lookups are mutex-protected, so one ras_cms may be shared by threads;
 * running a cached transform needs no lock (lcms2 transforms are
 * read-only once made).
 *
 * Default spaces when no profile applies: gray is sRGB-encoded gray, RGB is
 * sRGB, CMYK uses the plain formula r = (1 - c)(1 - k) (no press profile is
 * implied by XPS for unmanaged CMYK). */
#ifndef RAS_CMS_H
#define RAS_CMS_H

#include <stddef.h>
#include <stdint.h>

#include "xpsraster/error.h"

typedef struct ras_cms ras_cms;

/* Most distinct profiles one job keeps. Past it ras_cms_profile fails with
 * XR_E_LIMIT and the caller falls back to the default space (with a
 * warning), so a hostile document cannot grow the cache without end. */
#define RAS_CMS_MAX_PROFILES 64

/* New, empty cache. XR_E_NOMEM. */
int ras_cms_new(ras_cms **out);
void ras_cms_drop(ras_cms *cms);

/* Finds or parses a profile. key names it (a part name); NULL keys it by
 * its bytes (embedded image profiles). Returns a handle >= 0 and its
 * channel count in *channels, or XR_E_FORMAT for a profile lcms2 rejects
 * or that cannot convert to sRGB (the caller then warns and falls back),
 * XR_E_NOMEM. A rejected key is remembered, so it fails fast next time. */
int ras_cms_profile(ras_cms *cms, const char *key, const void *icc, size_t len,
                    int *channels);

/* The handle of an already known key, its channels in *channels; or
 * XR_E_FORMAT for a key known to be bad, XR_E_NOTFOUND for a new one (then
 * read the bytes and call ras_cms_profile). */
int ras_cms_lookup(ras_cms *cms, const char *key, int *channels);

/* Converts one colour of n components 0..1 in profile handle to sRGB
 * 0..1. handle < 0 means the default space for n (1, 3, 4). Returns 0, or
 * XR_E_INVAL when n does not match the profile. */
int ras_cms_color(ras_cms *cms, int handle, int n, const float *in,
                  float rgb[3]);

/* Converts npix pixels of n 8-bit components (packed, n bytes each) to
 * sRGB, 3 bytes each. Same handle rules as ras_cms_color. */
int ras_cms_pixels(ras_cms *cms, int handle, int n, const uint8_t *in,
                   uint8_t *rgb, size_t npix);

/* The plain default conversions, without lcms2 (also used when cms is
 * NULL). */
void ras_cms_default_pixels(int n, const uint8_t *in, uint8_t *rgb,
                            size_t npix);

/* Counters for tests and benchmarks: transforms created so far. */
int ras_cms_transforms_made(const ras_cms *cms);

#endif
