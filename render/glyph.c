/* Glyph runs as outlines (glyph.h). */
#include "render/glyph.h"

#include "xpsraster/error.h"

int ras_glyph_run_path(const ras_glyph_run *run, ras_path *out, size_t *nbad) {
  size_t bad = 0;
  int rc = 0;
  for (size_t i = 0; i < run->n && !rc; i++) {
    ras_matrix m = ras_glyph_matrix(run, i);
    rc =
        ras_font_outline(run->font, run->glyphs[i].gid, run->embolden, &m, out);
    if (rc == XR_E_FORMAT) {
      bad++;
      rc = 0;
    }
  }
  if (nbad)
    *nbad = bad;
  return rc;
}
