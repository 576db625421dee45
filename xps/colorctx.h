/* ContextColor: colours in the space of an ICC profile part (private to
 * xps/).
 *
 * "ContextColor /Resources/p.icc a,c1,c2,...,cn": alpha then n channel
 * values, each 0..1 (clamped), n = 1..8 (gray, RGB, CMYK, and n-channel
 * spaces). The profile part is parsed once per job and its transform to
 * sRGB made once (render/cms.h, through ctx->cms); every colour after that
 * costs one cached transform call. A missing or bad profile, or one whose
 * channel count differs from n, is a warning: 1, 3 and 4 channels then
 * fall back to gray, sRGB and plain CMYK, other counts to black. */
#ifndef XPS_COLORCTX_H
#define XPS_COLORCTX_H

#include "render/device.h"
#include "xps/pkg.h"

/* Parses s (a whole colour string starting with "ContextColor") found in
 * part base at line, into sRGB. Returns 0 (possibly after a fallback
 * warning) or XR_E_SYNTAX (malformed, not warned: the caller names the
 * attribute). */
int xps_colorctx_parse(const xps_ctx *ctx, xps_pkg *pkg, const char *base,
                       long line, const char *s, ras_color *out);

/* 1 if s (after leading space) starts a ContextColor. */
int xps_colorctx_is(const char *s);

#endif
