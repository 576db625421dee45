/* Output colour models: sRGB bands to CMYK through an ICC profile, gray
 * bands to 1-bit mono.
 *
 * CMYK. Band surfaces are sRGB; a ras_cms_out holds one lcms2 transform
 * from sRGB to the output profile (perceptual intent, black point
 * compensation), made once per job. The profile is the file given by the
 * user (`xpsraster -c cmyk --cmyk-profile FILE`, xr_render_opts
 * cmyk_profile) or, by default, a built-in profile that lcms2 builds in
 * memory: sRGB under a D50 PCS with full grey component replacement
 * (K = min(C, M, Y) of the naive complement, no ink limit). The default is
 * deterministic and needs no file; for a press, pass a real profile such as
 * /usr/share/color/icc/ghostscript/default_cmyk.icc (Debian libgs-common).
 *
 * Mono. 1 bit per pixel, 1 = black, by ordered dithering with a 16 x 16
 * dispersed-dot (Bayer) matrix keyed on absolute device coordinates: 256
 * gray levels, no seams between bands, and the same bytes whatever the
 * band height or thread count. Error diffusion was rejected because it
 * needs the rows of a page in order, which the band threads do not give. */
#ifndef RAS_CMS_OUT_H
#define RAS_CMS_OUT_H

#include <stddef.h>
#include <stdint.h>

#include "xpsraster/error.h"

typedef struct ras_cms_out ras_cms_out;

/* New sRGB -> CMYK converter. profile_path NULL or "" uses the built-in
 * profile. Errors: XR_E_IO (unreadable file), XR_E_FORMAT (not a usable
 * CMYK output profile), XR_E_NOMEM; err names the file. */
int ras_cms_out_new(const char *profile_path, ras_cms_out **out,
                    xr_errinfo *err);
void ras_cms_out_drop(ras_cms_out *o);

/* Converts w sRGB pixels (3 bytes each) to CMYK (4 bytes, 0 = no ink).
 * Safe to call from several threads at once. */
void ras_cms_out_cmyk_row(const ras_cms_out *o, const uint8_t *rgb,
                          uint8_t *cmyk, int w);

/* Halftones w gray pixels (0 = black) of device row y, starting at device
 * column 0, to 1-bit (MSB first, 1 = black). */
void ras_cms_out_mono_row(const uint8_t *gray, uint8_t *bits, int w, int y);

/* Grid points of the built-in profile's tables: Lab -> CMYK and
 * CMYK -> Lab. */
#define RAS_CMS_BUILTIN_B2A_GRID 33
#define RAS_CMS_BUILTIN_A2B_GRID 11

/* The built-in CMYK profile as ICC bytes (malloc'd), with the given table
 * sizes (the defaults above for the real thing; smaller ones make a few-KiB
 * profile for test documents). Errors: XR_E_INVAL, XR_E_NOMEM,
 * XR_E_INTERNAL. */
int ras_cms_builtin_cmyk(int b2a_grid, int a2b_grid, void **icc, size_t *len);

#endif
