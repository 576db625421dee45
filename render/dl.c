/* Display list: the recording device and repeating tiles (see dl.h; band
 * replay is in dl_replay.c, the shared types in dl_imp.h).
 *
 * Recording flattens, strokes and clips every shape to device-space edges
 * at once, so replay is only scan conversion and compositing, and the list
 * is immutable and shared by all band threads. Each command keeps its
 * device bbox (already intersected with the clip in force), and clips,
 * groups and masks keep the index of their matching end so a band that
 * misses them skips their whole content.
 *
 * Device size: width = round(page width * dpi / 96), same for height,
 * rounding halves away from zero (lround), at least 1 pixel. */
#include "render/dl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "render/dl_imp.h"
#include "render/stroke.h"
#include "xpsraster/error.h"

/* ---- recording ---------------------------------------------------------- */

int ras_dl_new(double dpi, const xr_limits *lim, ras_dl **out) {
  *out = NULL;
  xr_limits def;
  if (!lim) {
    xr_limits_init(&def);
    lim = &def;
  }
  if (!(dpi > 0) || dpi > (double)xr_limits_get(lim, XR_LIMIT_DPI))
    return XR_E_INVAL;
  ras_dl *dl = calloc(1, sizeof *dl);
  if (!dl)
    return XR_E_NOMEM;
  dl->dpi = dpi;
  dl->scale = dpi / 96.0;
  dl->lim = *lim;
  dl->max_depth = (int)xr_limits_get(lim, XR_LIMIT_NESTING);
  dl->max_bytes = (size_t)xr_limits_get(lim, XR_LIMIT_JOB_MEMORY);
  dl->stk = calloc((size_t)dl->max_depth + 1, sizeof *dl->stk);
  if (!dl->stk) {
    free(dl);
    return XR_E_NOMEM;
  }
  *out = dl;
  return 0;
}

void ras_dl_drop(ras_dl *dl) {
  if (!dl)
    return;
  ras_dl_drop(dl->child);
  for (int i = 0; dl->blk && i < dl->nblk; i++)
    free(dl->blk[i].u);
  free(dl->blk);
  free(dl->wide.u);
  ras_glyph_list_drop(dl->glyphs);
  free(dl->cmds);
  free(dl->edges);
  free(dl->bidx);
  for (size_t i = 0; i < dl->npaints; i++) {
    free(dl->paints[i].sh);
    ras_image_drop(dl->paints[i].img);
  }
  free(dl->paints);
  free(dl->stk);
  ras_eb_reset(&dl->eb);
  free(dl);
}

void ras_dl_size(const ras_dl *dl, int *width, int *height) {
  *width = dl->w;
  *height = dl->h;
}

int ras_dl_has_transparency(const ras_dl *dl) {
  return dl->transparency;
}

size_t ras_dl_stride(const ras_dl *dl, int format) {
  size_t w = (size_t)dl->w;
  switch (format) {
  case RAS_GRAY8:
    return w;
  case RAS_RGB8:
    return w * 3;
  case RAS_CMYK8:
    return w * 4;
  case RAS_MONO1:
    return (w + 7) / 8;
  default:
    return 0;
  }
}

/* Grows *v (element size sz) to hold need elements, within the list's
 * memory budget. */
static int grow(ras_dl *dl, void **v, size_t *cap, size_t need, size_t sz) {
  if (need <= *cap)
    return 0;
  size_t c = *cap ? *cap : 64;
  while (c < need)
    c *= 2;
  size_t add = (c - *cap) * sz;
  if (c > SIZE_MAX / sz || dl->bytes + add > dl->max_bytes)
    return XR_E_LIMIT;
  void *n = realloc(*v, c * sz);
  if (!n)
    return XR_E_NOMEM;
  dl->bytes += add;
  *v = n;
  *cap = c;
  return 0;
}

static rect rect_and(rect a, rect b) {
  rect r = {a.x0 > b.x0 ? a.x0 : b.x0, a.y0 > b.y0 ? a.y0 : b.y0,
            a.x1 < b.x1 ? a.x1 : b.x1, a.y1 < b.y1 ? a.y1 : b.y1};
  return r;
}
static int rect_empty(rect r) {
  return r.x0 >= r.x1 || r.y0 >= r.y1;
}
static rect rect_or(rect a, rect b) {
  if (rect_empty(a))
    return b;
  if (rect_empty(b))
    return a;
  rect r = {a.x0 < b.x0 ? a.x0 : b.x0, a.y0 < b.y0 ? a.y0 : b.y0,
            a.x1 > b.x1 ? a.x1 : b.x1, a.y1 > b.y1 ? a.y1 : b.y1};
  return r;
}
static const rect EMPTY = {0, 0, 0, 0};

static int new_cmd(ras_dl *dl, int op, uint32_t *idx) {
  int rc = grow(dl, (void **)&dl->cmds, &dl->capcmd, dl->ncmd + 1, sizeof(cmd));
  if (rc)
    return rc;
  if (dl->ncmd >= NO_END)
    return XR_E_LIMIT;
  cmd *c = &dl->cmds[dl->ncmd];
  memset(c, 0, sizeof *c);
  c->op = (uint8_t)op;
  c->end = NO_END;
  *idx = (uint32_t)dl->ncmd++;
  return 0;
}

/* Adds the edges in dl->eb as the geometry of command idx, sorted into
 * blocks, with bbox r. */
static int store_edges(ras_dl *dl, uint32_t idx, rect r) {
  ras_edgebuf *eb = &dl->eb;
  int b0 = r.y0 >> RAS_BLOCK_SHIFT, b1 = (r.y1 - 1) >> RAS_BLOCK_SHIFT;
  size_t nb = (size_t)(b1 - b0) + 1;
  int rc = grow(dl, (void **)&dl->edges, &dl->capedge, dl->nedge + eb->n,
                sizeof(ras_edge));
  if (!rc)
    rc = grow(dl, (void **)&dl->bidx, &dl->capbidx, dl->nbidx + nb + 1,
              sizeof(uint32_t));
  if (rc)
    return rc;
  if (eb->n >= UINT32_MAX)
    return XR_E_LIMIT;
  uint32_t *ix = dl->bidx + dl->nbidx;
  memset(ix, 0, (nb + 1) * sizeof *ix);
  /* Counting sort by block; edges outside the bbox rows are dropped. */
  const int sh = RAS_FIX_SHIFT + RAS_BLOCK_SHIFT;
  for (size_t i = 0; i < eb->n; i++) {
    const ras_edge *e = &eb->e[i];
    int b = (e->y0 < e->y1 ? e->y0 : e->y1) >> sh;
    if (b >= b0 && b <= b1)
      ix[b - b0 + 1]++;
  }
  for (size_t b = 0; b < nb; b++)
    ix[b + 1] += ix[b];
  ras_edge *dst = dl->edges + dl->nedge;
  uint32_t *pos = malloc(nb * sizeof *pos);
  if (!pos)
    return XR_E_NOMEM;
  memcpy(pos, ix, nb * sizeof *pos);
  for (size_t i = 0; i < eb->n; i++) {
    const ras_edge *e = &eb->e[i];
    int b = (e->y0 < e->y1 ? e->y0 : e->y1) >> sh;
    if (b >= b0 && b <= b1)
      dst[pos[b - b0]++] = *e;
  }
  free(pos);
  cmd *c = &dl->cmds[idx];
  c->eoff = dl->nedge;
  c->ioff = dl->nbidx;
  dl->nedge += ix[nb];
  dl->nbidx += nb + 1;
  c->x0 = r.x0;
  c->y0 = r.y0;
  c->x1 = r.x1;
  c->y1 = r.y1;
  return 0;
}

/* Bbox of dl->eb within the clip in force. */
static rect eb_rect(ras_dl *dl) {
  rect r;
  int x0, y0, x1, y1;
  if (dl->has_rect) {
    const int32_t *f = dl->rect_fx;
    r.x0 = f[0] >> RAS_FIX_SHIFT;
    r.y0 = f[1] >> RAS_FIX_SHIFT;
    r.x1 = (f[2] + RAS_FIX_ONE - 1) >> RAS_FIX_SHIFT;
    r.y1 = (f[3] + RAS_FIX_ONE - 1) >> RAS_FIX_SHIFT;
    return rect_and(r, dl->clip);
  }
  if (!ras_eb_bbox(&dl->eb, &x0, &y0, &x1, &y1))
    return EMPTY;
  r.x0 = x0;
  r.y0 = y0;
  r.x1 = x1;
  r.y1 = y1;
  return rect_and(r, dl->clip);
}

/* Geometry of command idx: the pending rectangle or dl->eb's edges. */
static int store_geom(ras_dl *dl, uint32_t idx, rect r) {
  if (!dl->has_rect)
    return store_edges(dl, idx, r);
  cmd *c = &dl->cmds[idx];
  c->isrect = 1;
  memcpy(c->rfx, dl->rect_fx, sizeof c->rfx);
  c->x0 = r.x0;
  c->y0 = r.y0;
  c->x1 = r.x1;
  c->y1 = r.y1;
  return 0;
}

/* Fast path: a path that is one axis-aligned rectangle in device space is
 * kept as four fixed-point numbers instead of edges, and replayed with
 * exact per-row and per-column overlaps. Sets dl->has_rect. */
static int detect_rect(ras_dl *dl, const ras_path *p, const ras_matrix *m) {
  dl->has_rect = 0;
  size_t nv = p->nverbs;
  if (nv < 4 || nv > 6 || p->verbs[0] != RAS_MOVE)
    return 0;
  size_t npt = 0;
  for (size_t i = 1; i < nv; i++) {
    if (p->verbs[i] == RAS_LINE)
      npt++;
    else if (!(p->verbs[i] == RAS_CLOSE && i == nv - 1))
      return 0;
  }
  if (npt < 3 || npt > 4 || p->npts != npt + 1)
    return 0;
  double x[5], y[5];
  for (size_t i = 0; i <= npt; i++)
    ras_matrix_apply(m, p->pts[i].x, p->pts[i].y, &x[i], &y[i]);
  if (npt == 4 && (x[4] != x[0] || y[4] != y[0]))
    return 0;
  /* Sides alternate horizontal and vertical, starting either way. */
  int h0 = y[0] == y[1] && x[1] == x[2] && y[2] == y[3] && x[3] == x[0];
  int v0 = x[0] == x[1] && y[1] == y[2] && x[2] == x[3] && y[3] == y[0];
  if (!h0 && !v0)
    return 0;
  double x0 = fmin(x[0], x[2]), x1 = fmax(x[0], x[2]);
  double y0 = fmin(y[0], y[2]), y1 = fmax(y[0], y[2]);
  if (!(x0 < x1) || !(y0 < y1))
    return 0; /* empty or NaN: the general path handles it */
  x0 = fmax(x0, 0);
  y0 = fmax(y0, 0);
  x1 = fmin(x1, dl->w);
  y1 = fmin(y1, dl->h);
  int32_t *f = dl->rect_fx;
  f[0] = (int32_t)lrint(fmin(x0, dl->w) * RAS_FIX_ONE);
  f[1] = (int32_t)lrint(fmin(y0, dl->h) * RAS_FIX_ONE);
  f[2] = (int32_t)lrint(fmax(x1, 0) * RAS_FIX_ONE);
  f[3] = (int32_t)lrint(fmax(y1, 0) * RAS_FIX_ONE);
  if (f[0] >= f[2] || f[1] >= f[3])
    f[0] = f[1] = f[2] = f[3] = 0; /* off the page: an empty rectangle */
  dl->has_rect = 1;
  return 1;
}

static int index_init(ras_dl *dl) {
  dl->nblk = (dl->h + RAS_BLOCK_ROWS - 1) / RAS_BLOCK_ROWS;
  dl->blk = calloc((size_t)dl->nblk, sizeof *dl->blk);
  return dl->blk ? 0 : XR_E_NOMEM;
}

static int unit_push(ras_dl *dl, unit_vec *v, unit u) {
  int rc = grow(dl, (void **)&v->u, &v->cap, v->n + 1, sizeof(unit));
  if (!rc)
    v->u[v->n++] = u;
  return rc;
}

/* Commands [first, last] form one top-level unit touching rows of r. */
static int index_range(ras_dl *dl, uint32_t first, uint32_t last, rect r) {
  if (rect_empty(r) || !dl->blk)
    return 0;
  int b0 = r.y0 >> RAS_BLOCK_SHIFT, b1 = (r.y1 - 1) >> RAS_BLOCK_SHIFT;
  if (b0 < 0)
    b0 = 0;
  if (b1 >= dl->nblk)
    b1 = dl->nblk - 1;
  unit u = {first, last};
  if (b1 - b0 + 1 > WIDE_BLOCKS)
    return unit_push(dl, &dl->wide, u);
  for (int b = b0; b <= b1; b++) {
    int rc = unit_push(dl, &dl->blk[b], u);
    if (rc)
      return rc;
  }
  return 0;
}

/* Open constructs that recorded commands (elided and dropped ones do not
 * count: their content is top-level or absent). */
static int rec_depth(const ras_dl *dl) {
  int n = 0;
  for (int i = 0; i < dl->depth; i++)
    n += dl->stk[i].kind == ST_CLIP || dl->stk[i].kind == ST_GROUP ||
         dl->stk[i].kind == ST_MASK;
  return n;
}

static void note_bbox(ras_dl *dl, rect r) {
  if (dl->depth > 0)
    dl->stk[dl->depth - 1].uni = rect_or(dl->stk[dl->depth - 1].uni, r);
}

static ras_matrix dev_matrix(const ras_dl *dl, const ras_matrix *ctm) {
  ras_matrix m = ctm ? *ctm : ras_matrix_identity();
  return ras_matrix_concat(m, dl->post);
}

static int to8(float v) {
  if (!(v > 0))
    return 0;
  if (v >= 1)
    return 255;
  return (int)lrintf(v * 255);
}

/* Prepares a non-solid paint; *idx is 0 when there is nothing to draw. */
static int add_paint(ras_dl *dl, const ras_paint *paint, const ras_matrix *m,
                     uint32_t *idx) {
  *idx = 0;
  int rc = grow(dl, (void **)&dl->paints, &dl->cappaints, dl->npaints + 1,
                sizeof(dl_paint));
  if (rc)
    return rc;
  dl_paint *p = &dl->paints[dl->npaints];
  memset(p, 0, sizeof *p);
  p->kind = paint->kind;
  if (paint->kind == RAS_PAINT_IMAGE) {
    if (!paint->image.image || !(paint->image.opacity > 0))
      return 0;
    ras_matrix to_dev = ras_matrix_concat(paint->image.m, *m);
    ras_image_sampler_init(&p->samp, paint->image.image, &to_dev, NULL,
                           RAS_IMAGE_TILE_NONE, paint->image.opacity);
    if (!p->samp.ok)
      return 0;
    p->img = ras_image_keep(paint->image.image);
    p->samp.img = p->img;
  } else {
    if (dl->bytes + sizeof(ras_shader) > dl->max_bytes)
      return XR_E_LIMIT;
    p->sh = malloc(sizeof *p->sh);
    if (!p->sh)
      return XR_E_NOMEM;
    rc = ras_shader_init(p->sh, paint->kind, &paint->grad, m);
    if (rc) {
      free(p->sh);
      return rc;
    }
    dl->bytes += sizeof(ras_shader);
  }
  *idx = (uint32_t)++dl->npaints;
  return 0;
}

static int record_fill(ras_dl *dl, int rule, const ras_paint *paint, int a,
                       uint32_t pidx, rect r);

/* Records the edges in dl->eb as a fill. m is the user-to-device matrix the
 * geometry was built with (non-solid paints are placed with it). */
static int add_fill(ras_dl *dl, int rule, const ras_paint *paint,
                    const ras_matrix *m) {
  if (dl->eb.err)
    return dl->eb.err;
  int a = 255;
  if (paint->kind == RAS_PAINT_SOLID)
    a = to8(paint->solid.a);
  else if (paint->kind != RAS_PAINT_LINEAR && paint->kind != RAS_PAINT_RADIAL &&
           paint->kind != RAS_PAINT_IMAGE)
    return XR_E_UNSUPPORTED;
  rect r = eb_rect(dl);
  if (!a || rect_empty(r) || dl->dropping)
    return 0;
  uint32_t pidx = 0;
  if (paint->kind != RAS_PAINT_SOLID) {
    int rc = add_paint(dl, paint, m, &pidx);
    if (rc || !pidx)
      return rc;
  }
  return record_fill(dl, rule, paint, a, pidx, r);
}

/* Records the edges in dl->eb as a fill with bbox r. */
static int record_fill(ras_dl *dl, int rule, const ras_paint *paint, int a,
                       uint32_t pidx, rect r) {
  uint32_t idx;
  int rc = new_cmd(dl, OP_FILL, &idx);
  if (rc)
    return rc;
  rc = store_geom(dl, idx, r);
  if (rc) {
    dl->ncmd--;
    return rc;
  }
  cmd *c = &dl->cmds[idx];
  c->paint = pidx;
  c->rule = rule == RAS_EVENODD ? RAS_EVENODD : RAS_NONZERO;
  c->aliased = (uint8_t)dl->aliased;
  c->rgb[0] = (uint8_t)to8(paint->solid.r);
  c->rgb[1] = (uint8_t)to8(paint->solid.g);
  c->rgb[2] = (uint8_t)to8(paint->solid.b);
  /* Luma of the encoded values (Rec. 601 weights summing to 256). */
  c->gray =
      (uint8_t)((c->rgb[0] * 77 + c->rgb[1] * 150 + c->rgb[2] * 29 + 128) >> 8);
  c->alpha = (uint8_t)a;
  note_bbox(dl, r);
  if (rec_depth(dl) == 0)
    return index_range(dl, idx, idx, r);
  return 0;
}

static int dl_begin_page(void *dev, double width, double height) {
  ras_dl *dl = dev;
  if (dl->begun)
    return XR_E_USAGE;
  double w = width * dl->scale, h = height * dl->scale;
  if (!(w > 0) || !(h > 0))
    return XR_E_INVAL;
  double maxdim = (double)xr_limits_get(&dl->lim, XR_LIMIT_PAGE_DIM);
  if (!(w < maxdim + 0.5) || !(h < maxdim + 0.5))
    return XR_E_LIMIT;
  long lw = lround(w), lh = lround(h);
  if (lw < 1)
    lw = 1;
  if (lh < 1)
    lh = 1;
  if ((double)lw * (double)lh >
      (double)xr_limits_get(&dl->lim, XR_LIMIT_PAGE_PIXELS))
    return XR_E_LIMIT;
  dl->w = (int)lw;
  dl->h = (int)lh;
  size_t max_edges = dl->max_bytes / sizeof(ras_edge);
  ras_eb_init(&dl->eb, dl->w, dl->h, max_edges);
  dl->clip = (rect){0, 0, dl->w, dl->h};
  dl->post = ras_matrix_scale(dl->scale, dl->scale);
  if (index_init(dl))
    return XR_E_NOMEM;
  dl->begun = 1;
  return 0;
}

static int dl_fill_path(void *dev, const ras_path *path, const ras_matrix *ctm,
                        int fill_rule, const ras_paint *paint) {
  ras_dl *dl = target(dev);
  if (!dl->begun)
    return XR_E_USAGE;
  if (dl->dropping || rect_empty(dl->clip))
    return 0;
  ras_matrix m = dev_matrix(dl, ctm);
  ras_eb_clear(&dl->eb);
  int rc = detect_rect(dl, path, &m)
               ? 0
               : ras_eb_fill_path(&dl->eb, path, &m, RAS_FLAT_TOL);
  if (!rc)
    rc = add_fill(dl, fill_rule, paint, &m);
  dl->has_rect = 0;
  return rc;
}

static int dl_stroke_path(void *dev, const ras_path *path,
                          const ras_matrix *ctm, const ras_stroke *stroke,
                          const ras_paint *paint) {
  ras_dl *dl = target(dev);
  if (!dl->begun)
    return XR_E_USAGE;
  if (dl->dropping || rect_empty(dl->clip))
    return 0;
  if (stroke->ndashes < 0 ||
      stroke->ndashes > xr_limits_get(&dl->lim, XR_LIMIT_DASH_ENTRIES))
    return XR_E_LIMIT;
  ras_matrix m = dev_matrix(dl, ctm);
  ras_eb_clear(&dl->eb);
  int rc = ras_stroke_path(&dl->eb, path, &m, stroke, RAS_FLAT_TOL);
  return rc ? rc : add_fill(dl, RAS_NONZERO, paint, &m);
}

static int push(ras_dl *dl, int kind, int pop_kind, uint32_t idx) {
  if (dl->depth >= dl->max_depth)
    return XR_E_LIMIT;
  st_ent *e = &dl->stk[dl->depth++];
  e->kind = kind;
  e->pop_kind = pop_kind;
  e->idx = idx;
  e->saved_clip = dl->clip;
  e->uni = EMPTY;
  e->from_mask = 0;
  e->tile = 0;
  e->first = idx;
  return 0;
}

/* An opaque group may be elided (drawn as its content) unless an opacity
 * mask applies to it: the mask must multiply the group as a whole, or
 * overlapping children would each be masked and double-composite. */
static int mask_applies(const ras_dl *dl) {
  for (int i = dl->depth - 1; i >= 0; i--) {
    if (dl->stk[i].kind == ST_GROUP)
      return 0;
    if (dl->stk[i].from_mask)
      return 1;
  }
  return 0;
}

static int push_clip_eb(ras_dl *dl, int fill_rule);

static int dl_push_clip(void *dev, const ras_path *path, const ras_matrix *ctm,
                        int fill_rule) {
  ras_dl *dl = target(dev);
  if (!dl->begun)
    return XR_E_USAGE;
  if (dl->dropping || rect_empty(dl->clip))
    return push(dl, ST_DROPPED, ST_CLIP, 0);
  ras_matrix m = dev_matrix(dl, ctm);
  ras_eb_clear(&dl->eb);
  int rc = detect_rect(dl, path, &m)
               ? 0
               : ras_eb_fill_path(&dl->eb, path, &m, RAS_FLAT_TOL);
  if (!rc)
    rc = push_clip_eb(dl, fill_rule);
  dl->has_rect = 0;
  return rc;
}

/* Pushes the edges in dl->eb as a clip. */
static int push_clip_eb(ras_dl *dl, int fill_rule) {
  if (dl->dropping || rect_empty(dl->clip))
    return push(dl, ST_DROPPED, ST_CLIP, 0);
  if (dl->eb.err)
    return dl->eb.err;
  rect r = eb_rect(dl);
  if (dl->depth >= dl->max_depth)
    return XR_E_LIMIT;
  uint32_t idx;
  int rc;
  if ((rc = new_cmd(dl, OP_CLIP, &idx)))
    return rc;
  if (!rect_empty(r) && (rc = store_geom(dl, idx, r))) {
    dl->ncmd--;
    return rc;
  }
  cmd *c = &dl->cmds[idx];
  c->rule = fill_rule == RAS_EVENODD ? RAS_EVENODD : RAS_NONZERO;
  c->aliased = (uint8_t)dl->aliased;
  if ((rc = push(dl, ST_CLIP, ST_CLIP, idx))) {
    dl->ncmd--;
    return rc;
  }
  dl->clip = r;
  return 0;
}

/* Closes the top entry, which must be closed by a call of kind pop_kind. */
static int pop(ras_dl *dl, int pop_kind, int end_op) {
  if (!dl->begun)
    return XR_E_USAGE;
  if (dl->depth == 0 || dl->stk[dl->depth - 1].pop_kind != pop_kind ||
      dl->stk[dl->depth - 1].kind == ST_MASK)
    return XR_E_USAGE;
  st_ent e = dl->stk[dl->depth - 1];
  if (e.kind == ST_CLIP || e.kind == ST_GROUP) {
    uint32_t idx;
    int rc = new_cmd(dl, end_op, &idx);
    if (rc)
      return rc;
    cmd *b = &dl->cmds[e.idx];
    b->end = idx;
    dl->cmds[idx].opacity = b->opacity;
    if (e.kind == ST_GROUP) {
      rect u = rect_and(e.uni, e.saved_clip);
      if (rect_empty(u))
        u = EMPTY;
      b->x0 = u.x0;
      b->y0 = u.y0;
      b->x1 = u.x1;
      b->y1 = u.y1;
    }
  }
  if (e.kind == ST_DROPPED && e.pop_kind == ST_GROUP && dl->dropping)
    dl->dropping--;
  dl->depth--;
  if ((e.kind == ST_CLIP || e.kind == ST_GROUP) && rec_depth(dl) == 0) {
    const cmd *b = &dl->cmds[e.idx];
    int rc = index_range(dl, e.first, (uint32_t)dl->ncmd - 1,
                         (rect){b->x0, b->y0, b->x1, b->y1});
    if (rc)
      return rc;
  }
  dl->clip = e.saved_clip;
  note_bbox(dl, e.uni);
  return 0;
}

static int dl_pop_clip(void *dev) {
  return pop(target(dev), ST_CLIP, OP_POPCLIP);
}

static int dl_begin_group(void *dev, float opacity) {
  ras_dl *dl = target(dev);
  if (!dl->begun)
    return XR_E_USAGE;
  int o = to8(opacity);
  if (dl->dropping || rect_empty(dl->clip) || o == 0) {
    int rc = push(dl, ST_DROPPED, ST_GROUP, 0);
    if (!rc)
      dl->dropping++;
    return rc;
  }
  /* An opaque group composites exactly like its content drawn directly. */
  if (o == 255 && !mask_applies(dl))
    return push(dl, ST_ELIDED, ST_GROUP, 0);
  if (dl->depth >= dl->max_depth)
    return XR_E_LIMIT;
  uint32_t idx;
  int rc = new_cmd(dl, OP_GROUP, &idx);
  if (rc)
    return rc;
  cmd *c = &dl->cmds[idx];
  c->opacity = (uint8_t)o;
  /* Until end_group narrows it, the group may cover the whole clip. */
  c->x0 = dl->clip.x0;
  c->y0 = dl->clip.y0;
  c->x1 = dl->clip.x1;
  c->y1 = dl->clip.y1;
  if ((rc = push(dl, ST_GROUP, ST_GROUP, idx))) {
    dl->ncmd--;
    return rc;
  }
  dl->transparency = 1;
  return 0;
}

static int dl_end_group(void *dev) {
  return pop(target(dev), ST_GROUP, OP_ENDGROUP);
}

static int dl_set_aliased(void *dev, int aliased) {
  ras_dl *dl = target(dev);
  dl->aliased = aliased != 0;
  return 0;
}

static int dl_begin_mask(void *dev) {
  ras_dl *dl = target(dev);
  if (!dl->begun)
    return XR_E_USAGE;
  if (dl->dropping || rect_empty(dl->clip)) {
    int rc = push(dl, ST_DROPPED, ST_CLIP, 0);
    if (!rc)
      dl->stk[dl->depth - 1].kind = ST_DROPPED, dl->dropping++;
    /* Marked as a mask so end_mask finds it; dropping is undone there. */
    if (!rc)
      dl->stk[dl->depth - 1].pop_kind = ST_MASK;
    return rc;
  }
  if (dl->depth >= dl->max_depth)
    return XR_E_LIMIT;
  uint32_t idx;
  int rc = new_cmd(dl, OP_MASK, &idx);
  if (rc)
    return rc;
  cmd *c = &dl->cmds[idx];
  c->x0 = dl->clip.x0;
  c->y0 = dl->clip.y0;
  c->x1 = dl->clip.x1;
  c->y1 = dl->clip.y1;
  if ((rc = push(dl, ST_MASK, ST_MASK, idx))) {
    dl->ncmd--;
    return rc;
  }
  dl->transparency = 1;
  return 0;
}

static int dl_end_mask(void *dev) {
  ras_dl *dl = target(dev);
  if (!dl->begun || dl->depth == 0 ||
      dl->stk[dl->depth - 1].pop_kind != ST_MASK)
    return XR_E_USAGE;
  st_ent *e = &dl->stk[dl->depth - 1];
  if (e->kind == ST_DROPPED) {
    /* Content was invisible; the mask clips everything until pop_clip,
     * which stays a dropped clip. */
    e->pop_kind = ST_CLIP;
    dl->clip = EMPTY;
    dl->dropping--;
    return 0;
  }
  uint32_t idx;
  int rc = new_cmd(dl, OP_ENDMASK, &idx);
  if (rc)
    return rc;
  rect u = rect_and(e->uni, e->saved_clip);
  if (rect_empty(u))
    u = EMPTY;
  cmd *b = &dl->cmds[e->idx], *c = &dl->cmds[idx];
  b->end = idx;
  b->x0 = c->x0 = u.x0;
  b->y0 = c->y0 = u.y0;
  b->x1 = c->x1 = u.x1;
  b->y1 = c->y1 = u.y1;
  /* The entry now acts as the clip the mask pushed. */
  e->kind = ST_CLIP;
  e->pop_kind = ST_CLIP;
  e->from_mask = 1;
  e->idx = idx;
  e->uni = EMPTY;
  dl->clip = u;
  return 0;
}

static int dl_begin_tile(void *dev, const ras_path *path, const ras_matrix *ctm,
                         int fill_rule, const ras_stroke *stroke,
                         const ras_tile *tile);
static int dl_end_tile(void *dev);

/* Glyph runs with a solid paint become one GLYPHS command drawn from the
 * glyph cache; other paints, and glyphs too big for the cache, are filled
 * as outlines. */
static int dl_fill_glyphs(void *dev, const ras_glyph_run *run,
                          const ras_matrix *ctm, const ras_paint *paint) {
  ras_dl *dl = target(dev);
  if (!dl->begun)
    return XR_E_USAGE;
  if (dl->dropping || rect_empty(dl->clip) || !run || !run->n)
    return 0;
  ras_path big;
  ras_path_init(&big, 0);
  int rc = 0;
  if (paint->kind != RAS_PAINT_SOLID) {
    rc = ras_glyph_run_path(run, &big, NULL);
    if (!rc)
      rc = dl_fill_path(dl, &big, ctm, RAS_NONZERO, paint);
    ras_path_reset(&big);
    return rc;
  }
  int a = to8(paint->solid.a);
  if (!a)
    return 0;
  ras_matrix m = dev_matrix(dl, ctm);
  if (dl->gcache && !dl->glyphs &&
      (rc = ras_glyph_list_set_cache(&dl->glyphs, dl->gcache)))
    return rc;
  uint32_t ref;
  int32_t bb[4];
  rc = ras_glyph_list_add(&dl->glyphs, run, &m, &big, &ref, bb);
  if (rc == 1) {
    rect r = rect_and((rect){bb[0], bb[1], bb[2], bb[3]}, dl->clip);
    r = rect_and(r, (rect){0, 0, dl->w, dl->h});
    uint32_t idx;
    rc = 0;
    if (!rect_empty(r) && !(rc = new_cmd(dl, OP_GLYPHS, &idx))) {
      cmd *c = &dl->cmds[idx];
      c->gref = ref;
      c->x0 = r.x0;
      c->y0 = r.y0;
      c->x1 = r.x1;
      c->y1 = r.y1;
      c->rgb[0] = (uint8_t)to8(paint->solid.r);
      c->rgb[1] = (uint8_t)to8(paint->solid.g);
      c->rgb[2] = (uint8_t)to8(paint->solid.b);
      c->gray =
          (uint8_t)((c->rgb[0] * 77 + c->rgb[1] * 150 + c->rgb[2] * 29 + 128) >>
                    8);
      c->alpha = (uint8_t)a;
      note_bbox(dl, r);
      if (rec_depth(dl) == 0)
        rc = index_range(dl, idx, idx, r);
    }
  }
  if (rc >= 0 && big.nverbs) {
    ras_eb_clear(&dl->eb);
    rc = ras_eb_fill_path(&dl->eb, &big, &m, RAS_FLAT_TOL);
    if (!rc)
      rc = add_fill(dl, RAS_NONZERO, paint, &m);
  }
  ras_path_reset(&big);
  return rc < 0 ? rc : 0;
}

void ras_dl_set_glyph_cache(ras_dl *dl, ras_glyph_cache *cache) {
  dl->gcache = cache;
}

const ras_device_fns ras_dl_device = {
    .begin_page = dl_begin_page,
    .fill_path = dl_fill_path,
    .stroke_path = dl_stroke_path,
    .push_clip = dl_push_clip,
    .pop_clip = dl_pop_clip,
    .begin_group = dl_begin_group,
    .end_group = dl_end_group,
    .set_aliased = dl_set_aliased,
    .begin_mask = dl_begin_mask,
    .end_mask = dl_end_mask,
    .begin_tile = dl_begin_tile,
    .end_tile = dl_end_tile,
    .fill_glyphs = dl_fill_glyphs,
};

void ras_dl_set_output(ras_dl *dl, const ras_cms_out *out) {
  dl->out = out;
}

/* ---- tiles -------------------------------------------------------------- */

/* The area a tile paints, into dl->eb; returns the fill rule to use. */
static int build_area(ras_dl *dl, const ras_path *path, const ras_matrix *m,
                      int fill_rule, const ras_stroke *stroke, int *rule) {
  ras_eb_clear(&dl->eb);
  if (stroke) {
    *rule = RAS_NONZERO;
    if (stroke->ndashes < 0 ||
        stroke->ndashes > xr_limits_get(&dl->lim, XR_LIMIT_DASH_ENTRIES))
      return XR_E_LIMIT;
    return ras_stroke_path(&dl->eb, path, m, stroke, RAS_FLAT_TOL);
  }
  *rule = fill_rule;
  return ras_eb_fill_path(&dl->eb, path, m, RAS_FLAT_TOL);
}

/* TileMode=None: the base tile drawn in place, clipped to the area and to
 * the tile cell, as a group with the tile's opacity. No bitmap, so it is
 * banded like everything else however large the tile. */
static int tile_in_place(ras_dl *dl, int rule, const ras_matrix *T,
                         const ras_tile *tile, int visible) {
  if (dl->depth + 3 > dl->max_depth)
    return XR_E_LIMIT;
  if (!visible)
    ras_eb_clear(&dl->eb);
  int rc = push_clip_eb(dl, rule);
  if (rc)
    return rc;
  dl->stk[dl->depth - 1].tile = 1;
  ras_eb_clear(&dl->eb);
  if (visible) {
    double cx[4] = {tile->x, tile->x + tile->w, tile->x + tile->w, tile->x};
    double cy[4] = {tile->y, tile->y, tile->y + tile->h, tile->y + tile->h};
    for (int i = 0; i < 4; i++) {
      double x, y;
      ras_matrix_apply(T, cx[i], cy[i], &x, &y);
      if (i == 0)
        ras_eb_move(&dl->eb, x, y);
      else
        ras_eb_line(&dl->eb, x, y);
    }
    ras_eb_close(&dl->eb);
  }
  if ((rc = push_clip_eb(dl, RAS_NONZERO)) ||
      (rc = dl_begin_group(dl, visible ? tile->opacity : 0))) {
    while (dl->depth > 0 && !dl->stk[dl->depth - 1].tile)
      pop(dl, ST_CLIP, OP_POPCLIP);
    pop(dl, ST_CLIP, OP_POPCLIP);
    return rc;
  }
  dl->tiles_open++;
  return 0;
}

static int dl_begin_tile(void *dev, const ras_path *path, const ras_matrix *ctm,
                         int fill_rule, const ras_stroke *stroke,
                         const ras_tile *tile) {
  ras_dl *dl = target(dev);
  if (!dl->begun || !tile)
    return XR_E_USAGE;
  if (dl->tile_depth >= xr_limits_get(&dl->lim, XR_LIMIT_RESOURCE_DEPTH))
    return XR_E_LIMIT;
  ras_matrix m = dev_matrix(dl, ctm);
  ras_matrix T = ras_matrix_concat(tile->m, m), invT;
  int visible = tile->w > 0 && tile->h > 0 && isfinite(tile->x + tile->y) &&
                isfinite(tile->w + tile->h) && tile->opacity > 0 &&
                !dl->dropping && !rect_empty(dl->clip) &&
                !ras_matrix_invert(&T, &invT);
  int rule = fill_rule, rc = 0;
  if (visible)
    rc = build_area(dl, path, &m, fill_rule, stroke, &rule);
  if (rc)
    return rc;
  rect r = visible ? eb_rect(dl) : EMPTY;
  if (rect_empty(r))
    visible = 0;
  if (!visible || tile->mode == RAS_TILE_NONE)
    return tile_in_place(dl, rule, &T, tile, visible);

  /* Repeating: the content goes to a list of its own whose device is a
   * bitmap of the base tile in tile space (so rotated tiles repeat along
   * their own axes), about one bitmap pixel per device pixel, capped. */
  double ex = hypot(T.a, T.b), ey = hypot(T.c, T.d);
  double W = fmax(1, round(tile->w * ex)), H = fmax(1, round(tile->h * ey));
  if (!(W * H <= RAS_TILE_MAX_PIXELS)) {
    double k = sqrt(RAS_TILE_MAX_PIXELS / (W * H));
    W = fmax(1, floor(W * k));
    H = fmax(1, floor(H * k));
    if (W * H > RAS_TILE_MAX_PIXELS)
      W = H = 1; /* absurd aspect ratio */
  }
  uint32_t pidx;
  if ((rc = grow(dl, (void **)&dl->paints, &dl->cappaints, dl->npaints + 1,
                 sizeof(dl_paint))))
    return rc;
  dl_paint *p = &dl->paints[dl->npaints];
  memset(p, 0, sizeof *p);
  p->kind = PAINT_TILE;
  pidx = (uint32_t)++dl->npaints;
  ras_paint solid;
  memset(&solid, 0, sizeof solid);
  if ((rc = record_fill(dl, rule, &solid, 255, pidx, r)))
    return rc;
  ras_dl *c = calloc(1, sizeof *c);
  if (!c)
    return XR_E_NOMEM;
  c->dpi = dl->dpi;
  c->scale = dl->scale;
  c->lim = dl->lim;
  c->max_depth = dl->max_depth;
  c->max_bytes = dl->max_bytes - dl->bytes;
  c->stk = calloc((size_t)c->max_depth + 1, sizeof *c->stk);
  if (!c->stk) {
    free(c);
    return XR_E_NOMEM;
  }
  c->w = (int)W;
  c->h = (int)H;
  ras_eb_init(&c->eb, c->w, c->h, c->max_bytes / sizeof(ras_edge));
  c->clip = (rect){0, 0, c->w, c->h};
  if (index_init(c)) {
    ras_dl_drop(c);
    return XR_E_NOMEM;
  }
  ras_matrix to_bitmap =
      ras_matrix_concat(ras_matrix_translate(-tile->x, -tile->y),
                        ras_matrix_scale(W / tile->w, H / tile->h));
  c->post = ras_matrix_concat(dl->post, ras_matrix_concat(invT, to_bitmap));
  c->begun = 1;
  c->aliased = dl->aliased;
  c->parent = dl;
  c->tile_depth = dl->tile_depth + 1;
  c->tile_paint = pidx;
  c->tile = *tile;
  c->tile_T = T;
  c->out = dl->out;
  c->gcache = dl->gcache;
  dl->child = c;
  return 0;
}

/* Renders the finished tile list c (dl->child) into its paint. */
static int finish_tile(ras_dl *dl) {
  ras_dl *c = dl->child;
  dl->child = NULL;
  size_t bytes = (size_t)c->w * (size_t)c->h * 4;
  int rc = 0;
  uint8_t *px = NULL;
  ras_image *img = NULL;
  if (dl->bytes + bytes > dl->max_bytes) {
    rc = XR_E_LIMIT;
    goto done;
  }
  px = calloc(bytes, 1);
  img = calloc(1, sizeof *img);
  if (!px || !img) {
    rc = XR_E_NOMEM;
    goto done;
  }
  if ((rc = ras_dl_render_rgba(c, px, (size_t)c->w * 4)))
    goto done;
  atomic_init(&img->refs, 1);
  img->w = c->w;
  img->h = c->h;
  img->n = 3;
  img->alpha = 1;
  img->xdpi = img->ydpi = 96;
  img->nlevels = 1;
  img->lv[0] = (ras_mip){c->w, c->h, px};
  px = NULL;
  /* Mip levels (a third more memory) keep a tile that ends up smaller on
   * the page than its bitmap from aliasing. */
  ras_image_build_mips(img);
  dl->bytes += bytes + bytes / 3;
  const ras_tile *t = &c->tile;
  ras_matrix to_dev = ras_matrix_concat(
      ras_matrix_concat(ras_matrix_scale(t->w / c->w, t->h / c->h),
                        ras_matrix_translate(t->x, t->y)),
      c->tile_T);
  double cell[4] = {0, 0, c->w, c->h};
  dl_paint *p = &dl->paints[c->tile_paint - 1];
  ras_image_sampler_init(&p->samp, img, &to_dev, cell, t->mode, t->opacity);
  p->img = img;
  p->samp.img = img;
  img = NULL;
done:
  free(px);
  ras_image_drop(img);
  ras_dl_drop(c);
  return rc;
}

static int dl_end_tile(void *dev) {
  ras_dl *t = target(dev);
  if (t->tiles_open > 0) {
    int d = t->depth;
    if (d < 3 || t->stk[d - 1].pop_kind != ST_GROUP ||
        t->stk[d - 2].pop_kind != ST_CLIP || t->stk[d - 2].kind == ST_MASK ||
        !t->stk[d - 3].tile)
      return XR_E_USAGE;
    int rc = pop(t, ST_GROUP, OP_ENDGROUP);
    if (!rc)
      rc = pop(t, ST_CLIP, OP_POPCLIP);
    if (!rc)
      rc = pop(t, ST_CLIP, OP_POPCLIP);
    t->tiles_open--;
    return rc;
  }
  if (!t->parent || t->depth != 0)
    return XR_E_USAGE;
  return finish_tile(t->parent);
}
