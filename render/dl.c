/* Display list: recording device and band replay (see dl.h).
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

#include "render/cms_out.h"
#include "render/comp.h"
#include "render/edges.h"
#include "render/glyph_list.h"
#include "render/image.h"
#include "render/paint.h"
#include "render/scan.h"
#include "render/stroke.h"
#include "xpsraster/error.h"

enum op {
  OP_FILL,
  OP_CLIP,
  OP_POPCLIP,
  OP_GROUP,
  OP_ENDGROUP,
  OP_MASK,
  OP_ENDMASK,
  OP_GLYPHS
};

#define NO_END UINT32_MAX

typedef struct cmd {
  uint8_t op, rule, aliased, opacity;
  uint8_t rgb[3], gray, alpha;
  int32_t x0, y0, x1, y1; /* device bbox, exclusive ends */
  uint32_t end;           /* matching end for CLIP, GROUP, MASK, ENDMASK */
  uint32_t paint;         /* FILL: 0 solid, else dl->paints[paint - 1] */
  uint32_t gref;          /* GLYPHS: run in dl->glyphs */
  uint8_t isrect;         /* FILL/CLIP: an axis-aligned rectangle, rfx */
  int32_t rfx[4];         /* its x0, y0, x1, y1 in 24.8, inside the page */
  size_t eoff;            /* first edge in dl->edges */
  size_t ioff;            /* block index in dl->bidx */
} cmd;

typedef struct rect {
  int32_t x0, y0, x1, y1;
} rect;

/* Paint kind of a repeating tile's bitmap (not a device paint kind). */
#define PAINT_TILE (-1)

/* A non-solid paint, prepared at record time and shared by the bands. */
typedef struct dl_paint {
  int kind;
  ras_shader *sh;         /* gradients */
  ras_image *img;         /* images: a reference */
  ras_image_sampler samp; /* images */
} dl_paint;

/* A top-level unit of the band index: commands [first, last]. */
typedef struct unit {
  uint32_t first, last;
} unit;
typedef struct unit_vec {
  unit *u;
  size_t n, cap;
} unit_vec;
/* A unit spanning more blocks than this goes to the shared wide list, so
 * that the index stays O(units) in memory whatever the unit sizes. */
#define WIDE_BLOCKS 8

/* Recording stack entry. */
enum { ST_CLIP, ST_GROUP, ST_MASK, ST_ELIDED, ST_DROPPED };
typedef struct st_ent {
  int kind;
  int pop_kind; /* ST_CLIP or ST_GROUP: which call closes it */
  uint32_t idx; /* command index */
  rect saved_clip;
  rect uni;       /* union of the content's bboxes */
  int from_mask;  /* a clip pushed by end_mask */
  int tile;       /* the first of a TileMode=None tile's three entries */
  uint32_t first; /* first command of the construct (MASK for a mask) */
} st_ent;

struct ras_dl {
  double dpi, scale;
  xr_limits lim;
  int w, h, begun;
  cmd *cmds;
  size_t ncmd, capcmd;
  ras_edge *edges;
  size_t nedge, capedge;
  uint32_t *bidx;
  size_t nbidx, capbidx;
  dl_paint *paints;
  size_t npaints, cappaints;
  size_t bytes, max_bytes;
  ras_edgebuf eb;
  int aliased;
  int transparency;
  int dropping; /* > 0 inside a fully transparent group */
  rect clip;    /* clip bbox in force */
  st_ent *stk;
  int depth, max_depth;
  const ras_cms_out *out; /* CMYK/mono conversion; NULL: naive (issue 8) */
  ras_matrix post;        /* page space -> device pixels */
  ras_dl *child;          /* open repeating tile: calls go there */
  ras_dl *parent;         /* for a tile's content list */
  int tile_depth;         /* tiles around this list */
  int tiles_open;         /* TileMode=None tiles open on this list's stack */
  uint32_t tile_paint;    /* parent paint that receives this tile's bitmap */
  double tile_w, tile_h;  /* bitmap size in pixels (exact tile cell) */
  ras_tile tile;          /* parameters of this tile */
  ras_matrix tile_T;      /* tile space -> parent device */
  /* Band index: per 32-row block, the first and last top-level command
   * (leaf, or whole clip/group/mask construct) that touches it, so a band
   * walks only its part of the list. */
  unit_vec *blk; /* per block: narrow units, in increasing order */
  unit_vec wide; /* units touching more than WIDE_BLOCKS blocks */
  int nblk;
  int has_rect; /* the geometry being recorded is rect_fx, not eb */
  int32_t rect_fx[4];
  ras_glyph_list *glyphs;  /* glyph runs, created on first use */
  ras_glyph_cache *gcache; /* shared glyph cache (borrowed), or NULL */
};

/* The list that receives calls: the innermost open repeating tile. */
static ras_dl *target(void *dev) {
  ras_dl *dl = dev;
  while (dl->child)
    dl = dl->child;
  return dl;
}

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

/* ---- replay ------------------------------------------------------------- */

/* Band scratch for masks and layers: they nest, so a stack of chunks kept
 * across bands replaces a malloc (often an mmap with page faults) per
 * layer per band. */
typedef struct chunk {
  uint8_t *p;
  size_t cap, used;
} chunk;
typedef struct mark {
  int chunk;
  size_t used;
} mark;
#define CHUNK_MIN ((size_t)1 << 20)

typedef struct rs_ent {
  mark m; /* arena position before this entry's allocation */
  int op;
  ras_surf *saved_dst;
  const ras_mask *saved_clip;
  ras_surf layer;
  ras_mask mask;
  int opacity;
} rs_ent;

struct ras_render_ctx {
  ras_scan scan;
  uint8_t *tmp;  /* span scratch, width bytes */
  uint8_t *work; /* band in the working format for CMYK8 / MONO1 */
  size_t tmp_cap, work_cap;
  rs_ent *stk;
  int depth, cap_depth;
  chunk *chunks;
  int nchunks, cur;
};

/* n zeroed bytes from the arena; *m receives the position to release to. */
static uint8_t *arena_alloc(ras_render_ctx *ctx, size_t n, mark *m) {
  if (!ctx->nchunks || ctx->cur >= ctx->nchunks) {
    ctx->cur = 0;
    if (ctx->nchunks)
      ctx->chunks[0].used = 0;
  }
  m->chunk = ctx->cur;
  m->used = ctx->nchunks ? ctx->chunks[ctx->cur].used : 0;
  chunk *c = ctx->nchunks ? &ctx->chunks[ctx->cur] : NULL;
  if (!c || c->cap - c->used < n) {
    int next = c ? ctx->cur + 1 : 0;
    if (next < ctx->nchunks && ctx->chunks[next].cap < n) {
      free(ctx->chunks[next].p);
      ctx->chunks[next].p = NULL;
      ctx->chunks[next].cap = 0;
    }
    if (next >= ctx->nchunks) {
      chunk *nc = realloc(ctx->chunks, (size_t)(next + 1) * sizeof *nc);
      if (!nc)
        return NULL;
      ctx->chunks = nc;
      ctx->chunks[next] = (chunk){NULL, 0, 0};
      ctx->nchunks = next + 1;
    }
    c = &ctx->chunks[next];
    if (!c->p) {
      size_t cap = n > CHUNK_MIN ? n : CHUNK_MIN;
      c->p = malloc(cap);
      if (!c->p)
        return NULL;
      c->cap = cap;
    }
    c->used = 0;
    ctx->cur = next;
  }
  uint8_t *r = c->p + c->used;
  c->used += (n + 15) & ~(size_t)15;
  if (c->used > c->cap)
    c->used = c->cap;
  memset(r, 0, n);
  return r;
}

static void arena_release(ras_render_ctx *ctx, const mark *m) {
  if (m->chunk < ctx->nchunks) {
    ctx->cur = m->chunk;
    ctx->chunks[m->chunk].used = m->used;
  }
}

int ras_render_ctx_new(ras_render_ctx **out) {
  *out = calloc(1, sizeof **out);
  if (!*out)
    return XR_E_NOMEM;
  ras_scan_init(&(*out)->scan);
  return 0;
}

static void unwind(ras_render_ctx *ctx) {
  ctx->depth = 0;
  for (int i = 0; i < ctx->nchunks; i++)
    free(ctx->chunks[i].p);
  free(ctx->chunks);
  ctx->chunks = NULL;
  ctx->nchunks = ctx->cur = 0;
}

void ras_render_ctx_drop(ras_render_ctx *ctx) {
  if (!ctx)
    return;
  unwind(ctx);
  ras_scan_free(&ctx->scan);
  free(ctx->tmp);
  free(ctx->work);
  free(ctx->stk);
  free(ctx);
}

static int reserve_bytes(uint8_t **p, size_t *cap, size_t n) {
  if (n <= *cap && *p)
    return 0;
  uint8_t *q = realloc(*p, n ? n : 1);
  if (!q)
    return XR_E_NOMEM;
  *p = q;
  *cap = n;
  return 0;
}

typedef struct band {
  const ras_dl *dl;
  ras_render_ctx *ctx;
  int y0, y1;
  ras_surf *dst;
  const ras_mask *clip;
} band;

/* Runs the scan converter for command c over the band, block by block. */
/* Coverage of fx * fy (each in 1/256 pixel), rounded as the scan converter
 * rounds. */
static inline uint8_t rect_cov(int32_t fx, int32_t fy) {
  return (uint8_t)(((uint32_t)(fx * fy) * 2u * 255u + (1u << 16)) >> 17);
}

/* Spans of an axis-aligned rectangle command over the band. */
static void scan_rect(band *b, const cmd *c, ras_span_fn fn, void *ud) {
  int ra = c->y0 > b->y0 ? c->y0 : b->y0;
  int rb = c->y1 < b->y1 ? c->y1 : b->y1;
  int32_t X0 = c->rfx[0], Y0 = c->rfx[1], X1 = c->rfx[2], Y1 = c->rfx[3];
  const int32_t H = RAS_FIX_ONE / 2;
  for (int y = ra; y < rb; y++) {
    int32_t top = y << RAS_FIX_SHIFT, bot = top + RAS_FIX_ONE;
    if (c->aliased) {
      /* Pixel centres inside [X0, X1) x [Y0, Y1). */
      if (top + H < Y0 || top + H >= Y1)
        continue;
      int xa = (X0 - H + RAS_FIX_ONE - 1) >> RAS_FIX_SHIFT;
      int xb = (X1 - H + RAS_FIX_ONE - 1) >> RAS_FIX_SHIFT;
      if (xb > xa)
        fn(ud, y, xa, xb - xa, NULL, 255);
      continue;
    }
    int32_t fy = (Y1 < bot ? Y1 : bot) - (Y0 > top ? Y0 : top);
    if (fy <= 0)
      continue;
    int cx0 = X0 >> RAS_FIX_SHIFT, cx1 = (X1 - 1) >> RAS_FIX_SHIFT;
    uint8_t a;
    if (cx0 == cx1) {
      if ((a = rect_cov(X1 - X0, fy)))
        fn(ud, y, cx0, 1, &a, 0);
      continue;
    }
    int mid0 = cx0, mid1 = cx1 + 1;
    if (X0 & (RAS_FIX_ONE - 1)) {
      if ((a = rect_cov(((cx0 + 1) << RAS_FIX_SHIFT) - X0, fy)))
        fn(ud, y, cx0, 1, &a, 0);
      mid0 = cx0 + 1;
    }
    uint8_t ar = 0;
    if (X1 & (RAS_FIX_ONE - 1)) {
      ar = rect_cov(X1 - (cx1 << RAS_FIX_SHIFT), fy);
      mid1 = cx1;
    }
    if (mid1 > mid0 && (a = rect_cov(RAS_FIX_ONE, fy)))
      fn(ud, y, mid0, mid1 - mid0, NULL, a);
    if (ar)
      fn(ud, y, cx1, 1, &ar, 0);
  }
}

static void scan_cmd(band *b, const cmd *c, ras_span_fn fn, void *ud) {
  if (c->isrect) {
    scan_rect(b, c, fn, ud);
    return;
  }
  const ras_dl *dl = b->dl;
  int ra = c->y0 > b->y0 ? c->y0 : b->y0;
  int rb = c->y1 < b->y1 ? c->y1 : b->y1;
  int cb0 = c->y0 >> RAS_BLOCK_SHIFT;
  const uint32_t *ix = dl->bidx + c->ioff;
  const ras_edge *e = dl->edges + c->eoff;
  for (int r0 = ra; r0 < rb;) {
    int blk = r0 >> RAS_BLOCK_SHIFT;
    int r1 = (blk + 1) << RAS_BLOCK_SHIFT;
    if (r1 > rb)
      r1 = rb;
    uint32_t i0 = ix[blk - cb0], i1 = ix[blk - cb0 + 1];
    ras_scan_fill(&b->ctx->scan, e + i0, i1 - i0, r0, r1, c->rule, c->aliased,
                  c->x0, c->x1, fn, ud);
    r0 = r1;
  }
}

static int hits(const band *b, const cmd *c) {
  return c->x0 < c->x1 && c->y0 < b->y1 && c->y1 > b->y0 && c->y0 < c->y1;
}

static void do_fill(band *b, const cmd *c) {
  if (c->paint) {
    const dl_paint *p = &b->dl->paints[c->paint - 1];
    if (p->sh) {
      ras_shade_fill f = {b->dst, b->clip, p->sh, b->ctx->tmp};
      scan_cmd(b, c, ras_shade_fill_span, &f);
    } else if (p->img && p->samp.ok) {
      ras_image_fill f = {b->dst, b->clip, &p->samp, b->ctx->tmp};
      scan_cmd(b, c, ras_image_fill_span, &f);
    }
    return;
  }
  ras_fill f;
  memset(&f, 0, sizeof f);
  f.dst = b->dst;
  f.clip = b->clip;
  f.a = c->alpha;
  f.tmp = b->ctx->tmp;
  if (b->dst->nc == 1)
    f.c[0] = c->gray;
  else
    memcpy(f.c, c->rgb, 3);
  scan_cmd(b, c, ras_comp_fill_span, &f);
}

static int push_ent(ras_render_ctx *ctx, rs_ent **out) {
  if (ctx->depth == ctx->cap_depth) {
    int n = ctx->cap_depth ? ctx->cap_depth * 2 : 16;
    rs_ent *s = realloc(ctx->stk, (size_t)n * sizeof *s);
    if (!s)
      return XR_E_NOMEM;
    ctx->stk = s;
    ctx->cap_depth = n;
  }
  *out = &ctx->stk[ctx->depth++];
  memset(*out, 0, sizeof **out);
  return 0;
}

/* Band-clipped rect of command c, as a zeroed mask/layer of bpp bytes. */
static int alloc_area(band *b, const cmd *c, int bpp, mark *m, uint8_t **data,
                      size_t *stride, int *x0, int *y0, int *x1, int *y1) {
  *x0 = c->x0;
  *x1 = c->x1;
  *y0 = c->y0 > b->y0 ? c->y0 : b->y0;
  *y1 = c->y1 < b->y1 ? c->y1 : b->y1;
  *stride = (size_t)(*x1 - *x0) * (size_t)bpp;
  *data = arena_alloc(b->ctx, (size_t)(*y1 - *y0) * *stride + 1, m);
  return *data ? 0 : XR_E_NOMEM;
}

static void end_layer(band *b, rs_ent *e) {
  ras_comp_layer(e->saved_dst, &e->layer, e->opacity, e->saved_clip);
  arena_release(b->ctx, &e->m);
  e->layer.data = NULL;
  b->dst = e->saved_dst;
  b->clip = e->saved_clip;
}

static int replay_range(band *b, size_t i0, size_t i1);

/* Replays the units of the band: the lists of its blocks and the wide
 * list, merged in command order (a unit listed in several blocks runs
 * once), then anything a stopped interpreter left open. */
static int replay(band *b) {
  const ras_dl *dl = b->dl;
  ras_render_ctx *ctx = b->ctx;
  int rc = 0;
  enum { MAXSRC = 64 };
  const unit_vec *src[MAXSRC + 1];
  size_t pos[MAXSRC + 1];
  int nsrc = 0;
  int b0 = b->y0 >> RAS_BLOCK_SHIFT, b1 = (b->y1 - 1) >> RAS_BLOCK_SHIFT;
  if (dl->blk && b1 - b0 < MAXSRC) {
    for (int k = b0; k <= b1 && k < dl->nblk; k++)
      if (dl->blk[k].n)
        src[nsrc++] = &dl->blk[k];
    if (dl->wide.n)
      src[nsrc++] = &dl->wide;
  }
  size_t done = 0; /* commands below this index have run */
  if (dl->blk && b1 - b0 < MAXSRC) {
    memset(pos, 0, sizeof pos);
    for (;;) {
      int best = -1;
      for (int k = 0; k < nsrc; k++)
        if (pos[k] < src[k]->n &&
            (best < 0 ||
             src[k]->u[pos[k]].first < src[best]->u[pos[best]].first))
          best = k;
      if (best < 0 || rc)
        break;
      unit u = src[best]->u[pos[best]++];
      if (u.first < done)
        continue; /* the same unit from another block */
      rc = replay_range(b, u.first, (size_t)u.last + 1);
      done = (size_t)u.last + 1;
    }
  } else {
    /* Very tall bands: walk everything. */
    rc = replay_range(b, 0, dl->ncmd);
    done = dl->ncmd;
  }
  if (dl->depth > 0 && !rc) {
    /* Constructs still open (an unfinished list) are not indexed. */
    size_t f = dl->ncmd;
    for (int k = 0; k < dl->depth; k++)
      if (dl->stk[k].kind == ST_CLIP || dl->stk[k].kind == ST_GROUP ||
          dl->stk[k].kind == ST_MASK) {
        f = dl->stk[k].first;
        break;
      }
    if (f < done)
      f = done;
    rc = replay_range(b, f, dl->ncmd);
  }
  /* An unfinished list (the interpreter stopped early): finish groups. */
  while (ctx->depth > 0) {
    rs_ent *e = &ctx->stk[--ctx->depth];
    if (e->layer.data && e->op == OP_GROUP && !rc)
      end_layer(b, e);
    arena_release(ctx, &e->m);
    e->layer.data = e->mask.data = NULL;
    b->clip = e->saved_clip;
    if (e->saved_dst)
      b->dst = e->saved_dst;
  }
  return rc;
}

/* Replays commands [i0, i1). */
static int replay_range(band *b, size_t i0, size_t i1) {
  const ras_dl *dl = b->dl;
  ras_render_ctx *ctx = b->ctx;
  int rc = 0;
  for (size_t i = i0; i < i1 && i < dl->ncmd && !rc; i++) {
    const cmd *c = &dl->cmds[i];
    rs_ent *e;
    switch (c->op) {
    case OP_FILL:
      if (hits(b, c))
        do_fill(b, c);
      break;
    case OP_GLYPHS:
      if (hits(b, c)) {
        ras_fill f = {
            .dst = b->dst, .clip = b->clip, .a = c->alpha, .tmp = b->ctx->tmp};
        if (b->dst->nc == 1)
          f.c[0] = c->gray;
        else
          memcpy(f.c, c->rgb, 3);
        int ya = c->y0 > b->y0 ? c->y0 : b->y0;
        int yb = c->y1 < b->y1 ? c->y1 : b->y1;
        rc = ras_glyph_list_draw(dl->glyphs, c->gref, ya, yb,
                                 ras_comp_fill_span, &f);
      }
      break;
    case OP_CLIP:
      if (!hits(b, c)) {
        i = c->end == NO_END ? dl->ncmd : c->end;
        break;
      }
      if ((rc = push_ent(ctx, &e)))
        break;
      e->op = OP_CLIP;
      e->saved_clip = b->clip;
      rc = alloc_area(b, c, 1, &e->m, &e->mask.data, &e->mask.stride,
                      &e->mask.x0, &e->mask.y0, &e->mask.x1, &e->mask.y1);
      if (rc)
        break;
      ras_mask_build mb = {&e->mask, b->clip};
      scan_cmd(b, c, ras_comp_mask_span, &mb);
      b->clip = &e->mask;
      break;
    case OP_POPCLIP:
      if (ctx->depth == 0)
        break;
      e = &ctx->stk[--ctx->depth];
      arena_release(ctx, &e->m);
      b->clip = e->saved_clip;
      break;
    case OP_GROUP:
    case OP_MASK:
      if (!hits(b, c)) {
        size_t end = c->end;
        if (c->op == OP_MASK && end != NO_END)
          end = dl->cmds[end].end;
        i = end == NO_END ? dl->ncmd : end;
        break;
      }
      if ((rc = push_ent(ctx, &e)))
        break;
      e->op = c->op;
      e->opacity = c->opacity;
      e->saved_dst = b->dst;
      e->saved_clip = b->clip;
      e->layer.nc = c->op == OP_GROUP ? b->dst->nc : 0;
      e->layer.alpha = 1;
      rc = alloc_area(b, c, e->layer.nc + 1, &e->m, &e->layer.data,
                      &e->layer.stride, &e->layer.x0, &e->layer.y0,
                      &e->layer.x1, &e->layer.y1);
      if (rc)
        break;
      b->dst = &e->layer;
      b->clip = NULL;
      break;
    case OP_ENDGROUP:
      if (ctx->depth == 0)
        break;
      e = &ctx->stk[--ctx->depth];
      end_layer(b, e);
      break;
    case OP_ENDMASK: {
      if (ctx->depth == 0)
        break;
      e = &ctx->stk[ctx->depth - 1];
      /* The mask layer's alpha, times the clip in force, becomes a clip. */
      ras_surf l = e->layer;
      ras_mask m = {l.data, l.stride, l.x0, l.y0, l.x1, l.y1};
      const ras_mask *pc = e->saved_clip;
      for (int y = l.y0; y < l.y1 && pc; y++) {
        uint8_t *row = l.data + (size_t)(y - l.y0) * l.stride;
        if (y < pc->y0 || y >= pc->y1) {
          memset(row, 0, (size_t)(l.x1 - l.x0));
          continue;
        }
        const uint8_t *cr = pc->data + (size_t)(y - pc->y0) * pc->stride;
        for (int x = l.x0; x < l.x1; x++)
          row[x - l.x0] = x < pc->x0 || x >= pc->x1
                              ? 0
                              : (uint8_t)ras_div255(row[x - l.x0] *
                                                    (uint32_t)cr[x - pc->x0]);
      }
      e->op = OP_CLIP;
      e->mask = m;
      e->layer.data = NULL;
      b->dst = e->saved_dst;
      b->clip = &e->mask;
      break;
    }
    default:
      break;
    }
  }
  return rc;
}

/* Naive sRGB to CMYK: full grey component replacement, division-free:
 * cmyk_recip[d] = round(255 * 65536 / d), so (c - k) * 255 / (255 - k) is
 * ((c - k) * cmyk_recip[255 - k] + 32768) >> 16. */
static const uint32_t cmyk_recip[256] = {
    0,       16711680, 8355840, 5570560, 4177920, 3342336, 2785280, 2387383,
    2088960, 1856853,  1671168, 1519244, 1392640, 1285514, 1193691, 1114112,
    1044480, 983040,   928427,  879562,  835584,  795794,  759622,  726595,
    696320,  668467,   642757,  618951,  596846,  576265,  557056,  539086,
    522240,  506415,   491520,  477477,  464213,  451667,  439781,  428505,
    417792,  407602,   397897,  388644,  379811,  371371,  363297,  355568,
    348160,  341055,   334234,  327680,  321378,  315315,  309476,  303849,
    298423,  293187,   288132,  283249,  278528,  273962,  269543,  265265,
    261120,  257103,   253207,  249428,  245760,  242198,  238738,  235376,
    232107,  228927,   225834,  222822,  219891,  217035,  214252,  211540,
    208896,  206317,   203801,  201346,  198949,  196608,  194322,  192088,
    189905,  187772,   185685,  183645,  181649,  179695,  177784,  175912,
    174080,  172285,   170527,  168805,  167117,  165462,  163840,  162249,
    160689,  159159,   157657,  156184,  154738,  153318,  151924,  150556,
    149211,  147891,   146594,  145319,  144066,  142835,  141624,  140434,
    139264,  138113,   136981,  135867,  134772,  133693,  132632,  131588,
    130560,  129548,   128551,  127570,  126604,  125652,  124714,  123790,
    122880,  121983,   121099,  120228,  119369,  118523,  117688,  116865,
    116053,  115253,   114464,  113685,  112917,  112159,  111411,  110673,
    109945,  109227,   108517,  107817,  107126,  106444,  105770,  105105,
    104448,  103799,   103159,  102526,  101900,  101283,  100673,  100070,
    99474,   98886,    98304,   97729,   97161,   96599,   96044,   95495,
    94953,   94416,    93886,   93361,   92843,   92330,   91822,   91321,
    90824,   90333,    89848,   89367,   88892,   88422,   87956,   87496,
    87040,   86589,    86143,   85701,   85264,   84831,   84402,   83978,
    83558,   83143,    82731,   82324,   81920,   81520,   81125,   80733,
    80345,   79960,    79579,   79202,   78829,   78459,   78092,   77729,
    77369,   77012,    76659,   76309,   75962,   75618,   75278,   74940,
    74606,   74274,    73945,   73620,   73297,   72977,   72659,   72345,
    72033,   71724,    71417,   71114,   70812,   70513,   70217,   69923,
    69632,   69343,    69057,   68772,   68490,   68211,   67934,   67659,
    67386,   67115,    66847,   66580,   66316,   66054,   65794,   65536,
};

static void rgb_to_cmyk(const uint8_t *s, uint8_t *d, int w) {
  for (int x = 0; x < w; x++, s += 3, d += 4) {
    int c = 255 - s[0], m = 255 - s[1], y = 255 - s[2];
    int k = c < m ? (c < y ? c : y) : (m < y ? m : y);
    if (k == 255) {
      d[0] = d[1] = d[2] = 0;
    } else {
      uint32_t r = cmyk_recip[255 - k];
      d[0] = (uint8_t)(((uint32_t)(c - k) * r + 32768) >> 16);
      d[1] = (uint8_t)(((uint32_t)(m - k) * r + 32768) >> 16);
      d[2] = (uint8_t)(((uint32_t)(y - k) * r + 32768) >> 16);
    }
    d[3] = (uint8_t)k;
  }
}

/* 8x8 Bayer matrix; mono uses ordered dither keyed on absolute device
 * coordinates, so bands join without seams and output does not depend on
 * band height or thread count (error diffusion would need rows in order). */
static const uint8_t bayer8[8][8] = {
    {0, 32, 8, 40, 2, 34, 10, 42},  {48, 16, 56, 24, 50, 18, 58, 26},
    {12, 44, 4, 36, 14, 46, 6, 38}, {60, 28, 52, 20, 62, 30, 54, 22},
    {3, 35, 11, 43, 1, 33, 9, 41},  {51, 19, 59, 27, 49, 17, 57, 25},
    {15, 47, 7, 39, 13, 45, 5, 37}, {63, 31, 55, 23, 61, 29, 53, 21}};

static void gray_to_mono(const uint8_t *s, uint8_t *d, int w, int y) {
  const uint8_t *t = bayer8[y & 7];
  memset(d, 0, (size_t)(w + 7) / 8);
  for (int x = 0; x < w; x++) {
    /* Threshold 4*b + 2 in 2..254: 0 is all black, 255 all white. */
    if (s[x] < t[x & 7] * 4 + 2)
      d[x >> 3] |= (uint8_t)(0x80 >> (x & 7));
  }
}

int ras_dl_render_band_ctx(const ras_dl *dl, ras_render_ctx *ctx, int format,
                           int y0, int h, uint8_t *buf, size_t stride) {
  if (!dl->begun || h <= 0 || y0 < 0 || y0 > dl->h - h || !buf)
    return XR_E_INVAL;
  size_t need = ras_dl_stride(dl, format);
  if (!need || stride < need)
    return XR_E_INVAL;
  int w = dl->w;
  int nc = format == RAS_RGB8 || format == RAS_CMYK8 ? 3 : 1;
  int rc = ras_scan_reserve(&ctx->scan, w);
  if (!rc)
    rc = reserve_bytes(&ctx->tmp, &ctx->tmp_cap, ((size_t)w + 2) * 4);
  if (rc)
    return rc;
  ras_surf base = {buf, stride, 0, y0, w, y0 + h, nc, 0};
  if (format == RAS_CMYK8 || format == RAS_MONO1) {
    size_t ws = (size_t)w * (size_t)nc;
    if ((size_t)h > SIZE_MAX / ws)
      return XR_E_NOMEM;
    if ((rc = reserve_bytes(&ctx->work, &ctx->work_cap, ws * (size_t)h)))
      return rc;
    base.data = ctx->work;
    base.stride = ws;
  }
  for (int y = 0; y < h; y++)
    memset(base.data + (size_t)y * base.stride, 255, (size_t)w * (size_t)nc);
  band b = {dl, ctx, y0, y0 + h, &base, NULL};
  rc = replay(&b);
  if (rc)
    return rc;
  if (dl->out && format == RAS_CMYK8)
    for (int y = 0; y < h; y++)
      ras_cms_out_cmyk_row(dl->out, base.data + (size_t)y * base.stride,
                           buf + (size_t)y * stride, w);
  else if (dl->out && format == RAS_MONO1)
    for (int y = 0; y < h; y++)
      ras_cms_out_mono_row(base.data + (size_t)y * base.stride,
                           buf + (size_t)y * stride, w, y0 + y);
  else if (format == RAS_CMYK8)
    for (int y = 0; y < h; y++)
      rgb_to_cmyk(base.data + (size_t)y * base.stride, buf + (size_t)y * stride,
                  w);
  else if (format == RAS_MONO1)
    for (int y = 0; y < h; y++)
      gray_to_mono(base.data + (size_t)y * base.stride,
                   buf + (size_t)y * stride, w, y0 + y);
  return 0;
}

int ras_dl_render_band(const ras_dl *dl, int format, int y0, int h,
                       uint8_t *buf, size_t stride) {
  ras_render_ctx *ctx;
  int rc = ras_render_ctx_new(&ctx);
  if (rc)
    return rc;
  rc = ras_dl_render_band_ctx(dl, ctx, format, y0, h, buf, stride);
  ras_render_ctx_drop(ctx);
  return rc;
}

void ras_dl_set_output(ras_dl *dl, const ras_cms_out *out) {
  dl->out = out;
}

/* ---- tiles -------------------------------------------------------------- */

/* Renders a whole list onto transparent premultiplied RGBA. */
static int render_rgba(const ras_dl *dl, uint8_t *px, size_t stride) {
  ras_render_ctx *ctx;
  int rc = ras_render_ctx_new(&ctx);
  if (rc)
    return rc;
  rc = ras_scan_reserve(&ctx->scan, dl->w);
  if (!rc)
    rc = reserve_bytes(&ctx->tmp, &ctx->tmp_cap, ((size_t)dl->w + 2) * 4);
  if (!rc) {
    ras_surf base = {px, stride, 0, 0, dl->w, dl->h, 3, 1};
    band b = {dl, ctx, 0, dl->h, &base, NULL};
    rc = replay(&b);
  }
  ras_render_ctx_drop(ctx);
  return rc;
}

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
  if ((rc = render_rgba(c, px, (size_t)c->w * 4)))
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
