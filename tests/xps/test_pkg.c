/* Package and document structure: good packages in both namespaces, bad
 * packages with the error naming part and line, interleaved pieces. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "xps/doc.h"
#include "xps/pkg.h"

#define CORPUS XR_SOURCE_DIR "/corpus/pkg/"

static xps_ctx ctx;

static int setup(void **state) {
  (void)state;
  xps_ctx_init(&ctx);
  return 0;
}

static xps_pkg *open_ok(const char *file) {
  xps_pkg *pkg = NULL;
  xr_errinfo err;
  xr_errinfo_clear(&err);
  int rc = xps_pkg_open(file, &ctx, &pkg, &err);
  if (rc != 0)
    fprintf(stderr, "%s: %s\n", file, err.msg);
  assert_int_equal(rc, 0);
  assert_non_null(pkg);
  return pkg;
}

/* Opens file and its document; returns the doc's open status. */
static int open_doc(const char *file, xr_errinfo *err, int *pages) {
  xps_pkg *pkg = NULL;
  xps_doc *doc = NULL;
  xr_errinfo_clear(err);
  int rc = xps_pkg_open(file, &ctx, &pkg, err);
  if (rc == 0)
    rc = xps_doc_open(pkg, &ctx, &doc, err);
  if (rc == 0) {
    *pages = xps_doc_page_count(doc);
    xps_page_ref ref;
    int n = 0;
    while ((rc = xps_doc_next_page(doc, &ref, err)) == 1) {
      assert_int_equal(ref.index, n);
      n++;
    }
    if (rc == 0)
      assert_int_equal(n, *pages);
  }
  xps_doc_close(doc);
  xps_pkg_close(pkg);
  return rc;
}

static void check_good(const char *file) {
  xps_pkg *pkg = open_ok(file);
  xps_doc *doc = NULL;
  xr_errinfo err;
  assert_int_equal(xps_doc_open(pkg, &ctx, &doc, &err), 0);
  assert_int_equal(xps_doc_page_count(doc), 1);
  xps_page_ref ref;
  assert_int_equal(xps_doc_next_page(doc, &ref, &err), 1);
  assert_string_equal(ref.name, "/Documents/1/Pages/1.fpage");
  assert_int_equal(ref.index, 0);
  assert_int_equal(ref.doc_index, 0);
  assert_true(ref.width == 816.0 && ref.height == 1056.0);
  assert_int_equal(xps_doc_next_page(doc, &ref, &err), 0);
  xps_part *part = NULL;
  assert_int_equal(
      xps_pkg_read_part(pkg, "/Documents/1/Pages/1.fpage", &part, &err), 0);
  assert_non_null(strstr((char *)part->data, "<FixedPage"));
  assert_int_equal(strlen((char *)part->data), part->size);
  xps_part_drop(part);
  assert_string_equal(xps_pkg_content_type(pkg, "/Documents/1/Pages/1.fpage"),
                      "application/vnd.ms-package.xps-fixedpage+xml");
  xps_doc_close(doc);
  xps_pkg_close(pkg);
}

static void test_good_xps(void **state) {
  (void)state;
  check_good(CORPUS "good.xps");
}

static void test_good_oxps(void **state) {
  (void)state;
  check_good(CORPUS "good.oxps");
}

static void test_good_stored(void **state) {
  (void)state;
  check_good(CORPUS "stored.xps");
}

static void test_utf16(void **state) {
  (void)state;
  check_good(CORPUS "utf16.xps");
}

static void test_multidoc(void **state) {
  (void)state;
  xps_pkg *pkg = open_ok(CORPUS "multidoc.xps");
  xps_doc *doc = NULL;
  xr_errinfo err;
  assert_int_equal(xps_doc_open(pkg, &ctx, &doc, &err), 0);
  assert_int_equal(xps_doc_page_count(doc), 6);
  xps_page_ref ref;
  for (int i = 0; i < 6; i++) {
    char want[64];
    snprintf(want, sizeof want, "/Documents/%d/Pages/%d.fpage", i / 3 + 1,
             i % 3 + 1);
    assert_int_equal(xps_doc_next_page(doc, &ref, &err), 1);
    assert_string_equal(ref.name, want);
    assert_int_equal(ref.doc_index, i / 3);
    assert_true(ref.height == 1056.0 + i / 3);
  }
  assert_int_equal(xps_doc_next_page(doc, &ref, &err), 0);
  xps_doc_close(doc);
  xps_pkg_close(pkg);
}

static void test_missing_file(void **state) {
  (void)state;
  xps_pkg *pkg = NULL;
  xr_errinfo err;
  xr_errinfo_clear(&err);
  assert_int_equal(xps_pkg_open(CORPUS "no-such-file.xps", &ctx, &pkg, &err),
                   XR_E_IO);
  assert_null(pkg);
  assert_non_null(strstr(err.part, "no-such-file.xps"));
}

static void test_not_zip(void **state) {
  (void)state;
  xps_pkg *pkg = NULL;
  xr_errinfo err;
  assert_int_equal(xps_pkg_open(CORPUS "bad/notzip.xps", &ctx, &pkg, &err),
                   XR_E_FORMAT);
  assert_null(pkg);
  assert_non_null(strstr(err.msg, "not a ZIP"));
}

static void test_no_rels(void **state) {
  (void)state;
  xr_errinfo err;
  int pages;
  assert_int_equal(open_doc(CORPUS "bad/norels.xps", &err, &pages),
                   XR_E_FORMAT);
  assert_string_equal(err.part, "/_rels/.rels");
}

static void test_bad_xml(void **state) {
  (void)state;
  xr_errinfo err;
  int pages;
  assert_int_equal(open_doc(CORPUS "bad/badxml-fdoc.xps", &err, &pages),
                   XR_E_FORMAT);
  assert_string_equal(err.part, "/Documents/1/FixedDoc.fdoc");
  assert_int_equal(err.line, 3);
  assert_non_null(strstr(err.msg, "malformed XML"));
}

static void test_dtd_refused(void **state) {
  (void)state;
  xr_errinfo err;
  int pages;
  assert_int_equal(open_doc(CORPUS "bad/dtd.xps", &err, &pages), XR_E_FORMAT);
  assert_string_equal(err.part, "/FixedDocSeq.fdseq");
  assert_non_null(strstr(err.msg, "DTD"));
}

static void test_missing_page_part(void **state) {
  (void)state;
  xps_pkg *pkg = open_ok(CORPUS "bad/nopage.xps");
  xps_doc *doc = NULL;
  xr_errinfo err;
  assert_int_equal(xps_doc_open(pkg, &ctx, &doc, &err), 0);
  xps_page_ref ref;
  assert_int_equal(xps_doc_next_page(doc, &ref, &err), 1);
  xps_part *part = NULL;
  assert_int_equal(xps_pkg_read_part(pkg, ref.name, &part, &err),
                   XR_E_NOTFOUND);
  assert_null(part);
  assert_string_equal(err.part, "/Documents/1/Pages/1.fpage");
  assert_false(xps_pkg_has_part(pkg, ref.name));
  xps_doc_close(doc);
  xps_pkg_close(pkg);
}

static void test_name_equivalence(void **state) {
  (void)state;
  xps_pkg *pkg = open_ok(CORPUS "quirks/names.xps");
  xr_errinfo err;
  int pages;
  /* Stored as DOCUMENTS\1\Pages%20X\1.fpage, referenced as "pages X". */
  assert_true(xps_pkg_has_part(pkg, "/documents/1/pages x/1.FPAGE"));
  assert_true(xps_pkg_has_part(pkg, "\\Documents\\1\\Pages%20x\\1.fpage"));
  assert_true(xps_pkg_has_part(pkg, "/Documents/1/PAGES%20X/1.fpage"));
  assert_false(xps_pkg_has_part(pkg, "/Documents/1/PagesX/1.fpage"));
  xps_pkg_close(pkg);
  assert_int_equal(open_doc(CORPUS "quirks/names.xps", &err, &pages), 0);
  assert_int_equal(pages, 1);
}

static char *read_page(const char *file, int *rc, xr_errinfo *err) {
  xps_pkg *pkg = open_ok(file);
  xps_part *part = NULL;
  char *s = NULL;
  xr_errinfo_clear(err);
  *rc = xps_pkg_read_part(pkg, "/Documents/1/Pages/1.fpage", &part, err);
  if (*rc == 0) {
    s = strdup((char *)part->data);
    assert_string_equal(part->name, "/Documents/1/Pages/1.fpage");
  }
  xps_part_drop(part);
  xps_pkg_close(pkg);
  return s;
}

static void test_pieces_joined(void **state) {
  (void)state;
  int rc;
  xr_errinfo err;
  char *want = read_page(CORPUS "good.xps", &rc, &err);
  assert_non_null(want);
  const char *files[] = {"pieces.xps", "quirks/pieces-bs.xps", "pieces-one.xps",
                         "pieces-empty.xps", "pieces-empty-stored.xps"};
  for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
    char path[512];
    snprintf(path, sizeof path, "%s%s", CORPUS, files[i]);
    char *got = read_page(path, &rc, &err);
    assert_int_equal(rc, 0);
    assert_string_equal(got, want);
    free(got);
    int pages;
    assert_int_equal(open_doc(path, &err, &pages), 0);
  }
  free(want);
}

static void test_pieces_bad(void **state) {
  (void)state;
  struct {
    const char *file, *needle;
  } cases[] = {{"bad/pieces-missing.xps", "piece 2 of 4 is missing"},
               {"bad/pieces-dup.xps", "piece 1 appears twice"},
               {"bad/pieces-nolast.xps", "no last piece"},
               {"bad/pieces-range.xps", "after the last piece"}};
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char path[512];
    int rc;
    xr_errinfo err;
    snprintf(path, sizeof path, "%s%s", CORPUS, cases[i].file);
    char *got = read_page(path, &rc, &err);
    assert_null(got);
    assert_int_equal(rc, XR_E_FORMAT);
    assert_string_equal(err.part, "/Documents/1/Pages/1.fpage");
    if (!strstr(err.msg, cases[i].needle))
      fail_msg("%s: \"%s\" lacks \"%s\"", cases[i].file, err.msg,
               cases[i].needle);
  }
}

static void test_resolve_uri(void **state) {
  (void)state;
  char out[256];
  struct {
    const char *base, *ref, *want;
  } ok[] = {
      {"/Documents/1/FixedDoc.fdoc", "Pages/1.fpage",
       "/Documents/1/Pages/1.fpage"},
      {"/Documents/1/Pages/1.fpage", "../Resources/f.ttf",
       "/Documents/1/Resources/f.ttf"},
      {"/Documents/1/Pages/1.fpage", "/Resources/a.png#x", "/Resources/a.png"},
      {"/a/b.fpage", "../../../c.png", "/c.png"},
      {"/a/b.fpage", "./c/./d.png", "/a/c/d.png"},
      {"/a/b.fpage", "c\\d.png", "/a/c/d.png"},
      {"/", "FixedDocSeq.fdseq", "/FixedDocSeq.fdseq"},
      {"/a/b.fpage", "c//d.png", "/a/c/d.png"},
      {"/a/b.fpage", "x.dict?q=1", "/a/x.dict"},
  };
  for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
    assert_int_equal(xps_resolve_uri(ok[i].base, ok[i].ref, out, sizeof out),
                     0);
    assert_string_equal(out, ok[i].want);
  }
  assert_int_equal(xps_resolve_uri("/a", "http://x/y.png", out, sizeof out),
                   XR_E_FORMAT);
  assert_int_equal(xps_resolve_uri("/a", "//host/y.png", out, sizeof out),
                   XR_E_FORMAT);
  /* Exactly fitting, and one byte short. */
  assert_int_equal(xps_resolve_uri("/", "abc", out, 5), 0);
  assert_string_equal(out, "/abc");
  assert_int_equal(xps_resolve_uri("/", "abcd", out, 5), XR_E_LIMIT);
}

static void test_directory(void **state) {
  (void)state;
  char *want, *got;
  int rc;
  xr_errinfo err;
  want = read_page(CORPUS "good.xps", &rc, &err);
  got = read_page(CORPUS "unpacked", &rc, &err);
  assert_int_equal(rc, 0);
  assert_string_equal(got, want);
  free(want);
  free(got);
  int pages;
  assert_int_equal(open_doc(CORPUS "unpacked/", &err, &pages), 0);
  assert_int_equal(pages, 1);
  xps_pkg *pkg = open_ok(CORPUS "unpacked");
  assert_int_equal(xps_pkg_part_count(pkg), 5);
  assert_false(xps_pkg_is_lone_page(pkg));
  xps_pkg_close(pkg);
}

static void test_lone_page(void **state) {
  (void)state;
  xps_pkg *pkg = open_ok(CORPUS "lone/page.fpage");
  assert_true(xps_pkg_is_lone_page(pkg));
  assert_string_equal(xps_pkg_lone_page_name(pkg), "/page.fpage");
  xps_doc *doc = NULL;
  xr_errinfo err;
  assert_int_equal(xps_doc_open(pkg, &ctx, &doc, &err), 0);
  assert_int_equal(xps_doc_page_count(doc), 1);
  xps_page_ref ref;
  assert_int_equal(xps_doc_next_page(doc, &ref, &err), 1);
  assert_string_equal(ref.name, "/page.fpage");
  assert_int_equal(xps_doc_next_page(doc, &ref, &err), 0);
  xps_part *p = NULL;
  assert_int_equal(xps_pkg_read_part(pkg, ref.name, &p, &err), 0);
  assert_non_null(strstr((char *)p->data, "<FixedPage"));
  xps_part_drop(p);
  /* A resource beside the page is found on demand; nothing outside. */
  char name[256];
  assert_int_equal(xps_resolve_uri(ref.name, "res.bin", name, sizeof name), 0);
  assert_int_equal(xps_pkg_read_part(pkg, name, &p, &err), 0);
  assert_memory_equal(p->data, "resource beside", 15);
  xps_part_drop(p);
  assert_int_equal(
      xps_resolve_uri(ref.name, "../../etc/passwd", name, sizeof name), 0);
  assert_int_equal(xps_pkg_read_part(pkg, name, &p, &err), XR_E_NOTFOUND);
  xps_doc_close(doc);
  xps_pkg_close(pkg);
}

static void test_content_types(void **state) {
  (void)state;
  xps_pkg *pkg = open_ok(CORPUS "ctypes.xps");
  /* The Override (PartName in another case) beats the Default. */
  assert_string_equal(xps_pkg_content_type(pkg, "/Documents/1/Pages/1.fpage"),
                      "application/x-test");
  assert_string_equal(xps_pkg_content_type(pkg, "/documents/1/fixeddoc.FDOC"),
                      "application/vnd.ms-package.xps-fixeddocument+xml");
  assert_null(xps_pkg_content_type(pkg, "/Misc/readme.txt"));
  assert_null(xps_pkg_content_type(pkg, "/noext"));
  xps_pkg_close(pkg);
  /* Unknown parts and relationship types do not stop the document. */
  xr_errinfo err;
  int pages;
  assert_int_equal(open_doc(CORPUS "ctypes.xps", &err, &pages), 0);
  assert_int_equal(pages, 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(test_good_xps, setup),
      cmocka_unit_test_setup(test_good_oxps, setup),
      cmocka_unit_test_setup(test_good_stored, setup),
      cmocka_unit_test_setup(test_utf16, setup),
      cmocka_unit_test_setup(test_multidoc, setup),
      cmocka_unit_test_setup(test_missing_file, setup),
      cmocka_unit_test_setup(test_not_zip, setup),
      cmocka_unit_test_setup(test_no_rels, setup),
      cmocka_unit_test_setup(test_bad_xml, setup),
      cmocka_unit_test_setup(test_dtd_refused, setup),
      cmocka_unit_test_setup(test_missing_page_part, setup),
      cmocka_unit_test_setup(test_name_equivalence, setup),
      cmocka_unit_test_setup(test_pieces_joined, setup),
      cmocka_unit_test_setup(test_pieces_bad, setup),
      cmocka_unit_test_setup(test_resolve_uri, setup),
      cmocka_unit_test_setup(test_directory, setup),
      cmocka_unit_test_setup(test_lone_page, setup),
      cmocka_unit_test_setup(test_content_types, setup),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
