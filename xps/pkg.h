/* Package access: parts by name, from a ZIP file (libzip), a forward-only
 * stream (our own local-header reader on zlib), an unpacked directory, or a
 * lone FixedPage file.
 *
 * Part names are OPC names ("/Documents/1/Pages/1.fpage"): lookup is
 * case-insensitive (ASCII, as OPC defines equivalence), percent-decoded,
 * with '\' equal to '/', and interleaved pieces ([n].piece ...
 * [n].last.piece, in any stored order) appear as one part. Lookup is a hash
 * probe; joining a part's pieces costs time linear in their number.
 *
 * Contract:
 * - Seekable input (a ZIP file) is checked whole at open: central directory
 *   against local headers, overlaps, entries outside the file, every
 *   declared size against PART_SIZE, ZIP_RATIO (from 64 KiB up),
 *   PACKAGE_SIZE, ENTRY_COUNT and NAME_LEN. Any failure fails the open,
 *   naming the entry and its offset. CRCs are checked as parts are read.
 * - A stream is read only as far as a request needs: read_part (and
 *   has_part for a missing part) reads forward, keeping every entry it
 *   passes in the spill store (memory up to SPILL_MEMORY, then an unlinked
 *   temporary file). The same limits apply as bytes arrive. A problem in
 *   an entry further on surfaces only when the reader gets there; the
 *   first fatal stream error sticks and is returned by every later call
 *   that needs to read on. xps_pkg_drain reads to the end and checks the
 *   central directory.
 * - Problems of one part (a duplicate name, a missing, duplicate or
 *   out-of-range piece) do not fail the package: reading that part fails,
 *   naming it.
 * - One thread at a time per package; packages share nothing. */
#ifndef XPS_PKG_H
#define XPS_PKG_H

#include <stddef.h>

#include "xps/ctx.h"

typedef struct xps_pkg xps_pkg;

/* An owned copy of a part's bytes. */
typedef struct xps_part {
  char *name;          /* normalised part name, NUL-terminated */
  unsigned char *data; /* size bytes, plus a NUL after them */
  size_t size;
} xps_part;

/* Opens path: "-" reads stdin as a stream; a directory is an unpacked
 * package; a file that starts like a ZIP goes through libzip; an XML file is
 * a lone FixedPage. ctx is borrowed and must outlive the package.
 * Errors: XR_E_IO, XR_E_FORMAT, XR_E_LIMIT, XR_E_NOMEM (details in err). */
int xps_pkg_open(const char *path, const xps_ctx *ctx, xps_pkg **out,
                 xr_errinfo *err);

/* Opens a forward-only stream (pipe, socket). The fd is borrowed. */
int xps_pkg_open_fd(int fd, const xps_ctx *ctx, xps_pkg **out, xr_errinfo *err);

/* Reads a whole part. On a stream this reads forward until the part has
 * arrived (keeping what it passes in the spill store). Returns 0 and an owned
 * part, or XR_E_NOTFOUND, XR_E_FORMAT, XR_E_CRC, XR_E_LIMIT, XR_E_IO. */
int xps_pkg_read_part(xps_pkg *pkg, const char *name, xps_part **out,
                      xr_errinfo *err);

/* 1 if the part exists (on a stream: has arrived or arrives before EOF). */
int xps_pkg_has_part(xps_pkg *pkg, const char *name);

/* For optional parts (a page's relationships): like xps_pkg_has_part, but
 * on a stream it gives up on a part not yet seen once a FixedPage other
 * than the part's own source starts to arrive (or has arrived after that
 * source already), so that asking does not read (and spill) the rest of
 * the package. A part stored after the next page is then reported absent. */
int xps_pkg_has_part_soon(xps_pkg *pkg, const char *name);

/* 1 when the package is a lone FixedPage (no _rels, no documents). */
int xps_pkg_is_lone_page(const xps_pkg *pkg);

/* 1 when the package is read forward-only (pipe, stdin). */
int xps_pkg_is_stream(const xps_pkg *pkg);

/* The name of the lone page's part, or NULL when not a lone page. */
const char *xps_pkg_lone_page_name(const xps_pkg *pkg);

/* The content type of a part from [Content_Types].xml (read on first use;
 * on a stream that may read forward), borrowed from pkg, or NULL. */
const char *xps_pkg_content_type(xps_pkg *pkg, const char *name);

/* Parts known so far (all of them once the package is read to its end),
 * in archive order; names are borrowed from pkg. */
size_t xps_pkg_part_count(const xps_pkg *pkg);
const char *xps_pkg_part_name(const xps_pkg *pkg, size_t i);

/* Stream: reads every remaining entry (so that the central directory is
 * cross-checked); a seekable package returns 0 at once. */
int xps_pkg_drain(xps_pkg *pkg, xr_errinfo *err);

/* Stream only: bytes of parts the spill store holds in memory now, the peak,
 * and bytes in its temporary file. XR_E_INVAL for other packages. */
int xps_pkg_spill_stats(const xps_pkg *pkg, uint64_t *mem, uint64_t *peak,
                        uint64_t *file);

/* DiscardControl: the part will not be needed again. On a stream its spill
 * memory is freed (bytes already in the spill file stay there) and later
 * reads fail with XR_E_NOTFOUND naming it; on a seekable package, or for a
 * part not yet complete, it is a no-op. Parts already read out stay valid. */
void xps_pkg_forget(xps_pkg *pkg, const char *name);

void xps_part_drop(xps_part *part);
void xps_pkg_close(xps_pkg *pkg);

/* Resolves a URI reference found in part base ("../Resources/f.ttf",
 * "/Documents/1/x.png") to an absolute part name in out. Returns 0, or
 * XR_E_LIMIT when it does not fit, XR_E_FORMAT for an unusable reference
 * (absolute URI with a scheme). Fragments ("#1") are stripped. */
int xps_resolve_uri(const char *base, const char *ref, char *out,
                    size_t outsize);

#endif
