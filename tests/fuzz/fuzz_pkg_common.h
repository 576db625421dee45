/* Shared by the package fuzzers: the input goes to a temporary file, then
 * through the package and document layers, every part read. */
#ifndef FUZZ_PKG_COMMON_H
#define FUZZ_PKG_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "xps/doc.h"
#include "xps/pkg.h"

/* One file for the whole run, rewritten for each input. */
static int fuzz_file(const uint8_t *data, size_t size, char *path,
                     size_t pathsize) {
  static int fd = -1;
  static char name[64];
  if (fd < 0) {
    /* Memory-backed when possible: the file is rewritten per input. */
    snprintf(name, sizeof name, "/dev/shm/xr-fuzz-pkg-XXXXXX");
    fd = mkstemp(name);
    if (fd < 0) {
      snprintf(name, sizeof name, "/tmp/xr-fuzz-pkg-XXXXXX");
      fd = mkstemp(name);
    }
    if (fd < 0)
      abort();
    /* Gone from the directory at once; the seekable reader opens it
     * through /proc (Linux). */
    unlink(name);
    snprintf(name, sizeof name, "/proc/self/fd/%d", fd);
  }
  if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
    abort();
  lseek(fd, 0, SEEK_SET);
  snprintf(path, pathsize, "%s", name);
  return fd;
}

static void fuzz_limits(xps_ctx *ctx) {
  xps_ctx_init(ctx);
  /* Small enough that no input can exhaust the fuzzer's memory. */
  xr_limits_set(&ctx->limits, XR_LIMIT_PART_SIZE, 8 << 20);
  xr_limits_set(&ctx->limits, XR_LIMIT_PACKAGE_SIZE, 32 << 20);
  xr_limits_set(&ctx->limits, XR_LIMIT_SPILL_MEMORY, 1 << 20);
  xr_limits_set(&ctx->limits, XR_LIMIT_ENTRY_COUNT, 10000);
  xr_limits_set(&ctx->limits, XR_LIMIT_PAGES, 10000);
}

static void fuzz_walk(xps_pkg *pkg, const xps_ctx *ctx) {
  xps_doc *doc = NULL;
  xr_errinfo err;
  if (xps_doc_open(pkg, ctx, &doc, &err) == 0) {
    xps_page_ref ref;
    while (xps_doc_next_page(doc, &ref, &err) == 1) {
      xps_part *p = NULL;
      xps_pkg_read_part(pkg, ref.name, &p, &err);
      xps_part_drop(p);
    }
    xps_doc_page_count(doc);
    xps_doc_close(doc);
  }
  xps_pkg_content_type(pkg, "/Documents/1/Pages/1.fpage");
  xps_pkg_drain(pkg, &err);
  for (size_t i = 0; i < xps_pkg_part_count(pkg); i++) {
    xps_part *p = NULL;
    xps_pkg_read_part(pkg, xps_pkg_part_name(pkg, i), &p, &err);
    xps_part_drop(p);
  }
}

#endif
