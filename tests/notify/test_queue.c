/* The MPSC queue: order, capacity, wrap-around, and posting from several
 * threads to the notifier thread with nothing lost and per-producer order
 * kept. */
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

#include "notify/queue.h"
#include "xpsraster/notify.h"

static void test_new_rejects_bad_sizes(void **state) {
  struct ntf_queue *q = (void *)1;
  (void)state;
  assert_int_equal(ntf_queue_new(0, &q), XR_E_INVAL);
  assert_null(q);
  assert_int_equal(ntf_queue_new(3, &q), XR_E_INVAL);
  assert_int_equal(ntf_queue_new(NTF_QUEUE_MAX * 2, &q), XR_E_INVAL);
  assert_int_equal(ntf_queue_new(NTF_QUEUE_MIN, &q), XR_OK);
  ntf_queue_drop(q);
  assert_int_equal(ntf_queue_new(NTF_QUEUE_MAX, &q), XR_OK);
  ntf_queue_drop(q);
  ntf_queue_drop(NULL);
}

/* The queue size limit through the public API: N works, N + 1 and 2N are
 * refused, so no option raises it past NTF_QUEUE_MAX. */
static void test_queue_slots_limit(void **state) {
  xr_notifier *n = (void *)1;
  xr_notifier_opts o;
  (void)state;
  xr_notifier_opts_init(&o);
  o.queue_slots = NTF_QUEUE_MAX;
  assert_int_equal(xr_notifier_new_opts(NULL, &o, &n), XR_OK);
  xr_notifier_drop(n);
  o.queue_slots = NTF_QUEUE_MAX + 1;
  assert_int_equal(xr_notifier_new_opts(NULL, &o, &n), XR_E_INVAL);
  assert_null(n);
  o.queue_slots = NTF_QUEUE_MAX * 2;
  assert_int_equal(xr_notifier_new_opts(NULL, &o, &n), XR_E_INVAL);
  o.queue_slots = 1;
  assert_int_equal(xr_notifier_new_opts(NULL, &o, &n), XR_E_INVAL);
  o.queue_slots = NTF_QUEUE_MIN;
  assert_int_equal(xr_notifier_new_opts(NULL, &o, &n), XR_OK);
  xr_notifier_drop(n);
}

static void test_fifo_full_and_wrap(void **state) {
  struct ntf_queue *q;
  size_t pos;
  (void)state;
  assert_int_equal(ntf_queue_new(4, &q), XR_OK);
  assert_null(ntf_queue_peek(q));
  for (int lap = 0; lap < 5; lap++) {
    for (int i = 0; i < 4; i++) {
      struct ntf_event *e = ntf_queue_claim(q, &pos);
      assert_non_null(e);
      e->page = lap * 10 + i;
      ntf_queue_publish(q, pos);
    }
    assert_null(ntf_queue_claim(q, &pos)); /* full at capacity */
    for (int i = 0; i < 4; i++) {
      struct ntf_event *e = ntf_queue_peek(q);
      assert_non_null(e);
      assert_int_equal(e->page, lap * 10 + i);
      ntf_queue_release(q);
    }
    assert_null(ntf_queue_peek(q));
  }
  assert_int_equal(ntf_queue_claimed(q), 20);
  ntf_queue_drop(q);
}

/* A claimed but unpublished slot hides later published ones (order kept),
 * and does not stop other producers from claiming. */
static void test_unpublished_slot_blocks_consumer_only(void **state) {
  struct ntf_queue *q;
  size_t p0 = 0, p1 = 0;
  (void)state;
  assert_int_equal(ntf_queue_new(4, &q), XR_OK);
  struct ntf_event *a = ntf_queue_claim(q, &p0);
  struct ntf_event *b = ntf_queue_claim(q, &p1);
  assert_non_null(a);
  assert_non_null(b);
  b->page = 2;
  ntf_queue_publish(q, p1);
  assert_null(ntf_queue_peek(q));
  a->page = 1;
  ntf_queue_publish(q, p0);
  assert_int_equal(ntf_queue_peek(q)->page, 1);
  ntf_queue_release(q);
  assert_int_equal(ntf_queue_peek(q)->page, 2);
  ntf_queue_release(q);
  ntf_queue_drop(q);
}

/* ---- threads through the public API ---- */

#define PRODUCERS 4
#define PER_PRODUCER 20000

struct recorder {
  pthread_mutex_t mu; /* only for the final read by the test thread */
  int next[PRODUCERS];
  int bad;
  long got;
};

static void record(const xr_event *ev, void *ud) {
  struct recorder *r = ud;
  int p, i;
  if (ev->kind != XR_EVENT_MESSAGE)
    return;
  pthread_mutex_lock(&r->mu);
  if (sscanf(ev->text, "p%d:%d", &p, &i) != 2 || p < 0 || p >= PRODUCERS ||
      i != r->next[p])
    r->bad++;
  else
    r->next[p]++;
  r->got++;
  pthread_mutex_unlock(&r->mu);
}

struct producer {
  xr_notifier *n;
  int id;
  long full; /* XR_E_QUEUE_FULL answers, retried */
};

static void *produce(void *arg) {
  struct producer *p = arg;
  char text[32];
  for (int i = 0; i < PER_PRODUCER; i++) {
    snprintf(text, sizeof text, "p%d:%d", p->id, i);
    int rc;
    while ((rc = xr_notify_message(p->n, XR_LEVEL_INFO, text)) ==
           XR_E_QUEUE_FULL) {
      p->full++;
      sched_yield();
    }
    if (rc != XR_OK)
      return (void *)1;
  }
  return NULL;
}

static void run_producers(unsigned slots) {
  xr_notifier *n;
  xr_notifier_opts o;
  struct recorder r = {.mu = PTHREAD_MUTEX_INITIALIZER};
  struct producer prod[PRODUCERS];
  pthread_t th[PRODUCERS];
  xr_notify_stats st;
  long full = 0;

  xr_notifier_opts_init(&o);
  o.queue_slots = slots;
  assert_int_equal(xr_notifier_new_opts(NULL, &o, &n), XR_OK);
  assert_int_equal(xr_notifier_add_callback_sink(n, record, &r), XR_OK);
  for (int i = 0; i < PRODUCERS; i++) {
    prod[i] = (struct producer){.n = n, .id = i};
    assert_int_equal(pthread_create(&th[i], NULL, produce, &prod[i]), 0);
  }
  for (int i = 0; i < PRODUCERS; i++) {
    void *ret;
    pthread_join(th[i], &ret);
    assert_null(ret);
    full += prod[i].full;
  }
  xr_notifier_stats(n, &st);
  xr_notifier_drop(n); /* delivers everything posted */

  assert_int_equal(r.bad, 0);
  assert_int_equal(r.got, (long)PRODUCERS * PER_PRODUCER);
  for (int i = 0; i < PRODUCERS; i++)
    assert_int_equal(r.next[i], PER_PRODUCER);
  assert_int_equal(st.posted, (uint64_t)PRODUCERS * PER_PRODUCER);
  assert_int_equal(st.lost, (uint64_t)full); /* every refusal counted */
}

static void test_threads_small_queue(void **state) {
  (void)state;
  run_producers(8); /* forces many full-queue refusals and wrap-arounds */
}

static void test_threads_default_queue(void **state) {
  (void)state;
  run_producers(0);
}

/* An idle notifier sleeps: posting after a quiet period wakes it, and a
 * burst costs far fewer wake-ups than posts. */
static void test_wakeups_coalesce(void **state) {
  xr_notifier *n;
  struct recorder r = {.mu = PTHREAD_MUTEX_INITIALIZER};
  xr_notify_stats st;
  (void)state;
  assert_int_equal(xr_notifier_new(NULL, &n), XR_OK);
  assert_int_equal(xr_notifier_add_callback_sink(n, record, &r), XR_OK);
  struct timespec idle = {0, 50000000};
  nanosleep(&idle, NULL); /* let the thread go to sleep */
  char text[32];
  for (int i = 0; i < 500; i++) {
    snprintf(text, sizeof text, "p0:%d", i);
    assert_int_equal(xr_notify_message(n, XR_LEVEL_INFO, text), XR_OK);
  }
  for (int spins = 0; spins < 5000; spins++) {
    pthread_mutex_lock(&r.mu);
    long got = r.got;
    pthread_mutex_unlock(&r.mu);
    if (got == 500)
      break;
    struct timespec ts = {0, 1000000};
    nanosleep(&ts, NULL);
  }
  xr_notifier_stats(n, &st);
  assert_int_equal(st.delivered, 500);
  assert_true(st.wakeups >= 1);
  assert_true(st.wakeups < 500);
  xr_notifier_drop(n);
  assert_int_equal(r.bad, 0);
}

/* Every post is delivered without a later post to push it: a lost
 * wake-up would leave the event waiting forever. Posts are timed to land
 * while the notifier thread is on its way to sleep. */
struct pingpong {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  long got;
};

static void pong(const xr_event *ev, void *ud) {
  struct pingpong *p = ud;
  (void)ev;
  pthread_mutex_lock(&p->mu);
  p->got++;
  pthread_cond_signal(&p->cv);
  pthread_mutex_unlock(&p->mu);
}

static void test_no_lost_wakeup(void **state) {
  xr_notifier *n;
  struct pingpong p = {.mu = PTHREAD_MUTEX_INITIALIZER,
                       .cv = PTHREAD_COND_INITIALIZER};
  unsigned seed = 42;
  (void)state;
  assert_int_equal(xr_notifier_new(NULL, &n), XR_OK);
  assert_int_equal(xr_notifier_add_callback_sink(n, pong, &p), XR_OK);
  for (long i = 1; i <= 3000; i++) {
    struct timespec gap = {0, (long)(rand_r(&seed) % 30000)};
    nanosleep(&gap, NULL);
    assert_int_equal(xr_notify_message(n, XR_LEVEL_INFO, "ping"), XR_OK);
    pthread_mutex_lock(&p.mu);
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 5;
    while (p.got < i)
      if (pthread_cond_timedwait(&p.cv, &p.mu, &until) != 0)
        break;
    long got = p.got;
    pthread_mutex_unlock(&p.mu);
    assert_int_equal(got, i);
  }
  xr_notifier_drop(n);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_new_rejects_bad_sizes),
      cmocka_unit_test(test_queue_slots_limit),
      cmocka_unit_test(test_fifo_full_and_wrap),
      cmocka_unit_test(test_unpublished_slot_blocks_consumer_only),
      cmocka_unit_test(test_threads_small_queue),
      cmocka_unit_test(test_threads_default_queue),
      cmocka_unit_test(test_wakeups_coalesce),
      cmocka_unit_test(test_no_lost_wakeup),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
