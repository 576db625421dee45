/* libFuzzer harness for font loading and glyph rendering.
 *
 * The first input byte picks the target:
 *  - even: the rest is a font file; it is loaded (every face the header
 *    claims, up to 4), and for a spread of glyphs and characters the
 *    metrics, outline, coverage mask and cached mask are computed at a few
 *    transforms, bold and italic included;
 *  - odd: the rest is "Indices\0UnicodeString\0BidiLevel\0IsSideways" for a
 *    Glyphs element laid out with the fallback font (DejaVu Sans).
 * Seeds: the fonts inside the corpus/text documents (TrueType, TTC). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "render/font.h"
#include "render/glyph.h"
#include "render/glyph_cache.h"
#include "xps/ctx.h"
#include "xps/font.h"
#include "xps/glyphs.h"

static void font_target(const uint8_t *data, size_t size,
                        ras_glyph_cache *cache) {
  for (int index = 0; index < 4; index++) {
    unsigned char *copy = malloc(size ? size : 1);
    if (!copy)
      return;
    memcpy(copy, data, size);
    ras_font *f = NULL;
    if (ras_font_new(copy, size, index, "fuzz", &f, NULL))
      return;
    int n = ras_font_glyph_count(f);
    static const ras_matrix ms[] = {{12, 0, 0, 12, 3.25, 7.5},
                                    {40, 0, -14, 40, 0.5, 0.75},
                                    {0, -30, 30, 0, 100, 100}};
    for (int k = 0; k < 24; k++) {
      uint32_t gid = (uint32_t)(k < 12 ? k : (k * 7919) % (n + 2));
      if (k % 3 == 0)
        gid = ras_font_lookup(f, (uint32_t)("Ag{\xe9"[k % 4] & 0xff) +
                                     (k > 12 ? 0xF000u : 0));
      ras_glyph_metrics m;
      ras_font_metrics(f, gid, &m);
      ras_path p;
      ras_path_init(&p, 100000);
      ras_font_outline(f, gid, k & 1 ? 0.02 : 0, &ms[k % 3], &p);
      ras_path_reset(&p);
      ras_glyph_mask mask;
      if (!ras_font_render(f, gid, k & 2 ? 0.02 : 0, &ms[k % 3], &mask))
        free(mask.data);
      mask.data = NULL;
    }
    ras_font_drop(f);
    if (size < 4 || memcmp(data, "ttcf", 4))
      break; /* only collections have more faces */
  }
  (void)cache;
}

static void nop_draw(void *ud, const ras_glyph_mask *k, int ox, int oy) {
  (void)ud;
  (void)k;
  (void)ox;
  (void)oy;
}

static void glyphs_target(const uint8_t *data, size_t size,
                          ras_glyph_cache *cache) {
  /* One font table for the whole run, as in a job: the fallback font is
   * parsed once. */
  static xps_fonts *fonts;
  if (!fonts && xps_fonts_new(NULL, &fonts))
    return;
  char *s = malloc(size + 4);
  if (!s)
    return;
  memcpy(s, data, size);
  memset(s + size, 0, 4);
  const char *f[4];
  const char *p = s;
  for (int i = 0; i < 4; i++) {
    f[i] = p;
    p += strlen(p);
    if (p < s + size)
      p++;
  }
  xps_ctx ctx;
  xps_ctx_init(&ctx);
  xr_limits_set(&ctx.limits, XR_LIMIT_GLYPHS_PER_RUN, 4096);
  ctx.fonts = fonts;
  xps_glyphs_in in = {
      "/p.fpage", 1,    "/missing.ttf",        "11.5", "10", "20", f[0], f[1],
      f[2],       f[3], "BoldItalicSimulation"};
  xps_glyph_layout l;
  xps_glyph_layout_init(&l);
  xr_errinfo err;
  xr_errinfo_clear(&err);
  if (!xps_glyphs_layout(&ctx, NULL, &in, &l, &err) && l.run.font) {
    for (size_t i = 0; i < l.run.n && i < 64; i++) {
      ras_matrix m = ras_glyph_matrix(&l.run, i);
      ras_glyph_cache_draw(cache, l.run.font, l.run.glyphs[i].gid,
                           l.run.embolden, &m, nop_draw, NULL);
    }
  }
  xps_glyph_layout_reset(&l);
  free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static ras_glyph_cache *cache;
  if (!cache && ras_glyph_cache_new(1u << 20, &cache))
    return 0;
  if (size < 1)
    return 0;
  if (data[0] & 1)
    glyphs_target(data + 1, size - 1, cache);
  else
    font_target(data + 1, size - 1, cache);
  return 0;
}
