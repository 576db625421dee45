/* Fuzzes what a listener socket peer can send: the frame decoder over a
 * byte stream (split at a fuzzer-chosen point, as recv() might split it),
 * then every payload through the schema validators the notifier applies to
 * replies, and the encoders for a round trip. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "notify/wire.h"
#include "xpsraster/notify.h"

static void payload(const uint8_t *p, size_t len) {
  static xr_msg m, again;
  static char buf[XR_NOTIFY_PAYLOAD_MAX];
  char kind[32], button[32];
  size_t n;
  if (xr_msg_decode(p, len, &m) == XR_OK) {
    /* What decodes must re-encode and decode to the same message. */
    if (xr_msg_encode(&m, buf, sizeof buf, &n) != XR_OK ||
        xr_msg_decode(buf, n, &again) != XR_OK || again.kind != m.kind ||
        again.page != m.page || strcmp(again.text, m.text) != 0)
      abort();
  }
  xr_asyncui_validate(p, len, 0, kind, sizeof kind, button, sizeof button);
  xr_asyncui_validate(p, len, 1, kind, sizeof kind, button, sizeof button);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static uint8_t stream[NTF_WIRE_FRAME_MAX * 2];
  size_t have = 0, off = 0, split;
  struct ntf_frame f;
  size_t used;
  int rc;
  if (size < 1)
    return 0;
  split = data[0] % (size + 1);
  data++;
  size--;
  if (split > size)
    split = size;
  /* Feed in two pieces, decoding after each, as the server does. */
  for (int piece = 0; piece < 2; piece++) {
    size_t take = piece == 0 ? split : size - split;
    if (take > sizeof stream - have)
      take = sizeof stream - have;
    memcpy(stream + have, data + off, take);
    have += take;
    off += take;
    while ((rc = ntf_wire_decode(stream, have, &f, &used)) == 1) {
      if (used < NTF_WIRE_HEADER || used > have ||
          f.len != used - NTF_WIRE_HEADER || f.len > XR_NOTIFY_PAYLOAD_MAX)
        abort();
      payload(f.payload, f.len);
      memmove(stream, stream + used, have - used);
      have -= used;
    }
    if (rc < 0)
      return 0; /* the server closes the connection here */
  }
  return 0;
}
