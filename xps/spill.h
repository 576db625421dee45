/* The spill store: where a stream keeps the parts it has read past. Bytes
 * stay in memory while the store's total is under its limit, then go to an
 * unlinked temporary file, so memory stays bounded by the limit and not by
 * the document. One writer at a time appends a slot; slots are read back at
 * any time. */
#ifndef XPS_SPILL_H
#define XPS_SPILL_H

#include <stddef.h>
#include <stdint.h>

#include "xpsraster/error.h"

typedef struct xps_spill xps_spill;

/* A store keeping up to mem_limit bytes in memory. tmpdir NULL means
 * $TMPDIR, else /tmp. */
int xps_spill_new(uint64_t mem_limit, const char *tmpdir, xps_spill **out);

/* Starts a new slot; returns its id (>= 0) or < 0. */
int64_t xps_spill_begin(xps_spill *s);
/* Appends to the slot begun last. */
int xps_spill_append(xps_spill *s, const void *data, size_t n, xr_errinfo *err);
/* Ends the slot begun last; its size is final. Returns the size. */
uint64_t xps_spill_end(xps_spill *s);
/* Forgets the slot begun last (an entry that failed). */
void xps_spill_abort(xps_spill *s);

/* Copies n bytes from offset off of slot into dst. */
int xps_spill_read(xps_spill *s, int64_t slot, uint64_t off, void *dst,
                   size_t n, xr_errinfo *err);

/* Moves a finished slot from memory to the file, freeing its memory; it
 * stays readable. For parts read once (pages), so that memory is kept for
 * the resources later pages share. */
int xps_spill_demote(xps_spill *s, int64_t slot, xr_errinfo *err);

/* Frees a slot's memory (it can no longer be read). */
void xps_spill_release(xps_spill *s, int64_t slot);

/* Bytes held in memory now, the most ever held, and bytes in the file. */
uint64_t xps_spill_mem(const xps_spill *s);
uint64_t xps_spill_mem_peak(const xps_spill *s);
uint64_t xps_spill_file_bytes(const xps_spill *s);

void xps_spill_drop(xps_spill *s);

#endif
