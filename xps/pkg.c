/* The part table every backend fills, and the calls on it: lookup by OPC
 * name in O(1) average, interleaved pieces joined in linear time, reading a
 * whole part, and the choice of backend for an input path. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xps/content_types.h"
#include "xps/partname.h"
#include "xps/pkg_imp.h"

xps_pkg *xps_pkg_new(const xps_ctx *ctx, const pkg_ops *ops,
                     const char *label) {
  xps_pkg *pkg = calloc(1, sizeof *pkg);
  if (!pkg)
    return NULL;
  /* Name scratch buffers sized by the limit, so no name is ever cut. */
  pkg->buflen = (size_t)xps_limit(ctx, XR_LIMIT_NAME_LEN) + 2;
  pkg->nbuf = malloc(pkg->buflen * 5);
  if (!pkg->nbuf) {
    free(pkg);
    return NULL;
  }
  pkg->kbuf = pkg->nbuf + pkg->buflen;
  pkg->qbuf = pkg->kbuf + pkg->buflen;
  pkg->qkey = pkg->qbuf + pkg->buflen;
  pkg->hkey = pkg->qkey + pkg->buflen;
  pkg->ctx = ctx;
  pkg->ops = ops;
  snprintf(pkg->label, sizeof pkg->label, "%s", label ? label : "");
  return pkg;
}

static void loc_free(pkg_loc *loc) {
  free(loc->path);
  loc->path = NULL;
}

static void entry_free(pkg_entry *e) {
  if (!e)
    return;
  loc_free(&e->whole);
  if (e->pieces)
    for (uint32_t i = 0; i < e->have; i++)
      loc_free(&e->pieces[i]);
  free(e->pieces);
  free(e->why);
  free(e->name);
  free(e->key);
  free(e);
}

static pkg_entry *find_key(const xps_pkg *pkg, const char *key, uint64_t h) {
  if (!pkg->nslots)
    return NULL;
  size_t mask = pkg->nslots - 1;
  for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
    pkg_entry *e = pkg->slots[i];
    if (!e)
      return NULL;
    if (e->hash == h && strcmp(e->key, key) == 0)
      return e;
  }
}

static int table_insert(xps_pkg *pkg, pkg_entry *e) {
  /* Keep the load at or below one half so probes stay short. */
  if ((pkg->n + 1) * 2 > pkg->nslots) {
    size_t ns = pkg->nslots ? pkg->nslots * 2 : 64;
    pkg_entry **slots = calloc(ns, sizeof *slots);
    if (!slots)
      return XR_E_NOMEM;
    for (size_t i = 0; i < pkg->n; i++) {
      size_t j = (size_t)pkg->entries[i]->hash & (ns - 1);
      while (slots[j])
        j = (j + 1) & (ns - 1);
      slots[j] = pkg->entries[i];
    }
    free(pkg->slots);
    pkg->slots = slots;
    pkg->nslots = ns;
  }
  if (pkg->n == pkg->cap) {
    size_t nc = pkg->cap ? pkg->cap * 2 : 64;
    pkg_entry **ents = realloc(pkg->entries, nc * sizeof *ents);
    if (!ents)
      return XR_E_NOMEM;
    pkg->entries = ents;
    pkg->cap = nc;
  }
  size_t j = (size_t)e->hash & (pkg->nslots - 1);
  while (pkg->slots[j])
    j = (j + 1) & (pkg->nslots - 1);
  pkg->slots[j] = e;
  e->seq = pkg->n;
  pkg->entries[pkg->n++] = e;
  return 0;
}

pkg_entry *xps_pkg_lookup(const xps_pkg *pkg, const char *name) {
  char *key = pkg->qbuf;
  int len = xps_partname_norm(name, strlen(name), key, pkg->buflen);
  if (len < 0)
    return NULL;
  xps_partname_fold(key);
  return find_key(pkg, key, xps_partname_hash(key, (size_t)len));
}

static void mark_broken(pkg_entry *e, int status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static void mark_broken(pkg_entry *e, int status, const char *fmt, ...) {
  if (e->status < 0)
    return; /* keep the first reason */
  e->status = status;
  /* Allocated only for broken parts: most entries never need it. */
  char buf[200];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  e->why = strdup(buf);
}

int xps_pkg_check_sizes(xps_pkg *pkg, const char *name, int64_t offset,
                        uint64_t size, uint64_t csize, xr_errinfo *err) {
  const xps_ctx *ctx = pkg->ctx;
  uint64_t part_max = (uint64_t)xps_limit(ctx, XR_LIMIT_PART_SIZE);
  uint64_t ratio = (uint64_t)xps_limit(ctx, XR_LIMIT_ZIP_RATIO);
  if (size > part_max || csize > part_max)
    return xr_errinfo_set(err, XR_E_LIMIT, name, -1, offset,
                          "entry of %llu bytes (%llu compressed) exceeds "
                          "PART_SIZE %llu",
                          (unsigned long long)size, (unsigned long long)csize,
                          (unsigned long long)part_max);
  /* Divide first: size / csize > ratio, exact for integers. */
  if (size >= XPS_ZIP_RATIO_FLOOR &&
      (csize == 0 || size / csize > ratio ||
       (size / csize == ratio && size % csize != 0)))
    return xr_errinfo_set(err, XR_E_LIMIT, name, -1, offset,
                          "compression ratio of %llu:%llu exceeds ZIP_RATIO "
                          "%llu (zip bomb?)",
                          (unsigned long long)size, (unsigned long long)csize,
                          (unsigned long long)ratio);
  uint64_t pkg_max = (uint64_t)xps_limit(ctx, XR_LIMIT_PACKAGE_SIZE);
  if (size > pkg_max - (pkg->total_size < pkg_max ? pkg->total_size : pkg_max))
    return xr_errinfo_set(err, XR_E_LIMIT, name, -1, offset,
                          "package exceeds PACKAGE_SIZE %llu bytes",
                          (unsigned long long)pkg_max);
  return 0;
}

static int add_piece(xps_pkg *pkg, pkg_entry *e, uint32_t n, int last,
                     pkg_loc *loc) {
  uint64_t max = (uint64_t)xps_limit(pkg->ctx, XR_LIMIT_PIECES_PER_PART);
  if (n >= max || e->have >= max) {
    mark_broken(e, XR_E_LIMIT, "piece %lu is beyond PIECES_PER_PART %llu",
                (unsigned long)n, (unsigned long long)max);
    loc_free(loc);
    return 0;
  }
  if (e->last >= 0 && n > (uint64_t)e->last) {
    mark_broken(e, XR_E_FORMAT, "piece %lu comes after the last piece %lld",
                (unsigned long)n, (long long)e->last);
    loc_free(loc);
    return 0;
  }
  if (e->ordered) {
    /* Complete already: anything more is a second copy. */
    mark_broken(e, XR_E_FORMAT, "piece %lu appears twice", (unsigned long)n);
    loc_free(loc);
    return 0;
  }
  if (last) {
    if (e->last >= 0) {
      mark_broken(e, XR_E_FORMAT, "two last pieces (%lld and %lu)",
                  (long long)e->last, (unsigned long)n);
      loc_free(loc);
      return 0;
    }
    e->last = n;
  }
  if (e->have == e->cap) {
    /* Doubling keeps the cost of any arrival order linear. */
    uint32_t nc = e->cap ? e->cap * 2 : 16;
    pkg_loc *p = realloc(e->pieces, (size_t)nc * sizeof *p);
    if (!p) {
      loc_free(loc);
      return XR_E_NOMEM;
    }
    e->pieces = p;
    e->cap = nc;
  }
  e->pieces[e->have] = *loc;
  e->pieces[e->have].n = n;
  e->pieces[e->have].present = 1;
  loc->path = NULL;
  e->have++;
  e->size += loc->size;
  return 0;
}

/* Puts the pieces of a part whose count matches its last piece in piece
 * order, in one linear pass; a duplicate or out-of-range piece marks the
 * part broken instead. */
static int order_pieces(pkg_entry *e) {
  size_t n = (size_t)e->last + 1;
  pkg_loc *v = calloc(n, sizeof *v);
  if (!v)
    return XR_E_NOMEM;
  for (uint32_t i = 0; i < e->have; i++) {
    uint32_t k = e->pieces[i].n;
    if (k >= n) {
      mark_broken(e, XR_E_FORMAT, "piece %lu comes after the last piece %lld",
                  (unsigned long)k, (long long)e->last);
      free(v);
      return 0;
    }
    if (v[k].present) {
      mark_broken(e, XR_E_FORMAT, "piece %lu appears twice", (unsigned long)k);
      free(v);
      return 0;
    }
    v[k] = e->pieces[i];
  }
  free(e->pieces);
  e->pieces = v;
  e->cap = (uint32_t)n;
  e->ordered = 1;
  return 0;
}

int xps_pkg_add(xps_pkg *pkg, const char *raw, size_t len, pkg_loc *loc,
                xr_errinfo *err) {
  char *name = pkg->nbuf, *key = pkg->kbuf;
  int rc;
  uint64_t name_max = (uint64_t)xps_limit(pkg->ctx, XR_LIMIT_NAME_LEN);
  uint64_t count_max = (uint64_t)xps_limit(pkg->ctx, XR_LIMIT_ENTRY_COUNT);
  /* The raw name, cut short, for messages (only formatted on error). */
  char shown[96];
#define SHOWN                                                                  \
  (snprintf(shown, sizeof shown, "%.*s", (int)(len < 80 ? len : 80), raw),     \
   shown)
  if (pkg->zip_entries >= count_max) {
    rc = xr_errinfo_set(err, XR_E_LIMIT, SHOWN, -1, loc->offset,
                        "more than ENTRY_COUNT %llu entries",
                        (unsigned long long)count_max);
    goto fail;
  }
  if (len > name_max) {
    rc = xr_errinfo_set(err, XR_E_LIMIT, SHOWN, -1, loc->offset,
                        "entry name of %zu bytes exceeds NAME_LEN %llu", len,
                        (unsigned long long)name_max);
    goto fail;
  }
  rc = xps_partname_norm(raw, len, name, pkg->buflen);
  if (rc < 0) {
    rc = xr_errinfo_set(err, rc, SHOWN, -1, loc->offset,
                        "entry has an unusable part name");
    goto fail;
  }
#undef SHOWN
  size_t nlen = (size_t)rc;
  rc = xps_pkg_check_sizes(pkg, name, loc->offset, loc->size, loc->csize, err);
  if (rc < 0)
    goto fail;
  pkg->zip_entries++;
  pkg->total_size += loc->size;

  uint32_t pn = 0;
  int last = 0;
  size_t base_len = nlen;
  int piece = xps_partname_piece(name, nlen, &pn, &last, &base_len);
  name[base_len] = '\0';
  memcpy(key, name, base_len + 1);
  xps_partname_fold(key);
  uint64_t h = xps_partname_hash(key, base_len);
  pkg_entry *e = find_key(pkg, key, h);
  if (!e) {
    e = calloc(1, sizeof *e);
    if (!e || !(e->name = strdup(name)) || !(e->key = strdup(key))) {
      entry_free(e);
      rc = XR_E_NOMEM;
      goto fail;
    }
    e->hash = h;
    e->last = -1;
    e->pieced = piece;
    rc = table_insert(pkg, e);
    if (rc < 0) {
      entry_free(e);
      goto fail;
    }
  } else if (e->pieced != piece || !piece) {
    mark_broken(e, XR_E_FORMAT, "%s (entry at offset %lld)",
                piece || e->pieced ? "the part is stored both whole and as "
                                     "pieces"
                                   : "the part is stored twice",
                (long long)loc->offset);
    loc_free(loc);
    return 0;
  }
  pkg->last_added = e;
  size_t kl = strlen(e->key);
  if (kl >= 6 && strcmp(e->key + kl - 6, ".fpage") == 0)
    pkg->last_page = e;
  if (!piece) {
    e->whole = *loc;
    e->whole.present = 1;
    e->size = loc->size;
    loc->path = NULL;
    return 0;
  }
  return add_piece(pkg, e, pn, last, loc);
fail:
  loc_free(loc);
  return rc;
}

/* 1 when every piece is there, 0 while some may still arrive (or when the
 * part turned out broken: e->status says so), < 0 on allocation failure. */
static int entry_complete(pkg_entry *e) {
  if (!e->pieced)
    return e->whole.present;
  if (e->ordered)
    return 1;
  if (e->last < 0 || e->have < (uint64_t)e->last + 1)
    return 0;
  /* As many pieces as numbers, or more: in order, or find the culprit. */
  int rc = order_pieces(e);
  if (rc < 0)
    return rc;
  if (!e->ordered && e->status == 0)
    mark_broken(e, XR_E_FORMAT, "interleaved part is inconsistent");
  return e->ordered;
}

static int entry_error(const pkg_entry *e, xr_errinfo *err) {
  if (e->status < 0)
    return xr_errinfo_set(err, e->status, e->name, -1, -1, "%s",
                          e->why ? e->why : xr_strerror(e->status));
  if (e->pieced && e->last < 0)
    return xr_errinfo_set(err, XR_E_FORMAT, e->name, -1, -1,
                          "interleaved part has no last piece (%u pieces "
                          "seen)",
                          e->have);
  /* Fewer pieces than numbers: name the first missing one. */
  size_t n = (size_t)e->last + 1;
  unsigned char *seen = calloc(n, 1);
  if (!seen)
    return XR_E_NOMEM;
  for (uint32_t i = 0; i < e->have; i++)
    if (e->pieces[i].n < n)
      seen[e->pieces[i].n] = 1;
  size_t k = 0;
  while (k < n && seen[k])
    k++;
  free(seen);
  if (k < n)
    return xr_errinfo_set(err, XR_E_FORMAT, e->name, -1, -1,
                          "piece %zu of %zu is missing", k, n);
  return xr_errinfo_set(err, XR_E_FORMAT, e->name, -1, -1,
                        "interleaved part is incomplete");
}

static int ends_with_fpage(const char *key) {
  size_t n = strlen(key);
  return n >= 6 && strcmp(key + n - 6, ".fpage") == 0;
}

/* Finds name; on a stream reads forward until the part is complete. With
 * a horizon (a folded key, "" for none), a stream stops looking for a part
 * not yet seen once a FixedPage other than the horizon starts to arrive. */
static int find_complete(xps_pkg *pkg, const char *name, const char *horizon,
                         pkg_entry **out, xr_errinfo *err) {
  char *norm = pkg->qbuf, *key = pkg->qkey;
  int len = xps_partname_norm(name, strlen(name), norm, pkg->buflen);
  if (len < 0)
    return xr_errinfo_set(err, len == XR_E_LIMIT ? XR_E_LIMIT : XR_E_NOTFOUND,
                          name, -1, -1, "not a usable part name");
  memcpy(key, norm, (size_t)len + 1);
  xps_partname_fold(key);
  uint64_t h = xps_partname_hash(key, (size_t)len);
  for (;;) {
    pkg_entry *e = find_key(pkg, key, h);
    if (e && e->forgotten)
      return xr_errinfo_set(err, XR_E_NOTFOUND, e->name, -1, -1,
                            "part was discarded (DiscardControl) before "
                            "this use");
    int done = e && e->status == 0 ? entry_complete(e) : 0;
    if (done < 0)
      return done;
    if (e && e->status < 0)
      return entry_error(e, err);
    if (done) {
      *out = e;
      return 0;
    }
    if (!pkg->ops->advance || pkg->ended) {
      if (e)
        return entry_error(e, err);
      if (pkg->failed) {
        if (err)
          *err = pkg->fail_err;
        return pkg->fail_err.status;
      }
      if (pkg->ops->probe && pkg->ops->probe(pkg, norm, NULL) == 0)
        continue;
      return xr_errinfo_set(err, XR_E_NOTFOUND, norm, -1, -1,
                            "no such part in %s", pkg->label);
    }
    /* The next page after the horizon has arrived already: waiting for
     * another would read a page further than the question needs. */
    if (horizon && horizon[0] && !e && pkg->last_page &&
        strcmp(pkg->last_page->key, horizon) != 0 &&
        strcmp(pkg->last_page->key, key) != 0) {
      const pkg_entry *src =
          find_key(pkg, horizon, xps_partname_hash(horizon, strlen(horizon)));
      if (src && pkg->last_page->seq > src->seq)
        return xr_errinfo_set(err, XR_E_NOTFOUND, norm, -1, -1,
                              "no such part before the next page");
    }
    if (xps_cancelled(pkg->ctx))
      return xr_errinfo_set(err, XR_E_CANCELLED, norm, -1, -1, "cancelled");
    int rc = pkg->ops->advance(pkg, err);
    if (rc < 0) {
      pkg->ended = 1;
      pkg->failed = 1;
      if (err)
        pkg->fail_err = *err;
      else
        xr_errinfo_set(&pkg->fail_err, rc, norm, -1, -1, "stream failed");
      return rc;
    }
    if (rc == 0)
      pkg->ended = 1;
    if (horizon && !e && rc == 1 && pkg->last_added &&
        ends_with_fpage(pkg->last_added->key) &&
        strcmp(pkg->last_added->key, horizon) != 0 &&
        strcmp(pkg->last_added->key, key) != 0)
      return xr_errinfo_set(err, XR_E_NOTFOUND, norm, -1, -1,
                            "no such part before the next page");
  }
}

int xps_pkg_read_part(xps_pkg *pkg, const char *name, xps_part **out,
                      xr_errinfo *err) {
  *out = NULL;
  pkg_entry *e;
  int rc = find_complete(pkg, name, NULL, &e, err);
  if (rc < 0)
    return rc;
  uint64_t max = (uint64_t)xps_limit(pkg->ctx, XR_LIMIT_PART_SIZE);
  if (e->size > max)
    return xr_errinfo_set(err, XR_E_LIMIT, e->name, -1, -1,
                          "part of %llu bytes exceeds PART_SIZE %llu",
                          (unsigned long long)e->size, (unsigned long long)max);
  xps_part *p = calloc(1, sizeof *p);
  if (!p)
    return XR_E_NOMEM;
  p->name = strdup(e->name);
  p->data = malloc((size_t)e->size + 1);
  if (!p->name || !p->data) {
    rc = XR_E_NOMEM;
    goto fail;
  }
  p->size = (size_t)e->size;
  if (!e->pieced) {
    rc = pkg->ops->read(pkg, e, &e->whole, p->data, err);
  } else {
    size_t off = 0;
    for (int64_t i = 0; i <= e->last && rc == 0; i++) {
      rc = pkg->ops->read(pkg, e, &e->pieces[i], p->data + off, err);
      off += (size_t)e->pieces[i].size;
    }
  }
  if (rc < 0)
    goto fail;
  p->data[p->size] = '\0';
  e->used = 1;
  *out = p;
  return 0;
fail:
  xps_part_drop(p);
  return rc;
}

int xps_pkg_has_part(xps_pkg *pkg, const char *name) {
  pkg_entry *e;
  return find_complete(pkg, name, NULL, &e, NULL) == 0;
}

int xps_pkg_has_part_soon(xps_pkg *pkg, const char *name) {
  pkg_entry *e;
  if (!pkg->streaming)
    return find_complete(pkg, name, NULL, &e, NULL) == 0;
  /* A relationships part may follow its own page: "/a/_rels/b.fpage.rels"
   * lets "/a/b.fpage" arrive without ending the search. */
  char *h = pkg->hkey;
  h[0] = '\0';
  int len = xps_partname_norm(name, strlen(name), h, pkg->buflen);
  if (len < 0)
    return 0;
  xps_partname_fold(h);
  char *rels = strstr(h, "/_rels/");
  size_t n = (size_t)len;
  if (rels && n > 5 && strcmp(h + n - 5, ".rels") == 0 &&
      !strchr(rels + 7, '/')) {
    h[n - 5] = '\0';
    memmove(rels + 1, rels + 7, strlen(rels + 7) + 1);
  } else {
    h[0] = '\0';
  }
  return find_complete(pkg, name, h, &e, NULL) == 0;
}

void xps_pkg_forget(xps_pkg *pkg, const char *name) {
  if (!name || !xps_zip_is_stream(pkg))
    return;
  pkg_entry *e = xps_pkg_lookup(pkg, name);
  /* A part still arriving keeps its slots: one is being written. */
  if (!e || e->forgotten || e->status < 0 || entry_complete(e) != 1)
    return;
  if (!e->pieced) {
    xps_zip_stream_forget(pkg, &e->whole);
  } else {
    for (int64_t i = 0; i <= e->last; i++)
      xps_zip_stream_forget(pkg, &e->pieces[i]);
  }
  e->forgotten = 1;
}

int xps_pkg_is_lone_page(const xps_pkg *pkg) {
  return pkg && pkg->lone_page;
}

int xps_pkg_is_stream(const xps_pkg *pkg) {
  return pkg && pkg->streaming;
}

size_t xps_pkg_part_count(const xps_pkg *pkg) {
  return pkg ? pkg->n : 0;
}

const char *xps_pkg_part_name(const xps_pkg *pkg, size_t i) {
  return pkg && i < pkg->n ? pkg->entries[i]->name : NULL;
}

int xps_pkg_drain(xps_pkg *pkg, xr_errinfo *err) {
  while (pkg->ops->advance && !pkg->ended) {
    int rc = pkg->ops->advance(pkg, err);
    if (rc < 0) {
      pkg->ended = pkg->failed = 1;
      if (err)
        pkg->fail_err = *err;
      return rc;
    }
    if (rc == 0)
      pkg->ended = 1;
  }
  if (pkg->failed) {
    if (err)
      *err = pkg->fail_err;
    return pkg->fail_err.status;
  }
  /* On a stream, a piece can arrive after its part was complete and read
   * (a duplicate, or one past the last piece): what was rendered from it
   * may be wrong, so that is an error, as it is when a file is opened. */
  for (size_t i = 0; i < pkg->n; i++)
    if (pkg->entries[i]->used && pkg->entries[i]->status < 0)
      return entry_error(pkg->entries[i], err);
  return 0;
}

const char *xps_pkg_content_type(xps_pkg *pkg, const char *name) {
  if (!pkg->ctypes && !pkg->ctypes_tried) {
    xps_part *p = NULL;
    pkg->ctypes_tried = 1;
    if (xps_pkg_read_part(pkg, "/[Content_Types].xml", &p, NULL) == 0) {
      xr_errinfo e;
      xr_errinfo_clear(&e);
      if (xps_ctypes_parse(p, pkg->ctx, &pkg->ctypes, &e) < 0)
        xps_warn(pkg->ctx, e.status, e.part, e.line, "%s", e.msg);
    } else {
      xps_warn(pkg->ctx, XR_E_NOTFOUND, "/[Content_Types].xml", -1,
               "package has no content types part");
    }
    xps_part_drop(p);
  }
  return xps_ctypes_lookup(pkg->ctypes, name);
}

void xps_part_drop(xps_part *part) {
  if (!part)
    return;
  free(part->name);
  free(part->data);
  free(part);
}

void xps_pkg_close(xps_pkg *pkg) {
  if (!pkg)
    return;
  if (pkg->ops && pkg->ops->close)
    pkg->ops->close(pkg);
  for (size_t i = 0; i < pkg->n; i++)
    entry_free(pkg->entries[i]);
  free(pkg->entries);
  free(pkg->slots);
  free(pkg->nbuf);
  xps_ctypes_drop(pkg->ctypes);
  free(pkg);
}

/* Sniffs a regular file: ZIP, XML (a lone FixedPage), or neither. */
static int sniff(const char *path, xr_errinfo *err, int *kind) {
  unsigned char b[4] = {0};
  FILE *f = fopen(path, "rb");
  if (!f)
    return xr_errinfo_set(err, XR_E_IO, path, -1, -1, "cannot open: %s",
                          strerror(errno));
  size_t n = fread(b, 1, sizeof b, f);
  fclose(f);
  if (n >= 4 && b[0] == 'P' && b[1] == 'K' &&
      ((b[2] == 3 && b[3] == 4) || (b[2] == 5 && b[3] == 6) ||
       (b[2] == 7 && b[3] == 8)))
    *kind = 1;
  else if ((n >= 1 && b[0] == '<') ||
           (n >= 3 && b[0] == 0xEF && b[1] == 0xBB) ||
           (n >= 2 &&
            ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF))))
    *kind = 2;
  else
    return xr_errinfo_set(err, XR_E_FORMAT, path, -1, 0,
                          "not a ZIP file (no local header signature)");
  return 0;
}

int xps_pkg_open(const char *path, const xps_ctx *ctx, xps_pkg **out,
                 xr_errinfo *err) {
  *out = NULL;
  if (!path || !ctx)
    return xr_errinfo_set(err, XR_E_INVAL, NULL, -1, -1, "no input");
  if (strcmp(path, "-") == 0)
    return xps_zip_open_stream(STDIN_FILENO, 0, "<stdin>", ctx, out, err);
  struct stat st;
  if (stat(path, &st) != 0)
    return xr_errinfo_set(err, XR_E_IO, path, -1, -1, "cannot open: %s",
                          strerror(errno));
  if (S_ISDIR(st.st_mode))
    return xps_pkg_open_dir(path, ctx, out, err);
  if (!S_ISREG(st.st_mode)) {
    /* A FIFO or a character device cannot seek: stream it. */
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
      return xr_errinfo_set(err, XR_E_IO, path, -1, -1, "cannot open: %s",
                            strerror(errno));
    return xps_zip_open_stream(fd, 1, path, ctx, out, err);
  }
  int kind = 0;
  int rc = sniff(path, err, &kind);
  if (rc < 0)
    return rc;
  if (kind == 2)
    return xps_pkg_open_lone(path, ctx, out, err);
  return xps_zip_open_libzip(path, ctx, out, err);
}

int xps_pkg_open_fd(int fd, const xps_ctx *ctx, xps_pkg **out,
                    xr_errinfo *err) {
  *out = NULL;
  if (fd < 0 || !ctx)
    return xr_errinfo_set(err, XR_E_INVAL, NULL, -1, -1, "bad descriptor");
  return xps_zip_open_stream(fd, 0, "<stream>", ctx, out, err);
}

/* URI resolution (RFC 3986 section 5.2, restricted to part names). */
int xps_resolve_uri(const char *base, const char *ref, char *out,
                    size_t outsize) {
  if (!ref || outsize < 2)
    return XR_E_LIMIT;
  size_t rlen = strcspn(ref, "#?");
  /* A scheme is letters, digits, '+', '-', '.' before the first ':'. */
  size_t colon = strcspn(ref, ":/\\");
  if (colon < rlen && ref[colon] == ':')
    return XR_E_FORMAT;
  if (rlen >= 2 && (ref[0] == '/' || ref[0] == '\\') &&
      (ref[1] == '/' || ref[1] == '\\'))
    return XR_E_FORMAT; /* network-path reference */
  size_t o = 0;
  if (rlen == 0 || (ref[0] != '/' && ref[0] != '\\')) {
    const char *b = base ? base : "/";
    size_t blen = strlen(b);
    while (blen > 0 && b[blen - 1] != '/' && b[blen - 1] != '\\')
      blen--;
    if (rlen == 0)
      blen = strlen(b);
    if (blen + 1 >= outsize)
      return XR_E_LIMIT;
    if (blen == 0 || (b[0] != '/' && b[0] != '\\'))
      out[o++] = '/';
    memcpy(out + o, b, blen);
    o += blen;
  }
  if (o + rlen + 1 > outsize)
    return XR_E_LIMIT;
  memcpy(out + o, ref, rlen);
  o += rlen;
  out[o] = '\0';
  /* Remove dot segments in place: the write index w never passes the
   * read index r, since each kept segment is copied from further on. */
  for (size_t i = 0; i < o; i++)
    if (out[i] == '\\')
      out[i] = '/';
  size_t w = 0, r = 0;
  while (r < o) {
    while (r < o && out[r] == '/')
      r++;
    size_t e = r;
    while (e < o && out[e] != '/')
      e++;
    size_t sl = e - r;
    if (sl == 0 || (sl == 1 && out[r] == '.')) {
      /* nothing */
    } else if (sl == 2 && out[r] == '.' && out[r + 1] == '.') {
      while (w > 0 && out[w - 1] != '/')
        w--;
      if (w > 0)
        w--;
    } else {
      out[w++] = '/';
      memmove(out + w, out + r, sl);
      w += sl;
    }
    r = e;
  }
  if (w == 0)
    out[w++] = '/';
  out[w] = '\0';
  return 0;
}
