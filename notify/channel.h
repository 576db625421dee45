/* Channels: the notifier-side state of xr_channel. */
#ifndef NTF_CHANNEL_H
#define NTF_CHANNEL_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "notify/listener.h"
#include "xpsraster/notify.h"

enum ntf_ch_state { NTF_CH_OPEN, NTF_CH_CLOSING, NTF_CH_CLOSED };

/* An on_event still to run: a listener's reply or a default answer. */
struct ntf_reply {
  struct ntf_reply *next;
  int status;
  size_t len;
  unsigned char data[];
};

struct xr_channel {
  xr_notifier *n; /* NULL once the notifier is gone */
  uint64_t id;
  xr_uuid type;
  int filter, style, timeout_ms;
  void *dflt; /* the channel's default answer (bidirectional) */
  size_t dflt_len;
  xr_channel_event_cb on_event;
  xr_channel_closed_cb on_closed;
  void *ud;

  /* refs: the opener's, the notifier table's, one per queued send, one
   * per public call in progress. The
   * last unref frees; acq_rel so that every use happens before the free. */
  atomic_int refs;
  /* busy: set for the duration of a public call, to report concurrent
   * calls (XR_E_CALL_IN_PROGRESS) instead of racing. acquire on entry,
   * release on exit, pairing with each other across threads. */
  atomic_int busy;

  /* The rest is under the notifier's ctl lock. */
  int state, close_flags, close_status, released;
  unsigned queued;  /* sends in the queue, not yet routed */
  int outstanding;  /* a bidirectional send awaits its on_event */
  int64_t deadline; /* ms, for the outstanding send */
  void *q_dflt;     /* its default answer */
  size_t q_dflt_len;
  int q_nchoices;       /* our schema: choices offered by the query */
  uint64_t acquired_by; /* listener id; 0: not acquired */
  int lost;             /* a notification was lost since the last send */
  struct ntf_reply *replies, **replies_tail;
  struct xr_channel *next;
};

/* Under ctl, notifier thread. Route a queued send; ch loses the queue's
 * reference (may be freed). */
void ntf_channel_route(xr_notifier *n, struct xr_channel *ch, void *payload,
                       size_t len);
/* Timeouts, on_event deliveries and closes. Returns the earliest pending
 * deadline (ms) or -1. final: the notifier is stopping; close everything. */
int64_t ntf_channels_run(xr_notifier *n, int64_t now, int final);
/* A listener's reply (payload copied). */
int ntf_channel_reply(xr_notifier *n, struct ntf_listener *l, uint64_t id,
                      const xr_uuid *ptype, const void *payload, size_t len);
/* A listener left: channels it acquired become free again. */
void ntf_channels_forget(xr_notifier *n, struct ntf_listener *l);
/* Whether l may receive ch (filter, acquisition). */
int ntf_channel_eligible(xr_notifier *n, struct xr_channel *ch,
                         const struct ntf_listener *l);
void ntf_channel_unref(struct xr_channel *ch);

#endif
