/* The notifier object, shared by the files of notify/. */
#ifndef NTF_NOTIFIER_H
#define NTF_NOTIFIER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/types.h>

#include "notify/queue.h"
#include "notify/sink.h"
#include "notify/wake.h"
#include "xpsraster/notify.h"

struct xr_notifier {
  struct ntf_queue *q;
  struct ntf_wake wake;
  /* Latest progress, packed (see notifier.c); exchanged by posters. */
  _Alignas(64) atomic_uint_least64_t progress;
  atomic_ulong lost, lost_errors, replaced, delivered;
  atomic_int stop;

  /* Control state: sinks (and later channels). Taken by control calls and
   * by the notifier thread, never by posters. */
  pthread_mutex_t ctl;
  struct ntf_sink *sinks;

  pthread_t thread;
  int thread_started;

  /* Job (copied strings). */
  long job_id;
  char *user, *title, *printer;
  uid_t job_uid; /* (uid_t)-1 when the user is unknown */
  int min_pct, min_ms;
};

/* Posts: claim, fill, publish, wake. In notifier.c. */
int ntf_post(xr_notifier *n, const struct ntf_event *ev_head, const char *text);

#endif
