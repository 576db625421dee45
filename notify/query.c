/* xr_notify_query: a blocking question with a default answer, for the
 * renderer ("the page is larger than the media: scale or clip?").
 *
 * One bidirectional channel per question, of our own schema; the answer
 * arrives through on_event, which the channel contract runs exactly once
 * (reply, timeout, no listeners or close), so the wait always ends, and
 * after it nothing refers to the waiter's stack any more. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "notify/notifier.h"

struct waiter {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int done, status, choice;
};

static void on_answer(xr_channel *ch, int status, const void *payload,
                      size_t len, void *ud) {
  struct waiter *w = ud;
  xr_msg *m = malloc(sizeof *m);
  (void)ch;
  pthread_mutex_lock(&w->mu);
  w->status = status;
  if (m && xr_msg_decode(payload, len, m) == XR_OK && m->kind == XR_MSG_ANSWER)
    w->choice = m->choice;
  w->done = 1;
  pthread_cond_signal(&w->cv);
  pthread_mutex_unlock(&w->mu);
  free(m);
}

int xr_notify_query(xr_notifier *n, const char *question,
                    const char *const *choices, int nchoices,
                    int default_choice, int timeout_ms, int *answer) {
  xr_msg *m = NULL;
  char *qbuf = NULL, abuf[64];
  size_t qlen, alen;
  xr_channel *ch = NULL;
  xr_channel_opts o;
  struct waiter w = {.mu = PTHREAD_MUTEX_INITIALIZER,
                     .cv = PTHREAD_COND_INITIALIZER,
                     .choice = default_choice};
  int rc;

  if (!answer)
    return XR_E_INVAL;
  *answer = default_choice;
  if (!n || !question || !choices || nchoices < 1 ||
      nchoices > XR_MSG_CHOICES_MAX || default_choice < 0 ||
      default_choice >= nchoices || timeout_ms < 0)
    return XR_E_INVAL;
  if (n->thread_started && pthread_equal(pthread_self(), n->thread))
    return XR_E_USAGE; /* it would wait for itself */
  m = calloc(1, sizeof *m);
  qbuf = malloc(XR_NOTIFY_PAYLOAD_MAX);
  if (!m || !qbuf) {
    rc = XR_E_NOMEM;
    goto out;
  }
  m->kind = XR_MSG_QUERY;
  m->job = n->job_id;
  snprintf(m->text, sizeof m->text, "%s", question);
  for (int i = 0; i < nchoices; i++)
    snprintf(m->choices[i], sizeof m->choices[i], "%s",
             choices[i] ? choices[i] : "?");
  m->nchoices = nchoices;
  m->default_choice = default_choice;
  m->timeout_ms = timeout_ms;
  rc = xr_msg_encode(m, qbuf, XR_NOTIFY_PAYLOAD_MAX, &qlen);
  if (rc < 0)
    goto out;
  memset(m, 0, sizeof *m);
  m->kind = XR_MSG_ANSWER;
  m->choice = default_choice;
  rc = xr_msg_encode(m, abuf, sizeof abuf, &alen);
  if (rc < 0)
    goto out;

  memset(&o, 0, sizeof o);
  o.type = XR_NOTIFY_TYPE_XPSRASTER;
  o.user_filter = XR_PER_USER;
  o.style = XR_BIDIRECTIONAL;
  o.timeout_ms = timeout_ms > 0 ? timeout_ms : 1;
  o.default_answer = abuf;
  o.default_len = alen;
  o.on_event = on_answer;
  o.ud = &w;
  rc = xr_channel_open(n, &o, &ch);
  if (rc < 0)
    goto out;
  rc = xr_channel_send(ch, qbuf, qlen);
  if (rc >= 0) {
    /* Every accepted send ends in exactly one on_event. */
    pthread_mutex_lock(&w.mu);
    while (!w.done)
      pthread_cond_wait(&w.cv, &w.mu);
    pthread_mutex_unlock(&w.mu);
    rc = w.status;
    *answer = w.choice >= 0 && w.choice < nchoices ? w.choice : default_choice;
  }
  xr_channel_close(ch, XR_CLOSE_DISCARD);
  xr_channel_release(ch);
out:
  free(m);
  free(qbuf);
  return rc;
}
