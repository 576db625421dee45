#include "xps/pkg_xml.h"

#include <libxml/xmlreader.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void on_error(void *ud, xmlErrorPtr e) {
  xps_xml *x = ud;
  if (x->status < 0 || !e || e->level < XML_ERR_ERROR)
    return;
  x->status = XR_E_FORMAT;
  x->line = e->line;
  snprintf(x->msg, sizeof x->msg, "%s", e->message ? e->message : "");
  /* libxml2's words for a value over its 10 MB cap say nothing useful. */
  if (strstr(x->msg, "Huge input lookup"))
    snprintf(x->msg, sizeof x->msg,
             "an attribute value or text is longer than the XML parser "
             "accepts (10 MB)");
  size_t n = strlen(x->msg);
  while (n > 0 && (x->msg[n - 1] == '\n' || x->msg[n - 1] == ' '))
    x->msg[--n] = '\0';
}

int xps_xml_open(xps_xml *x, const xps_part *part, const xps_ctx *ctx,
                 xr_errinfo *err) {
  memset(x, 0, sizeof *x);
  x->part = part->name;
  x->ctx = ctx;
  x->line = -1;
  if (part->size > (size_t)INT32_MAX)
    return xr_errinfo_set(err, XR_E_LIMIT, part->name, -1, -1,
                          "markup part too large");
  /* No XML_PARSE_NOENT (entities stay unexpanded), no DTDLOAD/DTDATTR, no
   * network; errors come back through on_error. */
  xmlTextReaderPtr r =
      xmlReaderForMemory((const char *)part->data, (int)part->size, NULL, NULL,
                         XML_PARSE_NONET | XML_PARSE_NOERROR |
                             XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
  if (!r)
    return xr_errinfo_set(err, XR_E_NOMEM, part->name, -1, -1,
                          "cannot start the XML parser");
  xmlTextReaderSetStructuredErrorHandler(r, on_error, x);
  x->reader = r;
  return 0;
}

static int fail(xps_xml *x, xr_errinfo *err) {
  long line = x->line >= 0 ? x->line
                           : (long)xmlTextReaderGetParserLineNumber(x->reader);
  return xr_errinfo_set(err, XR_E_FORMAT, x->part, line, -1,
                        "malformed XML: %s", x->msg[0] ? x->msg : "error");
}

int xps_xml_next(xps_xml *x, xr_errinfo *err) {
  xmlTextReaderPtr r = x->reader;
  for (;;) {
    int rc = xmlTextReaderRead(r);
    if (x->status < 0 || rc < 0)
      return fail(x, err);
    if (rc == 0)
      return 0;
    int type = xmlTextReaderNodeType(r);
    if (type == XML_READER_TYPE_DOCUMENT_TYPE ||
        type == XML_READER_TYPE_ENTITY_REFERENCE) {
      /* OPC forbids DTDs; refusing them also stops entity expansion
       * attacks before any entity is used. */
      return xr_errinfo_set(err, XR_E_FORMAT, x->part,
                            (long)xmlTextReaderGetParserLineNumber(r), -1,
                            "DTD declarations are not allowed in a "
                            "package");
    }
    if (type != XML_READER_TYPE_ELEMENT)
      continue;
    if (xmlTextReaderDepth(r) >= xps_limit(x->ctx, XR_LIMIT_XML_DEPTH))
      return xr_errinfo_set(err, XR_E_LIMIT, x->part, xps_xml_line(x), -1,
                            "elements nested deeper than XML_DEPTH %lld",
                            (long long)xps_limit(x->ctx, XR_LIMIT_XML_DEPTH));
    return 1;
  }
}

const char *xps_xml_local(xps_xml *x) {
  const xmlChar *s = xmlTextReaderConstLocalName(x->reader);
  return s ? (const char *)s : "";
}

const char *xps_xml_ns(xps_xml *x) {
  const xmlChar *s = xmlTextReaderConstNamespaceUri(x->reader);
  return s ? (const char *)s : "";
}

int xps_xml_depth(xps_xml *x) {
  return xmlTextReaderDepth(x->reader);
}

long xps_xml_line(xps_xml *x) {
  /* The node's own line: the parser may already have read further. */
  xmlNodePtr node = xmlTextReaderCurrentNode(x->reader);
  long line = node ? xmlGetLineNo(node) : -1;
  return line > 0 ? line : (long)xmlTextReaderGetParserLineNumber(x->reader);
}

char *xps_xml_attr(xps_xml *x, const char *name) {
  xmlChar *v = xmlTextReaderGetAttribute(x->reader, (const xmlChar *)name);
  if (!v)
    return NULL;
  char *s = strdup((const char *)v);
  xmlFree(v);
  return s;
}

void xps_xml_close(xps_xml *x) {
  if (x->reader)
    xmlFreeTextReader(x->reader);
  x->reader = NULL;
}
