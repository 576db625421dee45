/* OPC relationship parts ("_rels/.rels", "Pages/_rels/1.fpage.rels"). */
#ifndef XPS_RELS_H
#define XPS_RELS_H

#include "xps/pkg.h"

/* Relationship types the document layer follows (both namespaces). */
#define XPS_REL_START_XPS                                                      \
  "http://schemas.microsoft.com/xps/2005/06/fixedrepresentation"
#define XPS_REL_START_OXPS                                                     \
  "http://schemas.openxps.org/oxps/v1.0/fixedrepresentation"
#define XPS_REL_NS                                                             \
  "http://schemas.openxmlformats.org/package/2006/relationships"

typedef struct xps_rel {
  char *type;
  char *target; /* absolute part name for internal targets, as-is otherwise */
  int external; /* TargetMode="External" */
} xps_rel;

typedef struct xps_rels {
  xps_rel *v;
  size_t n;
} xps_rels;

/* The name of the relationships part of source ("/a/b.fpage" ->
 * "/a/_rels/b.fpage.rels", "/" -> "/_rels/.rels"). */
int xps_rels_name(const char *source, char *out, size_t outsize);

/* Parses a relationships part whose source part is source ("/" for the
 * package). Relationships with unusable targets are skipped with a
 * warning. *out is owned; free with xps_rels_free. */
int xps_rels_parse(const xps_part *part, const char *source, const xps_ctx *ctx,
                   xps_rels *out, xr_errinfo *err);

/* The first relationship of type (or of type2 when type2 is not NULL). */
const xps_rel *xps_rels_find(const xps_rels *rels, const char *type,
                             const char *type2);

void xps_rels_free(xps_rels *rels);

#endif
