/* Opening XPS / OpenXPS documents. */
#ifndef XPSRASTER_DOCUMENT_H
#define XPSRASTER_DOCUMENT_H

#include "xpsraster/error.h"
#include "xpsraster/limits.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct xr_doc xr_doc;
struct xr_notifier;

typedef struct xr_open_opts {
  const xr_limits *limits;       /* NULL: defaults; copied at open */
  struct xr_notifier *notifier;  /* NULL: no events; borrowed */
} xr_open_opts;

/* Opens a package: a .xps/.oxps file, "-" for standard input (streamed,
 * never spooled whole), an unpacked package directory, or a lone .fpage.
 * opts may be NULL. On failure returns < 0, *out is NULL, and err (may be
 * NULL) names the part and line or offset. */
int xr_doc_open(const char *path, const xr_open_opts *opts, xr_doc **out,
                xr_errinfo *err);

/* Same for a forward-only file descriptor (pipe, socket); fd is borrowed. */
int xr_doc_open_fd(int fd, const xr_open_opts *opts, xr_doc **out,
                   xr_errinfo *err);

/* Number of pages, or -1 while unknown (streamed input). */
int xr_doc_page_count(const xr_doc *doc);

enum xr_cancel_mode {
  XR_CANCEL_AFTER_PAGE = 1, /* finish the page being rendered, then stop */
  XR_CANCEL_NOW = 2         /* stop within one band */
};

/* Asks a running xr_doc_render to stop; it then returns XR_E_CANCELLED.
 * Safe from any thread and from a signal handler (one atomic store). */
void xr_doc_cancel(xr_doc *doc, int mode);

/* Warnings reported so far: recoverable problems such as a skipped
 * element. A front end may use it to signal "rendered, but incomplete". */
int xr_doc_warning_count(const xr_doc *doc);

/* Closes the document; NULL is a no-op. */
void xr_doc_close(xr_doc *doc);

#ifdef __cplusplus
}
#endif
#endif
