/* Recording callbacks, a gate and payloads for the notify tests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "support_notify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void sleep_ms(int ms) {
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

void ch_rec_init(struct ch_rec *r) {
  memset(r, 0, sizeof *r);
  pthread_mutex_init(&r->mu, NULL);
}

void lis_rec_init(struct lis_rec *r) {
  memset(r, 0, sizeof *r);
  pthread_mutex_init(&r->mu, NULL);
}

static void copy_payload(char *dst, size_t cap, const void *p, size_t len) {
  if (len >= cap)
    len = cap - 1;
  if (len)
    memcpy(dst, p, len);
  dst[len] = '\0';
}

static void on_event(xr_channel *ch, int status, const void *p, size_t len,
                     void *ud) {
  struct ch_rec *r = ud;
  (void)ch;
  pthread_mutex_lock(&r->mu);
  if (r->closed)
    r->event_after_close++;
  if (r->events < REC_MAX) {
    r->status[r->events] = status;
    copy_payload(r->payload[r->events], sizeof r->payload[0], p, len);
  }
  r->events++;
  pthread_mutex_unlock(&r->mu);
}

static void on_closed(xr_channel *ch, int status, void *ud) {
  struct ch_rec *r = ud;
  int rel;
  pthread_mutex_lock(&r->mu);
  r->closed++;
  r->closed_status = status;
  r->closed_after_events = r->events;
  rel = r->release_in_closed;
  pthread_mutex_unlock(&r->mu);
  if (rel)
    xr_channel_release(ch);
}

void ch_opts(xr_channel_opts *o, const xr_uuid *type, int filter, int style,
             struct ch_rec *r) {
  memset(o, 0, sizeof *o);
  o->type = *type;
  o->user_filter = filter;
  o->style = style;
  o->on_event = on_event;
  o->on_closed = on_closed;
  o->ud = r;
}

static void lis_notify(xr_listener *l, uint64_t channel, const xr_uuid *type,
                       int style, const void *p, size_t len, void *ud) {
  struct lis_rec *r = ud;
  (void)l;
  (void)type;
  (void)style;
  pthread_mutex_lock(&r->mu);
  if (r->notes < REC_MAX) {
    r->channel[r->notes] = channel;
    copy_payload(r->payload[r->notes], sizeof r->payload[0], p, len);
  }
  r->notes++;
  pthread_mutex_unlock(&r->mu);
}

static void lis_closed(xr_listener *l, uint64_t channel, int status, void *ud) {
  struct lis_rec *r = ud;
  (void)l;
  (void)status;
  pthread_mutex_lock(&r->mu);
  if (r->closed < REC_MAX)
    r->closed_channel[r->closed] = channel;
  r->closed++;
  pthread_mutex_unlock(&r->mu);
}

xr_listener_cbs lis_cbs(struct lis_rec *r) {
  xr_listener_cbs c = {
      .on_notify = lis_notify, .on_closed = lis_closed, .ud = r};
  return c;
}

int ch_get(struct ch_rec *r, const int *field) {
  int v;
  pthread_mutex_lock(&r->mu);
  v = *field;
  pthread_mutex_unlock(&r->mu);
  return v;
}

int lis_get(struct lis_rec *r, const int *field) {
  int v;
  pthread_mutex_lock(&r->mu);
  v = *field;
  pthread_mutex_unlock(&r->mu);
  return v;
}

int ch_wait(struct ch_rec *r, const int *field, int want) {
  int v = 0;
  for (int i = 0; i < 5000 && (v = ch_get(r, field)) < want; i++)
    sleep_ms(1);
  return v;
}

int lis_wait(struct lis_rec *r, const int *field, int want) {
  int v = 0;
  for (int i = 0; i < 5000 && (v = lis_get(r, field)) < want; i++)
    sleep_ms(1);
  return v;
}

size_t msg_text(char *buf, size_t cap, int kind, const char *text) {
  xr_msg m;
  size_t len = 0;
  memset(&m, 0, sizeof m);
  m.kind = kind;
  snprintf(m.text, sizeof m.text, "%s", text);
  if (xr_msg_encode(&m, buf, cap - 1, &len) != XR_OK)
    return 0;
  buf[len] = '\0'; /* for the tests' string comparisons */
  return len;
}

size_t msg_query(char *buf, size_t cap, const char *text, int nchoices,
                 int dflt, int timeout_ms) {
  xr_msg m;
  size_t len = 0;
  memset(&m, 0, sizeof m);
  m.kind = XR_MSG_QUERY;
  snprintf(m.text, sizeof m.text, "%s", text);
  m.nchoices = nchoices;
  for (int i = 0; i < nchoices; i++)
    snprintf(m.choices[i], sizeof m.choices[i], "choice %d", i);
  m.default_choice = dflt;
  m.timeout_ms = timeout_ms;
  if (xr_msg_encode(&m, buf, cap - 1, &len) != XR_OK)
    return 0;
  buf[len] = '\0'; /* for the tests' string comparisons */
  return len;
}

size_t msg_answer(char *buf, size_t cap, int choice) {
  xr_msg m;
  size_t len = 0;
  memset(&m, 0, sizeof m);
  m.kind = XR_MSG_ANSWER;
  m.choice = choice;
  if (xr_msg_encode(&m, buf, cap - 1, &len) != XR_OK)
    return 0;
  buf[len] = '\0'; /* for the tests' string comparisons */
  return len;
}

/* ---- a gate that holds the notifier thread inside a sink callback ---- */

struct gate {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int entered, open;
};
static struct gate gate = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER,
                           0, 0};

static void gate_cb(const xr_event *ev, void *ud) {
  struct gate *g = ud;
  if (ev->kind != XR_EVENT_MESSAGE || strcmp(ev->text, "BLOCK") != 0)
    return;
  pthread_mutex_lock(&g->mu);
  g->entered = 1;
  pthread_cond_broadcast(&g->cv);
  while (!g->open)
    pthread_cond_wait(&g->cv, &g->mu);
  pthread_mutex_unlock(&g->mu);
}

/* Returns once the notifier thread is parked in the gate. */
void block_notifier(xr_notifier *n) {
  pthread_mutex_lock(&gate.mu);
  gate.entered = gate.open = 0;
  pthread_mutex_unlock(&gate.mu);
  assert_int_equal(xr_notify_message(n, XR_LEVEL_INFO, "BLOCK"), XR_OK);
  pthread_mutex_lock(&gate.mu);
  while (!gate.entered)
    pthread_cond_wait(&gate.cv, &gate.mu);
  pthread_mutex_unlock(&gate.mu);
}

void unblock_notifier(void) {
  pthread_mutex_lock(&gate.mu);
  gate.open = 1;
  pthread_cond_broadcast(&gate.cv);
  pthread_mutex_unlock(&gate.mu);
}

xr_notifier *new_notifier(unsigned slots) {
  xr_notifier *n;
  xr_notifier_opts o;
  xr_notifier_opts_init(&o);
  o.queue_slots = slots;
  assert_int_equal(xr_notifier_new_opts(NULL, &o, &n), XR_OK);
  assert_int_equal(xr_notifier_add_callback_sink(n, gate_cb, &gate), XR_OK);
  return n;
}

/* A valid AsyncUI request padded with a comment to exactly len bytes. */
char *padded_balloon(size_t len) {
  const char *head = "<asyncPrintUIRequest "
                     "xmlns=\"http://schemas.microsoft.com/2003/print/"
                     "asyncui/v1/request\"><v1><requestOpen><balloonUI>"
                     "<title>T</title><body>B</body></balloonUI>"
                     "</requestOpen></v1></asyncPrintUIRequest><!--";
  const char *tail = "-->";
  char *p = malloc(len + 1);
  size_t h = strlen(head), t = strlen(tail);
  assert_non_null(p);
  memcpy(p, head, h);
  memset(p + h, 'x', len - h - t);
  memcpy(p + len - t, tail, t);
  p[len] = '\0';
  return p;
}
