/* Band scheduler: renders a display list with a pool of worker threads and
 * delivers the bands, in order, on the calling thread.
 *
 * Workers take bands top to bottom; a band is delivered as soon as it and
 * all bands above it are done. Band buffers form a ring of 2 per thread,
 * so at most 2 * threads bands are in flight and memory does not grow with
 * the page height. Output is byte-identical for every band height and
 * thread count (the scan converter's guarantee, see scan.h). */
#ifndef RAS_BAND_H
#define RAS_BAND_H

#include <stddef.h>
#include <stdint.h>

#include "render/dl.h"

/* Receives rows [y, y+rows) of the page; returning < 0 stops rendering
 * with that status. data is valid only during the call. */
typedef int (*ras_band_deliver_fn)(void *ud, int y, int rows,
                                   const uint8_t *data, size_t stride);

/* Bands in flight per worker thread. */
#define RAS_BAND_SLOTS_PER_THREAD 2
/* Upper bound on worker threads. */
#define RAS_BAND_MAX_THREADS 64

/* Renders dl in format (enum ras_format) in bands of band_height rows
 * (<= 0: ras_band_default_height) with threads workers (<= 0: one per
 * online CPU; 1 renders on the calling thread). Returns 0, the first
 * render error, or the first negative value deliver returned. */
int ras_band_run(const ras_dl *dl, int format, int band_height, int threads,
                 ras_band_deliver_fn deliver, void *ud);

/* The default band height for dl in format: the band buffer stays near
 * RAS_BAND_TARGET_BYTES, so a band and the scan converter's cells stay in
 * a core's L2 cache. Always a multiple of 32 rows (the edge block size, so
 * no block is split between bands), at least 32. */
#define RAS_BAND_TARGET_BYTES (256 * 1024)
int ras_band_default_height(const ras_dl *dl, int format);

/* Number of worker threads used for a request of threads (<= 0: CPUs). */
int ras_band_threads(int threads);

#endif
