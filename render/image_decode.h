/* Image file decoding: part bytes to a ras_image with native samples.
 *
 * Formats are recognised by their signature, not by part name or content
 * type (documents in the wild mislabel them). Every decoder reads the
 * header first and checks the size against IMAGE_DIM and IMAGE_PIXELS
 * before it allocates pixels, so a small file claiming a huge image costs
 * nothing. Library messages never reach stderr (it is the CUPS channel):
 * they end up in err->msg. 16-bit samples are rounded to 8 bits, the depth
 * of every band surface. */
#ifndef RAS_IMAGE_DECODE_H
#define RAS_IMAGE_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "render/image.h"

enum ras_image_format {
  RAS_IMG_UNKNOWN = 0,
  RAS_IMG_PNG,
  RAS_IMG_JPEG,
  RAS_IMG_TIFF,
  RAS_IMG_JXR
};

/* The format named by the first bytes of data. */
int ras_image_sniff(const uint8_t *data, size_t len);
/* "PNG", "JPEG", "TIFF", "JPEG XR", "unknown". */
const char *ras_image_format_name(int format);

/* Decodes data (any supported format) into a new, unprepared image.
 * Errors: XR_E_UNSUPPORTED (unknown format, or JPEG XR without libjxr),
 * XR_E_FORMAT (corrupt or truncated), XR_E_LIMIT, XR_E_NOMEM; err->msg
 * says why (err->part is left for the caller). */
int ras_image_decode(const uint8_t *data, size_t len, const xr_limits *lim,
                     ras_image **out, xr_errinfo *err);

int ras_image_decode_png(const uint8_t *data, size_t len, const xr_limits *lim,
                         ras_image **out, xr_errinfo *err);
int ras_image_decode_jpeg(const uint8_t *data, size_t len, const xr_limits *lim,
                          ras_image **out, xr_errinfo *err);
int ras_image_decode_tiff(const uint8_t *data, size_t len, const xr_limits *lim,
                          ras_image **out, xr_errinfo *err);
int ras_image_decode_jxr(const uint8_t *data, size_t len, const xr_limits *lim,
                         ras_image **out, xr_errinfo *err);

/* Largest single buffer a decoder library may allocate on its own
 * (strips, tiles, ancillary chunks), besides the image itself. */
#define RAS_IMAGE_MAX_CHUNK ((size_t)64 << 20)

#endif
