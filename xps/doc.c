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
  /* The FixedDocument being read, one PageContent at a time. */
  xps_part *cur_part;
  xps_xml cur;
  int cur_open, cur_root;
  size_t cur_di;
  size_t seen;   /* PageContent elements read so far */
  int exhausted; /* every FixedDocument has been read */
  /* Seekable packages: every page, read at open. */
  doc_page *pages;
  size_t npages, cappages;
  size_t next; /* the next page to hand out */
  int buffered;
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

static void cursor_close(xps_doc *doc) {
  if (!doc->cur_open)
    return;
  xps_xml_close(&doc->cur);
  xps_part_drop(doc->cur_part);
  doc->cur_part = NULL;
  doc->cur_open = 0;
}

static int cursor_open(xps_doc *doc, size_t di, xr_errinfo *err) {
  int rc = xps_pkg_read_part(doc->pkg, doc->fdocs[di], &doc->cur_part, err);
  if (rc < 0)
    return rc;
  rc = xps_xml_open(&doc->cur, doc->cur_part, doc->ctx, err);
  if (rc < 0) {
    xps_part_drop(doc->cur_part);
    doc->cur_part = NULL;
    return rc;
  }
  doc->cur_open = 1;
  doc->cur_root = 1;
  doc->cur_di = di;
  return 0;
}

/* The next PageContent of the document, reading FixedDocuments in turn
 * and each one only as far as needed. 1 with *out filled, 0 after the
 * last page, < 0 on error. */
static int cursor_next(xps_doc *doc, doc_page *out, xr_errinfo *err) {
  xps_xml *x = &doc->cur;
  for (;;) {
    if (!doc->cur_open) {
      if (doc->next_fdoc >= doc->nfdocs) {
        doc->exhausted = 1;
        return 0;
      }
      int rc = cursor_open(doc, doc->next_fdoc++, err);
      if (rc < 0)
        return rc;
    }
    const char *name = doc->fdocs[doc->cur_di];
    int rc = xps_xml_next(x, err);
    if (rc == 0 && doc->cur_root)
      rc = xr_errinfo_set(err, XR_E_FORMAT, name, -1, -1, "empty document");
    if (rc <= 0) {
      cursor_close(doc);
      if (rc < 0)
        return rc;
      continue;
    }
    const char *el = xps_xml_local(x);
    if (doc->cur_root) {
      doc->cur_root = 0;
      if (strcmp(el, "FixedDocument") != 0 || !is_xps_ns(xps_xml_ns(x))) {
        rc = xr_errinfo_set(err, XR_E_FORMAT, name, xps_xml_line(x), -1,
                            "root element <%.60s> is not an XPS "
                            "FixedDocument",
                            el);
        cursor_close(doc);
        return rc;
      }
      continue;
    }
    if (xps_xml_depth(x) != 1 || strcmp(el, "PageContent") != 0 ||
        !is_xps_ns(xps_xml_ns(x)))
      continue;
    char *src = xps_xml_attr(x, "Source");
    if (!src) {
      xps_warn(doc->ctx, XR_E_FORMAT, name, xps_xml_line(x),
               "PageContent without Source skipped");
      continue;
    }
    uint64_t max = (uint64_t)xps_limit(doc->ctx, XR_LIMIT_PAGES);
    if (doc->seen >= max) {
      free(src);
      rc =
          xr_errinfo_set(err, XR_E_LIMIT, name, xps_xml_line(x), -1,
                         "more than PAGES %llu pages", (unsigned long long)max);
      cursor_close(doc);
      return rc;
    }
    char *abs = NULL;
    rc = resolve(name, src, doc->ctx, &abs);
    if (rc < 0) {
      /* Say why, so the job's author knows what to fix. */
      if (rc == XR_E_LIMIT)
        rc = xr_errinfo_set(err, rc, name, xps_xml_line(x), -1,
                            "PageContent Source '%.60s...' is longer than "
                            "part names may be (NAME_LEN %lld)",
                            src,
                            (long long)xps_limit(doc->ctx, XR_LIMIT_NAME_LEN));
      else if (rc == XR_E_FORMAT)
        rc = xr_errinfo_set(err, rc, name, xps_xml_line(x), -1,
                            "PageContent Source '%.200s' does not name a part "
                            "of this package (it has a URI scheme or a "
                            "network path)",
                            src);
      else
        rc = xr_errinfo_set(err, rc, name, xps_xml_line(x), -1,
                            "PageContent Source '%.200s' cannot be resolved",
                            src);
      free(src);
      cursor_close(doc);
      return rc;
    }
    free(src);
    char *w = xps_xml_attr(x, "Width"), *h = xps_xml_attr(x, "Height");
    *out = (doc_page){abs, parse_dim(w), parse_dim(h), (int)doc->cur_di};
    free(w);
    free(h);
    doc->seen++;
    return 1;
  }
}

/* Seekable packages: every page now, so that the count is known. */
static int read_all_pages(xps_doc *doc, xr_errinfo *err) {
  doc_page pg;
  int rc;
  while ((rc = cursor_next(doc, &pg, err)) == 1) {
    if (doc->npages == doc->cappages) {
      size_t nc = doc->cappages ? doc->cappages * 2 : 16;
      doc_page *v = realloc(doc->pages, nc * sizeof *v);
      if (!v) {
        free(pg.name);
        return XR_E_NOMEM;
      }
      doc->pages = v;
      doc->cappages = nc;
    }
    doc->pages[doc->npages++] = pg;
  }
  doc->buffered = 1;
  return rc;
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
    doc->buffered = doc->exhausted = 1;
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
  /* A stream reads each FixedDocument only as its pages are asked for,
   * so the first page does not wait for the rest of the archive. */
  if (!xps_pkg_is_stream(pkg)) {
    rc = read_all_pages(doc, err);
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
  doc_page streamed, *p;
  size_t index = doc->next;
  if (doc->buffered) {
    if (doc->next >= doc->npages)
      return 0;
    p = &doc->pages[doc->next];
  } else {
    int rc = cursor_next(doc, &streamed, err);
    if (rc <= 0)
      return rc;
    p = &streamed;
  }
  int rc = 1;
  if (strlen(p->name) >= sizeof ref->name) {
    rc = xr_errinfo_set(err, XR_E_LIMIT, p->name, -1, -1, "page name too long");
  } else {
    memset(ref, 0, sizeof *ref);
    ref->index = (int)index;
    ref->doc_index = p->doc_index;
    snprintf(ref->name, sizeof ref->name, "%s", p->name);
    ref->width = p->width;
    ref->height = p->height;
  }
  doc->next++;
  if (!doc->buffered)
    free(streamed.name);
  return rc;
}

int xps_doc_page_count(const xps_doc *doc) {
  if (!doc || !doc->exhausted)
    return -1;
  return (int)(doc->buffered ? doc->npages : doc->seen);
}

void xps_doc_close(xps_doc *doc) {
  if (!doc)
    return;
  cursor_close(doc);
  for (size_t i = 0; i < doc->nfdocs; i++)
    free(doc->fdocs[i]);
  for (size_t i = 0; i < doc->npages; i++)
    free(doc->pages[i].name);
  free(doc->fdocs);
  free(doc->pages);
  free(doc);
}
