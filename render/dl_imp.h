/* Display-list internals shared by recording (dl.c) and band replay
 * (dl_replay.c). Private to render/. */
#ifndef RAS_DL_IMP_H
#define RAS_DL_IMP_H

#include "render/cms_out.h"
#include "render/comp.h"
#include "render/dl.h"
#include "render/edges.h"
#include "render/glyph_list.h"
#include "render/image.h"
#include "render/paint.h"
#include "render/scan.h"

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
static inline ras_dl *target(void *dev) {
  ras_dl *dl = dev;
  while (dl->child)
    dl = dl->child;
  return dl;
}

/* Renders a whole list onto transparent premultiplied RGBA (tiles). */
int ras_dl_render_rgba(const ras_dl *dl, uint8_t *px, size_t stride);

#endif
