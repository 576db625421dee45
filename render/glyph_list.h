/* Glyph runs recorded in a display list (private to render/).
 *
 * The display list (dl.c) hands each fill_glyphs call here: the run is
 * stored with its font reference and per-glyph device positions, and its
 * masks are rendered through the glyph cache right away, which both warms
 * the cache for the band threads and yields exact device bounding boxes.
 * Replay draws the glyphs that touch a band from the cache (lock-free on a
 * hit) through a span callback, so clips and the compositor stay the
 * display list's. Glyphs too big for the cache come back as outlines for
 * the caller to fill as a path. */
#ifndef RAS_GLYPH_LIST_H
#define RAS_GLYPH_LIST_H

#include <stddef.h>
#include <stdint.h>

#include "render/glyph.h"
#include "render/glyph_cache.h"
#include "render/scan.h"

typedef struct ras_glyph_list ras_glyph_list;

/* Uses cache (a reference is kept) instead of a private one. Must come
 * before the first add. Errors: XR_E_NOMEM, XR_E_USAGE (already used). */
int ras_glyph_list_set_cache(ras_glyph_list **l, ras_glyph_cache *cache);

/* Records run under m (user -> device pixels), creating *l on first use.
 * Glyphs too large for a cached mask are appended to big (user units,
 * for the caller to fill with m); undrawable glyphs are skipped. Returns
 * 1 with *ref and the device bbox [x0,x1) x [y0,y1) when something was
 * recorded, 0 when not, or XR_E_NOMEM / XR_E_LIMIT. */
int ras_glyph_list_add(ras_glyph_list **l, const ras_glyph_run *run,
                       const ras_matrix *m, ras_path *big, uint32_t *ref,
                       int32_t bbox[4]);

/* Emits the coverage of record ref on rows [y0, y1) through fn. Safe from
 * several threads at once. Returns 0 or XR_E_NOMEM (a glyph evicted and
 * re-rendered without memory; the rest is still drawn). */
int ras_glyph_list_draw(const ras_glyph_list *l, uint32_t ref, int y0, int y1,
                        ras_span_fn fn, void *ud);

/* Bytes the list holds (runs and glyph positions; masks live in the
 * cache), for the display list's memory budget. 0 for NULL. */
size_t ras_glyph_list_bytes(const ras_glyph_list *l);

void ras_glyph_list_drop(ras_glyph_list *l);

#endif
