/* Resource dictionaries (see resource.h). */
#include "xps/resource.h"

#include <stdio.h>
#include <string.h>

int xps_res_depth_push(xps_run *r, long line) {
  if (r->res_depth + 1 > xps_limit(r->ctx, XR_LIMIT_RESOURCE_DEPTH))
    return xr_errinfo_set(
        r->err, XR_E_LIMIT, r->part, line, -1,
        "resources nested deeper than RESOURCE_DEPTH (%lld)",
        (long long)xps_limit(r->ctx, XR_LIMIT_RESOURCE_DEPTH));
  r->res_depth++;
  return 0;
}

void xps_res_depth_pop(xps_run *r) {
  r->res_depth--;
}

/* Reads a remote dictionary part into a tree in r->arena. */
/* Remote dictionaries already read on this page: each part is parsed
 * once, however many canvases name it (a broken one is remembered too). */
struct xps_rdict {
  struct xps_rdict *next;
  xps_node *root; /* NULL: the part could not be used */
  char name[];
};

/* Reads a remote dictionary part into a tree in the page-lifetime arena. */
static int parse_remote(xps_run *r, const xps_node *dict, const char *name,
                        xps_node **out) {
  xps_part *part = NULL;
  xr_errinfo e;
  xr_errinfo_clear(&e);
  *out = NULL;
  int rc = xps_pkg_read_part(r->pkg, name, &part, &e);
  if (rc) {
    xps_run_warn(r, dict->line, "remote dictionary %s: %s", name,
                 e.msg[0] ? e.msg : xr_strerror(rc));
    return rc == XR_E_NOMEM ? rc : 0;
  }
  xps_mc *mc = NULL;
  rc = xps_mc_open((const char *)part->data, part->size, name, r->ctx, &mc, &e);
  if (!rc) {
    xps_src s;
    const xps_event *ev;
    xps_src_live(&s, mc);
    rc = xps_src_next(&s, &ev, &e);
    if (rc == 1 && strcmp(ev->name, "ResourceDictionary") == 0)
      rc = xps_tree_read(&s, ev, &r->keep, r->ctx, out, &e);
    else if (rc >= 0) {
      rc = 0;
      xps_run_warn(r, dict->line, "%s is not a ResourceDictionary", name);
    }
  }
  xps_mc_close(mc);
  xps_part_drop(part);
  /* A remote dictionary may not name another (XPS spec): its own
   * Source, even one naming itself, is ignored, and said so. */
  const char *src = !rc && *out ? xps_node_attr(*out, "Source") : NULL;
  if (src)
    xps_warn(r->ctx, XR_E_SYNTAX, name, (*out)->line,
             "remote dictionary has Source='%.200s', which is ignored: a "
             "dictionary loaded through Source cannot load another "
             "(used at %s:%ld)",
             src, r->part, dict->line);
  if (rc) {
    /* A broken remote dictionary is that part's problem: warn, skip. */
    xps_warn(r->ctx, rc, e.part[0] ? e.part : name, e.line,
             "remote dictionary: %s", e.msg[0] ? e.msg : xr_strerror(rc));
    *out = NULL;
    if (rc == XR_E_NOMEM || rc == XR_E_CANCELLED)
      return xr_errinfo_set(r->err, rc, name, e.line, -1, "%s", e.msg);
  }
  return 0;
}

static int load_remote(xps_run *r, const xps_node *dict, const char *src,
                       xps_rscope *sc) {
  char name[1024];
  if (!r->pkg) {
    xps_run_warn(r, dict->line, "remote dictionary '%s' without a package",
                 src);
    return XR_E_SYNTAX;
  }
  if (xps_resolve_uri(r->part, src, name, sizeof name)) {
    xps_run_warn(r, dict->line, "bad dictionary reference '%s'", src);
    return XR_E_SYNTAX;
  }
  struct xps_rdict *d;
  for (d = r->dicts; d; d = d->next)
    if (!strcmp(d->name, name))
      break;
  if (!d) {
    size_t len = strlen(name) + 1;
    d = xps_arena_alloc(&r->keep, sizeof *d + len);
    if (!d)
      return xr_errinfo_set(r->err, XR_E_NOMEM, r->part, dict->line, -1,
                            "out of memory");
    memcpy(d->name, name, len);
    int rc = parse_remote(r, dict, name, &d->root);
    if (rc)
      return rc;
    d->next = r->dicts;
    r->dicts = d;
  } else if (!d->root) {
    xps_run_warn(r, dict->line, "remote dictionary %s is unusable", name);
  }
  if (!d->root)
    return XR_E_SYNTAX;
  sc->dict = d->root;
  snprintf(sc->part, sizeof sc->part, "%s", name);
  return 0;
}

int xps_resources_push(xps_run *r, const xps_node *prop) {
  const xps_node *dict = prop->first;
  if (!dict)
    return 0;
  if (strcmp(dict->name, "ResourceDictionary") || dict->next) {
    xps_run_warn(r, dict->line, "%s must hold one ResourceDictionary",
                 prop->name);
    return XR_E_SYNTAX;
  }
  xps_rscope *sc = xps_arena_alloc(&r->arena, sizeof *sc);
  if (!sc)
    return xr_errinfo_set(r->err, XR_E_NOMEM, r->part, prop->line, -1,
                          "out of memory");
  sc->dict = dict;
  snprintf(sc->part, sizeof sc->part, "%s", r->part);
  const char *src = xps_node_attr(dict, "Source");
  if (src) {
    int rc = load_remote(r, dict, src, sc);
    if (rc)
      return rc;
  }
  sc->up = r->res;
  r->res = sc;
  return 0;
}

static const xps_node *find(const xps_rscope *sc, const char *key,
                            const xps_rscope **where) {
  for (; sc; sc = sc->up)
    for (const xps_node *n = sc->dict->first; n; n = n->next) {
      const char *k = xps_attr_find(n->attrs, n->nattrs, XPS_NS_KEY, "Key");
      if (k && !strcmp(k, key)) {
        *where = sc;
        return n;
      }
    }
  return NULL;
}

int xps_resource_enter(xps_run *r, const char *v, long line,
                       const xps_node **node, xps_rscope **saved) {
  char key[256];
  int k = xps_static_ref(v, key, sizeof key);
  if (k == 0)
    return 0;
  if (k < 0) {
    xps_run_warn(r, line, "malformed resource reference '%.80s'", v);
    return XR_E_SYNTAX;
  }
  const xps_rscope *where = NULL;
  const xps_node *n = find(r->res, key, &where);
  if (!n) {
    xps_run_warn(r, line, "no resource with key '%s'", key);
    return XR_E_SYNTAX;
  }
  if (n->busy)
    return xr_errinfo_set(r->err, XR_E_FORMAT, r->part, line, -1,
                          "resource '%s' refers to itself", key);
  int rc = xps_res_depth_push(r, line);
  if (rc)
    return rc;
  ((xps_node *)n)->busy++;
  *saved = r->res;
  r->res = (xps_rscope *)where;
  *node = n;
  return 1;
}

void xps_resource_leave(xps_run *r, const xps_node *node, xps_rscope *saved) {
  ((xps_node *)node)->busy--;
  r->res = saved;
  xps_res_depth_pop(r);
}
