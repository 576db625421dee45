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

/* Closes the document; NULL is a no-op. */
void xr_doc_close(xr_doc *doc);

#ifdef __cplusplus
}
#endif
#endif
