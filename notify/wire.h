/* The listener socket's wire format, version 1.
 *
 * Every frame is a 36-byte header and a payload, integers big-endian:
 *
 *   0  u32  length of the rest of the frame (32 + payload bytes)
 *   4  u8   version, 1
 *   5  u8   type (enum ntf_frame_type)
 *   6  u16  flags (NTF_WF_*; unknown bits are an error)
 *   8  i32  status (enum xr_status; 0 where unused)
 *  12  u64  channel id (0: the job itself)
 *  20  u8[16] payload type UUID (all zero: no payload)
 *  36  payload
 *
 * A peer may send only REPLY frames; anything else, a bad version, a bad
 * length or an oversized payload is malformed and closes that connection. */
#ifndef NTF_WIRE_H
#define NTF_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "xpsraster/notify.h"

#define NTF_WIRE_VERSION 1
#define NTF_WIRE_HEADER 36
#define NTF_WIRE_FRAME_MAX (NTF_WIRE_HEADER + XR_NOTIFY_PAYLOAD_MAX)

enum ntf_frame_type {
  NTF_FT_HELLO = 1,  /* server -> peer: job info (our schema), or refusal */
  NTF_FT_EVENT = 2,  /* server -> peer: a job event (our schema) */
  NTF_FT_NOTIFY = 3, /* server -> peer: a channel notification */
  NTF_FT_REPLY = 4,  /* peer -> server: a reply on a bidirectional channel */
  NTF_FT_STATUS = 5, /* server -> peer: the outcome of a REPLY */
  NTF_FT_CLOSED = 6  /* server -> peer: the channel closed */
};

enum ntf_wire_flags {
  NTF_WF_BIDI = 1,     /* NOTIFY: a reply is expected */
  NTF_WF_ALL_USERS = 2 /* NOTIFY: an all_users channel */
};
#define NTF_WF_KNOWN (NTF_WF_BIDI | NTF_WF_ALL_USERS)

struct ntf_frame {
  uint8_t version, type;
  uint16_t flags;
  int32_t status;
  uint64_t channel;
  xr_uuid ptype;
  const uint8_t *payload; /* points into the decoded buffer */
  size_t len;
};

/* Writes the header for f (f->len payload bytes follow) into hdr. */
void ntf_wire_header(const struct ntf_frame *f, uint8_t hdr[NTF_WIRE_HEADER]);

/* Decodes the first frame in buf[0..len). Returns 1 and sets *used when a
 * whole frame is there, 0 when more bytes are needed, XR_E_PROTOCOL when
 * the bytes can never become a valid frame (checked as early as the header
 * allows, so a bad length is refused before its payload arrives), and
 * XR_E_TOO_BIG for an oversized payload. */
int ntf_wire_decode(const uint8_t *buf, size_t len, struct ntf_frame *f,
                    size_t *used);

#endif
