/* Arena, node trees and event sources for the page interpreter. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xps/page_imp.h"

struct xps_chunk {
  xps_chunk *prev;
  size_t size;
  max_align_t data[];
};

#define CHUNK_MIN 16384

void xps_arena_init(xps_arena *a) {
  a->head = NULL;
  a->used = 0;
}

void *xps_arena_alloc(xps_arena *a, size_t size) {
  size_t al = sizeof(max_align_t);
  if (size > SIZE_MAX / 2)
    return NULL;
  size = (size + al - 1) / al * al;
  if (!a->head || a->head->size - a->used < size) {
    size_t cap = size > CHUNK_MIN ? size : CHUNK_MIN;
    xps_chunk *c = malloc(sizeof *c + cap);
    if (!c)
      return NULL;
    c->prev = a->head;
    c->size = cap;
    a->head = c;
    a->used = 0;
  }
  void *p = (char *)a->head->data + a->used;
  a->used += size;
  return p;
}

char *xps_arena_strdup(xps_arena *a, const char *s) {
  size_t n = strlen(s) + 1;
  char *d = xps_arena_alloc(a, n);
  if (d)
    memcpy(d, s, n);
  return d;
}

xps_arena_mark xps_arena_save(const xps_arena *a) {
  xps_arena_mark m = {a->head, a->used};
  return m;
}

void xps_arena_release(xps_arena *a, xps_arena_mark m) {
  while (a->head && a->head != m.head) {
    xps_chunk *p = a->head->prev;
    free(a->head);
    a->head = p;
  }
  a->used = a->head ? m.used : 0;
}

void xps_arena_reset(xps_arena *a) {
  xps_arena_mark m = {NULL, 0};
  xps_arena_release(a, m);
}

const char *xps_node_attr(const xps_node *n, const char *name) {
  return xps_attr_find(n->attrs, n->nattrs, XPS_NS_NONE, name);
}

const xps_node *xps_node_child(const xps_node *n, const char *name) {
  for (const xps_node *c = n->first; c; c = c->next)
    if (!strcmp(c->name, name))
      return c;
  return NULL;
}

xps_node *xps_node_from_event(xps_arena *a, const xps_event *ev) {
  xps_node *n = xps_arena_alloc(a, sizeof *n);
  if (!n)
    return NULL;
  memset(n, 0, sizeof *n);
  n->line = ev->line;
  if (!(n->name = xps_arena_strdup(a, ev->name)))
    return NULL;
  if (ev->nattrs) {
    n->attrs = xps_arena_alloc(a, (size_t)ev->nattrs * sizeof *n->attrs);
    if (!n->attrs)
      return NULL;
    for (int i = 0; i < ev->nattrs; i++) {
      n->attrs[i].ns = ev->attrs[i].ns;
      n->attrs[i].name = xps_arena_strdup(a, ev->attrs[i].name);
      n->attrs[i].value = xps_arena_strdup(a, ev->attrs[i].value);
      if (!n->attrs[i].name || !n->attrs[i].value)
        return NULL;
    }
    n->nattrs = ev->nattrs;
  }
  return n;
}

void xps_src_live(xps_src *s, xps_mc *mc) {
  memset(s, 0, sizeof *s);
  s->mc = mc;
}

void xps_src_replay(xps_src *s, const xps_node *root) {
  memset(s, 0, sizeof *s);
  s->root = s->cur = root;
}

int xps_src_next(xps_src *s, const xps_event **ev, xr_errinfo *err) {
  if (s->back) {
    s->back = 0;
    *ev = &s->ev;
    return 1;
  }
  if (s->mc) {
    int rc = xps_mc_next(s->mc, &s->ev, err);
    *ev = &s->ev;
    return rc;
  }
  const xps_node *n = s->cur;
  if (s->phase == 2 || !n)
    return 0;
  s->ev.name = n->name;
  s->ev.line = n->line;
  if (s->phase == 0) {
    if (s->replayed && ++*s->replayed > s->max_replayed)
      return xr_errinfo_set(err, XR_E_LIMIT, NULL, n->line, -1,
                            "visual brushes replay more than "
                            "ELEMENTS_PER_PAGE (%ld) elements",
                            s->max_replayed);
    s->ev.type = XPS_EV_START;
    s->ev.attrs = n->attrs;
    s->ev.nattrs = n->nattrs;
    if (n->first)
      s->cur = n->first;
    else
      s->phase = 1;
  } else {
    s->ev.type = XPS_EV_END;
    s->ev.attrs = NULL;
    s->ev.nattrs = 0;
    if (n == s->root)
      s->phase = 2;
    else if (n->next) {
      s->cur = n->next;
      s->phase = 0;
    } else {
      s->cur = n->parent;
    }
  }
  *ev = &s->ev;
  return 1;
}

void xps_src_unread(xps_src *s) {
  s->back = 1;
}

int xps_src_skip(xps_src *s, xr_errinfo *err) {
  long depth = 1;
  while (depth) {
    const xps_event *ev;
    int rc = xps_src_next(s, &ev, err);
    if (rc < 0)
      return rc;
    if (rc == 0)
      return 0;
    depth += ev->type == XPS_EV_START ? 1 : -1;
  }
  return 0;
}

/* Bytes a node for ev takes: what ELEMENT_BYTES counts. */
static size_t event_bytes(const xps_event *ev) {
  size_t n = sizeof(xps_node) + strlen(ev->name) + 1;
  for (int i = 0; i < ev->nattrs; i++)
    n += sizeof(xps_attr) + strlen(ev->attrs[i].name) +
         strlen(ev->attrs[i].value) + 2;
  return n;
}

static int is_stops(const char *name) {
  size_t n = strlen(name), k = sizeof ".GradientStops" - 1;
  return n > k && !strcmp(name + n - k, ".GradientStops");
}

int xps_tree_read(xps_src *s, const xps_event *ev, xps_arena *a,
                  const xps_ctx *ctx, xps_node **out, xr_errinfo *err) {
  int64_t max_bytes = xps_limit(ctx, XR_LIMIT_ELEMENT_BYTES);
  int64_t max_stops = xps_limit(ctx, XR_LIMIT_GRADIENT_STOPS);
  int64_t bytes = (int64_t)event_bytes(ev);
  long root_line = ev->line;
  if (bytes > max_bytes)
    return xr_errinfo_set(err, XR_E_LIMIT, NULL, ev->line, -1,
                          "<%s> holds more than ELEMENT_BYTES (%lld) bytes "
                          "of markup",
                          ev->name, (long long)max_bytes);
  xps_node *root = xps_node_from_event(a, ev);
  if (!root)
    return xr_errinfo_set(err, XR_E_NOMEM, NULL, ev->line, -1, "out of memory");
  xps_node *cur = root;
  int64_t stops = 0; /* children of the open *.GradientStops */
  while (cur) {
    const xps_event *e;
    int rc = xps_src_next(s, &e, err);
    if (rc < 0)
      return rc;
    if (rc == 0)
      break;
    if (e->type == XPS_EV_END) {
      cur = cur == root ? NULL : cur->parent;
      continue;
    }
    /* Refused as they arrive, not after the whole subtree is held. */
    bytes += (int64_t)event_bytes(e);
    if (bytes > max_bytes)
      return xr_errinfo_set(err, XR_E_LIMIT, NULL, e->line, -1,
                            "<%s> starting at line %ld holds more than "
                            "ELEMENT_BYTES (%lld) bytes of markup",
                            root->name, root_line, (long long)max_bytes);
    if (is_stops(cur->name) && ++stops > max_stops)
      return xr_errinfo_set(err, XR_E_LIMIT, NULL, e->line, -1,
                            "%s has more than GRADIENT_STOPS (%lld) gradient "
                            "stops",
                            cur->name, (long long)max_stops);
    xps_node *n = xps_node_from_event(a, e);
    if (!n)
      return xr_errinfo_set(err, XR_E_NOMEM, NULL, e->line, -1,
                            "out of memory");
    n->parent = cur;
    if (cur->last)
      cur->last->next = n;
    else
      cur->first = n;
    cur->last = n;
    if (is_stops(n->name))
      stops = 0;
    cur = n;
  }
  *out = root;
  return 0;
}
