/* Output writers for the CLI: band sinks that write PNG, PAM, PGM, or
 * nothing. Private to filter/. */
#ifndef XR_OUT_H
#define XR_OUT_H

#include <stdio.h>

#include "xpsraster/render.h"

enum xr_out_format {
  XR_OUT_PNG,
  XR_OUT_PAM,
  XR_OUT_PGM,
  XR_OUT_NULL,
  XR_OUT_PWG,
  XR_OUT_CUPS
};

typedef struct xr_out xr_out;

/* Opens a writer. pattern is a file name, "-" for stdout, or a name with
 * one %d (1-based page number; printf flags and width such as %03d are
 * allowed). Without %d, PNG accepts one page only (a second page fails with
 * XR_E_USAGE), while PAM and PGM pages follow one another in one stream.
 * *sink is filled with the callbacks; ud points at the writer. */
int xr_out_open(int format, const char *pattern, xr_out **out,
                xr_band_sink *sink, xr_errinfo *err);

/* Flushes and closes; returns 0 or the first write error. NULL is a no-op. */
int xr_out_close(xr_out *out);

/* Checks that pattern holds at most one conversion, and that it is %d
 * (with optional flags and width). Returns 1 if it has one, 0 if none,
 * XR_E_USAGE if malformed. */
int xr_out_pattern_check(const char *pattern);

/* Parses "png", "pam", "pgm", "null", "pwg", "cups"; -1 if unknown. */
int xr_out_format_from_name(const char *name);

#endif
