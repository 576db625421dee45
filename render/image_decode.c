/* Format sniffing and dispatch (see image_decode.h). */
#include "render/image_decode.h"

#include <string.h>

int ras_image_sniff(const uint8_t *d, size_t n) {
  static const uint8_t png[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (n >= 8 && memcmp(d, png, 8) == 0)
    return RAS_IMG_PNG;
  if (n >= 3 && d[0] == 0xff && d[1] == 0xd8 && d[2] == 0xff)
    return RAS_IMG_JPEG;
  /* JPEG XR ("II\xbc\x01") must be tested before TIFF ("II*\0"). */
  if (n >= 4 && d[0] == 'I' && d[1] == 'I' && d[2] == 0xbc &&
      (d[3] == 0x00 || d[3] == 0x01))
    return RAS_IMG_JXR;
  if (n >= 4 && ((d[0] == 'I' && d[1] == 'I' && d[2] == 42 && d[3] == 0) ||
                 (d[0] == 'M' && d[1] == 'M' && d[2] == 0 && d[3] == 42) ||
                 (d[0] == 'I' && d[1] == 'I' && d[2] == 43 && d[3] == 0) ||
                 (d[0] == 'M' && d[1] == 'M' && d[2] == 0 && d[3] == 43)))
    return RAS_IMG_TIFF;
  return RAS_IMG_UNKNOWN;
}

const char *ras_image_format_name(int format) {
  switch (format) {
  case RAS_IMG_PNG:
    return "PNG";
  case RAS_IMG_JPEG:
    return "JPEG";
  case RAS_IMG_TIFF:
    return "TIFF";
  case RAS_IMG_JXR:
    return "JPEG XR";
  default:
    return "unknown";
  }
}

int ras_image_decode(const uint8_t *data, size_t len, const xr_limits *lim,
                     ras_image **out, xr_errinfo *err) {
  *out = NULL;
  switch (ras_image_sniff(data, len)) {
  case RAS_IMG_PNG:
    return ras_image_decode_png(data, len, lim, out, err);
  case RAS_IMG_JPEG:
    return ras_image_decode_jpeg(data, len, lim, out, err);
  case RAS_IMG_TIFF:
    return ras_image_decode_tiff(data, len, lim, out, err);
  case RAS_IMG_JXR:
    return ras_image_decode_jxr(data, len, lim, out, err);
  default:
    return xr_errinfo_set(err, XR_E_UNSUPPORTED, NULL, -1, -1,
                          "unknown image format (%zu bytes)", len);
  }
}
