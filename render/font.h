/* Fonts: FreeType faces loaded from memory, outlines only.
 *
 * Font programs are hostile input (printers have been attacked through
 * hinting bytecode and malformed tables), so a ras_font:
 *  - accepts only scalable TrueType and CFF/OpenType faces (and a face of a
 *    TrueType collection), nothing FreeType would otherwise sniff;
 *  - loads every glyph with FT_LOAD_NO_SCALE, which implies no hinting, so
 *    no TrueType bytecode (fpgm, prep, glyph programs) ever runs;
 *  - owns its FT_Library and a mutex, so faces never share FreeType state
 *    and two threads may use two fonts without any common lock.
 *
 * Coordinates handed out are in ems (1.0 = the em square) with y growing
 * DOWN, the XPS direction: the glyph origin is (0,0), the baseline y = 0 and
 * ascenders have negative y.
 *
 * Threads: every function may be called from any thread; calls on one font
 * serialise on that font's mutex (misses of the glyph cache only). */
#ifndef RAS_FONT_H
#define RAS_FONT_H

#include <stddef.h>
#include <stdint.h>

#include "render/matrix.h"
#include "render/path.h"
#include "xpsraster/error.h"

typedef struct ras_font ras_font;

/* Loads face `index` of the font in data[0..size). Takes ownership of data
 * (malloc'd) in every case, also on failure. part names the source in err.
 * Errors: XR_E_FORMAT (not a font, a bitmap font, bad index, no glyphs),
 * XR_E_UNSUPPORTED (a format other than TrueType/CFF), XR_E_NOMEM. */
int ras_font_new(unsigned char *data, size_t size, int index, const char *part,
                 ras_font **out, xr_errinfo *err);

/* Reference counting; drop(NULL) is a no-op. */
ras_font *ras_font_keep(ras_font *f);
void ras_font_drop(ras_font *f);

/* Bytes of font data the font holds (the whole file). */
size_t ras_font_size(const ras_font *f);

/* Number of faces in the file (1 unless a collection), number of glyphs. */
int ras_font_face_count(const ras_font *f);
int ras_font_glyph_count(const ras_font *f);

/* 1 when the font has one of the cmaps below: without one, text given
 * only as characters can draw nothing but .notdef. */
int ras_font_has_cmap(const ras_font *f);

/* Glyph index for a Unicode code point through the cmaps in the XPS order:
 * (3,10), (3,1), (3,0) (also tried at U+F000 + c for c < 0x100, the symbol
 * convention), then (1,0) for c < 0x80. Returns 0 (.notdef) when none maps
 * it. */
uint32_t ras_font_lookup(ras_font *f, uint32_t codepoint);

/* Glyph metrics in ems. */
typedef struct ras_glyph_metrics {
  double advance;  /* horizontal advance */
  double vadvance; /* vertical advance (synthesised when no vmtx) */
  double top_x;    /* sideways origin: half the horizontal advance */
  double top_y;    /* sideways origin height above the baseline */
} ras_glyph_metrics;

/* Fills *m. Errors: XR_E_FORMAT for an out-of-range or broken glyph. */
int ras_font_metrics(ras_font *f, uint32_t gid, ras_glyph_metrics *m);

/* Horizontal advance of gid in ems, read from the metrics tables without
 * loading the outline (the fast path of layout). Errors: XR_E_FORMAT. */
int ras_font_advance(ras_font *f, uint32_t gid, double *advance);

/* Appends the outline of gid, transformed by m (ems -> target, NULL =
 * identity) to out. embolden > 0 widens the outline by that many ems in
 * total (half on each side). An empty glyph (space) appends nothing.
 * Errors: XR_E_FORMAT, XR_E_NOMEM, XR_E_LIMIT (path point limit). */
int ras_font_outline(ras_font *f, uint32_t gid, double embolden,
                     const ras_matrix *m, ras_path *out);

/* An 8-bit coverage mask; pixel (i,j) of the mask is device pixel
 * (x + i, y + j). */
typedef struct ras_glyph_mask {
  int x, y, w, h;
  uint8_t *data; /* w*h bytes, rows top to bottom; NULL when empty */
  /* Inked extent of each row: columns [span[2j], span[2j+1]) of row j
   * hold all its non-zero coverage (empty when equal). Lives in the same
   * allocation as data (free data only). */
  const uint16_t *span;
} ras_glyph_mask;

/* Maximum width or height of a rendered mask; larger glyphs go as paths. */
#define RAS_GLYPH_MASK_MAX 1024

/* Renders the coverage of gid under m (ems -> device pixels, translation
 * included) with FreeType's anti-aliasing rasteriser. mask->data is
 * malloc'd (free it); an empty glyph gives w = h = 0 and data NULL.
 * Errors: XR_E_FORMAT, XR_E_NOMEM, XR_E_LIMIT (bigger than
 * RAS_GLYPH_MASK_MAX or coordinates beyond 2^24 pixels). */
int ras_font_render(ras_font *f, uint32_t gid, double embolden,
                    const ras_matrix *m, ras_glyph_mask *mask);

#endif
