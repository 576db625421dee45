/* notify_example: the async-notification sample, adapted.
 *
 * A filter opens one bidirectional channel per job and sends a
 * start-of-document and an end-of-document notification on it; a listener
 * acknowledges each. Every send carries a timeout and a default answer, so
 * the job goes on even when nobody listens.
 *
 *   notify_example                    both sides, over a private socket
 *   notify_example filter SOCKET      the filter side only
 *   notify_example listener SOCKET    the listener side only
 *                                     (xpsnotify --answer 0 does the same)
 *
 * Exit status 0 when both notifications were acknowledged by a listener. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "xpsraster/notify.h"

/* ---- the filter side ---- */

struct ack {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int done, status, choice;
};

static void on_event(xr_channel *ch, int status, const void *payload,
                     size_t len, void *ud) {
  struct ack *a = ud;
  xr_msg m;
  (void)ch;
  pthread_mutex_lock(&a->mu);
  a->status = status;
  a->choice = xr_msg_decode(payload, len, &m) == XR_OK ? m.choice : -1;
  a->done = 1;
  pthread_cond_signal(&a->cv);
  pthread_mutex_unlock(&a->mu);
}

static void on_closed(xr_channel *ch, int status, void *ud) {
  (void)ud;
  printf("filter: channel %llu closed (%s)\n",
         (unsigned long long)xr_channel_id(ch), xr_err_name(status));
}

static size_t encode(xr_msg *m, char *buf, size_t cap) {
  size_t len = 0;
  return xr_msg_encode(m, buf, cap, &len) == XR_OK ? len : 0;
}

/* Sends one notification and waits for its acknowledgement (or default).
 * Retries while no listener has connected yet, up to wait_ms. */
static int notify(xr_channel *ch, struct ack *a, const char *what,
                  int wait_ms) {
  xr_msg m;
  char buf[1024];
  size_t len;
  int rc;
  memset(&m, 0, sizeof m);
  m.kind = XR_MSG_QUERY;
  snprintf(m.text, sizeof m.text, "%s", what);
  snprintf(m.choices[0], sizeof m.choices[0], "acknowledge");
  m.nchoices = 1;
  m.timeout_ms = 5000;
  len = encode(&m, buf, sizeof buf);
  for (int waited = 0;; waited += 100) {
    pthread_mutex_lock(&a->mu);
    a->done = 0;
    pthread_mutex_unlock(&a->mu);
    rc = xr_channel_send(ch, buf, len);
    if (rc < 0)
      return rc;
    pthread_mutex_lock(&a->mu);
    while (!a->done) /* every send gets exactly one on_event */
      pthread_cond_wait(&a->cv, &a->mu);
    rc = a->status;
    pthread_mutex_unlock(&a->mu);
    if (rc != XR_S_NO_LISTENERS || waited >= wait_ms)
      break;
    struct timespec ts = {0, 100 * 1000000L};
    nanosleep(&ts, NULL);
  }
  printf("filter: %s -> %s\n", what,
         rc == XR_OK ? "acknowledged" : xr_strerror(rc));
  return rc;
}

static int run_filter(const char *path, int wait_ms) {
  xr_job_info job = {.job_id = 1, .title = "example.xps", .printer = "example"};
  xr_notifier *n;
  xr_channel *ch;
  xr_channel_opts o;
  struct ack a = {.mu = PTHREAD_MUTEX_INITIALIZER,
                  .cv = PTHREAD_COND_INITIALIZER};
  xr_msg m;
  char dflt[64];
  int rc, acked = 0;

  if ((rc = xr_notifier_new(&job, &n)) < 0 ||
      (rc = xr_notifier_add_socket_sink(n, path)) < 0) {
    fprintf(stderr, "filter: %s: %s\n", path, xr_strerror(rc));
    xr_notifier_drop(n);
    return 1;
  }
  /* The default answer: "acknowledge" is also what an absent user says. */
  memset(&m, 0, sizeof m);
  m.kind = XR_MSG_ANSWER;
  m.choice = 0;
  memset(&o, 0, sizeof o);
  o.type = XR_NOTIFY_TYPE_XPSRASTER;
  o.user_filter = XR_PER_USER;
  o.style = XR_BIDIRECTIONAL;
  o.timeout_ms = 5000;
  o.default_answer = dflt;
  o.default_len = encode(&m, dflt, sizeof dflt);
  o.on_event = on_event;
  o.on_closed = on_closed;
  o.ud = &a;
  if ((rc = xr_channel_open(n, &o, &ch)) < 0) {
    fprintf(stderr, "filter: open: %s\n", xr_strerror(rc));
    xr_notifier_drop(n);
    return 1;
  }
  acked += notify(ch, &a, "start-of-document", wait_ms) == XR_OK;
  /* ... the document would render here, posting progress ... */
  for (int page = 1; page <= 3; page++) {
    xr_notify_progress(n, page, 3, page / 3.0);
    xr_notify_page(n, page, 1);
  }
  acked += notify(ch, &a, "end-of-document", 0) == XR_OK;
  xr_channel_close(ch, XR_CLOSE_DRAIN);
  xr_channel_release(ch);
  xr_notifier_drop(n);
  return acked == 2 ? 0 : 1;
}

/* ---- the listener side ---- */

static int run_listener(const char *path) {
  xr_notify_client *c;
  xr_notify_frame f;
  xr_msg m, ans;
  char buf[64];
  size_t len;
  int rc;
  for (int tries = 0;; tries++) {
    rc = xr_notify_client_connect(path, 5000, &c, NULL);
    if (rc == XR_OK || tries == 50)
      break;
    struct timespec ts = {0, 100 * 1000000L}; /* the filter starts up */
    nanosleep(&ts, NULL);
  }
  if (rc < 0) {
    fprintf(stderr, "listener: %s: %s\n", path, xr_strerror(rc));
    return rc == XR_E_DENIED ? 2 : 3;
  }
  memset(&ans, 0, sizeof ans);
  ans.kind = XR_MSG_ANSWER;
  ans.choice = 0;
  len = encode(&ans, buf, sizeof buf);
  while ((rc = xr_notify_client_next(c, -1, &f)) == 1) {
    if (f.type == XR_FRAME_NOTIFY && (f.flags & XR_FRAME_BIDI) &&
        xr_msg_decode(f.payload, f.len, &m) == XR_OK) {
      printf("listener: %s, acknowledging\n", m.text);
      xr_notify_client_reply(c, f.channel, &f.ptype, buf, len);
    } else if (f.type == XR_FRAME_STATUS && f.status < 0) {
      printf("listener: reply refused: %s\n", xr_strerror(f.status));
    }
    fflush(stdout);
  }
  xr_notify_client_close(c);
  return rc == XR_E_CLOSED ? 0 : 3;
}

static void *listener_thread(void *arg) {
  return (void *)(intptr_t)run_listener(arg);
}

int main(int argc, char **argv) {
  if (argc == 3 && !strcmp(argv[1], "filter"))
    return run_filter(argv[2], 10000);
  if (argc == 3 && !strcmp(argv[1], "listener"))
    return run_listener(argv[2]);
  if (argc != 1) {
    fprintf(stderr, "usage: notify_example [filter|listener SOCKET]\n");
    return 1;
  }
  char path[64];
  pthread_t th;
  void *lrc;
  int frc;
  snprintf(path, sizeof path, "/tmp/xr-notify-example-%d.sock", (int)getpid());
  setvbuf(stdout, NULL, _IOLBF, 0);
  pthread_create(&th, NULL, listener_thread, path);
  frc = run_filter(path, 10000);
  pthread_join(th, &lrc);
  return frc == 0 && lrc == NULL ? 0 : 1;
}
