/* The document structure: _rels/.rels -> FixedDocumentSequence ->
 * FixedDocument -> PageContent. On a seekable package every FixedDocument
 * is read at open, so the page count is known; on a stream each one is read
 * only when the pages before it are used up, so that the first page does
 * not wait for the whole archive. */
#include "xps/doc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xps/pkg_xml.h"
#include "xps/rels.h"

#define NS_XPS "http://schemas.microsoft.com/xps/2005/06"
#define NS_OXPS "http://schemas.openxps.org/oxps/v1.0"

typedef struct doc_page {
  char *name;
  double width, height;
  int doc_index;
} doc_page;

struct xps_doc {
  xps_pkg *pkg;
  const xps_ctx *ctx;
  char **fdocs; /* FixedDocument part names */
  size_t nfdocs, capfdocs;
  size_t next_fdoc; /* the next FixedDocument to read */
  doc_page *pages;
  size_t npages, cappages;
  size_t next; /* the next page to hand out */
};

static int is_xps_ns(const char *ns) {
  return strcmp(ns, NS_XPS) == 0 || strcmp(ns, NS_OXPS) == 0;
}

static int push_fdoc(xps_doc *doc, char *name) {
  if (doc->nfdocs == doc->capfdocs) {
    size_t nc = doc->capfdocs ? doc->capfdocs * 2 : 4;
    char **v = realloc(doc->fdocs, nc * sizeof *v);
    if (!v) {
      free(name);
      return XR_E_NOMEM;
    }
    doc->fdocs = v;
    doc->capfdocs = nc;
  }
  doc->fdocs[doc->nfdocs++] = name;
  return 0;
}

/* Resolves ref against base into a fresh string. */
static int resolve(const char *base, const char *ref, const xps_ctx *ctx,
                   char **out) {
  size_t n = strlen(base) + strlen(ref) + 3;
  if ((int64_t)n > xps_limit(ctx, XR_LIMIT_NAME_LEN) + 3)
    return XR_E_LIMIT;
  char *s = malloc(n);
  if (!s)
    return XR_E_NOMEM;
  int rc = xps_resolve_uri(base, ref, s, n);
  if (rc < 0) {
    free(s);
    return rc;
  }
  *out = s;
  return 0;
}

static double parse_dim(const char *s) {
  if (!s)
    return 0;
  char *end;
  double v = strtod(s, &end);
  /* NaN and infinities compare false here, so they become 0 too. */
  return (end != s && v > 0 && v < 1e9) ? v : 0;
}

static int read_fdoc(xps_doc *doc, size_t di, xr_errinfo *err) {
  const char *name = doc->fdocs[di];
  xps_part *part = NULL;
  int rc = xps_pkg_read_part(doc->pkg, name, &part, err);
  if (rc < 0)
    return rc;
  xps_xml x;
  rc = xps_xml_open(&x, part, doc->ctx, err);
  if (rc < 0) {
    xps_part_drop(part);
    return rc;
  }
  uint64_t max = (uint64_t)xps_limit(doc->ctx, XR_LIMIT_PAGES);
  int root = 1;
  while ((rc = xps_xml_next(&x, err)) == 1) {
    const char *el = xps_xml_local(&x);
    if (root) {
      root = 0;
      if (strcmp(el, "FixedDocument") != 0 || !is_xps_ns(xps_xml_ns(&x))) {
        rc = xr_errinfo_set(err, XR_E_FORMAT, name, xps_xml_line(&x), -1,
                            "root element <%.60s> is not an XPS "
                            "FixedDocument",
                            el);
        break;
      }
      continue;
    }
    if (xps_xml_depth(&x) != 1 || strcmp(el, "PageContent") != 0 ||
        !is_xps_ns(xps_xml_ns(&x)))
      continue;
    char *src = xps_xml_attr(&x, "Source");
    if (!src) {
      xps_warn(doc->ctx, XR_E_FORMAT, name, xps_xml_line(&x),
               "PageContent without Source skipped");
      continue;
    }
    char *abs = NULL;
    rc = resolve(name, src, doc->ctx, &abs);
    free(src);
    if (rc < 0) {
      rc = xr_errinfo_set(err, rc, name, xps_xml_line(&x), -1,
                          "unusable PageContent Source");
      break;
    }
    if (doc->npages >= max) {
      free(abs);
      rc =
          xr_errinfo_set(err, XR_E_LIMIT, name, xps_xml_line(&x), -1,
                         "more than PAGES %llu pages", (unsigned long long)max);
      break;
    }
    if (doc->npages == doc->cappages) {
      size_t nc = doc->cappages ? doc->cappages * 2 : 16;
      doc_page *v = realloc(doc->pages, nc * sizeof *v);
      if (!v) {
        free(abs);
        rc = XR_E_NOMEM;
        break;
      }
      doc->pages = v;
      doc->cappages = nc;
    }
    char *w = xps_xml_attr(&x, "Width"), *h = xps_xml_attr(&x, "Height");
    doc->pages[doc->npages++] =
        (doc_page){abs, parse_dim(w), parse_dim(h), (int)di};
    free(w);
    free(h);
  }
  if (rc == 0 && root)
    rc = xr_errinfo_set(err, XR_E_FORMAT, name, -1, -1, "empty document");
  xps_xml_close(&x);
  xps_part_drop(part);
  return rc < 0 ? rc : 0;
}

/* Reads the sequence (or a FixedDocument the start part names directly). */
static int read_start(xps_doc *doc, const char *name, xr_errinfo *err) {
  xps_part *part = NULL;
  int rc = xps_pkg_read_part(doc->pkg, name, &part, err);
  if (rc < 0)
    return rc;
  xps_xml x;
  rc = xps_xml_open(&x, part, doc->ctx, err);
  if (rc < 0) {
    xps_part_drop(part);
    return rc;
  }
  int root = 1;
  while ((rc = xps_xml_next(&x, err)) == 1) {
    const char *el = xps_xml_local(&x);
    if (root) {
      root = 0;
      if (strcmp(el, "FixedDocument") == 0 && is_xps_ns(xps_xml_ns(&x))) {
        char *s = strdup(name);
        rc = s ? push_fdoc(doc, s) : XR_E_NOMEM;
        break;
      }
      if (strcmp(el, "FixedDocumentSequence") != 0 ||
          !is_xps_ns(xps_xml_ns(&x))) {
        rc = xr_errinfo_set(err, XR_E_FORMAT, name, xps_xml_line(&x), -1,
                            "root element <%.60s> is not an XPS "
                            "FixedDocumentSequence",
                            el);
        break;
      }
      continue;
    }
    if (xps_xml_depth(&x) != 1 || strcmp(el, "DocumentReference") != 0 ||
        !is_xps_ns(xps_xml_ns(&x)))
      continue;
    char *src = xps_xml_attr(&x, "Source");
    if (!src) {
      xps_warn(doc->ctx, XR_E_FORMAT, name, xps_xml_line(&x),
               "DocumentReference without Source skipped");
      continue;
    }
    char *abs = NULL;
    rc = resolve(name, src, doc->ctx, &abs);
    free(src);
    if (rc < 0) {
      rc = xr_errinfo_set(err, rc, name, xps_xml_line(&x), -1,
                          "unusable DocumentReference Source");
      break;
    }
    if ((int64_t)doc->nfdocs >= xps_limit(doc->ctx, XR_LIMIT_PAGES)) {
      free(abs);
      rc = xr_errinfo_set(err, XR_E_LIMIT, name, xps_xml_line(&x), -1,
                          "more documents than PAGES");
      break;
    }
    rc = push_fdoc(doc, abs);
    if (rc < 0)
      break;
  }
  if (rc == 0 && root)
    rc = xr_errinfo_set(err, XR_E_FORMAT, name, -1, -1, "empty document");
  if (rc == 0 && doc->nfdocs == 0)
    rc = xr_errinfo_set(err, XR_E_FORMAT, name, -1, -1,
                        "the document sequence names no documents");
  xps_xml_close(&x);
  xps_part_drop(part);
  return rc < 0 ? rc : 0;
}

static int find_start(xps_doc *doc, char **start, xr_errinfo *err) {
  xps_part *part = NULL;
  int rc = xps_pkg_read_part(doc->pkg, "/_rels/.rels", &part, err);
  if (rc == XR_E_NOTFOUND)
    return xr_errinfo_set(err, XR_E_FORMAT, "/_rels/.rels", -1, -1,
                          "package has no /_rels/.rels: not an XPS package");
  if (rc < 0)
    return rc;
  xps_rels rels;
  rc = xps_rels_parse(part, "/", doc->ctx, &rels, err);
  xps_part_drop(part);
  if (rc < 0)
    return rc;
  const xps_rel *r =
      xps_rels_find(&rels, XPS_REL_START_XPS, XPS_REL_START_OXPS);
  if (!r || r->external)
    rc = xr_errinfo_set(err, XR_E_FORMAT, "/_rels/.rels", -1, -1,
                        "no XPS or OpenXPS fixedrepresentation relationship");
  else if (!(*start = strdup(r->target)))
    rc = XR_E_NOMEM;
  xps_rels_free(&rels);
  return rc;
}

int xps_doc_open(xps_pkg *pkg, const xps_ctx *ctx, xps_doc **out,
                 xr_errinfo *err) {
  *out = NULL;
  xps_doc *doc = calloc(1, sizeof *doc);
  if (!doc)
    return XR_E_NOMEM;
  doc->pkg = pkg;
  doc->ctx = ctx;
  int rc;
  if (xps_pkg_is_lone_page(pkg)) {
    doc->pages = calloc(1, sizeof *doc->pages);
    if (!doc->pages ||
        !(doc->pages[0].name = strdup(xps_pkg_lone_page_name(pkg)))) {
      rc = XR_E_NOMEM;
      goto fail;
    }
    doc->npages = doc->cappages = 1;
    *out = doc;
    return 0;
  }
  char *start = NULL;
  rc = find_start(doc, &start, err);
  if (rc < 0)
    goto fail;
  rc = read_start(doc, start, err);
  free(start);
  if (rc < 0)
    goto fail;
  /* Seekable: read every document now, for the page count. */
  size_t upto = xps_pkg_is_stream(pkg) ? 1 : doc->nfdocs;
  while (doc->next_fdoc < upto) {
    rc = read_fdoc(doc, doc->next_fdoc++, err);
    if (rc < 0)
      goto fail;
  }
  *out = doc;
  return 0;
fail:
  xps_doc_close(doc);
  return rc;
}

int xps_doc_next_page(xps_doc *doc, xps_page_ref *ref, xr_errinfo *err) {
  while (doc->next >= doc->npages) {
    if (doc->next_fdoc >= doc->nfdocs)
      return 0;
    int rc = read_fdoc(doc, doc->next_fdoc++, err);
    if (rc < 0)
      return rc;
  }
  const doc_page *p = &doc->pages[doc->next];
  if (strlen(p->name) >= sizeof ref->name)
    return xr_errinfo_set(err, XR_E_LIMIT, p->name, -1, -1,
                          "page name too long");
  memset(ref, 0, sizeof *ref);
  ref->index = (int)doc->next;
  ref->doc_index = p->doc_index;
  snprintf(ref->name, sizeof ref->name, "%s", p->name);
  ref->width = p->width;
  ref->height = p->height;
  doc->next++;
  return 1;
}

int xps_doc_page_count(const xps_doc *doc) {
  if (!doc || doc->next_fdoc < doc->nfdocs)
    return -1;
  return (int)doc->npages;
}

void xps_doc_close(xps_doc *doc) {
  if (!doc)
    return;
  for (size_t i = 0; i < doc->nfdocs; i++)
    free(doc->fdocs[i]);
  for (size_t i = 0; i < doc->npages; i++)
    free(doc->pages[i].name);
  free(doc->fdocs);
  free(doc->pages);
  free(doc);
}
