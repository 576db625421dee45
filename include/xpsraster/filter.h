/* Embedding xpsraster as one stage of a print pipeline.
 *
 * The shape follows a print-pipeline filter (Windows IPrintPipelineFilter):
 *
 *   xr_filter_initialize(input stream, band sink, settings, notifier)
 *   xr_filter_start()     blocks on the calling thread and renders
 *   xr_filter_shutdown()  from any thread: stop within one band
 *   xr_filter_drop()      after start has returned (or was never called)
 *
 *   xr_filter *f;
 *   xr_input in = {.fd = 0};                 // or .path, or .read
 *   xr_filter_settings s;
 *   xr_filter_settings_init(&s);
 *   s.render.dpi = 300;
 *   if (xr_filter_initialize(&in, &sink, &s, notifier, &f) == 0) {
 *     int rc = xr_filter_start(f, &err);     // XR_E_CANCELLED after shutdown
 *     xr_filter_drop(f);
 *   }
 *
 * Input is read forward only (a pipe or socket works); nothing is spooled
 * beyond what the package reader keeps for parts needed later. */
#ifndef XPSRASTER_FILTER_H
#define XPSRASTER_FILTER_H

#include <stddef.h>

#include "xpsraster/render.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct xr_filter xr_filter;
struct xr_notifier;

/* Where the document comes from: exactly one of path, fd (>= 0) or read.
 * With read, the callback is called on a feeder thread of the filter; it
 * returns the number of bytes stored in buf (at most size), 0 at the end,
 * or < 0 on error; start() returns only after the callback has returned,
 * so a callback must not block forever. Zero-initialise, then set fd = -1
 * unless you use it. */
typedef struct xr_input {
  const char *path; /* a file or directory; copied at initialize */
  int fd;           /* borrowed; read forward only */
  long (*read)(void *ud, void *buf, size_t size);
  void *read_ud;
} xr_input;

/* Rendering settings; copied at initialize (pages included). */
typedef struct xr_filter_settings {
  xr_render_opts render;   /* dpi, colour space, threads, bands, pages */
  const xr_limits *limits; /* NULL: defaults */
} xr_filter_settings;

/* Defaults: xr_render_opts_init, default limits. */
void xr_filter_settings_init(xr_filter_settings *s);

/* Creates a filter. sink is copied (its ud is borrowed and must outlive the
 * filter); notifier (may be NULL) is borrowed and gets progress, page,
 * warning and error events. Returns 0, XR_E_INVAL (no input, more than one
 * input, no sink callbacks), XR_E_NOMEM. Does not read the input yet. */
int xr_filter_initialize(const xr_input *input, const xr_band_sink *sink,
                         const xr_filter_settings *settings,
                         struct xr_notifier *notifier, xr_filter **out);

/* Opens the document and renders every selected page into the sink, on the
 * calling thread (render workers are internal). Returns 0 when all pages
 * were delivered, XR_E_CANCELLED after xr_filter_shutdown, or the first
 * error (err, may be NULL, says where). Call at most once. */
int xr_filter_start(xr_filter *f, xr_errinfo *err);

/* Asks a running (or not yet started) start() to stop. Callable from any
 * thread, any number of times, also from inside a sink callback. After it
 * returns, the sink receives at most the band being delivered at that
 * moment; start() then returns XR_E_CANCELLED. While the document is still
 * being opened from a blocked input, the stop happens when the input
 * yields data or ends (a read callback input is cut off at once). */
void xr_filter_shutdown(xr_filter *f);

/* Frees the filter; start() must have returned. NULL is a no-op. */
void xr_filter_drop(xr_filter *f);

#ifdef __cplusplus
}
#endif
#endif
