/* ZIP record layouts (APPNOTE 6.3.x) shared by the central directory check
 * and the stream reader: little-endian field access and ZIP64 extras. */
#ifndef XPS_ZIP_FMT_H
#define XPS_ZIP_FMT_H

#include <stddef.h>
#include <stdint.h>

#define ZIP_SIG_LOCAL 0x04034b50u
#define ZIP_SIG_CENTRAL 0x02014b50u
#define ZIP_SIG_EOCD 0x06054b50u
#define ZIP_SIG_EOCD64 0x06064b50u
#define ZIP_SIG_LOC64 0x07064b50u
#define ZIP_SIG_DD 0x08074b50u
#define ZIP_LOCAL_LEN 30
#define ZIP_CENTRAL_LEN 46
#define ZIP_EOCD_LEN 22
#define ZIP_FLAG_ENCRYPTED 0x0001u
#define ZIP_FLAG_DD 0x0008u

static inline uint16_t zip_u16(const unsigned char *p) {
  return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t zip_u32(const unsigned char *p) {
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
         ((uint32_t)p[3] << 24);
}

static inline uint64_t zip_u64(const unsigned char *p) {
  return (uint64_t)zip_u32(p) | ((uint64_t)zip_u32(p + 4) << 32);
}

/* Reads the ZIP64 extended information extra field (id 1) from an extra
 * block: each of *size, *csize, *offset whose 32-bit value was 0xFFFFFFFF
 * is replaced, in that order. Returns 0, or -1 when a needed value is
 * missing or the extra block is malformed. offset may be NULL (local
 * headers carry none). */
int xps_zip64_extra(const unsigned char *extra, size_t len, uint64_t *size,
                    uint64_t *csize, uint64_t *offset);

#endif
