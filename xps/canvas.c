/* Element effects and the Canvas scope stack (see canvas.h). */
#include "xps/canvas.h"

#include <stdio.h>
#include <string.h>

#include "xps/resource.h"

struct xps_cframe {
  xps_fx fx;
  ras_matrix ctm;
  xps_rscope *res;
  int aliased;
  xps_arena_mark mark;
};

size_t xps_cframe_size(void) {
  return sizeof(struct xps_cframe);
}

const xps_node *xps_prop(xps_run *r, const xps_node *n, const char *prop,
                         int *rc) {
  size_t ln = strlen(n->name);
  const xps_node *found = NULL;
  for (const xps_node *c = n->first; c; c = c->next)
    if (!strncmp(c->name, n->name, ln) && c->name[ln] == '.' &&
        !strcmp(c->name + ln + 1, prop)) {
      found = c;
      break;
    }
  if (found && xps_node_attr(n, prop)) {
    xps_run_warn(r, n->line, "%s given both as attribute and element", prop);
    *rc = XR_E_SYNTAX;
  }
  return found;
}

int xps_props_check(xps_run *r, const xps_node *n, const char *const *props) {
  size_t ln = strlen(n->name);
  for (const xps_node *c = n->first; c; c = c->next) {
    int ok = 0;
    if (!strncmp(c->name, n->name, ln) && c->name[ln] == '.')
      for (int i = 0; props[i] && !ok; i++)
        ok = !strcmp(c->name + ln + 1, props[i]);
    if (!ok) {
      xps_run_warn(r, c->line, "unexpected <%s> in <%s>", c->name, n->name);
      return XR_E_SYNTAX;
    }
  }
  return 0;
}

void xps_fx_drop(xps_fx *fx) {
  xps_geom_reset(&fx->clip);
}

int xps_fx_read(xps_run *r, const xps_node *n, xps_fx *fx) {
  int rc = 0;
  memset(fx, 0, sizeof *fx);
  xps_geom_init(&fx->clip, r->ctx);
  fx->opacity = 1;
  ras_matrix m = ras_matrix_identity();
  const char *v;
  const xps_node *p = xps_prop(r, n, "RenderTransform", &rc);
  if (rc)
    return rc;
  if (p)
    rc = xps_transform_prop(r, p, &m);
  else if ((v = xps_node_attr(n, "RenderTransform")))
    rc = xps_transform_value(r, v, n->line, &m);
  if (rc)
    return rc;
  fx->ctm = ras_matrix_concat(m, r->ctm);

  p = xps_prop(r, n, "Clip", &rc);
  if (rc)
    return rc;
  if (p) {
    rc = xps_geometry_prop(r, p, &fx->clip);
    fx->has_clip = 1;
  } else if ((v = xps_node_attr(n, "Clip"))) {
    rc = xps_geometry_value(r, v, n->line, &fx->clip);
    fx->has_clip = 1;
  }
  if (rc)
    return rc;

  if ((v = xps_node_attr(n, "Opacity"))) {
    double o;
    if (xps_parse_double(v, &o)) {
      xps_run_warn(r, n->line, "bad Opacity '%.20s'", v);
      return XR_E_SYNTAX;
    }
    fx->opacity = o < 0 ? 0.0f : o > 1 ? 1.0f : (float)o;
  }

  p = xps_prop(r, n, "OpacityMask", &rc);
  if (rc)
    return rc;
  if (p) {
    rc = xps_brush_prop(r, p, &fx->mask);
    fx->has_mask = 1;
  } else if ((v = xps_node_attr(n, "OpacityMask"))) {
    rc = xps_brush_value(r, v, n->line, &fx->mask);
    fx->has_mask = 1;
  }
  return rc;
}

static int dev_fail(xps_run *r, int rc, const char *what) {
  return xr_errinfo_set(r->err, rc, r->part, -1, -1, "device %s failed: %s",
                        what, xr_strerror(rc));
}

/* The page rectangle in the element's space, for mask brushes. */
static int page_area(xps_run *r, const ras_matrix *ctm, ras_path *p) {
  ras_matrix inv;
  if (ras_matrix_invert(ctm, &inv))
    return 1;
  double xs[4] = {0, r->page_w, r->page_w, 0};
  double ys[4] = {0, 0, r->page_h, r->page_h};
  for (int i = 0; i < 4; i++) {
    double x, y;
    ras_matrix_apply(&inv, xs[i], ys[i], &x, &y);
    int rc = i ? ras_path_line(p, x, y) : ras_path_move(p, x, y);
    if (rc)
      return rc;
  }
  return ras_path_close(p);
}

int xps_fx_begin(xps_run *r, xps_fx *fx, int group) {
  const ras_device_fns *f = r->fns;
  int rc;
  if (fx->has_clip && f->push_clip) {
    if ((rc = f->push_clip(r->dev, &fx->clip.fill, &fx->ctm, fx->clip.rule)))
      return dev_fail(r, rc, "push_clip");
    fx->clipped = 1;
  }
  if (fx->has_mask && f->begin_mask && f->end_mask && fx->mask.kind) {
    ras_path area;
    ras_path_init(&area, 16);
    if ((rc = page_area(r, &fx->ctm, &area)) == 0) {
      if ((rc = f->begin_mask(r->dev)))
        rc = dev_fail(r, rc, "begin_mask");
      else {
        int prc = xps_brush_paint(r, &fx->mask, &area, RAS_NONZERO, NULL,
                                  &fx->ctm, 1.0f);
        rc = f->end_mask(r->dev);
        if (prc)
          rc = prc;
        else if (rc)
          rc = dev_fail(r, rc, "end_mask");
        else
          fx->masked = 1;
      }
    } else {
      rc = 0; /* singular transform: nothing shows anyway */
    }
    ras_path_reset(&area);
    if (rc)
      return rc;
  }
  if ((fx->masked || (group && fx->opacity < 1)) && f->begin_group) {
    if ((rc = f->begin_group(r->dev, fx->opacity)))
      return dev_fail(r, rc, "begin_group");
    fx->grouped = 1;
  }
  return 0;
}

int xps_fx_end(xps_run *r, xps_fx *fx) {
  const ras_device_fns *f = r->fns;
  int rc = 0, k;
  if (fx->grouped && f->end_group && (k = f->end_group(r->dev)) && !rc)
    rc = dev_fail(r, k, "end_group");
  /* The mask is popped like a clip (render/device.h). */
  if (fx->masked && f->pop_clip && (k = f->pop_clip(r->dev)) && !rc)
    rc = dev_fail(r, k, "pop_clip");
  if (fx->clipped && f->pop_clip && (k = f->pop_clip(r->dev)) && !rc)
    rc = dev_fail(r, k, "pop_clip");
  fx->grouped = fx->masked = fx->clipped = 0;
  return rc;
}

static int read_edge_mode(xps_run *r, const xps_node *n, int *aliased) {
  const char *v = xps_node_attr(n, "RenderOptions.EdgeMode");
  *aliased = r->aliased;
  if (!v)
    return 0;
  if (!strcmp(v, "Aliased")) {
    *aliased = 1;
    return 0;
  }
  xps_run_warn(r, n->line, "bad RenderOptions.EdgeMode '%.20s'", v);
  return XR_E_SYNTAX;
}

int xps_canvas_begin(xps_run *r, xps_src *s, const xps_event *ev) {
  if (r->nframes >= xps_limit(r->ctx, XR_LIMIT_NESTING))
    return xr_errinfo_set(r->err, XR_E_LIMIT, r->part, ev->line, -1,
                          "Canvas nested deeper than NESTING (%lld)",
                          (long long)xps_limit(r->ctx, XR_LIMIT_NESTING));
  struct xps_cframe *f = &r->frames[r->nframes];
  f->mark = xps_arena_save(&r->arena);
  f->ctm = r->ctm;
  f->res = r->res;
  f->aliased = r->aliased;
  memset(&f->fx, 0, sizeof f->fx);
  xps_geom_init(&f->fx.clip, r->ctx);
  xps_node *n = xps_node_from_event(&r->arena, ev);
  if (!n)
    return xr_errinfo_set(r->err, XR_E_NOMEM, r->part, ev->line, -1,
                          "out of memory");
  /* Property elements come first; the first other child ends them. */
  int rc;
  for (;;) {
    const xps_event *e;
    rc = xps_src_next(s, &e, r->err);
    if (rc < 0)
      goto fatal;
    if (rc == 0)
      break;
    if (e->type != XPS_EV_START || strncmp(e->name, "Canvas.", 7)) {
      xps_src_unread(s);
      break;
    }
    xps_node *c;
    if ((rc = xps_tree_read(s, e, &r->arena, r->ctx, &c, r->err)))
      goto fatal;
    c->parent = n;
    if (n->last)
      n->last->next = c;
    else
      n->first = c;
    n->last = c;
  }
  static const char *const props[] = {"Resources", "RenderTransform", "Clip",
                                      "OpacityMask", NULL};
  rc = xps_props_check(r, n, props);
  const xps_node *res = rc ? NULL : xps_prop(r, n, "Resources", &rc);
  if (!rc && res)
    rc = xps_resources_push(r, res);
  int aliased = r->aliased;
  if (!rc)
    rc = xps_fx_read(r, n, &f->fx);
  if (!rc)
    rc = read_edge_mode(r, n, &aliased);
  if (!rc && f->fx.opacity <= 0)
    rc = 1; /* invisible: skip the content, silently */
  if (rc == XR_E_SYNTAX || rc == 1) {
    xps_fx_drop(&f->fx);
    r->res = f->res;
    xps_arena_release(&r->arena, f->mark);
    return xps_src_skip(s, r->err);
  }
  if (rc)
    goto fatal_fx;
  /* Take the frame before drawing anything: a mask brush's Visual may
   * open canvases of its own, which must land in the frames above. */
  r->nframes++;
  if ((rc = xps_fx_begin(r, &f->fx, 1)))
    goto fatal_begun;
  if (aliased != r->aliased && r->fns->set_aliased) {
    if ((rc = r->fns->set_aliased(r->dev, aliased))) {
      rc = dev_fail(r, rc, "set_aliased");
      goto fatal_begun;
    }
  }
  r->aliased = aliased;
  r->ctm = f->fx.ctm;
  return 0;

fatal_begun:
  r->nframes--;
  xps_fx_end(r, &f->fx);
fatal_fx:
  xps_fx_drop(&f->fx);
fatal:
  r->res = f->res;
  xps_arena_release(&r->arena, f->mark);
  return rc;
}

int xps_canvas_end(xps_run *r) {
  struct xps_cframe *f = &r->frames[--r->nframes];
  int rc = 0;
  if (r->aliased != f->aliased && r->fns->set_aliased) {
    if ((rc = r->fns->set_aliased(r->dev, f->aliased)))
      rc = dev_fail(r, rc, "set_aliased");
  }
  int k = xps_fx_end(r, &f->fx);
  if (!rc)
    rc = k;
  xps_fx_drop(&f->fx);
  r->aliased = f->aliased;
  r->ctm = f->ctm;
  r->res = f->res;
  xps_arena_release(&r->arena, f->mark);
  return rc;
}
