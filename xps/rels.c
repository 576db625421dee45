#include "xps/rels.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xps/pkg_xml.h"

int xps_rels_name(const char *source, char *out, size_t outsize) {
  const char *slash = strrchr(source, '/');
  size_t dir = slash ? (size_t)(slash - source) + 1 : 0;
  const char *base = source + dir;
  int n = snprintf(out, outsize, "%.*s_rels/%s.rels", (int)dir, source, base);
  if (n < 0 || (size_t)n >= outsize)
    return XR_E_LIMIT;
  return 0;
}

void xps_rels_free(xps_rels *rels) {
  if (!rels)
    return;
  for (size_t i = 0; i < rels->n; i++) {
    free(rels->v[i].type);
    free(rels->v[i].target);
  }
  free(rels->v);
  rels->v = NULL;
  rels->n = 0;
}

int xps_rels_parse(const xps_part *part, const char *source, const xps_ctx *ctx,
                   xps_rels *out, xr_errinfo *err) {
  xps_xml x;
  size_t cap = 0;
  char *type = NULL, *target = NULL, *mode = NULL;
  /* A relationships part has one entry per referenced part at most. */
  size_t max = (size_t)xps_limit(ctx, XR_LIMIT_ENTRY_COUNT);
  out->v = NULL;
  out->n = 0;
  int rc = xps_xml_open(&x, part, ctx, err);
  if (rc < 0)
    return rc;
  while ((rc = xps_xml_next(&x, err)) == 1) {
    if (strcmp(xps_xml_local(&x), "Relationship") != 0 ||
        strcmp(xps_xml_ns(&x), XPS_REL_NS) != 0 || xps_xml_depth(&x) != 1)
      continue;
    type = xps_xml_attr(&x, "Type");
    target = xps_xml_attr(&x, "Target");
    mode = xps_xml_attr(&x, "TargetMode");
    if (!type || !target) {
      xps_warn(ctx, XR_E_FORMAT, part->name, xps_xml_line(&x),
               "Relationship without Type or Target ignored");
      goto next;
    }
    int external = mode && strcmp(mode, "External") == 0;
    if (!external) {
      char *abs = malloc(strlen(source) + strlen(target) + 3);
      if (!abs) {
        rc = XR_E_NOMEM;
        break;
      }
      if (xps_resolve_uri(source, target, abs,
                          strlen(source) + strlen(target) + 3) < 0) {
        xps_warn(ctx, XR_E_FORMAT, part->name, xps_xml_line(&x),
                 "Relationship target \"%.100s\" ignored", target);
        free(abs);
        goto next;
      }
      free(target);
      target = abs;
    }
    if (out->n == cap) {
      if (cap >= max) {
        rc = xr_errinfo_set(err, XR_E_LIMIT, part->name, xps_xml_line(&x), -1,
                            "more than ENTRY_COUNT %zu relationships", max);
        break;
      }
      size_t nc = cap ? cap * 2 : 8;
      xps_rel *v = realloc(out->v, nc * sizeof *v);
      if (!v) {
        rc = XR_E_NOMEM;
        break;
      }
      out->v = v;
      cap = nc;
    }
    out->v[out->n].type = type;
    out->v[out->n].target = target;
    out->v[out->n].external = external;
    out->n++;
    type = target = NULL;
  next:
    free(type);
    free(target);
    free(mode);
    type = target = mode = NULL;
  }
  free(type);
  free(target);
  free(mode);
  xps_xml_close(&x);
  if (rc < 0) {
    xps_rels_free(out);
    return rc;
  }
  return 0;
}

const xps_rel *xps_rels_find(const xps_rels *rels, const char *type,
                             const char *type2) {
  for (size_t i = 0; i < rels->n; i++)
    if (strcmp(rels->v[i].type, type) == 0 ||
        (type2 && strcmp(rels->v[i].type, type2) == 0))
      return &rels->v[i];
  return NULL;
}
