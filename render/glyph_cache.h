/* The glyph cache: coverage masks shared by every render thread.
 *
 * Key: font (by identity; an entry keeps a reference, so a font cannot be
 * freed and its address reused while entries name it), glyph id, the
 * embolden amount, the em -> device linear transform quantised to
 * 1/RAS_GC_MATRIX_Q pixel, and the sub-pixel position of the origin
 * quantised to 1/RAS_GC_SUBPIX pixel in x and y.
 *
 * Concurrency: the cache is split into shards by key hash. A lookup takes
 * no lock: it enters a per-shard read section (one atomic increment on one
 * of two counters), walks an immutable chain of published entries and
 * draws the mask while still inside the section. Insertion and eviction
 * take the shard's mutex; an evicted entry is unlinked first and freed only
 * after both read counters of the shard have been seen at zero (a small
 * sleepable-RCU: readers never wait, writers wait for readers that may
 * still see the entry). Memory is bounded: each shard holds at most
 * max_bytes / RAS_GC_SHARDS bytes of masks, evicting with a second-chance
 * (CLOCK) policy.
 *
 * Rule for callers: the draw callback must not call into the cache. */
#ifndef RAS_GLYPH_CACHE_H
#define RAS_GLYPH_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "render/font.h"

#define RAS_GC_SHARDS 64
#define RAS_GC_SUBPIX 4
#define RAS_GC_MATRIX_Q 1024.0
/* Glyphs whose em square is larger than this many device pixels are not
 * cached: they are drawn as outlines. */
#define RAS_GC_MAX_EM_PX 256.0
/* Default budget for the masks of one cache. */
#define RAS_GC_DEFAULT_BYTES (32u << 20)

typedef struct ras_glyph_cache ras_glyph_cache;

/* New cache holding at most max_bytes of masks (0: the default).
 * Errors: XR_E_NOMEM. */
int ras_glyph_cache_new(size_t max_bytes, ras_glyph_cache **out);
ras_glyph_cache *ras_glyph_cache_keep(ras_glyph_cache *c);
void ras_glyph_cache_drop(ras_glyph_cache *c);

/* Called with the mask of a glyph placed at device pixel (ox, oy): mask
 * pixel (i, j) covers device pixel (ox + mask->x + i, oy + mask->y + j). */
typedef void (*ras_glyph_draw_fn)(void *ud, const ras_glyph_mask *mask, int ox,
                                  int oy);

/* Draws glyph gid of font with em -> device transform m (the translation
 * is the device position of the glyph origin) through fn, from the cache
 * or rendering and inserting it. Returns 0, or XR_E_FORMAT (bad glyph: not
 * drawn), XR_E_LIMIT (too big for a mask: draw it as an outline),
 * XR_E_NOMEM. Thread-safe. */
int ras_glyph_cache_draw(ras_glyph_cache *c, ras_font *font, uint32_t gid,
                         double embolden, const ras_matrix *m,
                         ras_glyph_draw_fn fn, void *ud);

/* Statistics (relaxed counters; exact when the cache is idle). */
typedef struct ras_glyph_cache_stats {
  uint64_t hits, misses, evictions;
  size_t bytes, entries;
} ras_glyph_cache_stats;
void ras_glyph_cache_stats_get(ras_glyph_cache *c, ras_glyph_cache_stats *s);

#endif
