/* Finding PrintTickets: through each structure part's relationships, from
 * the document sequence down to the pages. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xps/pkg_xml.h"
#include "xps/rels.h"
#include "xps/ticket.h"

/* A failure that is the ticket's fault becomes a warning; only resource
 * failures propagate. */
static int soft(const xps_ctx *ctx, int rc, const xr_errinfo *e,
                const char *what) {
  if (rc == XR_E_NOMEM || rc == XR_E_IO || rc == XR_E_CANCELLED)
    return rc;
  xps_warn(ctx, rc, e->part[0] ? e->part : NULL, e->line, "%s ignored: %s",
           what, e->msg);
  return 0;
}

int xps_ticket_load(xps_pkg *pkg, const char *source, const xps_ctx *ctx,
                    xps_ticket *out, xr_errinfo *err) {
  xps_ticket_init(out);
  char relsname[1100];
  if (xps_rels_name(source, relsname, sizeof relsname) < 0)
    return 0;
  /* Optional: on a stream, asking must not read the rest of the package. */
  if (!xps_pkg_has_part_soon(pkg, relsname))
    return 0;
  xr_errinfo e;
  xr_errinfo_clear(&e);
  xps_part *part = NULL;
  int rc = xps_pkg_read_part(pkg, relsname, &part, &e);
  if (rc < 0) {
    rc = soft(ctx, rc, &e, "relationships");
    if (rc < 0)
      *err = e;
    return rc;
  }
  xps_rels rels;
  rc = xps_rels_parse(part, source, ctx, &rels, &e);
  xps_part_drop(part);
  if (rc < 0) {
    rc = soft(ctx, rc, &e, "relationships");
    if (rc < 0)
      *err = e;
    return rc;
  }
  const xps_rel *rel =
      xps_rels_find(&rels, XPS_REL_TICKET_XPS, XPS_REL_TICKET_OXPS);
  if (!rel) {
    xps_rels_free(&rels);
    return 0;
  }
  if (rel->external) {
    xps_warn(ctx, XR_E_UNSUPPORTED, relsname, -1,
             "external PrintTicket '%s' ignored", rel->target);
    xps_rels_free(&rels);
    return 0;
  }
  char name[1024];
  snprintf(name, sizeof name, "%s", rel->target);
  xps_rels_free(&rels);
  rc = xps_pkg_read_part(pkg, name, &part, &e);
  if (rc < 0) {
    rc = soft(ctx, rc, &e, "PrintTicket");
    if (rc < 0)
      *err = e;
    return rc;
  }
  rc = xps_ticket_parse(part->data, part->size, part->name, ctx, out, &e);
  xps_part_drop(part);
  if (rc < 0) {
    xps_ticket_init(out);
    rc = soft(ctx, rc, &e, "PrintTicket");
    if (rc < 0)
      *err = e;
    return rc;
  }
  return 1;
}

/* The Source attributes of the depth-1 children named local of a structure
 * part, resolved to absolute names. */
static int list_sources(xps_pkg *pkg, const char *name, const char *local,
                        const xps_ctx *ctx, int64_t max, char ***out, int *n,
                        xr_errinfo *err) {
  *out = NULL;
  *n = 0;
  xps_part *part = NULL;
  int rc = xps_pkg_read_part(pkg, name, &part, err);
  if (rc < 0)
    return rc;
  xps_xml x;
  rc = xps_xml_open(&x, part, ctx, err);
  if (rc < 0) {
    xps_part_drop(part);
    return rc;
  }
  char **v = NULL;
  int cap = 0;
  while ((rc = xps_xml_next(&x, err)) == 1) {
    if (xps_xml_depth(&x) != 1 || strcmp(xps_xml_local(&x), local) != 0)
      continue;
    char *src = xps_xml_attr(&x, "Source");
    char abs[1024];
    if (!src || xps_resolve_uri(part->name, src, abs, sizeof abs) < 0) {
      xps_warn(ctx, XR_E_FORMAT, part->name, xps_xml_line(&x),
               "%s without a usable Source", local);
      free(src);
      continue;
    }
    free(src);
    if (*n >= max) {
      rc = xr_errinfo_set(err, XR_E_LIMIT, part->name, xps_xml_line(&x), -1,
                          "more than %lld %s entries", (long long)max, local);
      break;
    }
    if (*n == cap) {
      int ncap = cap ? cap * 2 : 16;
      char **nv = realloc(v, (size_t)ncap * sizeof *nv);
      if (!nv) {
        rc = XR_E_NOMEM;
        break;
      }
      v = nv;
      cap = ncap;
    }
    if (!(v[*n] = strdup(abs))) {
      rc = XR_E_NOMEM;
      break;
    }
    (*n)++;
  }
  xps_xml_close(&x);
  xps_part_drop(part);
  if (rc < 0) {
    for (int i = 0; i < *n; i++)
      free(v[i]);
    free(v);
    *n = 0;
    return rc;
  }
  *out = v;
  return 0;
}

static void free_list(char **v, int n) {
  for (int i = 0; i < n; i++)
    free(v[i]);
  free(v);
}

static int start_part(xps_pkg *pkg, const xps_ctx *ctx, char *out, size_t size,
                      xr_errinfo *err) {
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
      xps_rels_find(&rels, XPS_REL_START_XPS, XPS_REL_START_OXPS);
  if (!rel || rel->external)
    rc = xr_errinfo_set(err, XR_E_FORMAT, "/_rels/.rels", -1, -1,
                        "no FixedDocumentSequence relationship");
  else
    snprintf(out, size, "%s", rel->target);
  xps_rels_free(&rels);
  return rc;
}

int xps_ticket_set_load(xps_pkg *pkg, const xps_ctx *ctx, xps_ticket_set *out,
                        xr_errinfo *err) {
  memset(out, 0, sizeof *out);
  char seq[1024];
  char **docs = NULL;
  int ndocs = 0, pcap = 0;
  int rc = start_part(pkg, ctx, seq, sizeof seq, err);
  if (rc < 0)
    return rc;
  rc = xps_ticket_load(pkg, seq, ctx, &out->job, err);
  if (rc < 0)
    return rc;
  rc = list_sources(pkg, seq, "DocumentReference", ctx,
                    xps_limit(ctx, XR_LIMIT_ENTRY_COUNT), &docs, &ndocs, err);
  if (rc < 0)
    return rc;
  out->docs = calloc(ndocs ? (size_t)ndocs : 1, sizeof *out->docs);
  out->doc_first_page =
      calloc(ndocs ? (size_t)ndocs : 1, sizeof *out->doc_first_page);
  if (!out->docs || !out->doc_first_page) {
    rc = XR_E_NOMEM;
    goto fail;
  }
  out->ndocs = ndocs;
  int64_t max_pages = xps_limit(ctx, XR_LIMIT_PAGES);
  for (int d = 0; d < ndocs; d++) {
    out->doc_first_page[d] = out->npages;
    rc = xps_ticket_load(pkg, docs[d], ctx, &out->docs[d], err);
    if (rc < 0)
      goto fail;
    char **pages = NULL;
    int npages = 0;
    rc = list_sources(pkg, docs[d], "PageContent", ctx, max_pages - out->npages,
                      &pages, &npages, err);
    if (rc < 0)
      goto fail;
    for (int i = 0; i < npages; i++) {
      xps_ticket t;
      rc = xps_ticket_load(pkg, pages[i], ctx, &t, err);
      if (rc < 0) {
        free_list(pages, npages);
        goto fail;
      }
      if (rc == 1) {
        if (out->npage_tickets == pcap) {
          int ncap = pcap ? pcap * 2 : 8;
          xps_page_ticket *nv = realloc(out->pages, (size_t)ncap * sizeof *nv);
          if (!nv) {
            free_list(pages, npages);
            rc = XR_E_NOMEM;
            goto fail;
          }
          out->pages = nv;
          pcap = ncap;
        }
        out->pages[out->npage_tickets].page = out->npages + i;
        out->pages[out->npage_tickets].ticket = t;
        out->npage_tickets++;
      }
    }
    out->npages += npages;
    free_list(pages, npages);
  }
  free_list(docs, ndocs);
  return 0;
fail:
  free_list(docs, ndocs);
  xps_ticket_set_free(out);
  if (rc == XR_E_NOMEM)
    xr_errinfo_set(err, rc, NULL, -1, -1, "no memory for PrintTickets");
  return rc;
}

int xps_ticket_walk_open(xps_pkg *pkg, const xps_ctx *ctx, xps_ticket_walk *w,
                         xr_errinfo *err) {
  memset(w, 0, sizeof *w);
  w->pkg = pkg;
  w->ctx = ctx;
  w->doc = -1;
  xps_ticket_init(&w->job);
  xps_ticket_init(&w->dtk);
  char seq[1024];
  int rc = start_part(pkg, ctx, seq, sizeof seq, err);
  if (rc < 0)
    return rc;
  rc = xps_ticket_load(pkg, seq, ctx, &w->job, err);
  if (rc < 0)
    return rc;
  return list_sources(pkg, seq, "DocumentReference", ctx,
                      xps_limit(ctx, XR_LIMIT_ENTRY_COUNT), &w->docs, &w->ndocs,
                      err);
}

/* Moves on to the next document: its ticket and its page list. */
static int walk_next_doc(xps_ticket_walk *w, xr_errinfo *err) {
  w->first += w->npages;
  free_list(w->pages, w->npages);
  w->pages = NULL;
  w->npages = 0;
  w->doc++;
  int rc = xps_ticket_load(w->pkg, w->docs[w->doc], w->ctx, &w->dtk, err);
  if (rc < 0)
    return rc;
  int64_t max = xps_limit(w->ctx, XR_LIMIT_PAGES) - w->first;
  return list_sources(w->pkg, w->docs[w->doc], "PageContent", w->ctx,
                      max > 0 ? max : 0, &w->pages, &w->npages, err);
}

int xps_ticket_walk_page(xps_ticket_walk *w, int page, xps_ticket *out,
                         xr_errinfo *err) {
  while ((w->doc < 0 || page >= w->first + w->npages) &&
         w->doc + 1 < w->ndocs) {
    int rc = walk_next_doc(w, err);
    if (rc < 0)
      return rc;
  }
  *out = w->job;
  if (w->doc >= 0)
    xps_ticket_merge(out, &w->dtk, XPS_TICKET_DOCUMENT);
  if (page < w->first || page >= w->first + w->npages)
    return 0;
  xps_ticket t;
  int rc = xps_ticket_load(w->pkg, w->pages[page - w->first], w->ctx, &t, err);
  if (rc < 0)
    return rc;
  if (rc == 1)
    xps_ticket_merge(out, &t, XPS_TICKET_PAGE);
  return 0;
}

int xps_ticket_walk_doc(const xps_ticket_walk *w) {
  return w->doc;
}

void xps_ticket_walk_close(xps_ticket_walk *w) {
  if (!w)
    return;
  free_list(w->docs, w->ndocs);
  free_list(w->pages, w->npages);
  memset(w, 0, sizeof *w);
  w->doc = -1;
}

int xps_ticket_set_doc_of(const xps_ticket_set *set, int page) {
  /* The last document starting at or before page (starts are sorted;
   * an empty document shares its start with the next one). */
  int lo = 0, hi = set->ndocs - 1, d = 0;
  while (lo <= hi) {
    int mid = lo + (hi - lo) / 2;
    if (set->doc_first_page[mid] <= page) {
      d = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return d;
}

void xps_ticket_set_page(const xps_ticket_set *set, int page, xps_ticket *out) {
  *out = set->job;
  /* The job ticket's own settings are the defaults at every level. */
  if (set->ndocs > 0)
    xps_ticket_merge(out, &set->docs[xps_ticket_set_doc_of(set, page)],
                     XPS_TICKET_DOCUMENT);
  /* Page tickets are sorted: binary search. */
  int lo = 0, hi = set->npage_tickets - 1;
  while (lo <= hi) {
    int mid = lo + (hi - lo) / 2;
    int p = set->pages[mid].page;
    if (p == page) {
      xps_ticket_merge(out, &set->pages[mid].ticket, XPS_TICKET_PAGE);
      return;
    }
    if (p < page)
      lo = mid + 1;
    else
      hi = mid - 1;
  }
}

void xps_ticket_set_free(xps_ticket_set *set) {
  if (!set)
    return;
  free(set->docs);
  free(set->doc_first_page);
  free(set->pages);
  memset(set, 0, sizeof *set);
}
