/* Per-job interpreter context: limits, the warning hook, cancellation.
 *
 * xps/ never talks to notify/ directly: recoverable problems go through
 * ctx->warn, which the job glue (filter/) turns into notification events. */
#ifndef XPS_CTX_H
#define XPS_CTX_H

#include <stdatomic.h>

#include "xpsraster/error.h"
#include "xpsraster/limits.h"

typedef void (*xps_warn_fn)(void *ud, const xr_errinfo *warning);

typedef struct xps_ctx {
  xr_limits limits;
  xps_warn_fn warn; /* may be NULL */
  void *warn_ud;
  atomic_int *cancel; /* may be NULL; non-zero asks long loops to stop */
  /* The job's font table (xps/font.h), owned by whoever made the ctx; may
   * be NULL, then each Glyphs element loads its font on its own. */
  struct xps_fonts *fonts;
  /* Colour management (render/cms.h: ICC profiles and their transforms)
   * and the decoded-image cache (xps/image.h), owned like fonts; either
   * may be NULL: then images are decoded per use and colours use the
   * default spaces (ContextColor and image profiles are approximated). */
  struct ras_cms *cms;
  struct xps_images *images;
} xps_ctx;

/* Defaults: xr_limits_init, no warning hook, no cancel flag. */
void xps_ctx_init(xps_ctx *ctx);

/* Reports a recoverable problem (a warning event). status says what kind of
 * problem it was; part and line say where (NULL and -1 when unknown). */
void xps_warn(const xps_ctx *ctx, int status, const char *part, long line,
              const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

/* The limit in force. */
static inline int64_t xps_limit(const xps_ctx *ctx, int id) {
  return ctx->limits.v[id];
}

static inline int xps_cancelled(const xps_ctx *ctx) {
  return ctx->cancel && atomic_load_explicit(ctx->cancel, memory_order_relaxed);
}

#endif
