/* Hostile archives through both readers: each ends in an error that names
 * the entry and its offset, never a crash, hang or leak. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <zip.h>

#include "support_pkg.h"
#include "xps/pkg.h"

#define CORPUS XR_SOURCE_DIR "/corpus/pkg/"

typedef struct hostile_case {
  const char *file;
  int status;
  const char *part;   /* substring of err.part */
  const char *needle; /* substring of err.msg */
} hostile_case;

static void run(const hostile_case *c, int stream) {
  xps_ctx ctx;
  xps_ctx_init(&ctx);
  xr_errinfo err;
  char path[512];
  snprintf(path, sizeof path, "%s%s", CORPUS, c->file);
  int rc = pkgt_read_all(path, stream, &ctx, &err);
  /* Parts are named as part names ("/..."), the package by its path. */
  if (rc != c->status || !strstr(err.part, c->part) || err.part[0] != '/' ||
      !strstr(err.msg, c->needle) || err.offset < 0)
    fail_msg("%s (%s): got %s part \"%s\" offset %lld \"%s\"", c->file,
             stream ? "stream" : "seekable", xr_err_name(rc), err.part,
             err.offset, err.msg);
}

static void test_seekable(void **state) {
  (void)state;
  static const hostile_case cases[] = {
      {"bad/bomb.xps", XR_E_LIMIT, "zeros.bin", "ZIP_RATIO"},
      {"bad/crc.xps", XR_E_CRC, "/Documents/1/Pages/1.fpage", "CRC"},
      {"bad/mismatch.xps", XR_E_FORMAT, "2.fpage", "disagrees"},
      {"bad/outside.xps", XR_E_FORMAT, "1.fpage", "outside the file"},
      {"bad/overlap.xps", XR_E_FORMAT, "inner.bin", "overlaps"},
      {"bad/method.xps", XR_E_UNSUPPORTED, "1.fpage", "compression method 17"},
      {"bad/encrypted.xps", XR_E_UNSUPPORTED, "1.fpage", "ncrypt"},
      {"bad/storedsize.xps", XR_E_FORMAT, "1.fpage", "stored entry"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
    run(&cases[i], 0);
}

static void test_stream(void **state) {
  (void)state;
  static const hostile_case cases[] = {
      {"bad/bomb.xps", XR_E_LIMIT, "zeros.bin", "ZIP_RATIO"},
      {"bad/crc.xps", XR_E_CRC, "/Documents/1/Pages/1.fpage", "CRC"},
      {"bad/mismatch.xps", XR_E_FORMAT, "2.fpage", "disagrees"},
      {"bad/outside.xps", XR_E_FORMAT, "1.fpage", "has none"},
      {"bad/overlap.xps", XR_E_FORMAT, "inner.bin", "has none"},
      {"bad/truncated.xps", XR_E_FORMAT, "Documents/1/Pages/1.fpage",
       "truncated"},
      {"bad/method.xps", XR_E_UNSUPPORTED, "1.fpage", "compression method 17"},
      {"bad/encrypted.xps", XR_E_UNSUPPORTED, "1.fpage", "encrypted"},
      {"bad/storedsize.xps", XR_E_FORMAT, "1.fpage", "stored entry"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
    run(&cases[i], 1);
}

static void test_truncated_seekable(void **state) {
  (void)state;
  /* Without its end records a file is not a ZIP to a seekable reader. */
  hostile_case c = {"bad/truncated.xps", XR_E_FORMAT, "bad/truncated.xps",
                    "central directory"};
  xps_ctx ctx;
  xps_ctx_init(&ctx);
  xr_errinfo err;
  assert_int_equal(pkgt_read_all(CORPUS "bad/truncated.xps", 0, &ctx, &err),
                   c.status);
  assert_non_null(strstr(err.part, c.part));
  assert_non_null(strstr(err.msg, c.needle));
}

static void test_stream_parts_before_damage(void **state) {
  (void)state;
  /* A truncated stream still yields the parts that arrived whole. */
  xps_ctx ctx;
  xps_ctx_init(&ctx);
  pid_t pid;
  int fd = pkgt_pipe_from(CORPUS "bad/truncated.xps", &pid);
  xps_pkg *pkg = NULL;
  xr_errinfo err;
  assert_int_equal(xps_pkg_open_fd(fd, &ctx, &pkg, &err), 0);
  xps_part *p = NULL;
  assert_int_equal(xps_pkg_read_part(pkg, "/_rels/.rels", &p, &err), 0);
  xps_part_drop(p);
  assert_int_equal(
      xps_pkg_read_part(pkg, "/Documents/1/Pages/1.fpage", &p, &err),
      XR_E_FORMAT);
  assert_null(p);
  /* The failure sticks: later calls report it rather than reading on. */
  assert_int_equal(xps_pkg_read_part(pkg, "/nothing", &p, &err), XR_E_FORMAT);
  assert_non_null(strstr(err.msg, "truncated"));
  xps_pkg_close(pkg);
  pkgt_reap(fd, pid);
}

static void test_empty_deflate_blocks(void **state) {
  (void)state;
  /* A deflated entry of 20000 empty stored blocks (5 bytes each) produces
   * no output at all: only a bound on compressed bytes stops it. */
  char path[512];
  snprintf(path, sizeof path, "%s/pkg-empty-blocks.zip", XR_BINARY_DIR);
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  static const unsigned char hdr[] = {
      'P', 'K', 3, 4, 20, 0, 8, 0, 8, 0, 0, 0, 0,   0,   0,   0,   0,  0,
      0,   0,   0, 0, 0,  0, 0, 0, 5, 0, 0, 0, 'a', '.', 'b', 'i', 'n'};
  static const unsigned char block[] = {0, 0, 0, 0xff, 0xff};
  fwrite(hdr, 1, sizeof hdr, f);
  for (int i = 0; i < 20000; i++)
    fwrite(block, 1, sizeof block, f);
  fclose(f);
  xps_ctx ctx;
  xps_ctx_init(&ctx);
  xr_errinfo err;
  xr_limits_set(&ctx.limits, XR_LIMIT_PART_SIZE, 50000);
  assert_int_equal(pkgt_read_all(path, 1, &ctx, &err), XR_E_LIMIT);
  assert_string_equal(err.part, "/a.bin"); /* a part name, as elsewhere */
  assert_int_equal(err.offset, 0);
  assert_non_null(strstr(err.msg, "compressed"));
  /* With room for it all, the stream simply ends inside the entry. */
  xr_limits_set(&ctx.limits, XR_LIMIT_PART_SIZE, 200000);
  assert_int_equal(pkgt_read_all(path, 1, &ctx, &err), XR_E_FORMAT);
  assert_non_null(strstr(err.msg, "truncated"));
  remove(path);
}

static void test_sparse_pieces(void **state) {
  (void)state;
  /* 3000 parts, each one piece numbered just under PIECES_PER_PART: memory
   * must follow the pieces present, not the numbers (3000 x 100000 slots
   * would be gigabytes). */
  char path[512];
  snprintf(path, sizeof path, "%s/pkg-sparse-pieces.zip", XR_BINARY_DIR);
  remove(path);
  int ze;
  zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &ze);
  assert_non_null(z);
  for (int i = 0; i < 3000; i++) {
    char name[64];
    snprintf(name, sizeof name, "p%d/[99998].piece", i);
    zip_source_t *src = zip_source_buffer(z, "x", 1, 0);
    assert_non_null(src);
    assert_true(zip_file_add(z, name, src, 0) >= 0);
    zip_set_file_compression(z, (zip_uint64_t)i, ZIP_CM_STORE, 0);
  }
  assert_int_equal(zip_close(z), 0);
  for (int stream = 0; stream <= 1; stream++) {
    xps_ctx ctx;
    xps_ctx_init(&ctx);
    xr_errinfo err;
    assert_int_equal(pkgt_read_all(path, stream, &ctx, &err), XR_E_FORMAT);
    assert_string_equal(err.part, "/p0");
    assert_non_null(strstr(err.msg, "no last piece"));
  }
  remove(path);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_seekable),
      cmocka_unit_test(test_stream),
      cmocka_unit_test(test_truncated_seekable),
      cmocka_unit_test(test_stream_parts_before_damage),
      cmocka_unit_test(test_empty_deflate_blocks),
      cmocka_unit_test(test_sparse_pieces),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
