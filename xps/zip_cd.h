/* The central directory of a seekable ZIP, read and checked on its own:
 * entry offsets for error messages, and the hostile cases libzip does not
 * catch (overlapping entries, entries outside the file, local headers that
 * disagree with the central directory). */
#ifndef XPS_ZIP_CD_H
#define XPS_ZIP_CD_H

#include <stddef.h>
#include <stdint.h>

#include "xps/ctx.h"

typedef struct xps_zip_cd_entry {
  char *name; /* raw item name, NUL-terminated */
  uint64_t size, csize;
  int64_t local_offset;
  uint64_t data_offset; /* first byte of the entry's data */
  uint32_t crc;
  uint16_t method, flags;
} xps_zip_cd_entry;

typedef struct xps_zip_cd {
  xps_zip_cd_entry *v; /* in central directory order */
  size_t n;
  uint64_t cd_offset;
} xps_zip_cd;

/* Reads and checks the central directory of the archive in base (size
 * bytes; path names it in messages). Errors: XR_E_FORMAT (naming the
 * entry and its offset), XR_E_LIMIT, XR_E_UNSUPPORTED, XR_E_NOMEM. */
int xps_zip_cd_read_mem(const unsigned char *base, uint64_t size,
                        const char *path, const xps_ctx *ctx, xps_zip_cd *cd,
                        xr_errinfo *err);

/* Parses one central directory record from p (avail bytes, starting at the
 * signature). Returns the record length, 0 when more bytes are needed, or
 * < 0 when the record is malformed or its name is over NAME_LEN. The name
 * is copied (owned by e). */
long xps_zip_cd_parse_record(const unsigned char *p, size_t avail,
                             const xps_ctx *ctx, xps_zip_cd_entry *e);

void xps_zip_cd_free(xps_zip_cd *cd);

/* Passes rc through; when it is an error naming a ZIP entry as the ZIP
 * spells it ("Documents/1/..."), names it as a part ("/Documents/1/..."),
 * as the rest of the library does. */
int xps_zip_err_part(int rc, xr_errinfo *err);

#endif
