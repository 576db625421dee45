/* libFuzzer harness over the image decoding glue and colour management.
 *
 * The input picks its target by content, so raw image and profile parts
 * are seeds as they are (tests/fuzz/seeds/image/, taken from the
 * corpus/image documents):
 *  - bytes that start like PNG, JPEG, TIFF or JPEG XR are decoded under
 *    lowered limits, colour-converted through their embedded profile
 *    (lcms2), mip-mapped, and sampled through a few transforms and tile
 *    modes;
 *  - anything else is taken as an ICC profile: parsed and vetted, used for
 *    a few colours of every channel count and for a row of pixels, and
 *    tried as an image's {ColorConvertedBitmap} source profile. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "render/cms.h"
#include "render/image.h"
#include "render/image_decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void sample(const ras_image *img) {
  static const ras_matrix ms[] = {{1, 0, 0, 1, 0, 0},
                                  {0.03, 0, 0, 0.03, 2, 3},
                                  {7, 1, -1, 7, -5, -5},
                                  {0, -0.5, 0.5, 0, 40, 40}};
  uint8_t out[4 * 64];
  double tile[4] = {1, 1, 3, 2};
  for (int k = 0; k < 4; k++) {
    ras_image_sampler s;
    ras_image_sampler_init(&s, img, &ms[k], k & 1 ? tile : NULL, k, 0.75f);
    for (int y = -2; y < 40; y += 7)
      ras_image_sample_span(&s, -3, y, 64, out);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  xr_limits lim;
  xr_limits_init(&lim);
  /* Small limits keep each run fast; the limit checks are what matter. */
  xr_limits_set(&lim, XR_LIMIT_IMAGE_DIM, 2048);
  xr_limits_set(&lim, XR_LIMIT_IMAGE_PIXELS, 1 << 20);
  xr_limits_set(&lim, XR_LIMIT_JOB_MEMORY, 64 << 20);
  ras_cms *cms = NULL;
  if (ras_cms_new(&cms))
    return 0;
  if (ras_image_sniff(data, size) != RAS_IMG_UNKNOWN) {
    ras_image *img = NULL;
    xr_errinfo err;
    if (ras_image_decode(data, size, &lim, &img, &err) == 0) {
      int warned;
      if (ras_image_prepare(img, cms, NULL, 0, &warned) == 0)
        sample(img);
      ras_image_drop(img);
    }
  } else {
    int ch = 0;
    int h = ras_cms_profile(cms, "/fuzz.icc", data, size, &ch);
    float in[15] = {0.1f, 0.9f, 0.5f, 0, 1, 0.3f, 0.7f, 0.2f,
                    0.4f, 0.6f, 0.8f, 1, 0, 0.5f, 0.5f};
    float rgb[3];
    for (int n = 1; n <= 15; n++)
      ras_cms_color(cms, h, n, in, rgb);
    if (h >= 0) {
      uint8_t px[15 * 8], out[3 * 8];
      for (size_t i = 0; i < sizeof px; i++)
        px[i] = (uint8_t)(i * 37);
      ras_cms_pixels(cms, h, ch, px, out, 8);
    }
    ras_image *img = NULL;
    if (ras_image_new(3, 2, 3, 1, &lim, &img) == 0) {
      memset(img->px, 0x80, img->stride * 2);
      int warned;
      ras_image_prepare(img, cms, data, size, &warned);
      ras_image_drop(img);
    }
  }
  ras_cms_drop(cms);
  return 0;
}
