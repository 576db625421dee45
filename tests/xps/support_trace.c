/* Trace device and warning collector (see support_trace.h). */
#include "support_trace.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xps/page.h"

void trace_init(trace *t) {
  memset(t, 0, sizeof *t);
}

void trace_free(trace *t) {
  free(t->buf);
  trace_init(t);
}

void trace_clear(trace *t) {
  int fail = t->fail_at;
  trace_free(t);
  t->fail_at = fail;
}

static void put(trace *t, const char *fmt, ...) {
  char tmp[1024];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (n < 0)
    return;
  if ((size_t)n >= sizeof tmp)
    n = sizeof tmp - 1;
  if (t->len + (size_t)n + 1 > t->cap) {
    size_t cap = t->cap ? t->cap * 2 : 1024;
    while (cap < t->len + (size_t)n + 1)
      cap *= 2;
    char *b = realloc(t->buf, cap);
    if (!b)
      abort();
    t->buf = b;
    t->cap = cap;
  }
  memcpy(t->buf + t->len, tmp, (size_t)n + 1);
  t->len += (size_t)n;
}

/* %g, but "-0" printed as "0" so expectations stay simple. */
static void num(trace *t, double v) {
  if (v == 0)
    v = 0;
  put(t, " %.6g", v);
}

void trace_path(trace *t, const ras_path *p) {
  size_t k = 0;
  static const char *names[] = {"M", "L", "Q", "C", "Z"};
  static const int npts[] = {1, 1, 2, 3, 0};
  for (size_t i = 0; i < p->nverbs; i++) {
    int v = p->verbs[i];
    put(t, "%s%s", i ? " " : "", names[v]);
    for (int j = 0; j < npts[v]; j++, k++) {
      num(t, p->pts[k].x);
      num(t, p->pts[k].y);
    }
  }
}

static void matrix(trace *t, const ras_matrix *m) {
  put(t, " [");
  num(t, m->a);
  num(t, m->b);
  num(t, m->c);
  num(t, m->d);
  num(t, m->e);
  num(t, m->f);
  put(t, " ]");
}

static void color(trace *t, const ras_color *c) {
  put(t, " #%02X%02X%02X%02X", (int)(c->r * 255 + 0.5), (int)(c->g * 255 + 0.5),
      (int)(c->b * 255 + 0.5), (int)(c->a * 255 + 0.5));
}

static void paint(trace *t, const ras_paint *p) {
  if (p->kind == RAS_PAINT_SOLID) {
    color(t, &p->solid);
    return;
  }
  const ras_gradient *g = &p->grad;
  static const char *spread[] = {"pad", "reflect", "repeat"};
  put(t, " %s(", p->kind == RAS_PAINT_LINEAR ? "linear" : "radial");
  put(t, "%s %s op", spread[g->spread % 3],
      g->interp ? "linear-light" : "srgb");
  num(t, g->opacity);
  put(t, " pts");
  num(t, g->x0);
  num(t, g->y0);
  num(t, g->x1);
  num(t, g->y1);
  put(t, " m");
  matrix(t, &g->m);
  put(t, " stops");
  for (int i = 0; i < g->nstops; i++) {
    num(t, g->stops[i].offset);
    color(t, &g->stops[i].color);
  }
  put(t, ")");
}

static int call(trace *t) {
  t->calls++;
  return t->fail_at > 0 && t->calls == t->fail_at ? XR_E_NOMEM : 0;
}

static void push(trace *t) {
  if (++t->depth > t->max_depth)
    t->max_depth = t->depth;
}

static void pop(trace *t) {
  if (t->depth == 0)
    t->unbalanced = 1;
  else
    t->depth--;
}

static int begin_page(void *dev, double w, double h) {
  trace *t = dev;
  put(t, "begin_page");
  num(t, w);
  num(t, h);
  put(t, "\n");
  return call(t);
}

static const char *rule(int r) {
  return r == RAS_EVENODD ? "evenodd" : "nonzero";
}

static int fill_path(void *dev, const ras_path *p, const ras_matrix *ctm,
                     int fr, const ras_paint *pt) {
  trace *t = dev;
  put(t, "fill %s", rule(fr));
  paint(t, pt);
  matrix(t, ctm);
  put(t, " ");
  trace_path(t, p);
  put(t, "\n");
  return call(t);
}

static int stroke_path(void *dev, const ras_path *p, const ras_matrix *ctm,
                       const ras_stroke *s, const ras_paint *pt) {
  trace *t = dev;
  static const char *caps[] = {"flat", "round", "square", "triangle"};
  static const char *joins[] = {"miter", "bevel", "round"};
  put(t, "stroke w");
  num(t, s->width);
  put(t, " caps %s,%s,%s join %s ml", caps[s->start_cap & 3],
      caps[s->end_cap & 3], caps[s->dash_cap & 3], joins[s->join % 3]);
  num(t, s->miter_limit);
  if (s->dashes) {
    put(t, " dash[");
    for (int i = 0; i < s->ndashes; i++)
      num(t, s->dashes[i]);
    put(t, " ] off");
    num(t, s->dash_offset);
  }
  paint(t, pt);
  matrix(t, ctm);
  put(t, " ");
  trace_path(t, p);
  put(t, "\n");
  return call(t);
}

static int push_clip(void *dev, const ras_path *p, const ras_matrix *ctm,
                     int fr) {
  trace *t = dev;
  put(t, "push_clip %s", rule(fr));
  matrix(t, ctm);
  put(t, " ");
  trace_path(t, p);
  put(t, "\n");
  push(t);
  return call(t);
}

static int pop_clip(void *dev) {
  trace *t = dev;
  put(t, "pop_clip\n");
  pop(t);
  return call(t);
}

static int begin_group(void *dev, float op) {
  trace *t = dev;
  put(t, "begin_group");
  num(t, op);
  put(t, "\n");
  push(t);
  return call(t);
}

static int end_group(void *dev) {
  trace *t = dev;
  put(t, "end_group\n");
  pop(t);
  return call(t);
}

static int set_aliased(void *dev, int a) {
  trace *t = dev;
  put(t, "aliased %d\n", a);
  return call(t);
}

static int begin_mask(void *dev) {
  trace *t = dev;
  put(t, "begin_mask\n");
  push(t);
  return call(t);
}

/* end_mask turns the mask into a soft clip, still open until pop_clip. */
static int end_mask(void *dev) {
  trace *t = dev;
  put(t, "end_mask\n");
  return call(t);
}

static int begin_tile(void *dev, const ras_path *p, const ras_matrix *ctm,
                      int fr, const ras_stroke *s, const ras_tile *tile) {
  trace *t = dev;
  static const char *modes[] = {"none", "tile", "flipx", "flipy", "flipxy"};
  put(t, "begin_tile %s%s", s ? "stroke " : "", rule(fr));
  put(t, " %s op", modes[tile->mode % 5]);
  num(t, tile->opacity);
  put(t, " port");
  num(t, tile->x);
  num(t, tile->y);
  num(t, tile->w);
  num(t, tile->h);
  put(t, " m");
  matrix(t, &tile->m);
  matrix(t, ctm);
  put(t, " ");
  trace_path(t, p);
  put(t, "\n");
  push(t);
  return call(t);
}

static int end_tile(void *dev) {
  trace *t = dev;
  put(t, "end_tile\n");
  pop(t);
  return call(t);
}

const ras_device_fns trace_fns = {
    .begin_page = begin_page,
    .fill_path = fill_path,
    .stroke_path = stroke_path,
    .push_clip = push_clip,
    .pop_clip = pop_clip,
    .begin_group = begin_group,
    .end_group = end_group,
    .set_aliased = set_aliased,
    .begin_mask = begin_mask,
    .end_mask = end_mask,
    .begin_tile = begin_tile,
    .end_tile = end_tile,
};

static void on_warn(void *ud, const xr_errinfo *w) {
  warns *ws = ud;
  ws->n++;
  ws->last = *w;
  size_t len = strlen(ws->all);
  snprintf(ws->all + len, sizeof ws->all - len, "%s %s:%ld: %s\n",
           xr_err_name(w->status), w->part, w->line, w->msg);
}

void trace_ctx(xps_ctx *ctx, warns *w) {
  xps_ctx_init(ctx);
  if (w) {
    memset(w, 0, sizeof *w);
    ctx->warn = on_warn;
    ctx->warn_ud = w;
  }
}

int trace_page(trace *t, const char *xml, const xps_ctx *ctx, xr_errinfo *err) {
  trace_clear(t);
  return xps_page_run_buffer(NULL, "/p.fpage", xml, strlen(xml), ctx,
                             &trace_fns, t, err);
}

int count_of(const char *hay, const char *needle) {
  int n = 0;
  size_t k = strlen(needle);
  if (!hay || !k)
    return 0;
  for (const char *p = strstr(hay, needle); p; p = strstr(p + k, needle))
    n++;
  return n;
}
