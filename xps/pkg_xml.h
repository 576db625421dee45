/* A thin, hardened pull parser over libxml2's xmlTextReader for the small
 * package-structure parts (relationships, content types, document
 * sequence, fixed documents): no network, no DTD, no entity expansion,
 * bounded depth, errors with part and line. */
#ifndef XPS_PKG_XML_H
#define XPS_PKG_XML_H

#include "xps/pkg.h"

typedef struct xps_xml {
  void *reader; /* xmlTextReaderPtr */
  const char *part;
  const xps_ctx *ctx;
  int status; /* first parser error, 0 if none */
  long line;
  char msg[200];
} xps_xml;

/* Starts parsing part (borrowed until xps_xml_close). */
int xps_xml_open(xps_xml *x, const xps_part *part, const xps_ctx *ctx,
                 xr_errinfo *err);

/* Advances to the next element start. Returns 1 on an element, 0 at the end
 * of the document, < 0 (XR_E_FORMAT with part and line in err) on malformed
 * XML, a DTD, or nesting deeper than XML_DEPTH. */
int xps_xml_next(xps_xml *x, xr_errinfo *err);

/* The current element's local name, namespace URI ("" when none), depth. */
const char *xps_xml_local(xps_xml *x);
const char *xps_xml_ns(xps_xml *x);
int xps_xml_depth(xps_xml *x);
long xps_xml_line(xps_xml *x);

/* An attribute of the current element (no namespace), owned by the caller
 * (free()), or NULL. */
char *xps_xml_attr(xps_xml *x, const char *name);

void xps_xml_close(xps_xml *x);

#endif
