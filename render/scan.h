/* Analytic area-coverage scan conversion.
 *
 * Each edge adds signed cover (height) and area (height times summed x
 * fractions) to the cells it crosses, in a dense accumulator of
 * RAS_BLOCK_ROWS rows, and sets a bit per touched cell; a sweep along each
 * row visits only the touched cells (found a word of bits at a time),
 * integrates the cover, applies the fill rule to the exact winding area of
 * every pixel and hands out spans, zeroing the cells and bits it reads.
 * Untouched runs between cells come out as one constant-coverage span, so
 * interiors are filled in bulk.
 *
 * All arithmetic is integer (24.8 input, unsigned accumulators that may
 * wrap on absurd inputs without undefined behaviour), and the contribution
 * of an edge to a row depends only on the edge and the row, so any
 * partition into bands gives the same bytes. */
#ifndef RAS_SCAN_H
#define RAS_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include "render/edges.h"

typedef struct ras_cell {
  uint32_t cover, area;
} ras_cell;

/* Per-thread scratch; empty state allocates nothing. */
typedef struct ras_scan {
  ras_cell *cells; /* RAS_BLOCK_ROWS rows of (w + 2) cells */
  uint8_t *alpha;  /* w + 2 coverage values */
  uint64_t *bits;  /* RAS_BLOCK_ROWS rows of touched-cell bits */
  size_t words;    /* 64-bit words per row of bits */
  int32_t minx[RAS_BLOCK_ROWS], maxx[RAS_BLOCK_ROWS];
  int w;   /* device width in use */
  int cap; /* width the buffers hold */
} ras_scan;

/* A run of pixels [x, x+len) on row y. cov is NULL for a constant
 * coverage a (1..255), else cov[0..len) holds per-pixel coverage. */
typedef void (*ras_span_fn)(void *ud, int y, int x, int len, const uint8_t *cov,
                            int a);

void ras_scan_init(ras_scan *s);
void ras_scan_free(ras_scan *s);
/* Sets the device width to w, growing the buffers. XR_E_NOMEM on failure. */
int ras_scan_reserve(ras_scan *s, int w);

/* Scan-converts edges e[0..n) over rows [r0, r1) (inside one block), for
 * the width set by ras_scan_reserve, emitting spans clipped to columns [cx0,
 * cx1). rule is enum ras_fill_rule; aliased samples each pixel at its
 * centre, giving coverage 0 or 255. */
void ras_scan_fill(ras_scan *s, const ras_edge *e, size_t n, int r0, int r1,
                   int rule, int aliased, int cx0, int cx1, ras_span_fn fn,
                   void *ud);

#endif
