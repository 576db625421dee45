/* The notifier object, shared by the files of notify/. */
#ifndef NTF_NOTIFIER_H
#define NTF_NOTIFIER_H

#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/types.h>

#include "notify/listener.h"
#include "notify/queue.h"
#include "notify/sink.h"
#include "notify/wake.h"
#include "xpsraster/notify.h"

struct xr_notifier {
  struct ntf_queue *q;
  struct ntf_wake wake;
  /* Latest progress, packed (see notifier.c); exchanged by posters. */
  _Alignas(64) atomic_uint_least64_t progress;
  atomic_ulong lost, lost_errors, replaced;
  atomic_int stop;
  /* Written by the notifier thread alone (relaxed load and store, no
   * read-modify-write), read by xr_notifier_stats; on its own line, away
   * from the progress word that posters exchange. */
  _Alignas(64) atomic_ulong delivered;

  /* Control state. Taken by control calls and by the notifier thread,
   * never by posters. Recursive, so that callbacks run by the notifier
   * thread under it may call channel and listener functions. */
  pthread_mutex_t ctl;
  struct ntf_sink *_Atomic sinks; /* see sink.h */
  struct ntf_listener *listeners;
  struct xr_channel *channels;
  uint64_t next_channel_id, next_listener_id;
  struct ntf_server *server;
  atomic_ulong listeners_dropped;
  int stopping; /* under ctl: no new channels */
  /* Set by control calls (close, reply, ...) before waking the thread; the
   * thread's re-check before sleeping reads it (see wake.c). */
  atomic_int kick;

  pthread_t thread;
  int thread_started;

  /* Job (copied strings). */
  long job_id;
  char *user, *title, *printer;
  uid_t job_uid; /* (uid_t)-1 when the user is unknown */
  int min_pct, min_ms;
};

struct ntf_server;
/* The listener socket, driven by the notifier thread (server.c). */
int ntf_server_new(xr_notifier *n, const char *path, struct ntf_server **out);
/* Fills pfd (at most max entries) with the fds to poll; returns the count. */
int ntf_server_pollfds(struct ntf_server *s, struct pollfd *pfd, int max);
/* Handles the poll results for the fds ntf_server_pollfds returned. */
void ntf_server_handle(struct ntf_server *s, const struct pollfd *pfd, int n);
void ntf_server_drop(struct ntf_server *s);
#define NTF_SERVER_MAX_PEERS 32

/* Makes the notifier thread run its channel and sink maintenance soon. */
void ntf_kick(xr_notifier *n);
void ntf_lock(xr_notifier *n);
/* Frees an in-process listener (listener_local.c). */
void ntf_listener_local_free(struct ntf_listener *l);
void ntf_unlock(xr_notifier *n);

/* Posts: claim, fill, publish, wake. In notifier.c. */
int ntf_post(xr_notifier *n, const struct ntf_head *head, const char *text);

#endif
