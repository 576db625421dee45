/* libFuzzer harness for the forward-only reader (local headers, inflate,
 * data descriptors, ZIP64, central directory cross-check, spill store)
 * and the document structure above it. */
#include "fuzz_pkg_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char path[64];
  xps_ctx ctx;
  fuzz_limits(&ctx);
  /* A small spill budget so that the file half of the store runs too. */
  xr_limits_set(&ctx.limits, XR_LIMIT_SPILL_MEMORY, 4096);
  int fd = fuzz_file(data, size, path, sizeof path);
  xps_pkg *pkg = NULL;
  xr_errinfo err;
  if (xps_pkg_open_fd(fd, &ctx, &pkg, &err) == 0) {
    fuzz_walk(pkg, &ctx);
    xps_pkg_close(pkg);
  }
  return 0;
}
