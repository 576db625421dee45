/* Concurrency stress: 4 producers with random delays post messages and
 * channel sends into a small queue; every event reported as sent (XR_OK)
 * arrives exactly once and in per-producer order, and every refusal was
 * XR_E_QUEUE_FULL and counted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "support_notify.h"

#define PRODUCERS 4
#define POSTS 5000

/* Per producer and path (0 messages, 1 channel): ids the producer was told
 * were sent, and ids that arrived. */
struct track {
  int sent[POSTS], nsent;
  int got[POSTS + 8], ngot;
};

static struct {
  pthread_mutex_t mu;
  struct track t[PRODUCERS][2];
  int junk; /* arrivals that parse as nothing we sent */
} S = {.mu = PTHREAD_MUTEX_INITIALIZER};

static void arrived(int path, const char *text) {
  int p, i;
  pthread_mutex_lock(&S.mu);
  if (sscanf(text, "P%d #%d", &p, &i) == 2 && p >= 0 && p < PRODUCERS) {
    struct track *t = &S.t[p][path];
    if (t->ngot < POSTS + 8)
      t->got[t->ngot++] = i;
  } else {
    S.junk++;
  }
  pthread_mutex_unlock(&S.mu);
}

static void on_msg(const xr_event *ev, void *ud) {
  (void)ud;
  if (ev->kind == XR_EVENT_MESSAGE)
    arrived(0, ev->text);
}

static void on_note(xr_listener *l, uint64_t channel, const xr_uuid *type,
                    int style, const void *p, size_t len, void *ud) {
  xr_msg m;
  (void)l;
  (void)channel;
  (void)type;
  (void)style;
  (void)ud;
  if (xr_msg_decode(p, len, &m) == XR_OK)
    arrived(1, m.text);
  else
    arrived(1, "");
}

struct producer {
  xr_notifier *n;
  xr_channel *ch;
  int id;
  unsigned seed;
  long full, other;
};

static void jitter(struct producer *p) {
  unsigned r = (unsigned)rand_r(&p->seed);
  if (r % 16 == 0) {
    struct timespec ts = {0, (long)(r % 50000)};
    nanosleep(&ts, NULL);
  } else if (r % 4 == 0) {
    sched_yield();
  }
}

static void *produce(void *arg) {
  struct producer *p = arg;
  char text[64], buf[256];
  for (int i = 0; i < POSTS; i++) {
    int rc;
    snprintf(text, sizeof text, "P%d #%d", p->id, i);
    jitter(p);
    rc = xr_notify_message(p->n, XR_LEVEL_WARNING, text);
    if (rc == XR_OK) {
      struct track *t = &S.t[p->id][0];
      t->sent[t->nsent++] = i; /* only this thread writes it */
    } else if (rc == XR_E_QUEUE_FULL) {
      p->full++;
    } else {
      p->other++;
    }
    size_t len = msg_text(buf, sizeof buf, XR_MSG_INFO, text);
    rc = xr_channel_send(p->ch, buf, len);
    if (rc == XR_OK) {
      struct track *t = &S.t[p->id][1];
      t->sent[t->nsent++] = i;
    } else if (rc == XR_E_QUEUE_FULL) {
      p->full++;
    } else {
      p->other++;
    }
  }
  return NULL;
}

static void test_four_producers(void **state) {
  xr_notifier *n;
  xr_notifier_opts o;
  xr_listener *l;
  xr_channel_opts co;
  struct ch_rec cr[PRODUCERS];
  struct producer prod[PRODUCERS];
  pthread_t th[PRODUCERS];
  xr_notify_stats st;
  long full = 0, ok = 0;
  (void)state;
  xr_notifier_opts_init(&o);
  o.queue_slots = 16; /* small: plenty of full-queue refusals */
  assert_int_equal(xr_notifier_new_opts(NULL, &o, &n), XR_OK);
  assert_int_equal(xr_notifier_add_callback_sink(n, on_msg, NULL), XR_OK);
  xr_listener_cbs cbs = {.on_notify = on_note};
  assert_int_equal(xr_notifier_add_listener(n, -1, &cbs, &l), XR_OK);
  for (int i = 0; i < PRODUCERS; i++) {
    ch_rec_init(&cr[i]);
    ch_opts(&co, &XR_NOTIFY_TYPE_XPSRASTER, XR_PER_USER, XR_UNIDIRECTIONAL,
            &cr[i]);
    prod[i] = (struct producer){.n = n, .id = i, .seed = 1234u + (unsigned)i};
    assert_int_equal(xr_channel_open(n, &co, &prod[i].ch), XR_OK);
  }
  for (int i = 0; i < PRODUCERS; i++)
    assert_int_equal(pthread_create(&th[i], NULL, produce, &prod[i]), 0);
  for (int i = 0; i < PRODUCERS; i++)
    pthread_join(th[i], NULL);
  for (int i = 0; i < PRODUCERS; i++)
    xr_channel_release(prod[i].ch); /* drains: queued sends still arrive */
  xr_notifier_stats(n, &st);
  xr_notifier_drop(n);

  assert_int_equal(S.junk, 0);
  for (int p = 0; p < PRODUCERS; p++) {
    assert_int_equal(prod[p].other, 0);
    full += prod[p].full;
    assert_int_equal(cr[p].closed, 1);
    for (int path = 0; path < 2; path++) {
      struct track *t = &S.t[p][path];
      /* Exactly the sent ones, each once, in the order they were sent. */
      assert_int_equal(t->ngot, t->nsent);
      for (int k = 0; k < t->nsent; k++)
        assert_int_equal(t->got[k], t->sent[k]);
      ok += t->nsent;
    }
  }
  assert_int_equal(st.lost, (uint64_t)full);
  assert_int_equal(st.posted, (uint64_t)ok);
  print_message("stress: %ld delivered, %ld refused (queue full), %llu "
                "wake-ups\n",
                ok, full, (unsigned long long)st.wakeups);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_four_producers),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
