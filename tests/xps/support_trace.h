/* A trace device for xps/ tests: records every ras_device_fns call as a
 * line of text, so tests compare markup behaviour without pixels. Also a
 * warning collector for xps_ctx. */
#ifndef TESTS_XPS_SUPPORT_TRACE_H
#define TESTS_XPS_SUPPORT_TRACE_H

#include <stddef.h>

#include "render/device.h"
#include "xps/ctx.h"

typedef struct trace {
  char *buf; /* NUL-terminated log, one call per line */
  size_t len, cap;
  int calls;
  int depth; /* clip + group + mask + tile nesting now open */
  int max_depth;
  int unbalanced; /* a pop without a push was seen */
  int fail_at;    /* when > 0, call number fail_at returns XR_E_NOMEM */
} trace;

extern const ras_device_fns trace_fns;

void trace_init(trace *t);
void trace_free(trace *t);
void trace_clear(trace *t);

/* Appends a path as "M x y L x y Q .. C .. Z" to t (for parser tests). */
void trace_path(trace *t, const ras_path *p);

/* Warnings collected from an xps_ctx. */
typedef struct warns {
  int n;
  xr_errinfo last;
  char all[8192]; /* "status part:line: msg\n" per warning */
} warns;

/* ctx with default limits and w as its warning sink. */
void trace_ctx(xps_ctx *ctx, warns *w);

/* Runs page markup on a fresh trace (NULL pkg, part "/p.fpage"). */
int trace_page(trace *t, const char *xml, const xps_ctx *ctx, xr_errinfo *err);

/* Number of times needle occurs in hay. */
int count_of(const char *hay, const char *needle);

#endif
