/* DiscardControl: which parts a consumer may forget after a given page. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xps/pkg_xml.h"
#include "xps/rels.h"
#include "xps/ticket.h"

#define NS_DISCARD_XPS                                                         \
  "http://schemas.microsoft.com/xps/2005/06/discard-control"
#define NS_DISCARD_OXPS "http://schemas.openxps.org/oxps/v1.0/discard-control"

void xps_discard_list_free(xps_discard_list *list) {
  if (!list)
    return;
  free(list->v);
  list->v = NULL;
  list->n = 0;
}

int xps_discard_parse(const xps_part *part, const xps_ctx *ctx,
                      xps_discard_list *out, xr_errinfo *err) {
  out->v = NULL;
  out->n = 0;
  size_t cap = 0, max = (size_t)xps_limit(ctx, XR_LIMIT_ENTRY_COUNT);
  xps_xml x;
  int rc = xps_xml_open(&x, part, ctx, err);
  if (rc < 0)
    return rc;
  while ((rc = xps_xml_next(&x, err)) == 1) {
    const char *ns = xps_xml_ns(&x);
    int ours = !strcmp(ns, NS_DISCARD_XPS) || !strcmp(ns, NS_DISCARD_OXPS);
    if (xps_xml_depth(&x) == 0) {
      if (!ours || strcmp(xps_xml_local(&x), "DiscardControl") != 0) {
        rc = xr_errinfo_set(err, XR_E_FORMAT, part->name, xps_xml_line(&x), -1,
                            "not a DiscardControl part");
        break;
      }
      continue;
    }
    if (xps_xml_depth(&x) != 1 || !ours ||
        strcmp(xps_xml_local(&x), "Discard") != 0)
      continue;
    char *sentinel = xps_xml_attr(&x, "SentinelPage");
    char *target = xps_xml_attr(&x, "Target");
    xps_discard d;
    if (!sentinel || !target ||
        xps_resolve_uri(part->name, sentinel, d.sentinel, sizeof d.sentinel) <
            0 ||
        xps_resolve_uri(part->name, target, d.target, sizeof d.target) < 0) {
      xps_warn(ctx, XR_E_FORMAT, part->name, xps_xml_line(&x),
               "Discard without a usable SentinelPage and Target ignored");
      free(sentinel);
      free(target);
      continue;
    }
    free(sentinel);
    free(target);
    if (out->n >= max) {
      rc = xr_errinfo_set(err, XR_E_LIMIT, part->name, xps_xml_line(&x), -1,
                          "more than ENTRY_COUNT Discard entries");
      break;
    }
    if (out->n == cap) {
      size_t ncap = cap ? cap * 2 : 8;
      xps_discard *nv = realloc(out->v, ncap * sizeof *nv);
      if (!nv) {
        rc = xr_errinfo_set(err, XR_E_NOMEM, part->name, -1, -1, NULL);
        break;
      }
      out->v = nv;
      cap = ncap;
    }
    out->v[out->n++] = d;
  }
  xps_xml_close(&x);
  if (rc < 0) {
    xps_discard_list_free(out);
    return rc;
  }
  return 0;
}

int xps_discard_load(xps_pkg *pkg, const xps_ctx *ctx, xps_discard_list *out,
                     xr_errinfo *err) {
  out->v = NULL;
  out->n = 0;
  xps_part *part = NULL;
  int rc = xps_pkg_read_part(pkg, "/_rels/.rels", &part, err);
  if (rc < 0)
    return rc;
  xps_rels rels;
  rc = xps_rels_parse(part, "/", ctx, &rels, err);
  xps_part_drop(part);
  if (rc < 0)
    return rc;
  const xps_rel *rel =
      xps_rels_find(&rels, XPS_REL_DISCARD_XPS, XPS_REL_DISCARD_OXPS);
  if (!rel || rel->external) {
    xps_rels_free(&rels);
    return 0;
  }
  char name[1024];
  snprintf(name, sizeof name, "%s", rel->target);
  xps_rels_free(&rels);
  /* On a stream a DiscardControl stored after the first page comes too
   * late to save anything, and waiting for it would read (and spill) the
   * package up to it. */
  if (xps_pkg_is_stream(pkg) && !xps_pkg_has_part_soon(pkg, name))
    return 0;
  rc = xps_pkg_read_part(pkg, name, &part, err);
  if (rc < 0)
    return rc;
  rc = xps_discard_parse(part, ctx, out, err);
  xps_part_drop(part);
  return rc < 0 ? rc : 1;
}

void xps_discard_after_page(const xps_discard_list *list, const char *page,
                            void (*fn)(void *ud, const char *target),
                            void *ud) {
  /* Part names compare case-insensitively (OPC). */
  for (size_t i = 0; i < list->n; i++)
    if (strcasecmp(list->v[i].sentinel, page) == 0)
      fn(ud, list->v[i].target);
}
