/* PrintTickets (Print Schema, as referenced by XPS 1.0 / ECMA-388 packages)
 * and DiscardControl.
 *
 * A ticket is a part reached by a printticket relationship from the
 * FixedDocumentSequence (job level), a FixedDocument (document level) or a
 * FixedPage (page level). We read the features a raster filter can act on;
 * everything else is ignored. A ticket that is not well-formed, or is not a
 * psf:PrintTicket, is reported as a warning and ignored whole; a known
 * feature with a value we cannot use is reported and ignored alone. */
#ifndef XPS_TICKET_H
#define XPS_TICKET_H

#include <stddef.h>

#include "xps/pkg.h"

#define XPS_REL_TICKET_XPS                                                     \
  "http://schemas.microsoft.com/xps/2005/06/printticket"
#define XPS_REL_TICKET_OXPS "http://schemas.openxps.org/oxps/v1.0/printticket"
#define XPS_REL_DISCARD_XPS                                                    \
  "http://schemas.microsoft.com/xps/2005/06/discard-control"
#define XPS_REL_DISCARD_OXPS                                                   \
  "http://schemas.openxps.org/oxps/v1.0/discard-control"
#define XPS_NS_PSF                                                             \
  "http://schemas.microsoft.com/windows/2003/08/printing/printschemaframework"
#define XPS_NS_PSK                                                             \
  "http://schemas.microsoft.com/windows/2003/08/printing/printschemakeywords"

/* Where a ticket was found; features are honoured only at or above their
 * scope (a Job feature in a page ticket is ignored, a Page feature in the
 * job ticket is the default for every page). */
enum xps_ticket_level {
  XPS_TICKET_JOB = 0,
  XPS_TICKET_DOCUMENT = 1,
  XPS_TICKET_PAGE = 2
};

/* Bits of xps_ticket.set: which settings the ticket carries. */
enum {
  XPS_TK_MEDIA = 1u << 0,       /* psk:PageMediaSize */
  XPS_TK_RESOLUTION = 1u << 1,  /* psk:PageResolution */
  XPS_TK_ORIENTATION = 1u << 2, /* psk:PageOrientation */
  XPS_TK_JOB_COPIES = 1u << 3,  /* psk:JobCopiesAllDocuments */
  XPS_TK_DOC_COPIES = 1u << 4,  /* psk:DocumentCopiesAllPages */
  XPS_TK_COLOR = 1u << 5,       /* psk:PageOutputColor */
  XPS_TK_DUPLEX = 1u << 6,      /* psk:JobDuplexAllDocumentsContiguously */
  XPS_TK_COLLATE = 1u << 7      /* psk:JobCollateAllDocuments */
};

enum xps_orientation {
  XPS_ORIENT_PORTRAIT = 0,
  XPS_ORIENT_LANDSCAPE = 1,
  XPS_ORIENT_REVERSE_PORTRAIT = 2,
  XPS_ORIENT_REVERSE_LANDSCAPE = 3
};

enum xps_output_color {
  XPS_COLOR_COLOR = 0,
  XPS_COLOR_GRAY = 1,
  XPS_COLOR_MONO = 2
};

enum xps_duplex {
  XPS_DUPLEX_ONE_SIDED = 0,
  XPS_DUPLEX_LONG_EDGE = 1,
  XPS_DUPLEX_SHORT_EDGE = 2
};

/* Plain data; copy freely. Fields are meaningful only when their bit is in
 * set. */
typedef struct xps_ticket {
  unsigned set;
  double media_w_in, media_h_in; /* from MediaSizeWidth/Height (microns) */
  char media_name[64];           /* psk option name without prefix, "ISOA4" */
  int res_x, res_y;              /* dots per inch */
  int orientation;               /* enum xps_orientation */
  int job_copies, doc_copies;    /* >= 1 */
  int color;                     /* enum xps_output_color */
  int duplex;                    /* enum xps_duplex */
  int collate;                   /* 1 collated, 0 uncollated job copies */
} xps_ticket;

/* Bounds on ticket content (the ticket is input: hostile). */
#define XPS_TICKET_MAX_PARAMS 256 /* ParameterInit elements kept */
#define XPS_TICKET_MAX_PROPS 32   /* ScoredProperty per Option kept */

/* An empty ticket (nothing set). Allocates nothing. */
void xps_ticket_init(xps_ticket *t);

/* Parses a PrintTicket part. Copies are checked against the COPIES limit,
 * resolution against DPI, nesting against XML_DEPTH. Returns 0 with *out
 * filled (settings that were unusable are left unset and warned about
 * through ctx), or XR_E_FORMAT / XR_E_SYNTAX / XR_E_LIMIT when the ticket
 * as a whole must be ignored (err says where). */
int xps_ticket_parse(const unsigned char *data, size_t size, const char *part,
                     const xps_ctx *ctx, xps_ticket *out, xr_errinfo *err);

/* Overlays src, found at level, on dst: a setting of src replaces dst's
 * when level is at or above the setting's scope. */
void xps_ticket_merge(xps_ticket *dst, const xps_ticket *src, int level);

/* Scope (enum xps_ticket_level) of one XPS_TK_* bit. */
int xps_ticket_scope(unsigned bit);

/* Finds and reads the ticket of source (a part name) from its
 * relationships. Returns 1 and fills *out when a usable ticket is there,
 * 0 when there is none or it was ignored (a warning says why), < 0 only for
 * a failure that is not the ticket's fault (XR_E_NOMEM, XR_E_IO). */
int xps_ticket_load(xps_pkg *pkg, const char *source, const xps_ctx *ctx,
                    xps_ticket *out, xr_errinfo *err);

/* All tickets of a package, gathered before rendering: the job ticket, one
 * per FixedDocument, and those of the pages that have one. */
typedef struct xps_page_ticket {
  int page; /* 0-based page index in the whole sequence */
  xps_ticket ticket;
} xps_page_ticket;

typedef struct xps_ticket_set {
  xps_ticket job;
  int ndocs;
  xps_ticket *docs;    /* ndocs */
  int *doc_first_page; /* ndocs: index of each document's first page */
  int npages;          /* pages in the sequence */
  int npage_tickets;
  xps_page_ticket *pages; /* sorted by page */
} xps_ticket_set;

/* Walks _rels/.rels -> FixedDocumentSequence -> FixedDocuments -> pages and
 * loads every ticket. Reads only structure parts, relationship parts and
 * tickets; meant for seekable packages (on a stream it would read ahead to
 * the last page: use xps_ticket_walk there). Returns 0, or < 0 when the
 * structure itself cannot be read. Free with xps_ticket_set_free. */
int xps_ticket_set_load(xps_pkg *pkg, const xps_ctx *ctx, xps_ticket_set *out,
                        xr_errinfo *err);

/* The effective ticket of a page: job ⊕ its document ⊕ the page. */
void xps_ticket_set_page(const xps_ticket_set *set, int page, xps_ticket *out);

/* Which document (0-based) a page belongs to. */
int xps_ticket_set_doc_of(const xps_ticket_set *set, int page);

void xps_ticket_set_free(xps_ticket_set *set);

/* Tickets found as the pages are reached, for a stream: the job ticket at
 * open, a document's ticket and page list when its first page is asked
 * for, a page's ticket when that page is. Nothing is read beyond the page
 * asked for and, when the page has no relationships, the start of the next
 * one; a ticket stored later than that is not seen (a stream cannot wait
 * for it). Plain state; borrows pkg and ctx. */
typedef struct xps_ticket_walk {
  xps_pkg *pkg;
  const xps_ctx *ctx;
  xps_ticket job;
  char **docs; /* FixedDocument names */
  int ndocs;
  int doc;        /* current document, -1 before the first */
  xps_ticket dtk; /* its ticket */
  char **pages;   /* its pages */
  int npages;
  int first; /* sequence index of its first page */
} xps_ticket_walk;

/* Reads the start part, the job ticket and the list of documents. Returns
 * 0, or < 0 when the structure cannot be read (err says where). */
int xps_ticket_walk_open(xps_pkg *pkg, const xps_ctx *ctx, xps_ticket_walk *w,
                         xr_errinfo *err);

/* The effective ticket (job ⊕ document ⊕ page) of page, a 0-based index
 * in the sequence; pages must be asked for in increasing order. A page
 * past the last known one gets job ⊕ the last document. Returns 0, or < 0
 * only for a failure that is not a ticket's fault. */
int xps_ticket_walk_page(xps_ticket_walk *w, int page, xps_ticket *out,
                         xr_errinfo *err);

/* Which document (0-based) the last page asked for is in; -1 before. */
int xps_ticket_walk_doc(const xps_ticket_walk *w);

void xps_ticket_walk_close(xps_ticket_walk *w);

/* DiscardControl: once SentinelPage has been consumed, Target is no longer
 * needed and may be dropped from memory. Names are absolute part names. */
typedef struct xps_discard {
  char sentinel[1024];
  char target[1024];
} xps_discard;

typedef struct xps_discard_list {
  xps_discard *v;
  size_t n;
} xps_discard_list;

/* Parses a DiscardControl part (both namespaces). Entries that cannot be
 * resolved are skipped with a warning. Bounded by ENTRY_COUNT. */
int xps_discard_parse(const xps_part *part, const xps_ctx *ctx,
                      xps_discard_list *out, xr_errinfo *err);

/* Finds the package's DiscardControl from _rels/.rels and parses it.
 * Returns 1 when found, 0 when the package has none (on a stream: or when
 * it is stored after the first page), < 0 on failure. */
int xps_discard_load(xps_pkg *pkg, const xps_ctx *ctx, xps_discard_list *out,
                     xr_errinfo *err);

/* Calls fn for each target whose sentinel is page (an absolute part name),
 * in document order. */
void xps_discard_after_page(const xps_discard_list *list, const char *page,
                            void (*fn)(void *ud, const char *target), void *ud);

void xps_discard_list_free(xps_discard_list *list);

#endif
