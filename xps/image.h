/* ImageBrush image sources: resolving ImageSource, loading and decoding
 * the image part, colour-converting it once, and caching the result for
 * the job (private to xps/).
 *
 * ImageSource is either a part URI ("../Resources/a.png", relative to the
 * part that holds the markup) or "{ColorConvertedBitmap image profile}",
 * whose profile part is the source profile of the image, overriding any
 * profile embedded in it. The format comes from the bytes (PNG, JPEG,
 * TIFF, JPEG XR), not from the name or content type.
 *
 * A missing, corrupt, truncated, oversized or unknown image is a warning
 * naming the image part; the caller skips the element. A bad ICC profile
 * is a warning too, and the image is read in the default space of its
 * channel count (gray, sRGB, plain CMYK). */
#ifndef XPS_IMAGE_H
#define XPS_IMAGE_H

#include "render/image.h"
#include "xps/pkg.h"

/* Job cache of decoded images, keyed by image part and profile part.
 * It keeps at most XPS_IMAGE_CACHE_BYTES of pixels; the least recently used
 * entries go first (display lists keep their own references, so eviction
 * never frees an image still in use). Safe for concurrent use. */
typedef struct xps_images xps_images;

#define XPS_IMAGE_CACHE_BYTES ((size_t)256 << 20)
#define XPS_IMAGE_CACHE_ENTRIES 4096

/* New, empty cache. XR_E_NOMEM. */
int xps_images_new(xps_images **out);
void xps_images_drop(xps_images *c);
/* Decodes done so far (cache misses), for tests. */
int xps_images_decoded(xps_images *c);

/* Resolves source (an ImageSource value) against part base and returns a
 * new reference to the prepared image in *out. ctx->images caches it and
 * ctx->cms converts it (either may be NULL: no cache, or default spaces).
 * line is where the ImageSource is, for warnings. Returns 0; XR_E_SYNTAX
 * when the image is unusable (already warned: skip the element);
 * XR_E_NOMEM or XR_E_CANCELLED, which end the page. */
int xps_image_load(const xps_ctx *ctx, xps_pkg *pkg, const char *base,
                   const char *source, long line, ras_image **out);

/* Splits an ImageSource value into the image reference and the optional
 * profile reference (profile[0] = 0 when absent). Returns 0 or
 * XR_E_SYNTAX. */
int xps_image_source_parse(const char *source, char *image, size_t isize,
                           char *profile, size_t psize);

#endif
