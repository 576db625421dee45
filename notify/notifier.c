/* The notifier: posting from render threads, and the thread that delivers.
 *
 * Posters only touch the queue, the packed progress word and the wake flag
 * (all lock-free, see queue.c and wake.c). The notifier thread owns the
 * sinks; control calls (adding a sink) take `ctl`, which posters never do. */
#include "notify/notifier.h"

#include "notify/channel.h"
#include "notify/user.h"

#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "xpsraster/error.h"

/* Progress word: bit 63 = not yet delivered; bits 47..62 fraction in
 * 1/65535; bits 23..46 pages + 1 (0 = unknown); bits 0..22 page. Packing
 * it into one word makes "latest value wins" a single exchange. */
#define PROG_DIRTY (UINT64_C(1) << 63)
#define PROG_PAGE_MAX ((1 << 23) - 1)
#define PROG_PAGES_MAX ((1 << 24) - 2)

static uint64_t prog_pack(int page, int pages, double fraction) {
  uint64_t f;
  if (page < 0)
    page = 0;
  if (page > PROG_PAGE_MAX)
    page = PROG_PAGE_MAX;
  if (pages > PROG_PAGES_MAX)
    pages = PROG_PAGES_MAX;
  if (pages < 0)
    pages = -1;
  if (!(fraction >= 0.0)) /* also NaN */
    fraction = 0.0;
  if (fraction > 1.0)
    fraction = 1.0;
  f = (uint64_t)(fraction * 65535.0 + 0.5);
  return PROG_DIRTY | f << 47 | (uint64_t)(pages + 1) << 23 | (uint64_t)page;
}

static void prog_unpack(uint64_t v, xr_event *ev) {
  ev->kind = XR_EVENT_PROGRESS;
  ev->page = (int)(v & PROG_PAGE_MAX);
  ev->pages = (int)((v >> 23) & 0xFFFFFF) - 1;
  ev->fraction = (double)((v >> 47) & 0xFFFF) / 65535.0;
}

int64_t ntf_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- posting (any thread) ---- */

int ntf_post(xr_notifier *n, const struct ntf_head *head, const char *text) {
  size_t pos;
  struct ntf_event *ev = ntf_queue_claim(n->q, &pos);
  if (!ev) {
    atomic_fetch_add_explicit(&n->lost, 1, memory_order_relaxed);
    if (head->kind == NTF_EV_MESSAGE && head->level >= XR_LEVEL_WARNING)
      atomic_fetch_add_explicit(&n->lost_errors, 1, memory_order_relaxed);
    return XR_E_QUEUE_FULL;
  }
  ev->kind = head->kind;
  ev->level = head->level;
  ev->flags = head->flags;
  ev->page = head->page;
  ev->arg = head->arg;
  ev->ch = head->ch;
  ev->data = head->data;
  ev->len = head->len;
  if (text) {
    size_t len = strnlen(text, XR_NOTIFY_TEXT_MAX);
    memcpy(ev->text, text, len);
    ev->text[len] = '\0';
    ev->len = (uint32_t)len;
  } else {
    ev->text[0] = '\0';
  }
  ntf_queue_publish(n->q, pos);
  ntf_wake_signal(&n->wake);
  return XR_OK;
}

int xr_notify_progress(xr_notifier *n, int page, int pages, double fraction) {
  uint64_t old;
  if (!n)
    return XR_OK;
  /* relaxed: the word carries all its data; the fence in ntf_wake_signal
   * orders it against the notifier's sleep (see wake.c). */
  old = atomic_exchange_explicit(&n->progress, prog_pack(page, pages, fraction),
                                 memory_order_relaxed);
  ntf_wake_signal(&n->wake);
  if (old & PROG_DIRTY) {
    atomic_fetch_add_explicit(&n->replaced, 1, memory_order_relaxed);
    return XR_S_REPLACED;
  }
  return XR_OK;
}

int xr_notify_page(xr_notifier *n, int page, int copies) {
  struct ntf_head h = {.kind = NTF_EV_PAGE, .page = page, .arg = copies};
  if (!n)
    return XR_OK;
  return ntf_post(n, &h, NULL);
}

int xr_notify_message(xr_notifier *n, int level, const char *text) {
  struct ntf_head h = {.kind = NTF_EV_MESSAGE};
  if (!n)
    return XR_OK;
  if (level < XR_LEVEL_INFO || level > XR_LEVEL_ERROR)
    return XR_E_INVAL;
  h.level = (uint8_t)level;
  return ntf_post(n, &h, text ? text : "");
}

int xr_notify_state(xr_notifier *n, const char *keywords) {
  struct ntf_head h = {.kind = NTF_EV_STATE};
  if (!n)
    return XR_OK;
  if (!keywords)
    return XR_E_INVAL;
  return ntf_post(n, &h, keywords);
}

void xr_notifier_stats(const xr_notifier *n, xr_notify_stats *out) {
  xr_notifier *m = (xr_notifier *)n;
  memset(out, 0, sizeof *out);
  if (!n)
    return;
  out->posted = ntf_queue_claimed(m->q);
  out->delivered = atomic_load_explicit(&m->delivered, memory_order_relaxed);
  out->lost = atomic_load_explicit(&m->lost, memory_order_relaxed);
  out->lost_errors =
      atomic_load_explicit(&m->lost_errors, memory_order_relaxed);
  out->progress_replaced =
      atomic_load_explicit(&m->replaced, memory_order_relaxed);
  out->wakeups = atomic_load_explicit(&m->wake.wakeups, memory_order_relaxed);
  out->listeners_dropped =
      atomic_load_explicit(&m->listeners_dropped, memory_order_relaxed);
}

/* ---- the notifier thread ---- */

void ntf_lock(xr_notifier *n) {
  pthread_mutex_lock(&n->ctl);
}
void ntf_unlock(xr_notifier *n) {
  pthread_mutex_unlock(&n->ctl);
}

void ntf_kick(xr_notifier *n) {
  /* relaxed: the fence in ntf_wake_signal orders it before the wake check;
   * the state it announces is published under ctl, which the thread takes
   * before looking. */
  atomic_store_explicit(&n->kick, 1, memory_order_relaxed);
  ntf_wake_signal(&n->wake);
}

#define FIRST_SINK(n) atomic_load_explicit(&(n)->sinks, memory_order_acquire)
#define NEXT_SINK(s) atomic_load_explicit(&(s)->next, memory_order_acquire)

/* No lock: see sink.h. */
static void dispatch(xr_notifier *n, const xr_event *ev, int64_t now) {
  for (struct ntf_sink *s = FIRST_SINK(n); s; s = NEXT_SINK(s))
    s->ops->event(s, ev, now);
}

static void deliver_progress(xr_notifier *n, int64_t now) {
  uint64_t v = atomic_load_explicit(&n->progress, memory_order_relaxed);
  xr_event ev = {.text = ""};
  /* Clear the dirty bit only if no newer value arrived meanwhile; a newer
   * value stays dirty and is delivered on the next pass. */
  while ((v & PROG_DIRTY) && !atomic_compare_exchange_weak_explicit(
                                 &n->progress, &v, v & ~PROG_DIRTY,
                                 memory_order_relaxed, memory_order_relaxed))
    ;
  if (!(v & PROG_DIRTY))
    return;
  prog_unpack(v, &ev);
  dispatch(n, &ev, now);
}

static void deliver_one(xr_notifier *n, struct ntf_event *e, int64_t now) {
  xr_event ev = {.kind = e->kind,
                 .level = e->level,
                 .page = e->page,
                 .pages = -1,
                 .text = ""};
  switch (e->kind) {
  case NTF_EV_PAGE:
    ev.copies = e->arg;
    break;
  case NTF_EV_MESSAGE:
  case NTF_EV_STATE:
    ev.text = e->text;
    break;
  case NTF_EV_CHANNEL:
    ntf_lock(n);
    ntf_channel_route(n, e->ch, e->data, e->len);
    ntf_unlock(n);
    e->ch = NULL;
    e->data = NULL;
    return;
  default:
    return;
  }
  dispatch(n, &ev, now);
}

/* Delivers what is published now; takes ctl only for channel sends. */
static void drain(xr_notifier *n, int64_t now) {
  size_t count = 0;
  struct ntf_event *e;
  deliver_progress(n, now);
  while ((e = ntf_queue_peek(n->q)) != NULL) {
    deliver_one(n, e, now);
    ntf_queue_release(n->q);
    count++;
  }
  if (count)
    atomic_store_explicit(
        &n->delivered,
        atomic_load_explicit(&n->delivered, memory_order_relaxed) + count,
        memory_order_relaxed);
}

/* Runs sink ticks; returns the earliest sink deadline or -1. */
static int64_t tick_sinks(xr_notifier *n, int64_t now, int final) {
  int64_t best = -1;
  for (struct ntf_sink *s = FIRST_SINK(n); s; s = NEXT_SINK(s)) {
    int64_t d;
    if (s->ops->tick)
      s->ops->tick(s, now, final);
    d = s->ops->deadline ? s->ops->deadline(s) : -1;
    if (d >= 0 && (best < 0 || d < best))
      best = d;
  }
  return best;
}

static int has_work(xr_notifier *n) {
  return ntf_queue_peek(n->q) != NULL ||
         (atomic_load_explicit(&n->progress, memory_order_relaxed) &
          PROG_DIRTY) ||
         atomic_load_explicit(&n->kick, memory_order_relaxed) ||
         atomic_load_explicit(&n->stop, memory_order_acquire);
}

static void handle_sockets(xr_notifier *n, struct pollfd *pfd, int np) {
  if (np < 2)
    return;
  ntf_lock(n);
  ntf_server_handle(n->server, pfd + 1, np - 1);
  ntf_unlock(n);
}

static void *notifier_main(void *arg) {
  xr_notifier *n = arg;
  struct pollfd pfd[1 + 1 + NTF_SERVER_MAX_PEERS];
  for (;;) {
    /* stop is stored after every post returned (xr_notifier_drop's
     * contract); acquire pairs with its release, so the drain below finds
     * everything already posted. */
    int stop = atomic_load_explicit(&n->stop, memory_order_acquire);
    int64_t now = ntf_now_ms(), d1, d2, due;
    int np = 1, timeout, busy;
    atomic_store_explicit(&n->kick, 0, memory_order_relaxed);
    drain(n, now);
    ntf_lock(n);
    d1 = ntf_channels_run(n, now, stop);
    if (!stop && n->server)
      np += ntf_server_pollfds(n->server, pfd + 1,
                               (int)(sizeof pfd / sizeof pfd[0]) - 1);
    ntf_unlock(n);
    d2 = tick_sinks(n, now, stop);
    if (stop)
      return NULL;
    due = d1 < 0 ? d2 : d2 < 0 ? d1 : d1 < d2 ? d1 : d2;
    timeout = due < 0             ? -1
              : due <= now        ? 0
              : due - now > 60000 ? 60000
                                  : (int)(due - now);
    pfd[0] = (struct pollfd){.fd = n->wake.fd, .events = POLLIN};
    /* Still busy: go round again without touching the shared sleeping
     * flag (posters read it on every post) and, with no socket to
     * service, without any syscall. */
    if (has_work(n)) {
      if (np > 1 && poll(pfd + 1, (nfds_t)(np - 1), 0) > 0)
        handle_sockets(n, pfd, np);
      continue;
    }
    /* Before sleeping, give the CPU away once and look again: a poster
     * that is mid-stream has usually published more by then, and every
     * sleep avoided is a wake-up syscall its render thread does not pay.
     * One yield, not a spin. */
    sched_yield();
    if (has_work(n))
      continue;
    ntf_wake_prepare(&n->wake);
    busy = has_work(n);
    if (busy)
      ntf_wake_cancel(&n->wake);
    /* Never a busy spin: with work pending this only samples the sockets
     * (timeout 0) and then handles the work; otherwise it sleeps. */
    if (poll(pfd, (nfds_t)np, busy ? 0 : timeout) > 0)
      handle_sockets(n, pfd, np);
    if (pfd[0].revents & POLLIN)
      ntf_wake_done(&n->wake);
    else
      ntf_wake_cancel(&n->wake); /* timeout or sockets: no counter to eat */
  }
}

/* ---- lifecycle ---- */

void xr_notifier_opts_init(xr_notifier_opts *opts) {
  memset(opts, 0, sizeof *opts);
}

int xr_notifier_new(const xr_job_info *job, xr_notifier **out) {
  return xr_notifier_new_opts(job, NULL, out);
}

int xr_notifier_new_opts(const xr_job_info *job, const xr_notifier_opts *opts,
                         xr_notifier **out) {
  xr_notifier *n;
  unsigned slots =
      opts && opts->queue_slots ? opts->queue_slots : NTF_QUEUE_DEFAULT;
  int rc;
  sigset_t all, old;

  if (!out)
    return XR_E_INVAL;
  *out = NULL;
  n = aligned_alloc(_Alignof(xr_notifier), sizeof *n);
  if (!n)
    return XR_E_NOMEM;
  memset(n, 0, sizeof *n);
  atomic_init(&n->progress, 0);
  atomic_init(&n->stop, 0);
  atomic_init(&n->kick, 0);
  atomic_init(&n->sinks, NULL);
  atomic_init(&n->lost, 0);
  atomic_init(&n->lost_errors, 0);
  atomic_init(&n->replaced, 0);
  atomic_init(&n->delivered, 0);
  atomic_init(&n->listeners_dropped, 0);
  n->min_pct = opts ? opts->progress_min_pct : 0;
  n->min_ms = opts ? opts->progress_min_ms : 0;
  n->job_id = job ? job->job_id : 0;
  if (job && ((job->user && !(n->user = strdup(job->user))) ||
              (job->title && !(n->title = strdup(job->title))) ||
              (job->printer && !(n->printer = strdup(job->printer))))) {
    rc = XR_E_NOMEM;
    goto fail_strings;
  }
  /* No user named (a command-line run): the job is the caller's. */
  n->job_uid = n->user ? ntf_user_uid(n->user) : getuid();
  rc = ntf_queue_new(slots, &n->q);
  if (rc < 0)
    goto fail_strings;
  rc = ntf_wake_open(&n->wake);
  if (rc < 0)
    goto fail_wake;
  {
    pthread_mutexattr_t ma;
    pthread_mutexattr_init(&ma);
    pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE);
    rc = pthread_mutex_init(&n->ctl, &ma);
    pthread_mutexattr_destroy(&ma);
    if (rc != 0) {
      rc = XR_E_NOMEM;
      goto fail_mutex;
    }
  }
  /* The thread takes no signals: they belong to the application. */
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  rc = pthread_create(&n->thread, NULL, notifier_main, n);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (rc != 0) {
    rc = XR_E_NOMEM;
    goto fail_thread;
  }
  n->thread_started = 1;
  *out = n;
  return XR_OK;

fail_thread:
  pthread_mutex_destroy(&n->ctl);
fail_mutex:
  ntf_wake_close(&n->wake);
fail_wake:
  ntf_queue_drop(n->q);
fail_strings:
  free(n->user);
  free(n->title);
  free(n->printer);
  free(n);
  return rc;
}

void xr_notifier_drop(xr_notifier *n) {
  if (!n)
    return;
  ntf_lock(n);
  n->stopping = 1; /* no new channels or listeners from callbacks */
  ntf_unlock(n);
  atomic_store_explicit(&n->stop, 1, memory_order_release);
  /* Wake it whether or not it sleeps: the store above is the work. */
  atomic_store_explicit(&n->wake.sleeping, 1, memory_order_relaxed);
  ntf_wake_signal(&n->wake);
  if (n->thread_started)
    pthread_join(n->thread, NULL);
  /* The thread is gone: what it owned is ours without locking. Sinks first
   * (the socket sink unlinks its peers from the listener list). */
  for (struct ntf_sink *s = FIRST_SINK(n), *next; s; s = next) {
    next = NEXT_SINK(s);
    s->ops->drop(s);
  }
  while (n->listeners) {
    struct ntf_listener *l = n->listeners;
    n->listeners = l->next;
    ntf_listener_local_free(l);
  }
  pthread_mutex_destroy(&n->ctl);
  ntf_wake_close(&n->wake);
  ntf_queue_drop(n->q);
  free(n->user);
  free(n->title);
  free(n->printer);
  free(n);
}

static int add_sink(xr_notifier *n, struct ntf_sink *s) {
  struct ntf_sink *_Atomic *p;
  atomic_init(&s->next, NULL);
  ntf_lock(n); /* serialises appenders */
  for (p = &n->sinks; atomic_load_explicit(p, memory_order_relaxed);
       p = &atomic_load_explicit(p, memory_order_relaxed)->next)
    ;
  /* release: the sink's fields happen before the notifier thread, reading
   * the pointer with acquire, calls it. Appended, so sinks see events in
   * registration order. */
  atomic_store_explicit(p, s, memory_order_release);
  ntf_unlock(n);
  return XR_OK;
}

int xr_notifier_add_cups_sink(xr_notifier *n, int fd) {
  struct ntf_sink *s;
  int rc;
  if (!n)
    return XR_E_INVAL;
  rc = ntf_sink_cups_new(fd, n->min_pct, n->min_ms, &s);
  return rc < 0 ? rc : add_sink(n, s);
}

int xr_notifier_add_callback_sink(xr_notifier *n, xr_event_cb cb, void *ud) {
  struct ntf_sink *s;
  int rc;
  if (!n)
    return XR_E_INVAL;
  rc = ntf_sink_callback_new(cb, ud, &s);
  return rc < 0 ? rc : add_sink(n, s);
}

int xr_notifier_add_socket_sink(xr_notifier *n, const char *path) {
  struct ntf_server *srv;
  int rc;
  if (!n)
    return XR_E_INVAL;
  ntf_lock(n);
  if (n->server) {
    ntf_unlock(n);
    return XR_E_USAGE; /* one socket per job */
  }
  rc = ntf_server_new(n, path, &srv);
  if (rc == XR_OK) {
    n->server = srv;
    add_sink(n, (struct ntf_sink *)srv);
  }
  ntf_unlock(n);
  ntf_kick(n); /* start polling it */
  return rc;
}
