/* The spill store: bytes read back equal bytes written, whether they stay
 * in memory or go to the file; memory never passes the limit; demoted and
 * aborted slots behave. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "xps/spill.h"

static void fill_pattern(unsigned char *b, size_t n, unsigned seed) {
  for (size_t i = 0; i < n; i++)
    b[i] = (unsigned char)((i * 31 + seed * 7) ^ (i >> 8));
}

static void check_slot(xps_spill *s, int64_t id, size_t n, unsigned seed) {
  unsigned char *want = malloc(n + 1), *got = malloc(n + 1);
  fill_pattern(want, n, seed);
  assert_int_equal(xps_spill_read(s, id, 0, got, n, NULL), 0);
  assert_memory_equal(want, got, n);
  /* A read from the middle. */
  if (n > 10) {
    assert_int_equal(xps_spill_read(s, id, 5, got, n - 10, NULL), 0);
    assert_memory_equal(want + 5, got, n - 10);
  }
  /* Past the end is refused. */
  assert_int_not_equal(xps_spill_read(s, id, 1, got, n, NULL), 0);
  free(want);
  free(got);
}

static void test_limits(void **state) {
  (void)state;
  const uint64_t limits[] = {0, 100, 5000, 1 << 20};
  const size_t sizes[] = {0, 1, 4095, 4096, 4097, 10000, 70000, 3};
  for (size_t l = 0; l < sizeof limits / sizeof *limits; l++) {
    xps_spill *s;
    assert_int_equal(xps_spill_new(limits[l], NULL, &s), 0);
    int64_t ids[8];
    uint64_t total = 0;
    for (size_t k = 0; k < 8; k++) {
      ids[k] = xps_spill_begin(s);
      assert_true(ids[k] >= 0);
      unsigned char *b = malloc(sizes[k] + 1);
      fill_pattern(b, sizes[k], (unsigned)k);
      /* Appended in uneven chunks, as inflate hands them over. */
      for (size_t off = 0; off < sizes[k];) {
        size_t n = sizes[k] - off < 777 ? sizes[k] - off : 777;
        assert_int_equal(xps_spill_append(s, b + off, n, NULL), 0);
        off += n;
        assert_true(xps_spill_mem(s) <= limits[l]);
      }
      assert_int_equal(xps_spill_end(s), sizes[k]);
      total += sizes[k];
      free(b);
    }
    for (size_t k = 0; k < 8; k++)
      check_slot(s, ids[k], sizes[k], (unsigned)k);
    assert_true(xps_spill_mem_peak(s) <= limits[l]);
    if (limits[l] >= total)
      assert_int_equal(xps_spill_file_bytes(s), 0);
    else
      assert_true(xps_spill_file_bytes(s) > 0);
    xps_spill_drop(s);
  }
}

static void test_demote_abort(void **state) {
  (void)state;
  xps_spill *s;
  assert_int_equal(xps_spill_new(1 << 20, NULL, &s), 0);
  unsigned char b[3000];
  fill_pattern(b, sizeof b, 9);
  int64_t a = xps_spill_begin(s);
  assert_int_equal(xps_spill_append(s, b, sizeof b, NULL), 0);
  /* The open slot cannot be demoted. */
  assert_int_not_equal(xps_spill_demote(s, a, NULL), 0);
  xps_spill_end(s);
  uint64_t mem = xps_spill_mem(s);
  assert_true(mem >= sizeof b);
  assert_int_equal(xps_spill_demote(s, a, NULL), 0);
  assert_int_equal(xps_spill_mem(s), mem - sizeof b);
  assert_int_equal(xps_spill_file_bytes(s), sizeof b);
  check_slot(s, a, sizeof b, 9);
  /* Demoting twice is harmless. */
  assert_int_equal(xps_spill_demote(s, a, NULL), 0);
  /* An aborted slot gives its memory back and its id is reused. */
  int64_t c = xps_spill_begin(s);
  assert_int_equal(xps_spill_append(s, b, sizeof b, NULL), 0);
  xps_spill_abort(s);
  assert_int_equal(xps_spill_mem(s), mem - sizeof b);
  assert_int_equal(xps_spill_begin(s), c);
  xps_spill_end(s);
  xps_spill_drop(s);
  xps_spill_drop(NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_limits),
      cmocka_unit_test(test_demote_abort),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
