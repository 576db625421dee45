#include "xps/ctx.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>

void xps_ctx_init(xps_ctx *ctx) {
  /* libxml2 2.9 must be initialised once before any thread parses; doing it
   * here (idempotent) covers embedders that render from worker threads. */
  xmlInitParser();
  memset(ctx, 0, sizeof *ctx);
  xr_limits_init(&ctx->limits);
}

void xps_warn(const xps_ctx *ctx, int status, const char *part, long line,
              const char *fmt, ...) {
  if (!ctx || !ctx->warn)
    return;
  xr_errinfo w;
  xr_errinfo_clear(&w);
  w.status = status;
  w.line = line;
  snprintf(w.part, sizeof w.part, "%s", part ? part : "");
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(w.msg, sizeof w.msg, fmt, ap);
  va_end(ap);
  ctx->warn(ctx->warn_ud, &w);
}
