/* Display list, band replay: scan conversion and compositing of a
 * recorded list into one band (see dl.h and dl_imp.h). Replay only reads
 * the list, so any number of bands render at once. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "render/dl_imp.h"
#include "xpsraster/error.h"

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

/* Renders a whole list onto transparent premultiplied RGBA. */
int ras_dl_render_rgba(const ras_dl *dl, uint8_t *px, size_t stride) {
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
