/* Helpers shared by the notify tests: recording callbacks and waiting. */
#ifndef TEST_SUPPORT_NOTIFY_H
#define TEST_SUPPORT_NOTIFY_H

#include <pthread.h>
#include <stddef.h>

#include "xpsraster/notify.h"

#define REC_MAX 256

/* What a channel's callbacks saw, in order. */
struct ch_rec {
  pthread_mutex_t mu;
  int events; /* on_event calls */
  int closed; /* on_closed calls */
  int closed_status;
  int closed_after_events; /* events seen when on_closed ran */
  int event_after_close;   /* an on_event after on_closed: a violation */
  int status[REC_MAX];
  char payload[REC_MAX][128];
  int release_in_closed; /* on_closed releases the channel */
};

/* What an in-process listener saw. */
struct lis_rec {
  pthread_mutex_t mu;
  int notes;
  uint64_t channel[REC_MAX];
  char payload[REC_MAX][160];
  int closed;
  uint64_t closed_channel[REC_MAX];
};

void ch_rec_init(struct ch_rec *r);
void lis_rec_init(struct lis_rec *r);
/* Channel options wired to r. */
void ch_opts(xr_channel_opts *o, const xr_uuid *type, int filter, int style,
             struct ch_rec *r);
xr_listener_cbs lis_cbs(struct lis_rec *r);

/* Reads an int field under the record's mutex. */
int ch_get(struct ch_rec *r, const int *field);
int lis_get(struct lis_rec *r, const int *field);
/* Polls until *field >= want (under mu) or 5 s pass; returns the value. */
int ch_wait(struct ch_rec *r, const int *field, int want);
int lis_wait(struct lis_rec *r, const int *field, int want);

/* Our schema helpers (static buffers are the caller's). */
size_t msg_text(char *buf, size_t cap, int kind, const char *text);
size_t msg_query(char *buf, size_t cap, const char *text, int nchoices,
                 int dflt, int timeout_ms);
size_t msg_answer(char *buf, size_t cap, int choice);

void sleep_ms(int ms);

/* A notifier (queue_slots `slots`, 0: default) whose callback sink can park
 * the notifier thread: block_notifier returns once the thread is held in
 * it, unblock_notifier lets it go. */
xr_notifier *new_notifier(unsigned slots);
void block_notifier(xr_notifier *n);
void unblock_notifier(void);

/* A valid AsyncUI request padded with a comment to exactly len bytes
 * (malloc'd; the caller frees). */
char *padded_balloon(size_t len);

#endif
