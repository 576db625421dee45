/* In-process listeners: an embedder's callbacks, routed like a socket peer
 * with a given uid. */
#include <stdlib.h>
#include <unistd.h>

#include "notify/channel.h"
#include "notify/notifier.h"
#include "notify/user.h"

struct xr_listener {
  struct ntf_listener base;
  xr_notifier *n;
  xr_listener_cbs cbs;
};

static int local_notify(struct ntf_listener *l, struct xr_channel *ch,
                        const void *payload, size_t len) {
  struct xr_listener *x = (struct xr_listener *)l;
  if (x->cbs.on_notify)
    x->cbs.on_notify(x, ch->id, &ch->type, ch->style, payload, len, x->cbs.ud);
  return 0;
}

static void local_closed(struct ntf_listener *l, struct xr_channel *ch,
                         int status) {
  struct xr_listener *x = (struct xr_listener *)l;
  if (x->cbs.on_closed)
    x->cbs.on_closed(x, ch->id, status, x->cbs.ud);
}

static const struct ntf_listener_ops local_ops = {.notify = local_notify,
                                                  .closed = local_closed};

int xr_notifier_add_listener(xr_notifier *n, long uid,
                             const xr_listener_cbs *cbs, xr_listener **out) {
  struct xr_listener *x;
  if (!out)
    return XR_E_INVAL;
  *out = NULL;
  if (!n || !cbs)
    return XR_E_INVAL;
  x = calloc(1, sizeof *x);
  if (!x)
    return XR_E_NOMEM;
  x->n = n;
  x->cbs = *cbs;
  x->base.ops = &local_ops;
  x->base.uid = uid < 0 ? getuid() : (uid_t)uid;
  x->base.admin = ntf_user_is_admin(x->base.uid);
  x->base.active = 1;
  ntf_lock(n);
  if (n->stopping) {
    ntf_unlock(n);
    free(x);
    return XR_E_CLOSED;
  }
  x->base.id = ++n->next_listener_id;
  x->base.next = n->listeners;
  n->listeners = &x->base;
  ntf_unlock(n);
  *out = x;
  return XR_OK;
}

int xr_listener_reply(xr_listener *x, uint64_t channel, const void *payload,
                      size_t len) {
  int rc;
  if (!x)
    return XR_E_INVAL;
  ntf_lock(x->n);
  rc = ntf_channel_reply(x->n, &x->base, channel, NULL, payload, len);
  ntf_unlock(x->n);
  return rc;
}

void xr_listener_close(xr_listener *x) {
  if (!x)
    return;
  ntf_lock(x->n);
  if (x->base.active) {
    x->base.active = 0;
    ntf_channels_forget(x->n, &x->base);
  }
  ntf_unlock(x->n);
}

/* Called by xr_notifier_drop for listeners of this kind. */
void ntf_listener_local_free(struct ntf_listener *l) {
  free((struct xr_listener *)l);
}
