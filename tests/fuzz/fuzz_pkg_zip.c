/* libFuzzer harness for the seekable reader (libzip plus our central
 * directory check) and the document structure above it. */
#include "fuzz_pkg_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char path[64];
  xps_ctx ctx;
  fuzz_limits(&ctx);
  fuzz_file(data, size, path, sizeof path);
  xps_pkg *pkg = NULL;
  xr_errinfo err;
  if (xps_pkg_open(path, &ctx, &pkg, &err) == 0) {
    fuzz_walk(pkg, &ctx);
    xps_pkg_close(pkg);
  }
  return 0;
}
