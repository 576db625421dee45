/* Document structure: _rels/.rels -> FixedDocumentSequence ->
 * FixedDocument(s) -> FixedPage(s), in order, for both the XPS 1.0 and the
 * OpenXPS namespaces and relationship types. */
#ifndef XPS_DOC_H
#define XPS_DOC_H

#include "xps/pkg.h"

typedef struct xps_doc xps_doc;

typedef struct xps_page_ref {
  int index;            /* 0-based, in document order */
  int doc_index;        /* which FixedDocument */
  char name[1024];      /* absolute part name of the FixedPage */
  double width, height; /* from PageContent, 0 when absent */
} xps_page_ref;

/* Reads the document structure. pkg is borrowed and must outlive doc. */
int xps_doc_open(xps_pkg *pkg, const xps_ctx *ctx, xps_doc **out,
                 xr_errinfo *err);

/* Fills *ref with the next page. Returns 1, 0 at the end, or < 0. */
int xps_doc_next_page(xps_doc *doc, xps_page_ref *ref, xr_errinfo *err);

/* Number of pages, or -1 while still unknown (streaming input). */
int xps_doc_page_count(const xps_doc *doc);

void xps_doc_close(xps_doc *doc);

#endif
