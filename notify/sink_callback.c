/* In-process sink: hands each event to an embedder's callback. */
#include <stdlib.h>

#include "notify/sink.h"

struct cb_sink {
  struct ntf_sink base;
  xr_event_cb cb;
  void *ud;
};

static void cb_event(struct ntf_sink *s, const xr_event *ev, int64_t now) {
  struct cb_sink *c = (struct cb_sink *)s;
  (void)now;
  c->cb(ev, c->ud);
}

static void cb_drop(struct ntf_sink *s) {
  free(s);
}

static const struct ntf_sink_ops cb_ops = {
    .name = "callback", .event = cb_event, .drop = cb_drop};

int ntf_sink_callback_new(xr_event_cb cb, void *ud, struct ntf_sink **out) {
  struct cb_sink *c;
  *out = NULL;
  if (!cb)
    return XR_E_INVAL;
  c = calloc(1, sizeof *c);
  if (!c)
    return XR_E_NOMEM;
  c->base.ops = &cb_ops;
  c->cb = cb;
  c->ud = ud;
  *out = &c->base;
  return XR_OK;
}
