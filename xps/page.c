/* FixedPage interpretation (see page.h): the root element, the walk over
 * Canvas/Path/Glyphs children, and unwinding on errors. */
#include "xps/page.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xps/canvas.h"
#include "xps/glyphs.h"
#include "xps/resource.h"

struct xps_cframe; /* canvas.c */

/* One child element whose START ev was just read. */
static int dispatch(xps_run *r, xps_src *s, const xps_event *ev) {
  int rc;
  if (!strcmp(ev->name, "Canvas"))
    return xps_canvas_begin(r, s, ev);
  if (!strcmp(ev->name, "Path")) {
    xps_arena_mark m = xps_arena_save(&r->arena);
    xps_node *n;
    rc = xps_tree_read(s, ev, &r->arena, r->ctx, &n, r->err);
    if (!rc)
      rc = xps_path_draw(r, n);
    xps_arena_release(&r->arena, m);
    return rc;
  }
  if (!strcmp(ev->name, "Glyphs")) {
    xps_arena_mark m = xps_arena_save(&r->arena);
    xps_node *n;
    rc = xps_tree_read(s, ev, &r->arena, r->ctx, &n, r->err);
    if (!rc)
      rc = xps_glyphs_draw(r, n);
    xps_arena_release(&r->arena, m);
    return rc;
  }
  xps_run_warn(r, ev->line, "unexpected <%s> skipped", ev->name);
  return xps_src_skip(s, r->err);
}

int xps_walk(xps_run *r, xps_src *s) {
  int base = r->nframes;
  for (;;) {
    const xps_event *ev;
    int rc = xps_src_next(s, &ev, r->err);
    if (rc <= 0)
      return rc;
    if (ev->type == XPS_EV_END) {
      if (r->nframes > base) {
        if ((rc = xps_canvas_end(r)))
          return rc;
        continue;
      }
      return 0;
    }
    if ((rc = dispatch(r, s, ev)))
      return rc;
  }
}

int xps_draw_node(xps_run *r, const xps_node *n) {
  xps_src s;
  const xps_event *ev;
  int base = r->nframes;
  xps_src_replay(&s, n);
  s.replayed = &r->replayed;
  s.max_replayed = (long)xps_limit(r->ctx, XR_LIMIT_ELEMENTS_PER_PAGE);
  int rc = xps_src_next(&s, &ev, r->err);
  if (rc <= 0)
    return rc;
  rc = dispatch(r, &s, ev);
  /* A Canvas stays open until its END: walk its content. */
  if (!rc && r->nframes > base)
    rc = xps_walk(r, &s);
  while (r->nframes > base) {
    int k = xps_canvas_end(r);
    if (!rc)
      rc = k;
  }
  return rc;
}

static int page_size(xps_run *r, const xps_event *ev, double *w, double *h) {
  const char *vw = xps_attr_find(ev->attrs, ev->nattrs, XPS_NS_NONE, "Width");
  const char *vh = xps_attr_find(ev->attrs, ev->nattrs, XPS_NS_NONE, "Height");
  if (!vw || !vh || xps_parse_double(vw, w) || xps_parse_double(vh, h) ||
      !(*w > 0) || !(*h > 0))
    return xr_errinfo_set(r->err, XR_E_FORMAT, r->part, ev->line, -1,
                          "FixedPage needs a positive Width and Height");
  return 0;
}

/* FixedPage.Resources, the only property element a page has. */
static int page_props(xps_run *r, xps_src *s) {
  for (;;) {
    const xps_event *e;
    int rc = xps_src_next(s, &e, r->err);
    if (rc <= 0)
      return rc;
    if (e->type != XPS_EV_START || strncmp(e->name, "FixedPage.", 10)) {
      xps_src_unread(s);
      return 0;
    }
    xps_node *n;
    if ((rc = xps_tree_read(s, e, &r->arena, r->ctx, &n, r->err)))
      return rc;
    if (strcmp(n->name, "FixedPage.Resources")) {
      xps_run_warn(r, n->line, "unexpected <%s> skipped", n->name);
      continue;
    }
    rc = xps_resources_push(r, n);
    if (rc && rc != XR_E_SYNTAX)
      return rc;
  }
}

static int run(xps_run *r, xps_src *s) {
  const xps_event *ev;
  int rc = xps_src_next(s, &ev, r->err);
  if (rc < 0)
    return rc;
  if (rc == 0 || ev->type != XPS_EV_START || strcmp(ev->name, "FixedPage"))
    return xr_errinfo_set(r->err, XR_E_FORMAT, r->part, rc ? ev->line : -1, -1,
                          "the root element is not a FixedPage");
  if ((rc = page_size(r, ev, &r->page_w, &r->page_h)))
    return rc;
  if (r->fns->begin_page &&
      (rc = r->fns->begin_page(r->dev, r->page_w, r->page_h)))
    return xr_errinfo_set(
        r->err, rc, r->part, ev->line, -1,
        rc == XR_E_LIMIT ? "page of %.6g x %.6g inches is too large to render "
                           "at this resolution (PAGE_DIM, PAGE_PIXELS)"
                         : "cannot start a page of %.6g x %.6g inches",
        r->page_w / 96, r->page_h / 96);
  if ((rc = page_props(r, s)) || (rc = xps_walk(r, s)))
    return rc;
  /* Anything after </FixedPage> is for the XML parser to refuse. */
  while ((rc = xps_src_next(s, &ev, r->err)) > 0)
    ;
  return rc;
}

/* Forwards a page's first PAGE_WARNINGS warnings and counts the rest, so
 * a page of a million bad elements cannot flood the notifier. */
typedef struct warn_gate {
  xps_warn_fn fn;
  void *ud;
  int64_t max, seen;
} warn_gate;

static void gate_warn(void *ud, const xr_errinfo *w) {
  warn_gate *g = ud;
  if (++g->seen <= g->max)
    g->fn(g->ud, w);
}

int xps_page_run_buffer(xps_pkg *pkg, const char *name, const char *xml,
                        size_t len, const xps_ctx *ctx,
                        const ras_device_fns *fns, void *dev, xr_errinfo *err) {
  xr_errinfo_clear(err);
  xr_errinfo local;
  if (!err)
    err = &local;
  if (!name)
    name = "";
  if (!ctx || !fns || (!xml && len))
    return xr_errinfo_set(err, XR_E_INVAL, name, -1, -1, "bad arguments");
  /* A copy of ctx whose warnings pass the gate (ctx holds only borrowed
   * pointers and plain limits). */
  xps_ctx gated = *ctx;
  warn_gate gate = {ctx->warn, ctx->warn_ud,
                    xps_limit(ctx, XR_LIMIT_PAGE_WARNINGS), 0};
  if (ctx->warn) {
    gated.warn = gate_warn;
    gated.warn_ud = &gate;
  }
  xps_run r;
  memset(&r, 0, sizeof r);
  r.ctx = &gated;
  r.fns = fns;
  r.dev = dev;
  r.err = err;
  r.pkg = pkg;
  r.part = name;
  r.ctm = ras_matrix_identity();
  xps_arena_init(&r.arena);
  xps_arena_init(&r.keep);
  int rc;
  size_t nest = (size_t)xps_limit(ctx, XR_LIMIT_NESTING);
  r.frames = calloc(nest ? nest : 1, xps_cframe_size());
  if (!r.frames)
    return xr_errinfo_set(err, XR_E_NOMEM, name, -1, -1, "out of memory");
  xps_mc *mc = NULL;
  if ((rc = xps_mc_open(xml ? xml : "", len, name, ctx, &mc, err)) == 0) {
    xps_src s;
    xps_src_live(&s, mc);
    rc = run(&r, &s);
  }
  /* Unwind open canvases so the device sees balanced clips and groups,
   * keeping the first error. */
  while (r.nframes)
    xps_canvas_end(&r);
  xps_mc_close(mc);
  xps_arena_reset(&r.arena);
  xps_arena_reset(&r.keep);
  free(r.frames);
  if (gate.seen > gate.max)
    xps_warn(ctx, XR_E_LIMIT, name, -1,
             "%lld more warnings on this page not shown (PAGE_WARNINGS)",
             (long long)(gate.seen - gate.max));
  if (rc > 0)
    rc = 0;
  if (rc < 0 && !err->part[0])
    snprintf(err->part, sizeof err->part, "%s", name);
  return rc;
}

int xps_page_run(xps_pkg *pkg, const char *name, const xps_ctx *ctx,
                 const ras_device_fns *fns, void *dev, xr_errinfo *err) {
  xps_part *part = NULL;
  xr_errinfo_clear(err);
  int rc = xps_pkg_read_part(pkg, name, &part, err);
  if (rc)
    return rc;
  rc = xps_page_run_buffer(pkg, part->name ? part->name : name,
                           (const char *)part->data, part->size, ctx, fns, dev,
                           err);
  xps_part_drop(part);
  return rc;
}
