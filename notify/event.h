/* The fixed-size event a queue slot carries.
 *
 * Render threads fill one in place (no allocation); the notifier thread
 * reads it in place and hands sinks an xr_event view of it. */
#ifndef NTF_EVENT_H
#define NTF_EVENT_H

#include <stdint.h>

#include "xpsraster/notify.h"

enum ntf_kind {
  NTF_EV_NONE = 0,
  NTF_EV_PAGE = XR_EVENT_PAGE,
  NTF_EV_MESSAGE = XR_EVENT_MESSAGE,
  NTF_EV_STATE = XR_EVENT_STATE,
  NTF_EV_CHANNEL = 16 /* a channel send; data is a heap payload */
};

struct xr_channel;

struct ntf_event {
  uint8_t kind;  /* enum ntf_kind */
  uint8_t level; /* enum xr_level */
  uint16_t flags;
  int32_t page;
  int32_t arg;           /* copies for PAGE */
  uint32_t len;          /* bytes in text (no NUL counted), or in data */
  struct xr_channel *ch; /* NTF_EV_CHANNEL: holds one reference */
  void *data;            /* NTF_EV_CHANNEL: owned payload */
  char text[XR_NOTIFY_TEXT_MAX + 1];
};

/* What a poster hands ntf_post: the event's fields but its text. A whole
 * ntf_event as a template would cost a 1 KiB zero-fill on the stack per
 * post. */
struct ntf_head {
  uint8_t kind, level;
  uint16_t flags;
  int32_t page, arg;
  uint32_t len;
  struct xr_channel *ch;
  void *data;
};

#endif
