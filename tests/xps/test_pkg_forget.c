/* xps_pkg_forget: on a stream a forgotten part's spill memory is freed and
 * the part can no longer be read; other parts are untouched; on a seekable
 * package it changes nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "support_pkg.h"
#include "xps/pkg.h"

#define DOC XR_SOURCE_DIR "/corpus/ticket/discard_stream.xps"
#define BIG "/Resources/big.bin"
#define BIG_SIZE (256 * 1024)

static void test_forget_stream(void **state) {
  (void)state;
  xps_ctx ctx;
  xps_ctx_init(&ctx);
  pid_t pid;
  int fd = pkgt_pipe_from(DOC, &pid);
  xps_pkg *pkg = NULL;
  xr_errinfo err;
  assert_int_equal(xps_pkg_open_fd(fd, &ctx, &pkg, &err), 0);
  /* Reading page 2 passes (and spills) the resource and page 1. */
  xps_part *p = NULL;
  assert_int_equal(
      xps_pkg_read_part(pkg, "/Documents/1/Pages/2.fpage", &p, &err), 0);
  xps_part_drop(p);
  uint64_t mem0, peak0, file0;
  assert_int_equal(xps_pkg_spill_stats(pkg, &mem0, &peak0, &file0), 0);
  assert_true(mem0 >= BIG_SIZE);
  /* Not yet arrived or unknown: nothing happens. */
  xps_pkg_forget(pkg, "/Resources/none.bin");
  xps_pkg_forget(pkg, NULL);
  uint64_t mem1, peak1, file1;
  assert_int_equal(xps_pkg_spill_stats(pkg, &mem1, &peak1, &file1), 0);
  assert_int_equal(mem1, mem0);
  /* Names compare as OPC names. */
  xps_pkg_forget(pkg, "/resources/BIG.bin");
  assert_int_equal(xps_pkg_spill_stats(pkg, &mem1, &peak1, &file1), 0);
  assert_true(mem1 + BIG_SIZE <= mem0);
  assert_int_equal(peak1, peak0);
  /* Twice is harmless. */
  xps_pkg_forget(pkg, BIG);
  uint64_t mem2;
  assert_int_equal(xps_pkg_spill_stats(pkg, &mem2, &peak1, &file1), 0);
  assert_int_equal(mem2, mem1);
  /* A forgotten part is an error naming it; others still read. */
  assert_int_equal(xps_pkg_read_part(pkg, BIG, &p, &err), XR_E_NOTFOUND);
  assert_null(p);
  assert_string_equal(err.part, BIG);
  assert_non_null(strstr(err.msg, "discarded"));
  assert_int_equal(xps_pkg_read_part(pkg, "/Discard/dc.xml", &p, &err), 0);
  xps_part_drop(p);
  /* Reading on to the end still succeeds. */
  assert_int_equal(xps_pkg_drain(pkg, &err), 0);
  xps_pkg_close(pkg);
  pkgt_reap(fd, pid);
}

static void test_forget_seekable_noop(void **state) {
  (void)state;
  xps_ctx ctx;
  xps_ctx_init(&ctx);
  xps_pkg *pkg = NULL;
  xr_errinfo err;
  assert_int_equal(xps_pkg_open(DOC, &ctx, &pkg, &err), 0);
  xps_pkg_forget(pkg, BIG);
  xps_part *p = NULL;
  assert_int_equal(xps_pkg_read_part(pkg, BIG, &p, &err), 0);
  assert_int_equal(p->size, BIG_SIZE);
  xps_part_drop(p);
  xps_pkg_close(pkg);
  xps_pkg_forget(NULL, BIG);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_forget_stream),
      cmocka_unit_test(test_forget_seekable_noop),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
