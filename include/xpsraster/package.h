/* Package-level access to an XPS / OpenXPS document, without rendering:
 * the pages' part names in order and the bytes of any part. Meant for
 * tools, benchmarks and tests of the package layer; rendering goes through
 * document.h. */
#ifndef XPSRASTER_PACKAGE_H
#define XPSRASTER_PACKAGE_H

#include <stddef.h>
#include <stdint.h>

#include "xpsraster/error.h"
#include "xpsraster/limits.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct xr_pkg xr_pkg;

/* Opens path (a .xps/.oxps file, "-" for standard input, an unpacked
 * directory, or a lone .fpage) and reads its document structure up to the
 * first FixedDocument. limits may be NULL (defaults); it is copied. On
 * failure returns < 0, *out is NULL and err (may be NULL) says where. */
int xr_pkg_open(const char *path, const xr_limits *limits, xr_pkg **out,
                xr_errinfo *err);

/* Same for a forward-only descriptor (pipe, socket); fd is borrowed. */
int xr_pkg_open_fd(int fd, const xr_limits *limits, xr_pkg **out,
                   xr_errinfo *err);

/* Copies the next page's absolute part name into name (size bytes).
 * Returns 1, 0 after the last page, or < 0. */
int xr_pkg_next_page(xr_pkg *pkg, char *name, size_t size, xr_errinfo *err);

/* Reads a whole part. *data is malloc'ed (free() it), NUL-terminated after
 * *size bytes. On a stream this reads forward until the part arrives. */
int xr_pkg_read(xr_pkg *pkg, const char *name, unsigned char **data,
                size_t *size, xr_errinfo *err);

/* Page count, or -1 while unknown (streamed input). */
int xr_pkg_page_count(const xr_pkg *pkg);

typedef struct xr_pkg_stats {
  uint64_t parts;          /* parts known so far */
  uint64_t spill_mem;      /* stream: bytes held in memory now */
  uint64_t spill_mem_peak; /* stream: most bytes ever held in memory */
  uint64_t spill_file;     /* stream: bytes written to the spill file */
} xr_pkg_stats;

void xr_pkg_stats_get(const xr_pkg *pkg, xr_pkg_stats *st);

/* Closes the package; NULL is a no-op. */
void xr_pkg_close(xr_pkg *pkg);

#ifdef __cplusplus
}
#endif
#endif
