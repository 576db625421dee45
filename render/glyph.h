/* Glyph runs: positioned glyphs of one font, as the interpreter hands them
 * to a device, and their conversion to outlines.
 *
 * A run carries everything needed to draw it with no XPS knowledge: the
 * font, one linear transform from ems to user units (size, italic shear,
 * sideways turn, y already pointing down) and, per glyph, where the em
 * origin lands in user units. */
#ifndef RAS_GLYPH_H
#define RAS_GLYPH_H

#include <stddef.h>
#include <stdint.h>

#include "render/font.h"
#include "render/matrix.h"
#include "render/path.h"

typedef struct ras_glyph_pos {
  uint32_t gid;
  double x, y; /* em origin in user units */
} ras_glyph_pos;

typedef struct ras_glyph_run {
  ras_font *font;  /* borrowed; a recording device keeps its own reference */
  ras_matrix gm;   /* ems -> user units; only the linear part is used */
  double embolden; /* outline widening in ems (bold simulation), 0 = none */
  const ras_glyph_pos *glyphs;
  size_t n;
} ras_glyph_run;

/* The em -> user transform of glyph i. */
static inline ras_matrix ras_glyph_matrix(const ras_glyph_run *run, size_t i) {
  ras_matrix m = run->gm;
  m.e = run->glyphs[i].x;
  m.f = run->glyphs[i].y;
  return m;
}

/* Appends the outlines of every glyph of run, in user units, to out.
 * A glyph whose outline FreeType rejects is skipped and counted in
 * *nbad (may be NULL). Errors: XR_E_NOMEM, XR_E_LIMIT (path points). */
int ras_glyph_run_path(const ras_glyph_run *run, ras_path *out, size_t *nbad);

#endif
