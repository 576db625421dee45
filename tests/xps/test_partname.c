/* OPC part names: normalisation, folding, hashing, piece names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "xps/partname.h"
#include "xpsraster/error.h"

static int norm(const char *in, char *out, size_t size) {
  return xps_partname_norm(in, strlen(in), out, size);
}

static void test_norm(void **state) {
  (void)state;
  struct {
    const char *in, *out;
  } ok[] = {
      {"Documents/1/Pages/1.fpage", "/Documents/1/Pages/1.fpage"},
      {"/a/b", "/a/b"},
      {"\\a\\b", "/a/b"},
      {"a//b", "/a/b"},
      {"a/%41%62%20c", "/a/Ab c"},
      {"a/%e2%82%AC", "/a/\xe2\x82\xac"},
      {"a/%2Fb%5c", "/a/%2Fb%5c"}, /* separators stay escaped */
      {"a/%00", "/a/%00"},
      {"a/%4", "/a/%4"},
      {"a/%zz", "/a/%zz"},
      {"a/.b/c..", "/a/.b/c.."},
      {"a/%2541", "/a/%2541"}, /* a literal '%' stays escaped */
  };
  char out[64];
  for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
    int n = norm(ok[i].in, out, sizeof out);
    assert_int_equal(n, (int)strlen(ok[i].out));
    assert_string_equal(out, ok[i].out);
  }
  const char *bad[] = {"", "/", "a/./b", "a/../b", "..", "a/.", "a/%2E%2E"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
    assert_int_equal(norm(bad[i], out, sizeof out), XR_E_FORMAT);
  /* Idempotent: a normalised name normalises to itself. */
  for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
    char again[64];
    int n = norm(ok[i].out, again, sizeof again);
    assert_int_equal(n, (int)strlen(ok[i].out));
    assert_string_equal(again, ok[i].out);
  }
  /* NUL inside the given length. */
  assert_int_equal(xps_partname_norm("a\0b", 3, out, sizeof out), XR_E_FORMAT);
  /* Fits exactly ("/abc" + NUL = 5), one short. */
  assert_int_equal(norm("abc", out, 5), 4);
  assert_int_equal(norm("abcd", out, 5), XR_E_LIMIT);
}

static void test_fold_hash(void **state) {
  (void)state;
  char a[64], b[64];
  norm("DOCUMENTS\\1\\Pages%20X\\1.FPage", a, sizeof a);
  norm("/documents/1/pages x/1.fpage", b, sizeof b);
  assert_string_not_equal(a, b);
  xps_partname_fold(a);
  xps_partname_fold(b);
  assert_string_equal(a, b);
  assert_true(xps_partname_hash(a, strlen(a)) ==
              xps_partname_hash(b, strlen(b)));
  assert_true(xps_partname_hash("/a", 2) != xps_partname_hash("/b", 2));
}

static void test_piece(void **state) {
  (void)state;
  uint32_t n;
  int last;
  size_t base;
  const char *s = "/a/b.fpage/[12].piece";
  assert_int_equal(xps_partname_piece(s, strlen(s), &n, &last, &base), 1);
  assert_int_equal(n, 12);
  assert_int_equal(last, 0);
  assert_int_equal(base, strlen("/a/b.fpage"));
  s = "/a/b.fpage/[0].LAST.Piece";
  assert_int_equal(xps_partname_piece(s, strlen(s), &n, &last, &base), 1);
  assert_int_equal(n, 0);
  assert_int_equal(last, 1);
  s = "/a/b.fpage/[99999999999].piece";
  assert_int_equal(xps_partname_piece(s, strlen(s), &n, &last, &base), 1);
  assert_int_equal(n, UINT32_MAX);
  const char *no[] = {"/a/b.fpage",         "/[0].piece",   "/a/[].piece",
                      "/a/[x].piece",       "/a/0].piece",  "/a/[0]piece",
                      "/a/[0].last.pieces", "/a/[-1].piece"};
  for (size_t i = 0; i < sizeof no / sizeof *no; i++)
    assert_int_equal(xps_partname_piece(no[i], strlen(no[i]), &n, &last, &base),
                     0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_norm),
      cmocka_unit_test(test_fold_hash),
      cmocka_unit_test(test_piece),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
