/* A listener: anything that receives channel notifications and may reply.
 * Socket peers and in-process listeners implement it. All fields and calls
 * are under the notifier's ctl lock. */
#ifndef NTF_LISTENER_H
#define NTF_LISTENER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct xr_channel;
struct ntf_listener;

struct ntf_listener_ops {
  /* A notification on ch. Returns 0, or < 0 when it could not be delivered
   * (the listener is too slow and was dropped): it is then counted lost. */
  int (*notify)(struct ntf_listener *l, struct xr_channel *ch,
                const void *payload, size_t len);
  /* The channel closed (status: why). Optional. */
  void (*closed)(struct ntf_listener *l, struct xr_channel *ch, int status);
};

struct ntf_listener {
  const struct ntf_listener_ops *ops;
  uint64_t id; /* never 0; what a channel records when acquired */
  uid_t uid;
  int admin;
  int active; /* 0: no more deliveries */
  struct ntf_listener *next;
};

#endif
