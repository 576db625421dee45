/* Recording callbacks for the notify tests. */
#include "support_notify.h"

#include <stdio.h>
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
