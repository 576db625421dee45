/* Markup-compatibility event reader (private to xps/).
 *
 * Wraps libxml2's streaming xmlTextReader over a part held in memory and
 * delivers element start/end events with ECMA-376 Part 3 markup
 * compatibility (the rules XPS and ECMA-388 adopt) already applied:
 * AlternateContent resolves to its first Choice whose Requires namespaces
 * are all understood, else its Fallback; elements and attributes in
 * mc:Ignorable namespaces vanish (their content stays when mc:ProcessContent
 * names them); mc:MustUnderstand of an unknown namespace, and an unknown
 * element or attribute that is not ignorable, are errors.
 *
 * Every raw element counts against ELEMENTS_PER_PAGE and its depth against
 * XML_DEPTH. DTDs are refused (OPC forbids them), entities are never
 * substituted and the network is never used. */
#ifndef XPS_MC_H
#define XPS_MC_H

#include <stddef.h>

#include "xps/ctx.h"

/* Namespaces a consumer sees on events. */
enum xps_ns {
  XPS_NS_NONE = 0, /* no namespace (plain attributes) */
  XPS_NS_XPS,      /* XPS 1.0 or OpenXPS FixedPage markup */
  XPS_NS_KEY,      /* x:Key resource-dictionary key */
  XPS_NS_XML       /* xml:lang, xml:space */
};

#define XPS_NS_URI_XPS "http://schemas.microsoft.com/xps/2005/06"
#define XPS_NS_URI_OXPS "http://schemas.openxps.org/oxps/v1.0"
#define XPS_NS_URI_MC                                                          \
  "http://schemas.openxmlformats.org/markup-compatibility/2006"

typedef struct xps_attr {
  int ns;           /* enum xps_ns */
  const char *name; /* local name */
  const char *value;
} xps_attr;

enum xps_ev_type { XPS_EV_START = 1, XPS_EV_END = 2 };

/* One event. Strings stay valid until the next xps_mc_next call. */
typedef struct xps_event {
  int type;         /* enum xps_ev_type */
  const char *name; /* local name; the element namespace is XPS */
  xps_attr *attrs;  /* START only */
  int nattrs;
  long line; /* of the start tag */
} xps_event;

typedef struct xps_mc xps_mc;

/* Opens a reader over xml[0..len), which must outlive it. part names the
 * part in errors; ctx (borrowed) gives the limits. Errors: XR_E_NOMEM. */
int xps_mc_open(const char *xml, size_t len, const char *part,
                const xps_ctx *ctx, xps_mc **out, xr_errinfo *err);

/* Next event: returns 1 and fills *ev, 0 at the end of the document, or a
 * negative status with err filled: XR_E_FORMAT (not well-formed, DTD,
 * misplaced or unknown markup), XR_E_UNSUPPORTED (mc:MustUnderstand),
 * XR_E_LIMIT (depth, element count), XR_E_NOMEM, XR_E_CANCELLED. After an
 * error every later call returns the same error. */
int xps_mc_next(xps_mc *r, xps_event *ev, xr_errinfo *err);

/* Raw elements read so far (for tests and statistics). */
long xps_mc_elements(const xps_mc *r);

/* Part name given at open. */
const char *xps_mc_part(const xps_mc *r);

void xps_mc_close(xps_mc *r);

/* The attribute value named name in namespace ns, or NULL. */
const char *xps_attr_find(const xps_attr *a, int n, int ns, const char *name);

#endif
