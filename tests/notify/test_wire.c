/* The wire format: round trip, partial input, and every malformed header
 * refused as early as the header allows; payload size at N and N + 1. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "notify/wire.h"

static size_t make(uint8_t *buf, int type, uint16_t flags, int32_t status,
                   uint64_t ch, const char *payload, size_t len) {
  struct ntf_frame f = {.type = (uint8_t)type,
                        .flags = flags,
                        .status = status,
                        .channel = ch,
                        .ptype = XR_NOTIFY_TYPE_XPSRASTER,
                        .len = len};
  ntf_wire_header(&f, buf);
  if (len)
    memcpy(buf + NTF_WIRE_HEADER, payload, len);
  return NTF_WIRE_HEADER + len;
}

static void test_roundtrip_and_partial(void **state) {
  uint8_t buf[256];
  struct ntf_frame f;
  size_t used, n = make(buf, NTF_FT_NOTIFY, NTF_WF_BIDI, -25,
                        0x0102030405060708ull, "hello", 5);
  (void)state;
  assert_int_equal(buf[0], 0);
  assert_int_equal(buf[3], 32 + 5); /* big-endian length of the rest */
  for (size_t k = 0; k < n; k++)
    assert_int_equal(ntf_wire_decode(buf, k, &f, &used), 0);
  assert_int_equal(ntf_wire_decode(buf, n, &f, &used), 1);
  assert_int_equal(used, n);
  assert_int_equal(f.type, NTF_FT_NOTIFY);
  assert_int_equal(f.flags, NTF_WF_BIDI);
  assert_int_equal(f.status, -25);
  assert_int_equal(f.channel, 0x0102030405060708ull);
  assert_true(xr_uuid_equal(&f.ptype, &XR_NOTIFY_TYPE_XPSRASTER));
  assert_int_equal(f.len, 5);
  assert_memory_equal(f.payload, "hello", 5);
  /* Two frames back to back: the first is consumed alone. */
  size_t m = make(buf + n, NTF_FT_REPLY, 0, 0, 1, NULL, 0);
  assert_int_equal(ntf_wire_decode(buf, n + m, &f, &used), 1);
  assert_int_equal(used, n);
  assert_int_equal(ntf_wire_decode(buf + n, m, &f, &used), 1);
  assert_int_equal(f.type, NTF_FT_REPLY);
  assert_int_equal(f.len, 0);
}

static void test_malformed_headers(void **state) {
  uint8_t buf[256];
  struct ntf_frame f;
  size_t used, n;
  (void)state;
  /* Length below the header: known after 4 bytes. */
  memset(buf, 0, 4);
  buf[3] = 31;
  assert_int_equal(ntf_wire_decode(buf, 4, &f, &used), XR_E_PROTOCOL);
  /* Bad version, known after 5 bytes. */
  n = make(buf, NTF_FT_REPLY, 0, 0, 1, NULL, 0);
  buf[4] = 2;
  assert_int_equal(ntf_wire_decode(buf, 5, &f, &used), XR_E_PROTOCOL);
  /* Unknown type. */
  n = make(buf, NTF_FT_REPLY, 0, 0, 1, NULL, 0);
  buf[5] = 0;
  assert_int_equal(ntf_wire_decode(buf, 6, &f, &used), XR_E_PROTOCOL);
  buf[5] = 7;
  assert_int_equal(ntf_wire_decode(buf, n, &f, &used), XR_E_PROTOCOL);
  /* Unknown flag bits. */
  n = make(buf, NTF_FT_REPLY, 0x8000, 0, 1, NULL, 0);
  assert_int_equal(ntf_wire_decode(buf, 8, &f, &used), XR_E_PROTOCOL);
  (void)n;
}

static void test_payload_limit(void **state) {
  uint8_t *buf = calloc(1, NTF_WIRE_FRAME_MAX + 1);
  struct ntf_frame f = {.type = NTF_FT_REPLY};
  size_t used;
  (void)state;
  assert_non_null(buf);
  f.len = XR_NOTIFY_PAYLOAD_MAX; /* N: accepted */
  ntf_wire_header(&f, buf);
  assert_int_equal(ntf_wire_decode(buf, 4, &f, &used), 0);
  assert_int_equal(ntf_wire_decode(buf, NTF_WIRE_FRAME_MAX, &f, &used), 1);
  assert_int_equal(f.len, XR_NOTIFY_PAYLOAD_MAX);
  f.len = XR_NOTIFY_PAYLOAD_MAX + 1; /* N + 1: refused from the length */
  ntf_wire_header(&f, buf);
  assert_int_equal(ntf_wire_decode(buf, 4, &f, &used), XR_E_TOO_BIG);
  /* A length field of 4 GiB cannot wrap around either. */
  memset(buf, 0xFF, 4);
  assert_int_equal(ntf_wire_decode(buf, 4, &f, &used), XR_E_TOO_BIG);
  free(buf);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_roundtrip_and_partial),
      cmocka_unit_test(test_malformed_headers),
      cmocka_unit_test(test_payload_limit),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
