/* Where the notifier thread delivers events.
 *
 * A sink is owned by the notifier and called only on its thread (and from
 * xr_notifier_drop after that thread has stopped). */
#ifndef NTF_SINK_H
#define NTF_SINK_H

#include <stdatomic.h>
#include <stdint.h>

#include "xpsraster/notify.h"

struct ntf_sink;

struct ntf_sink_ops {
  const char *name;
  /* One delivered event. */
  void (*event)(struct ntf_sink *s, const xr_event *ev, int64_t now_ms);
  /* Milliseconds (monotonic) at which tick wants to run, or -1. Optional. */
  int64_t (*deadline)(struct ntf_sink *s);
  /* Called when the deadline is reached, and with final != 0 once before
   * the notifier stops, to flush anything held back. Optional. */
  void (*tick)(struct ntf_sink *s, int64_t now_ms, int final);
  void (*drop)(struct ntf_sink *s);
};

/* Sinks form an append-only list: appended under ctl with a release
 * store, walked by the notifier thread with acquire loads and no lock, so
 * a slow callback sink never holds up channel calls. Freed only after the
 * notifier thread has stopped. */
struct ntf_sink {
  const struct ntf_sink_ops *ops;
  struct ntf_sink *_Atomic next;
};

/* Constructors; each returns 0 or < 0 and sets *out. */
int ntf_sink_cups_new(int fd, int min_pct, int min_ms, struct ntf_sink **out);
int ntf_sink_callback_new(xr_event_cb cb, void *ud, struct ntf_sink **out);

/* Monotonic clock in milliseconds. */
int64_t ntf_now_ms(void);

#endif
