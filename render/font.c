/* FreeType faces from memory, outline-only, hinting never run (font.h). */
#include "render/font.h"

#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_ADVANCES_H
#include FT_FONT_FORMATS_H
#include FT_OUTLINE_H
#include FT_TRUETYPE_TABLES_H

#include "xpsraster/error.h"

/* Cmaps in the order XPS consults them. */
enum { CM_3_10, CM_3_1, CM_3_0, CM_1_0, CM_COUNT };

struct ras_font {
  atomic_int refs;
  pthread_mutex_t lock; /* guards face and lib: FreeType is not reentrant */
  FT_Library lib;
  FT_Face face;
  unsigned char *data;
  size_t size;
  double upem;
  int nfaces, nglyphs;
  FT_CharMap cmaps[CM_COUNT];
  /* VORG (CFF fonts): sideways top origins, sorted by glyph. */
  int has_vorg;
  int vorg_default;
  uint16_t *vorg_gid;
  int16_t *vorg_y;
  size_t nvorg;
};

/* Outline-only load flags: NO_SCALE implies NO_HINTING and NO_BITMAP, so
 * the TrueType interpreter is never entered. */
#ifdef FT_LOAD_NO_SVG
#define LOAD_FLAGS                                                             \
  (FT_LOAD_NO_SCALE | FT_LOAD_NO_HINTING | FT_LOAD_NO_BITMAP |                 \
   FT_LOAD_IGNORE_TRANSFORM | FT_LOAD_NO_SVG)
#else
#define LOAD_FLAGS                                                             \
  (FT_LOAD_NO_SCALE | FT_LOAD_NO_HINTING | FT_LOAD_NO_BITMAP |                 \
   FT_LOAD_IGNORE_TRANSFORM)
#endif

/* sfnt magic numbers: TrueType, Apple 'true', CFF OpenType, collection.
 * Checked before FreeType sees the bytes, so no other driver (Type 1, PCF,
 * BDF, WOFF...) ever parses them. */
static int sfnt_magic(const unsigned char *d, size_t n) {
  if (n < 12)
    return 0;
  uint32_t tag =
      (uint32_t)d[0] << 24 | (uint32_t)d[1] << 16 | (uint32_t)d[2] << 8 | d[3];
  return tag == 0x00010000u || tag == 0x74727565u /* true */ ||
         tag == 0x4F54544Fu /* OTTO */ || tag == 0x74746366u /* ttcf */;
}

static unsigned be16(const unsigned char *p) {
  return (unsigned)p[0] << 8 | p[1];
}

/* Reads the VORG table when there is a well-formed one (a malformed one
 * is ignored: the OS/2 fallback applies). Returns XR_E_NOMEM or 0. */
static int load_vorg(ras_font *f) {
  FT_ULong len = 0;
  if (FT_Load_Sfnt_Table(f->face, FT_MAKE_TAG('V', 'O', 'R', 'G'), 0, NULL,
                         &len) ||
      len < 8 || len > 8 + 4 * 65536ul)
    return 0;
  unsigned char *t = malloc(len);
  if (!t)
    return XR_E_NOMEM;
  int rc = 0;
  if (FT_Load_Sfnt_Table(f->face, FT_MAKE_TAG('V', 'O', 'R', 'G'), 0, t,
                         &len) ||
      be16(t) != 1)
    goto done;
  size_t n = be16(t + 6);
  if (8 + 4 * n > len)
    goto done;
  f->vorg_gid = malloc((n ? n : 1) * sizeof *f->vorg_gid);
  f->vorg_y = malloc((n ? n : 1) * sizeof *f->vorg_y);
  if (!f->vorg_gid || !f->vorg_y) {
    rc = XR_E_NOMEM;
    goto done;
  }
  for (size_t i = 0; i < n; i++) {
    f->vorg_gid[i] = (uint16_t)be16(t + 8 + 4 * i);
    f->vorg_y[i] = (int16_t)be16(t + 10 + 4 * i);
    if (i && f->vorg_gid[i] <= f->vorg_gid[i - 1])
      goto done; /* must be sorted: unusable otherwise */
  }
  f->vorg_default = (int16_t)be16(t + 4);
  f->nvorg = n;
  f->has_vorg = 1;
done:
  free(t);
  return rc;
}

static double vorg_y(const ras_font *f, uint32_t gid) {
  size_t lo = 0, hi = f->nvorg;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (f->vorg_gid[mid] < gid)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo < f->nvorg && f->vorg_gid[lo] == gid)
    return f->vorg_y[lo];
  return f->vorg_default;
}

int ras_font_new(unsigned char *data, size_t size, int index, const char *part,
                 ras_font **out, xr_errinfo *err) {
  *out = NULL;
  int rc = XR_E_NOMEM;
  if (!data || !sfnt_magic(data, size)) {
    free(data);
    return xr_errinfo_set(err, XR_E_FORMAT, part, -1, 0,
                          "not a TrueType or OpenType font");
  }
  if (index < 0 || size > (size_t)LONG_MAX) {
    free(data);
    return xr_errinfo_set(err, XR_E_FORMAT, part, -1, -1,
                          "bad font face index %d", index);
  }
  ras_font *f = calloc(1, sizeof *f);
  if (!f)
    goto fail_alloc;
  f->data = data;
  f->size = size;
  if (pthread_mutex_init(&f->lock, NULL))
    goto fail_mutex;
  if (FT_Init_FreeType(&f->lib))
    goto fail_lib;
  FT_Error fe =
      FT_New_Memory_Face(f->lib, data, (FT_Long)size, index, &f->face);
  if (fe) {
    const char *why = FT_Error_String(fe); /* NULL unless built in */
    rc = xr_errinfo_set(err, XR_E_FORMAT, part, -1, -1,
                        "the font file is not a usable TrueType/OpenType font "
                        "(FreeType cannot open face %d: error 0x%02x%s%s)",
                        index, (unsigned)fe, why ? ", " : "", why ? why : "");
    goto fail_face;
  }
  const char *fmt = FT_Get_Font_Format(f->face);
  if (!fmt || (strcmp(fmt, "TrueType") && strcmp(fmt, "CFF"))) {
    rc = xr_errinfo_set(err, XR_E_UNSUPPORTED, part, -1, -1,
                        "font format %s is not supported", fmt ? fmt : "?");
    goto fail_check;
  }
  if (!FT_IS_SCALABLE(f->face) || f->face->num_glyphs <= 0 ||
      f->face->units_per_EM < 16 || f->face->units_per_EM > 16384) {
    rc = xr_errinfo_set(err, XR_E_FORMAT, part, -1, -1,
                        "font has no usable outlines (units/em %u)",
                        (unsigned)f->face->units_per_EM);
    goto fail_check;
  }
  f->upem = f->face->units_per_EM;
  f->nglyphs = (int)f->face->num_glyphs;
  f->nfaces = (int)f->face->num_faces;
  if (!strcmp(fmt, "CFF") && load_vorg(f)) {
    rc = XR_E_NOMEM;
    goto fail_check;
  }
  for (int i = 0; i < f->face->num_charmaps; i++) {
    FT_CharMap cm = f->face->charmaps[i];
    int slot = -1;
    if (cm->platform_id == 3 && cm->encoding_id == 10)
      slot = CM_3_10;
    else if (cm->platform_id == 3 && cm->encoding_id == 1)
      slot = CM_3_1;
    else if (cm->platform_id == 3 && cm->encoding_id == 0)
      slot = CM_3_0;
    else if (cm->platform_id == 1 && cm->encoding_id == 0)
      slot = CM_1_0;
    if (slot >= 0 && !f->cmaps[slot])
      f->cmaps[slot] = cm;
  }
  atomic_init(&f->refs, 1);
  *out = f;
  return 0;

fail_check:
  free(f->vorg_gid);
  free(f->vorg_y);
  FT_Done_Face(f->face);
fail_face:
  FT_Done_FreeType(f->lib);
fail_lib:
  pthread_mutex_destroy(&f->lock);
fail_mutex:
  free(f);
fail_alloc:
  free(data);
  if (rc == XR_E_NOMEM)
    xr_errinfo_set(err, rc, part, -1, -1, "out of memory loading font");
  return rc;
}

ras_font *ras_font_keep(ras_font *f) {
  if (f)
    atomic_fetch_add_explicit(&f->refs, 1, memory_order_relaxed);
  return f;
}

void ras_font_drop(ras_font *f) {
  if (!f)
    return;
  /* acq_rel: the last dropper must see every other holder's writes. */
  if (atomic_fetch_sub_explicit(&f->refs, 1, memory_order_acq_rel) != 1)
    return;
  FT_Done_Face(f->face);
  FT_Done_FreeType(f->lib);
  pthread_mutex_destroy(&f->lock);
  free(f->vorg_gid);
  free(f->vorg_y);
  free(f->data);
  free(f);
}

size_t ras_font_size(const ras_font *f) {
  return f->size;
}

int ras_font_has_cmap(const ras_font *f) {
  for (int i = 0; i < CM_COUNT; i++)
    if (f->cmaps[i])
      return 1;
  return 0;
}

int ras_font_face_count(const ras_font *f) {
  return f->nfaces;
}
int ras_font_glyph_count(const ras_font *f) {
  return f->nglyphs;
}

static uint32_t char_index(ras_font *f, FT_CharMap cm, uint32_t c) {
  if (FT_Set_Charmap(f->face, cm))
    return 0;
  FT_UInt g = FT_Get_Char_Index(f->face, c);
  return g < (FT_UInt)f->nglyphs ? g : 0;
}

uint32_t ras_font_lookup(ras_font *f, uint32_t c) {
  uint32_t g = 0;
  pthread_mutex_lock(&f->lock);
  if (f->cmaps[CM_3_10])
    g = char_index(f, f->cmaps[CM_3_10], c);
  if (!g && f->cmaps[CM_3_1] && c <= 0xFFFF)
    g = char_index(f, f->cmaps[CM_3_1], c);
  if (!g && f->cmaps[CM_3_0]) {
    g = char_index(f, f->cmaps[CM_3_0], c);
    if (!g && c < 0x100)
      g = char_index(f, f->cmaps[CM_3_0], 0xF000 + c);
  }
  /* Mac Roman agrees with Unicode only below 0x80. */
  if (!g && f->cmaps[CM_1_0] && c < 0x80)
    g = char_index(f, f->cmaps[CM_1_0], c);
  pthread_mutex_unlock(&f->lock);
  return g;
}

/* Loads gid into the glyph slot; caller holds the lock. */
static int load(ras_font *f, uint32_t gid) {
  if (gid >= (uint32_t)f->nglyphs)
    return XR_E_FORMAT;
  if (FT_Load_Glyph(f->face, gid, LOAD_FLAGS))
    return XR_E_FORMAT;
  FT_GlyphSlot s = f->face->glyph;
  if (s->format != FT_GLYPH_FORMAT_OUTLINE)
    return XR_E_FORMAT;
  return 0;
}

int ras_font_metrics(ras_font *f, uint32_t gid, ras_glyph_metrics *m) {
  pthread_mutex_lock(&f->lock);
  int rc = load(f, gid);
  if (!rc) {
    FT_Face face = f->face;
    FT_Glyph_Metrics *gm = &face->glyph->metrics;
    m->advance = gm->horiAdvance / f->upem;
    m->top_x = m->advance / 2;
    if (FT_HAS_VERTICAL(face)) {
      m->vadvance = gm->vertAdvance / f->upem;
      /* Top of the unturned glyph: its bbox top plus the top side
       * bearing from vmtx. */
      m->top_y = (gm->horiBearingY + gm->vertBearingY) / f->upem;
    } else {
      /* No vmtx: XPS takes the OS/2 typographic ascender (and the
       * ascender-to-descender height as the advance); hhea otherwise. */
      TT_OS2 *os2 = FT_Get_Sfnt_Table(face, FT_SFNT_OS2);
      double asc = face->ascender, desc = face->descender;
      if (os2 && os2->version != 0xFFFFu &&
          os2->sTypoAscender > os2->sTypoDescender) {
        asc = os2->sTypoAscender;
        desc = os2->sTypoDescender;
      }
      m->vadvance = (asc - desc) / f->upem;
      m->top_y = asc / f->upem;
    }
    /* CFF: the VORG table, when present, gives the top origin (§5.1.6.2
     * consults it before glyph bounds and vmtx). */
    if (f->has_vorg)
      m->top_y = vorg_y(f, gid) / f->upem;
    if (!isfinite(m->vadvance) || m->vadvance <= 0)
      m->vadvance = 1;
  }
  pthread_mutex_unlock(&f->lock);
  return rc;
}

int ras_font_advance(ras_font *f, uint32_t gid, double *advance) {
  if (gid >= (uint32_t)f->nglyphs)
    return XR_E_FORMAT;
  FT_Fixed a = 0;
  pthread_mutex_lock(&f->lock);
  FT_Error fe = FT_Get_Advance(f->face, gid, LOAD_FLAGS, &a);
  pthread_mutex_unlock(&f->lock);
  if (fe)
    return XR_E_FORMAT;
  *advance = (double)a / f->upem;
  return 0;
}

/* FT_Outline_Decompose callbacks appending to a ras_path. */
typedef struct decomp {
  ras_path *p;
  ras_matrix m; /* font units -> target, y flipped */
  int rc;
  int open;
} decomp;

static void tp(const decomp *d, const FT_Vector *v, double *x, double *y) {
  ras_matrix_apply(&d->m, (double)v->x, (double)v->y, x, y);
}

static int d_move(const FT_Vector *to, void *u) {
  decomp *d = u;
  double x, y;
  if (d->open && (d->rc = ras_path_close(d->p)))
    return 1;
  tp(d, to, &x, &y);
  d->open = 1;
  return (d->rc = ras_path_move(d->p, x, y)) != 0;
}

static int d_line(const FT_Vector *to, void *u) {
  decomp *d = u;
  double x, y;
  tp(d, to, &x, &y);
  return (d->rc = ras_path_line(d->p, x, y)) != 0;
}

static int d_conic(const FT_Vector *c, const FT_Vector *to, void *u) {
  decomp *d = u;
  double x1, y1, x, y;
  tp(d, c, &x1, &y1);
  tp(d, to, &x, &y);
  return (d->rc = ras_path_quad(d->p, x1, y1, x, y)) != 0;
}

static int d_cubic(const FT_Vector *c1, const FT_Vector *c2,
                   const FT_Vector *to, void *u) {
  decomp *d = u;
  double x1, y1, x2, y2, x, y;
  tp(d, c1, &x1, &y1);
  tp(d, c2, &x2, &y2);
  tp(d, to, &x, &y);
  return (d->rc = ras_path_cubic(d->p, x1, y1, x2, y2, x, y)) != 0;
}

/* Font units (y up) -> ems (y down) -> m. */
static ras_matrix units_to(const ras_font *f, const ras_matrix *m) {
  ras_matrix u = {1 / f->upem, 0, 0, -1 / f->upem, 0, 0};
  return m ? ras_matrix_concat(u, *m) : u;
}

static int embolden(ras_font *f, double em) {
  if (!(em > 0))
    return 0;
  FT_Pos s = (FT_Pos)lround(fmin(em, 1.0) * f->upem);
  if (s > 0 && FT_Outline_Embolden(&f->face->glyph->outline, s))
    return XR_E_FORMAT;
  return 0;
}

int ras_font_outline(ras_font *f, uint32_t gid, double bold,
                     const ras_matrix *m, ras_path *out) {
  static const FT_Outline_Funcs fns = {d_move, d_line, d_conic, d_cubic, 0, 0};
  pthread_mutex_lock(&f->lock);
  int rc = load(f, gid);
  if (!rc)
    rc = embolden(f, bold);
  if (!rc) {
    decomp d = {out, units_to(f, m), 0, 0};
    FT_Error fe = FT_Outline_Decompose(&f->face->glyph->outline, &fns, &d);
    if (d.rc)
      rc = d.rc;
    else if (fe)
      rc = XR_E_FORMAT;
    else if (d.open)
      rc = ras_path_close(out);
  }
  pthread_mutex_unlock(&f->lock);
  return rc;
}

/* Coordinates past this many pixels are refused: 26.6 must not overflow
 * and nothing that large is a cacheable glyph. */
#define COORD_MAX 16777216.0

int ras_font_render(ras_font *f, uint32_t gid, double bold, const ras_matrix *m,
                    ras_glyph_mask *mask) {
  memset(mask, 0, sizeof *mask);
  pthread_mutex_lock(&f->lock);
  int rc = load(f, gid);
  if (!rc)
    rc = embolden(f, bold);
  if (rc)
    goto done;
  FT_Outline *o = &f->face->glyph->outline;
  if (o->n_points <= 0 || o->n_contours <= 0)
    goto done; /* empty glyph */
  ras_matrix t = units_to(f, m);
  double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
  for (int i = 0; i < o->n_points; i++) {
    double x, y;
    ras_matrix_apply(&t, (double)o->points[i].x, (double)o->points[i].y, &x,
                     &y);
    x0 = fmin(x0, x);
    y0 = fmin(y0, y);
    x1 = fmax(x1, x);
    y1 = fmax(y1, y);
  }
  if (!(x0 > -COORD_MAX && y0 > -COORD_MAX && x1 < COORD_MAX &&
        y1 < COORD_MAX)) {
    rc = XR_E_LIMIT;
    goto done;
  }
  int ix0 = (int)floor(x0), iy0 = (int)floor(y0);
  int ix1 = (int)ceil(x1), iy1 = (int)ceil(y1);
  if (ix1 == ix0)
    ix1++;
  if (iy1 == iy0)
    iy1++;
  int w = ix1 - ix0, h = iy1 - iy0;
  if (w > RAS_GLYPH_MASK_MAX || h > RAS_GLYPH_MASK_MAX) {
    rc = XR_E_LIMIT;
    goto done;
  }
  /* FreeType's bitmap has y up with row 0 on top: flip about iy1. */
  for (int i = 0; i < o->n_points; i++) {
    double x, y;
    ras_matrix_apply(&t, (double)o->points[i].x, (double)o->points[i].y, &x,
                     &y);
    o->points[i].x = (FT_Pos)lround((x - ix0) * 64);
    o->points[i].y = (FT_Pos)lround((iy1 - y) * 64);
  }
  /* Coverage, then the per-row extents (2-byte aligned) in one block. */
  size_t cov = ((size_t)w * (size_t)h + 1) & ~(size_t)1;
  uint8_t *buf = calloc(cov + 4 * (size_t)h, 1);
  if (!buf) {
    rc = XR_E_NOMEM;
    goto done;
  }
  FT_Bitmap bm;
  memset(&bm, 0, sizeof bm);
  bm.rows = (unsigned)h;
  bm.width = (unsigned)w;
  bm.pitch = w;
  bm.buffer = buf;
  bm.num_grays = 256;
  bm.pixel_mode = FT_PIXEL_MODE_GRAY;
  if (FT_Outline_Get_Bitmap(f->lib, o, &bm)) {
    free(buf);
    rc = XR_E_FORMAT;
    goto done;
  }
  uint16_t *span = (uint16_t *)(void *)(buf + cov);
  for (int j = 0; j < h; j++) {
    const uint8_t *row = buf + (size_t)j * (size_t)w;
    int a = 0, b = w;
    while (a < w && !row[a])
      a++;
    while (b > a && !row[b - 1])
      b--;
    span[2 * j] = (uint16_t)a;
    span[2 * j + 1] = (uint16_t)b;
  }
  mask->x = ix0;
  mask->y = iy0;
  mask->w = w;
  mask->h = h;
  mask->data = buf;
  mask->span = span;
done:
  pthread_mutex_unlock(&f->lock);
  return rc;
}
