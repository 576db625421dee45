/* Library-internal: the package under an open document, for callers inside
 * the library that must read more of it than the document does (the CUPS
 * filter's PrintTickets on a stream, which cannot be opened twice). */
#ifndef FILTER_DOC_PKG_H
#define FILTER_DOC_PKG_H

#include "xps/pkg.h"
#include "xpsraster/document.h"

/* Borrowed; use it only on the thread that calls xr_doc_render, and only
 * from outside a page (before rendering, or from a sink's begin_page). */
xps_pkg *xr_doc_pkg(xr_doc *doc);

#endif
