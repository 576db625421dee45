/* The public package API (xpsraster/package.h): page names in order and
 * part bytes, from a file and from a pipe, with limits copied at open. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "support_pkg.h"
#include "xpsraster/package.h"

#define CORPUS XR_SOURCE_DIR "/corpus/pkg/"

static int walk(xr_pkg *pkg, size_t *bytes) {
  char name[256];
  xr_errinfo err;
  int n = 0, rc;
  *bytes = 0;
  while ((rc = xr_pkg_next_page(pkg, name, sizeof name, &err)) == 1) {
    unsigned char *data;
    size_t size;
    assert_int_equal(xr_pkg_read(pkg, name, &data, &size, &err), 0);
    assert_non_null(strstr((char *)data, "<FixedPage"));
    assert_int_equal(data[size], 0);
    *bytes += size;
    free(data);
    n++;
  }
  assert_int_equal(rc, 0);
  return n;
}

static void test_file_and_pipe(void **state) {
  (void)state;
  xr_pkg *pkg;
  xr_errinfo err;
  size_t a, b;
  assert_int_equal(xr_pkg_open(CORPUS "multidoc.xps", NULL, &pkg, &err), 0);
  assert_int_equal(xr_pkg_page_count(pkg), 6);
  assert_int_equal(walk(pkg, &a), 6);
  xr_pkg_stats st;
  xr_pkg_stats_get(pkg, &st);
  assert_int_equal(st.parts, 11);
  assert_int_equal(st.spill_mem_peak, 0); /* no spill store when seekable */
  xr_pkg_close(pkg);

  pid_t pid;
  int fd = pkgt_pipe_from(CORPUS "multidoc.xps", &pid);
  assert_int_equal(xr_pkg_open_fd(fd, NULL, &pkg, &err), 0);
  assert_int_equal(xr_pkg_page_count(pkg), -1);
  assert_int_equal(walk(pkg, &b), 6);
  assert_int_equal(xr_pkg_page_count(pkg), 6);
  assert_int_equal(a, b);
  xr_pkg_stats_get(pkg, &st);
  assert_true(st.spill_mem_peak > 0);
  xr_pkg_close(pkg);
  pkgt_reap(fd, pid);
  xr_pkg_close(NULL);
}

static void test_errors_and_limits(void **state) {
  (void)state;
  xr_pkg *pkg = (xr_pkg *)1;
  xr_errinfo err;
  assert_int_equal(xr_pkg_open(CORPUS "bad/norels.xps", NULL, &pkg, &err),
                   XR_E_FORMAT);
  assert_null(pkg);
  assert_string_equal(err.part, "/_rels/.rels");
  /* Limits are taken from the caller's copy at open. */
  xr_limits lim;
  xr_limits_init(&lim);
  xr_limits_set(&lim, XR_LIMIT_PAGES, 5);
  assert_int_equal(xr_pkg_open(CORPUS "multidoc.xps", &lim, &pkg, &err),
                   XR_E_LIMIT);
  xr_limits_set(&lim, XR_LIMIT_PAGES, 6);
  assert_int_equal(xr_pkg_open(CORPUS "multidoc.xps", &lim, &pkg, &err), 0);
  char small[8];
  /* A name buffer too small is an error, not a cut name. */
  assert_int_equal(xr_pkg_next_page(pkg, small, sizeof small, &err),
                   XR_E_LIMIT);
  unsigned char *data = (unsigned char *)1;
  size_t size = 1;
  assert_int_equal(xr_pkg_read(pkg, "/nothing", &data, &size, &err),
                   XR_E_NOTFOUND);
  assert_null(data);
  assert_int_equal(size, 0);
  xr_pkg_close(pkg);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_file_and_pipe),
      cmocka_unit_test(test_errors_and_limits),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
