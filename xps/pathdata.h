/* XPS abbreviated geometry syntax ("F1 M 0,0 L 10,0 A 5,5 0 0 1 0,10 Z").
 *
 * Private to xps/. The grammar is XPS 1.0 / ECMA-388 §14.2.3: an optional
 * fill rule (F0 even-odd, F1 non-zero) then commands M L H V C Q S A Z and
 * their relative lower-case forms. A command repeats while coordinates
 * follow it; after M the extra pairs are line segments. */
#ifndef XPS_PATHDATA_H
#define XPS_PATHDATA_H

#include <stddef.h>

#include "render/device.h"
#include "render/path.h"

/* Where a parse failed: byte offset into the string and a static reason. */
typedef struct xps_pathdata_err {
  size_t offset;
  const char *what;
} xps_pathdata_err;

/* Appends the geometry in s to p (which may already hold figures) and sets
 * *fill_rule (enum ras_fill_rule) when s starts with F0/F1, leaving it as is
 * otherwise. Returns 0; XR_E_SYNTAX with *e filled for a malformed string;
 * XR_E_LIMIT when p's point limit is hit; XR_E_NOMEM. e may be NULL. */
int xps_pathdata_parse(const char *s, ras_path *p, int *fill_rule,
                       xps_pathdata_err *e);

/* Parses one number with the XPS/XML grammar (sign, digits, fraction,
 * exponent; no inf/nan/hex), independent of the C locale. Returns the
 * number of bytes consumed, 0 when s does not start with a number or the
 * value is not finite. */
size_t xps_number_scan(const char *s, double *out);

#endif
