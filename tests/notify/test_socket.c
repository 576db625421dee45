/* The listener socket: greeting, job events, channel notifications and
 * replies over the wire, acquisition across listeners, a malformed frame
 * closing only its connection, a stalled listener dropped without holding
 * anything up (XR_S_LOST), a slow one that catches up losing nothing, and
 * the peer limit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "notify/wire.h"
#include "support_notify.h"

static char sock_path[108];

static int setup(void **state) {
  (void)state;
  snprintf(sock_path, sizeof sock_path, "/tmp/xr-notify-test-%d.sock",
           (int)getpid());
  return 0;
}

static xr_notifier *new_server(long job) {
  xr_notifier *n;
  xr_job_info info = {.job_id = job, .title = "doc.xps", .printer = "lp0"};
  assert_int_equal(xr_notifier_new(&info, &n), XR_OK);
  assert_int_equal(xr_notifier_add_socket_sink(n, sock_path), XR_OK);
  return n;
}

/* Next frame of a type, skipping others; fails the test on timeout. */
static void next_of(xr_notify_client *c, int type, xr_notify_frame *f) {
  for (;;) {
    int rc = xr_notify_client_next(c, 5000, f);
    assert_int_equal(rc, 1);
    if (f->type == type)
      return;
  }
}

static void test_hello_and_events(void **state) {
  xr_notifier *n = new_server(5);
  xr_notify_client *c;
  xr_notify_frame f;
  xr_msg m;
  int saw_progress = 0;
  (void)state;
  assert_int_equal(xr_notifier_add_socket_sink(n, sock_path), XR_E_USAGE);
  assert_int_equal(xr_notify_client_connect(sock_path, 5000, &c, &f), XR_OK);
  assert_int_equal(f.type, XR_FRAME_HELLO);
  assert_int_equal(xr_msg_decode(f.payload, f.len, &m), XR_OK);
  assert_int_equal(m.kind, XR_MSG_HELLO);
  assert_int_equal(m.job, 5);
  assert_string_equal(m.text, "doc.xps");
  assert_string_equal(m.printer, "lp0");
  xr_notify_progress(n, 1, 2, 0.25);
  assert_int_equal(xr_notify_page(n, 1, 1), XR_OK);
  assert_int_equal(xr_notify_message(n, XR_LEVEL_WARNING, "font\nmissing"),
                   XR_OK);
  for (;;) {
    next_of(c, XR_FRAME_EVENT, &f);
    assert_int_equal(xr_msg_decode(f.payload, f.len, &m), XR_OK);
    if (m.kind == XR_MSG_PROGRESS) {
      saw_progress = 1;
      assert_int_equal(m.page, 1);
      assert_int_equal(m.pages, 2);
      assert_int_equal(m.percent, 25);
    } else if (m.kind == XR_MSG_PAGE) {
      assert_true(saw_progress); /* progress is delivered before the queue */
      assert_int_equal(m.page, 1);
    } else if (m.kind == XR_MSG_WARNING) {
      assert_string_equal(m.text, "font missing");
      break;
    }
  }
  xr_notifier_drop(n);
  /* The socket file goes with the notifier; the client sees the end. */
  assert_int_equal(xr_notify_client_next(c, 5000, &f), XR_E_CLOSED);
  struct stat st;
  assert_int_not_equal(stat(sock_path, &st), 0);
  xr_notify_client_close(c);
}

static void test_query_over_socket_and_acquired(void **state) {
  xr_notifier *n = new_server(6);
  xr_notify_client *a, *b;
  xr_notify_frame f;
  xr_channel_opts o;
  xr_channel *ch;
  struct ch_rec r;
  char q[512], dflt[64], ans[64];
  size_t qlen = msg_query(q, sizeof q, "Scale?", 2, 0, 10000);
  size_t alen = msg_answer(ans, sizeof ans, 1);
  (void)state;
  ch_rec_init(&r);
  assert_int_equal(xr_notify_client_connect(sock_path, 5000, &a, NULL), XR_OK);
  assert_int_equal(xr_notify_client_connect(sock_path, 5000, &b, NULL), XR_OK);
  ch_opts(&o, &XR_NOTIFY_TYPE_XPSRASTER, XR_PER_USER, XR_BIDIRECTIONAL, &r);
  o.default_len = msg_answer(dflt, sizeof dflt, 0);
  o.default_answer = dflt;
  assert_int_equal(xr_channel_open(n, &o, &ch), XR_OK);
  assert_int_equal(xr_channel_send(ch, q, qlen), XR_OK);
  next_of(a, XR_FRAME_NOTIFY, &f);
  assert_int_equal(f.channel, xr_channel_id(ch));
  assert_true(f.flags & XR_FRAME_BIDI);
  assert_false(f.flags & XR_FRAME_ALL_USERS);
  assert_true(xr_uuid_equal(&f.ptype, &XR_NOTIFY_TYPE_XPSRASTER));
  next_of(b, XR_FRAME_NOTIFY, &f);
  /* The client refuses to send what the notifier would refuse. */
  assert_int_equal(
      xr_notify_client_reply(a, f.channel, &XR_NOTIFY_TYPE_XPSRASTER, q, qlen),
      XR_E_WRONG_TYPE);
  assert_int_equal(xr_notify_client_reply(a, f.channel,
                                          &XR_NOTIFY_TYPE_XPSRASTER, ans, alen),
                   XR_OK);
  next_of(a, XR_FRAME_STATUS, &f);
  assert_int_equal(f.status, XR_OK);
  assert_int_equal(xr_notify_client_reply(b, f.channel,
                                          &XR_NOTIFY_TYPE_XPSRASTER, ans, alen),
                   XR_OK);
  next_of(b, XR_FRAME_STATUS, &f);
  assert_int_equal(f.status, XR_E_ACQUIRED);
  assert_int_equal(ch_wait(&r, &r.events, 1), 1);
  assert_int_equal(r.status[0], XR_OK);
  assert_string_equal(r.payload[0], ans);
  /* A reply to a channel that does not exist. */
  assert_int_equal(
      xr_notify_client_reply(a, 4242, &XR_NOTIFY_TYPE_XPSRASTER, ans, alen),
      XR_OK);
  next_of(a, XR_FRAME_STATUS, &f);
  assert_int_equal(f.status, XR_E_NOT_OPENED);
  assert_int_equal(xr_channel_close(ch, XR_CLOSE_DRAIN), XR_OK);
  next_of(a, XR_FRAME_CLOSED, &f);
  assert_int_equal(f.channel, xr_channel_id(ch));
  xr_channel_release(ch);
  xr_notify_client_close(a);
  xr_notify_client_close(b);
  xr_notifier_drop(n);
}

static void test_malformed_frame_closes_only_that_peer(void **state) {
  xr_notifier *n = new_server(7);
  xr_notify_client *bad, *good;
  xr_notify_frame f;
  xr_notify_stats st;
  xr_msg m;
  (void)state;
  assert_int_equal(xr_notify_client_connect(sock_path, 5000, &bad, NULL),
                   XR_OK);
  assert_int_equal(xr_notify_client_connect(sock_path, 5000, &good, NULL),
                   XR_OK);
  /* A frame claiming version 9. */
  static const unsigned char junk[8] = {0, 0, 0, 40, 9, 4, 0, 0};
  assert_int_equal(send(xr_notify_client_fd(bad), junk, sizeof junk, 0),
                   (ssize_t)sizeof junk);
  for (;;) {
    int rc = xr_notify_client_next(bad, 5000, &f);
    if (rc == XR_E_CLOSED || rc == XR_E_IO)
      break;
    assert_int_equal(rc, 1); /* earlier frames, if any */
  }
  assert_int_equal(xr_notify_message(n, XR_LEVEL_INFO, "still here"), XR_OK);
  next_of(good, XR_FRAME_EVENT, &f);
  assert_int_equal(xr_msg_decode(f.payload, f.len, &m), XR_OK);
  assert_string_equal(m.text, "still here");
  xr_notifier_stats(n, &st);
  assert_int_equal(st.listeners_dropped, 1);
  xr_notify_client_close(bad);
  xr_notify_client_close(good);
  xr_notifier_drop(n);
}

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void test_stalled_listener_dropped_and_lost(void **state) {
  xr_notifier *n = new_server(8);
  xr_notify_client *stalled;
  xr_listener *l;
  struct lis_rec lr;
  struct ch_rec r;
  xr_channel_opts o;
  xr_channel *ch;
  xr_notify_stats st;
  char *big = padded_balloon(60000);
  int rc = XR_OK, sends = 0;
  int64_t worst = 0;
  (void)state;
  lis_rec_init(&lr);
  ch_rec_init(&r);
  assert_int_equal(xr_notify_client_connect(sock_path, 5000, &stalled, NULL),
                   XR_OK);
  xr_listener_cbs cbs = lis_cbs(&lr);
  assert_int_equal(xr_notifier_add_listener(n, -1, &cbs, &l), XR_OK);
  ch_opts(&o, &XR_NOTIFY_TYPE_ASYNCUI, XR_PER_USER, XR_UNIDIRECTIONAL, &r);
  assert_int_equal(xr_channel_open(n, &o, &ch), XR_OK);
  /* The stalled peer never reads: its socket buffer and then its bounded
   * queue fill, it is dropped, and the next send says something was lost.
   * No send ever waits for it. */
  while (sends < 200) {
    int64_t t0 = now_ms();
    rc = xr_channel_send(ch, big, 60000);
    int64_t dt = now_ms() - t0;
    worst = dt > worst ? dt : worst;
    sends++;
    if (rc == XR_S_LOST)
      break;
    assert_int_equal(rc, XR_OK);
    lis_wait(&lr, &lr.notes, sends); /* routed before the next */
  }
  assert_int_equal(rc, XR_S_LOST);
  assert_true(worst < 1000);
  xr_notifier_stats(n, &st);
  assert_int_equal(st.listeners_dropped, 1);
  /* Lost is reported once; the in-process listener got everything. */
  assert_int_equal(xr_channel_send(ch, big, 60000), XR_OK);
  assert_int_equal(lis_wait(&lr, &lr.notes, sends + 1), sends + 1);
  xr_channel_release(ch);
  xr_notify_client_close(stalled);
  xr_notifier_drop(n);
  free(big);
}

/* A listener that falls behind by more than its socket holds, and then
 * reads, gets every event once and in order: the rest waited in the
 * notifier's queue for that peer until poll reported room. */
static void test_slow_listener_catches_up(void **state) {
  enum { EVENTS = 3000 };
  xr_notifier *n = new_server(10);
  xr_notify_client *c;
  xr_notify_frame f;
  xr_notify_stats st;
  xr_msg m;
  char text[64];
  int unread = 0;
  long total = 0;
  (void)state;
  assert_int_equal(xr_notify_client_connect(sock_path, 5000, &c, NULL), XR_OK);
  for (int i = 0; i < EVENTS; i++) {
    snprintf(text, sizeof text, "event %06d of a listener that lags", i);
    while (xr_notify_message(n, XR_LEVEL_INFO, text) == XR_E_QUEUE_FULL)
      sched_yield();
  }
  /* Everything in the notifier's hands (bounded: 5 s), then a moment for
   * its last sends. */
  for (int t = 0; t < 5000; t++) {
    xr_notifier_stats(n, &st);
    if (st.delivered >= st.posted)
      break;
    sleep_ms(1);
  }
  assert_true(st.delivered >= st.posted);
  sleep_ms(20);
  assert_int_equal(ioctl(xr_notify_client_fd(c), FIONREAD, &unread), 0);
  for (int i = 0; i < EVENTS; i++) {
    next_of(c, XR_FRAME_EVENT, &f);
    total += NTF_WIRE_HEADER + (long)f.len;
    assert_int_equal(xr_msg_decode(f.payload, f.len, &m), XR_OK);
    snprintf(text, sizeof text, "event %06d of a listener that lags", i);
    assert_string_equal(m.text, text);
  }
  /* Some of it cannot have fitted in the socket: the case under test. */
  assert_true(unread < total);
  xr_notifier_stats(n, &st);
  assert_int_equal(st.listeners_dropped, 0);
  xr_notifier_drop(n);
  xr_notify_client_close(c);
}

static void test_peer_limit(void **state) {
  xr_notifier *n = new_server(9);
  xr_notify_client *c[33];
  (void)state;
  for (int i = 0; i < 32; i++)
    assert_int_equal(xr_notify_client_connect(sock_path, 5000, &c[i], NULL),
                     XR_OK);
  assert_int_equal(xr_notify_client_connect(sock_path, 5000, &c[32], NULL),
                   XR_E_LIMIT);
  assert_null(c[32]);
  xr_notify_client_close(c[0]);
  /* A slot frees up once the notifier notices the hang-up. */
  int rc = XR_E_LIMIT;
  for (int i = 0; i < 100 && rc == XR_E_LIMIT; i++) {
    rc = xr_notify_client_connect(sock_path, 5000, &c[0], NULL);
    if (rc == XR_E_LIMIT)
      sleep_ms(10);
  }
  assert_int_equal(rc, XR_OK);
  for (int i = 0; i < 32; i++)
    xr_notify_client_close(c[i]);
  xr_notifier_drop(n);
}

static void test_never_replaces_other_files(void **state) {
  xr_notifier *n;
  FILE *fp = fopen(sock_path, "w");
  struct stat st;
  (void)state;
  assert_non_null(fp);
  fputs("keep me", fp);
  fclose(fp);
  assert_int_equal(xr_notifier_new(NULL, &n), XR_OK);
  assert_int_equal(xr_notifier_add_socket_sink(n, sock_path), XR_E_IO);
  assert_int_equal(stat(sock_path, &st), 0);
  assert_true(S_ISREG(st.st_mode));
  unlink(sock_path);
  char longpath[200];
  memset(longpath, 'a', sizeof longpath - 1);
  longpath[sizeof longpath - 1] = '\0';
  assert_int_equal(xr_notifier_add_socket_sink(n, longpath), XR_E_INVAL);
  xr_notifier_drop(n);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_hello_and_events),
      cmocka_unit_test(test_query_over_socket_and_acquired),
      cmocka_unit_test(test_malformed_frame_closes_only_that_peer),
      cmocka_unit_test(test_stalled_listener_dropped_and_lost),
      cmocka_unit_test(test_slow_listener_catches_up),
      cmocka_unit_test(test_peer_limit),
      cmocka_unit_test(test_never_replaces_other_files),
  };
  return cmocka_run_group_tests(tests, setup, NULL);
}
