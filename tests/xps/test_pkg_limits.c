/* Every package limit: the archive needing exactly N passes at limit N and
 * fails with XR_E_LIMIT at N - 1 (the package is one over that limit), in
 * both readers; no limit can be raised past its hard bound. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <zip.h>

#include <cmocka.h>

#include "support_pkg.h"
#include "xps/doc.h"
#include "xps/pkg.h"

#define CORPUS XR_SOURCE_DIR "/corpus/pkg/"

/* Reads file with limit id set to value, through reader stream. */
static int with_limit(const char *file, int id, int64_t value, int stream,
                      xr_errinfo *err) {
  xps_ctx ctx;
  xps_ctx_init(&ctx);
  assert_int_equal(xr_limits_set(&ctx.limits, id, value), value);
  return pkgt_read_all(file, stream, &ctx, err);
}

/* N passes and N - 1 fails with XR_E_LIMIT naming the limit. */
static void at_and_over(const char *file, int id, int64_t n) {
  for (int stream = 0; stream <= 1; stream++) {
    xr_errinfo err;
    int rc = with_limit(file, id, n, stream, &err);
    if (rc != 0)
      fail_msg("%s %s=%lld (%s): %s", file, xr_limit_name(id), (long long)n,
               stream ? "stream" : "seekable", err.msg);
    rc = with_limit(file, id, n - 1, stream, &err);
    if (rc != XR_E_LIMIT || !strstr(err.msg, xr_limit_name(id)))
      fail_msg("%s %s=%lld (%s): got %s \"%s\"", file, xr_limit_name(id),
               (long long)n - 1, stream ? "stream" : "seekable",
               xr_err_name(rc), err.msg);
  }
}

/* Facts about a ZIP from libzip, independent of the code under test. */
static void zip_facts(const char *file, int64_t *entries, int64_t *max_name,
                      int64_t *max_size, int64_t *total, int64_t *max_ratio) {
  int ze;
  zip_t *z = zip_open(file, ZIP_RDONLY, &ze);
  assert_non_null(z);
  *entries = zip_get_num_entries(z, 0);
  *max_name = *max_size = *total = *max_ratio = 0;
  for (int64_t i = 0; i < *entries; i++) {
    zip_stat_t st;
    assert_int_equal(zip_stat_index(z, (zip_uint64_t)i, 0, &st), 0);
    int64_t nl = (int64_t)strlen(st.name);
    int64_t sz = (int64_t)st.size, cs = (int64_t)st.comp_size;
    if (nl > *max_name)
      *max_name = nl;
    if (sz > *max_size)
      *max_size = sz;
    if (cs > *max_size)
      *max_size = cs;
    *total += sz;
    /* The ratio limit applies from 64 KiB up; ceil(size / csize). */
    if (sz >= 65536 && cs > 0 && (sz + cs - 1) / cs > *max_ratio)
      *max_ratio = (sz + cs - 1) / cs;
  }
  zip_close(z);
}

static void test_entry_count(void **state) {
  (void)state;
  int64_t entries, name, size, total, ratio;
  zip_facts(CORPUS "good.xps", &entries, &name, &size, &total, &ratio);
  assert_int_equal(entries, 5);
  at_and_over(CORPUS "good.xps", XR_LIMIT_ENTRY_COUNT, entries);
}

static void test_name_len(void **state) {
  (void)state;
  int64_t entries, name, size, total, ratio;
  zip_facts(CORPUS "good.xps", &entries, &name, &size, &total, &ratio);
  assert_int_equal(name, (int64_t)strlen("Documents/1/Pages/1.fpage"));
  at_and_over(CORPUS "good.xps", XR_LIMIT_NAME_LEN, name);
}

static void test_part_size(void **state) {
  (void)state;
  const char *files[] = {CORPUS "good.xps", CORPUS "stored.xps",
                         CORPUS "dd-sig.xps"};
  for (size_t i = 0; i < 3; i++) {
    int64_t entries, name, size, total, ratio;
    zip_facts(files[i], &entries, &name, &size, &total, &ratio);
    at_and_over(files[i], XR_LIMIT_PART_SIZE, size);
  }
}

static void test_package_size(void **state) {
  (void)state;
  int64_t entries, name, size, total, ratio;
  zip_facts(CORPUS "multidoc.xps", &entries, &name, &size, &total, &ratio);
  at_and_over(CORPUS "multidoc.xps", XR_LIMIT_PACKAGE_SIZE, total);
}

static void test_zip_ratio(void **state) {
  (void)state;
  int64_t entries, name, size, total, ratio;
  zip_facts(CORPUS "bad/bomb.xps", &entries, &name, &size, &total, &ratio);
  assert_true(ratio > 1000); /* the default stops it */
  at_and_over(CORPUS "bad/bomb.xps", XR_LIMIT_ZIP_RATIO, ratio);
}

static void test_pieces_per_part(void **state) {
  (void)state;
  /* pieces.xps splits the page into pieces [0] to [4]. */
  at_and_over(CORPUS "pieces.xps", XR_LIMIT_PIECES_PER_PART, 5);
}

/* Opens file's document with a limit; reads every page part. */
static int doc_with_limit(const char *file, int id, int64_t value,
                          xr_errinfo *err) {
  xps_ctx ctx;
  xps_ctx_init(&ctx);
  xr_limits_set(&ctx.limits, id, value);
  xps_pkg *pkg = NULL;
  xps_doc *doc = NULL;
  int rc = xps_pkg_open(file, &ctx, &pkg, err);
  if (rc == 0)
    rc = xps_doc_open(pkg, &ctx, &doc, err);
  xps_page_ref ref;
  while (rc == 0 && (rc = xps_doc_next_page(doc, &ref, err)) == 1)
    rc = 0;
  xps_doc_close(doc);
  xps_pkg_close(pkg);
  return rc;
}

static void test_pages(void **state) {
  (void)state;
  xr_errinfo err;
  assert_int_equal(
      doc_with_limit(CORPUS "multidoc.xps", XR_LIMIT_PAGES, 6, &err), 0);
  assert_int_equal(
      doc_with_limit(CORPUS "multidoc.xps", XR_LIMIT_PAGES, 5, &err),
      XR_E_LIMIT);
  assert_string_equal(err.part, "/Documents/2/FixedDoc.fdoc");
}

static void test_xml_depth(void **state) {
  (void)state;
  /* The package's structure parts nest two levels deep. */
  xr_errinfo err;
  assert_int_equal(
      doc_with_limit(CORPUS "good.xps", XR_LIMIT_XML_DEPTH, 2, &err), 0);
  assert_int_equal(
      doc_with_limit(CORPUS "good.xps", XR_LIMIT_XML_DEPTH, 1, &err),
      XR_E_LIMIT);
  assert_string_equal(err.part, "/_rels/.rels");
  assert_int_equal(err.line, 2);
}

static void test_spill_memory(void **state) {
  (void)state;
  /* Peak memory stays within the limit whatever the limit is; at 0 every
   * byte goes to the file, with enough room nothing does. */
  const int64_t limits[] = {0, 1, 1000, 4096, 1 << 20};
  for (size_t i = 0; i < sizeof limits / sizeof *limits; i++) {
    xps_ctx ctx;
    xps_ctx_init(&ctx);
    xr_limits_set(&ctx.limits, XR_LIMIT_SPILL_MEMORY, limits[i]);
    pid_t pid;
    int fd = pkgt_pipe_from(CORPUS "multidoc.xps", &pid);
    xps_pkg *pkg = NULL;
    xr_errinfo err;
    assert_int_equal(xps_pkg_open_fd(fd, &ctx, &pkg, &err), 0);
    assert_int_equal(xps_pkg_drain(pkg, &err), 0);
    uint64_t mem, peak, file;
    assert_int_equal(xps_pkg_spill_stats(pkg, &mem, &peak, &file), 0);
    assert_true(peak <= (uint64_t)limits[i]);
    if (limits[i] == 0)
      assert_int_equal(mem, 0);
    if (limits[i] == 1 << 20)
      assert_int_equal(file, 0);
    else
      assert_true(file > 0);
    xps_pkg_close(pkg);
    pkgt_reap(fd, pid);
  }
}

static void test_bounds(void **state) {
  (void)state;
  const int ids[] = {
      XR_LIMIT_ENTRY_COUNT,  XR_LIMIT_NAME_LEN,  XR_LIMIT_PART_SIZE,
      XR_LIMIT_PACKAGE_SIZE, XR_LIMIT_ZIP_RATIO, XR_LIMIT_PIECES_PER_PART,
      XR_LIMIT_SPILL_MEMORY, XR_LIMIT_PAGES,     XR_LIMIT_XML_DEPTH};
  for (size_t i = 0; i < sizeof ids / sizeof *ids; i++) {
    xr_limits l;
    xr_limits_init(&l);
    int64_t bound = xr_limit_bound(ids[i]);
    assert_true(xr_limits_get(&l, ids[i]) <= bound);
    assert_int_equal(xr_limits_set(&l, ids[i], bound + 1), bound);
    assert_int_equal(xr_limits_get(&l, ids[i]), bound);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_entry_count),
      cmocka_unit_test(test_name_len),
      cmocka_unit_test(test_part_size),
      cmocka_unit_test(test_package_size),
      cmocka_unit_test(test_zip_ratio),
      cmocka_unit_test(test_pieces_per_part),
      cmocka_unit_test(test_pages),
      cmocka_unit_test(test_xml_depth),
      cmocka_unit_test(test_spill_memory),
      cmocka_unit_test(test_bounds),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
