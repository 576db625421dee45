/* Frame header encoding and decoding; see wire.h for the layout. Kept free
 * of I/O so that the fuzzer and the tests drive it directly. */
#include "notify/wire.h"

#include <string.h>

static void put32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24);
  p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8);
  p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
         p[3];
}

void ntf_wire_header(const struct ntf_frame *f, uint8_t hdr[NTF_WIRE_HEADER]) {
  put32(hdr, (uint32_t)(NTF_WIRE_HEADER - 4 + f->len));
  hdr[4] = NTF_WIRE_VERSION;
  hdr[5] = f->type;
  hdr[6] = (uint8_t)(f->flags >> 8);
  hdr[7] = (uint8_t)f->flags;
  put32(hdr + 8, (uint32_t)f->status);
  put32(hdr + 12, (uint32_t)(f->channel >> 32));
  put32(hdr + 16, (uint32_t)f->channel);
  memcpy(hdr + 20, f->ptype.b, 16);
}

int ntf_wire_decode(const uint8_t *buf, size_t len, struct ntf_frame *f,
                    size_t *used) {
  uint32_t rest;
  *used = 0;
  if (len < 4)
    return 0;
  rest = get32(buf);
  /* Check what is known as soon as it is known. */
  if (rest < NTF_WIRE_HEADER - 4)
    return XR_E_PROTOCOL;
  if (rest - (NTF_WIRE_HEADER - 4) > XR_NOTIFY_PAYLOAD_MAX)
    return XR_E_TOO_BIG;
  if (len >= 5 && buf[4] != NTF_WIRE_VERSION)
    return XR_E_PROTOCOL;
  if (len >= 6 && (buf[5] < NTF_FT_HELLO || buf[5] > NTF_FT_CLOSED))
    return XR_E_PROTOCOL;
  if (len >= 8 && ((buf[6] << 8 | buf[7]) & ~NTF_WF_KNOWN))
    return XR_E_PROTOCOL;
  if (len < (size_t)rest + 4)
    return 0;
  f->version = buf[4];
  f->type = buf[5];
  f->flags = (uint16_t)(buf[6] << 8 | buf[7]);
  f->status = (int32_t)get32(buf + 8);
  f->channel = (uint64_t)get32(buf + 12) << 32 | get32(buf + 16);
  memcpy(f->ptype.b, buf + 20, 16);
  f->payload = buf + NTF_WIRE_HEADER;
  f->len = rest - (NTF_WIRE_HEADER - 4);
  *used = (size_t)rest + 4;
  return 1;
}
