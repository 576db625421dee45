/* Payload type UUIDs. */
#include <stdio.h>
#include <string.h>

#include "xpsraster/notify.h"

const xr_uuid XR_NOTIFY_TYPE_XPSRASTER = {{0x9a, 0x3c, 0x5e, 0x1f, 0x2b, 0x7d,
                                           0x4e, 0x60, 0x8f, 0x14, 0x6d, 0x0b,
                                           0x2a, 0x9c, 0x7e, 0x35}};
const xr_uuid XR_NOTIFY_TYPE_ASYNCUI = {{0xf6, 0x85, 0x3f, 0x92, 0xeb, 0x31,
                                         0x4e, 0x23, 0xb6, 0xe7, 0xfd, 0x69,
                                         0x05, 0x61, 0x53, 0xf0}};

static int hexval(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

int xr_uuid_parse(const char *text, xr_uuid *out) {
  /* Dashes after these byte indexes: 8-4-4-4-12 hex digits. */
  static const unsigned char dash_after[16] = {0, 0, 0, 1, 0, 1, 0, 1,
                                               0, 1, 0, 0, 0, 0, 0, 0};
  const char *p = text;
  int braced;
  if (!text || !out)
    return XR_E_INVAL;
  braced = *p == '{';
  p += braced;
  for (int i = 0; i < 16; i++) {
    int hi = hexval(p[0]), lo = hi < 0 ? -1 : hexval(p[1]);
    if (hi < 0 || lo < 0)
      return XR_E_SYNTAX;
    out->b[i] = (uint8_t)(hi << 4 | lo);
    p += 2;
    if (dash_after[i] && *p++ != '-')
      return XR_E_SYNTAX;
  }
  if (braced && *p++ != '}')
    return XR_E_SYNTAX;
  return *p == '\0' ? XR_OK : XR_E_SYNTAX;
}

char *xr_uuid_format(const xr_uuid *u, char buf[39]) {
  const uint8_t *b = u->b;
  snprintf(buf, 39,
           "{%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x"
           "%02x}",
           b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10],
           b[11], b[12], b[13], b[14], b[15]);
  return buf;
}

int xr_uuid_equal(const xr_uuid *a, const xr_uuid *b) {
  return memcmp(a->b, b->b, 16) == 0;
}
