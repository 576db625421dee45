/* The channel contract: opening, every status code, acquisition,
 * timeouts and default answers. Close and release orders are in
 * test_channel_close.c, routing and the query API in test_channel_route.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "notify/channel.h"
#include "notify/notifier.h"
#include "support_notify.h"

static const char BALLOON[] =
    "<?xml version=\"1.0\"?>"
    "<asyncPrintUIRequest "
    "xmlns=\"http://schemas.microsoft.com/2003/print/asyncui/v1/request\">"
    "<v1><requestOpen><balloonUI><title>Paper</title>"
    "<body>Tray 2 is empty</body></balloonUI></requestOpen></v1>"
    "</asyncPrintUIRequest>";

/* ---- open ---- */

static void test_open_validation(void **state) {
  xr_notifier *n = new_notifier(0);
  xr_channel_opts o;
  xr_channel *ch = (void *)1;
  xr_uuid other;
  char ans[64];
  struct ch_rec r;
  (void)state;
  ch_rec_init(&r);
  ch_opts(&o, &XR_NOTIFY_TYPE_XPSRASTER, XR_PER_USER, XR_UNIDIRECTIONAL, &r);
  assert_int_equal(xr_channel_open(NULL, &o, &ch), XR_E_INVAL);
  assert_null(ch);
  assert_int_equal(xr_channel_open(n, NULL, &ch), XR_E_INVAL);
  o.user_filter = 7;
  assert_int_equal(xr_channel_open(n, &o, &ch), XR_E_INVAL);
  o.user_filter = XR_PER_USER;
  o.style = 0;
  assert_int_equal(xr_channel_open(n, &o, &ch), XR_E_INVAL);
  o.style = XR_UNIDIRECTIONAL;
  assert_int_equal(
      xr_uuid_parse("{00112233-4455-6677-8899-aabbccddeeff}", &other), XR_OK);
  o.type = other;
  assert_int_equal(xr_channel_open(n, &o, &ch), XR_E_WRONG_TYPE);
  o.type = XR_NOTIFY_TYPE_XPSRASTER;
  o.style = XR_BIDIRECTIONAL; /* without a default answer */
  assert_int_equal(xr_channel_open(n, &o, &ch), XR_E_INVAL);
  o.default_answer = "v=1\nkind=info\ntext=x\n";
  o.default_len = strlen(o.default_answer);
  assert_int_equal(xr_channel_open(n, &o, &ch), XR_E_WRONG_TYPE);
  o.default_len = msg_answer(ans, sizeof ans, 0);
  o.default_answer = ans;
  assert_int_equal(xr_channel_open(n, &o, &ch), XR_OK);
  assert_true(xr_channel_id(ch) > 0);
  xr_channel_release(ch);
  xr_notifier_drop(n);
  assert_int_equal(ch_get(&r, &r.closed), 1);
}

/* ---- the status codes ---- */

static void test_ok_no_listeners_not_opened(void **state) {
  xr_notifier *n = new_notifier(0);
  xr_channel_opts o;
  xr_channel *ch;
  xr_listener *l;
  struct ch_rec r;
  struct lis_rec lr;
  char buf[256];
  size_t len = msg_text(buf, sizeof buf, XR_MSG_WARNING, "toner low");
  (void)state;
  ch_rec_init(&r);
  lis_rec_init(&lr);
  ch_opts(&o, &XR_NOTIFY_TYPE_XPSRASTER, XR_PER_USER, XR_UNIDIRECTIONAL, &r);
  assert_int_equal(xr_channel_open(n, &o, &ch), XR_OK);
  assert_int_equal(xr_channel_send(ch, buf, len), XR_S_NO_LISTENERS);
  xr_listener_cbs cbs = lis_cbs(&lr);
  assert_int_equal(xr_notifier_add_listener(n, -1, &cbs, &l), XR_OK);
  assert_int_equal(xr_channel_send(ch, buf, len), XR_OK);
  assert_int_equal(lis_wait(&lr, &lr.notes, 1), 1);
  assert_string_equal(lr.payload[0], buf);
  assert_int_equal(lr.channel[0], xr_channel_id(ch));
  /* NOT_OPENED: no channel, or an id that was never handed out. */
  assert_int_equal(xr_channel_send(NULL, buf, len), XR_E_NOT_OPENED);
  assert_int_equal(xr_channel_close(NULL, XR_CLOSE_DRAIN), XR_E_NOT_OPENED);
  assert_int_equal(xr_listener_reply(l, 999999, buf, len), XR_E_NOT_OPENED);
  /* A reply on a unidirectional channel is refused by type. */
  char ans[64];
  size_t alen = msg_answer(ans, sizeof ans, 0);
  assert_int_equal(xr_listener_reply(l, xr_channel_id(ch), ans, alen),
                   XR_E_WRONG_TYPE);
  assert_int_equal(xr_channel_close(ch, XR_CLOSE_DRAIN), XR_OK);
  assert_int_equal(ch_wait(&r, &r.closed, 1), 1);
  assert_int_equal(lis_wait(&lr, &lr.closed, 1), 1);
  assert_int_equal(lr.closed_channel[0], xr_channel_id(ch));
  xr_channel_release(ch);
  xr_notifier_drop(n);
}

static void test_too_big_at_limit(void **state) {
  xr_notifier *n = new_notifier(0);
  xr_channel_opts o;
  xr_channel *ch;
  xr_listener *l;
  struct ch_rec r;
  struct lis_rec lr;
  char *at = padded_balloon(XR_NOTIFY_PAYLOAD_MAX);
  char *over = padded_balloon(XR_NOTIFY_PAYLOAD_MAX + 1);
  (void)state;
  ch_rec_init(&r);
  lis_rec_init(&lr);
  xr_listener_cbs cbs = lis_cbs(&lr);
  assert_int_equal(xr_notifier_add_listener(n, -1, &cbs, &l), XR_OK);
  ch_opts(&o, &XR_NOTIFY_TYPE_ASYNCUI, XR_PER_USER, XR_UNIDIRECTIONAL, &r);
  assert_int_equal(xr_channel_open(n, &o, &ch), XR_OK);
  assert_int_equal(xr_channel_send(ch, at, XR_NOTIFY_PAYLOAD_MAX), XR_OK);
  assert_int_equal(xr_channel_send(ch, over, XR_NOTIFY_PAYLOAD_MAX + 1),
                   XR_E_TOO_BIG);
  /* The limit is a compile-time constant of the protocol: the wire format
   * refuses a bigger frame whatever the sender does (see test_wire). */
  assert_int_equal(
      xr_asyncui_validate(over, XR_NOTIFY_PAYLOAD_MAX + 1, 0, NULL, 0, NULL, 0),
      XR_E_TOO_BIG);
  xr_channel_release(ch);
  xr_notifier_drop(n);
  assert_int_equal(lr.notes, 1);
  free(at);
  free(over);
}

static void test_wrong_type(void **state) {
  xr_notifier *n = new_notifier(0);
  xr_channel_opts o;
  xr_channel *uni, *bidi, *ui;
  xr_listener *l;
  struct ch_rec r;
  struct lis_rec lr;
  char q[512], ans[64], info[128];
  size_t qlen = msg_query(q, sizeof q, "Scale?", 2, 0, 10000);
  size_t ilen = msg_text(info, sizeof info, XR_MSG_INFO, "hi");
  (void)state;
  ch_rec_init(&r);
  lis_rec_init(&lr);
  xr_listener_cbs cbs = lis_cbs(&lr);
  assert_int_equal(xr_notifier_add_listener(n, -1, &cbs, &l), XR_OK);
  ch_opts(&o, &XR_NOTIFY_TYPE_XPSRASTER, XR_PER_USER, XR_UNIDIRECTIONAL, &r);
  assert_int_equal(xr_channel_open(n, &o, &uni), XR_OK);
  assert_int_equal(xr_channel_send(uni, "garbage", 7), XR_E_WRONG_TYPE);
  assert_int_equal(xr_channel_send(uni, q, qlen), XR_E_WRONG_TYPE);
  assert_int_equal(xr_channel_send(uni, BALLOON, strlen(BALLOON)),
                   XR_E_WRONG_TYPE);
  assert_int_equal(xr_channel_send_query(uni, q, qlen, 10, ans, 1),
                   XR_E_WRONG_TYPE);
  o.style = XR_BIDIRECTIONAL;
  o.default_len = msg_answer(ans, sizeof ans, 0);
  o.default_answer = ans;
  assert_int_equal(xr_channel_open(n, &o, &bidi), XR_OK);
  assert_int_equal(xr_channel_send(bidi, info, ilen), XR_E_WRONG_TYPE);
  /* A default answer outside the query's choices. */
  char bad[64];
  size_t blen = msg_answer(bad, sizeof bad, 5);
  assert_int_equal(xr_channel_send_query(bidi, q, qlen, 1000, bad, blen),
                   XR_E_WRONG_TYPE);
  assert_int_equal(xr_channel_send(bidi, q, qlen), XR_OK);
  assert_int_equal(lis_wait(&lr, &lr.notes, 1), 1);
  /* Replies: not an answer, an answer out of range. */
  assert_int_equal(xr_listener_reply(l, xr_channel_id(bidi), info, ilen),
                   XR_E_WRONG_TYPE);
  assert_int_equal(xr_listener_reply(l, xr_channel_id(bidi), bad, blen),
                   XR_E_WRONG_TYPE);
  /* AsyncUI: customUI names code to run and is refused. */
  o.type = XR_NOTIFY_TYPE_ASYNCUI;
  o.style = XR_UNIDIRECTIONAL;
  assert_int_equal(xr_channel_open(n, &o, &ui), XR_OK);
  const char *custom =
      "<asyncPrintUIRequest "
      "xmlns=\"http://schemas.microsoft.com/2003/print/asyncui/v1/request\">"
      "<v1><requestOpen><customUI dll=\"x.dll\" entrypoint=\"f\"/>"
      "</requestOpen></v1></asyncPrintUIRequest>";
  assert_int_equal(xr_channel_send(ui, custom, strlen(custom)),
                   XR_E_WRONG_TYPE);
  assert_int_equal(xr_channel_send(ui, BALLOON, strlen(BALLOON)), XR_OK);
  xr_channel_release(ui);
  xr_channel_release(uni);
  xr_channel_release(bidi);
  xr_notifier_drop(n);
}

static void test_closed_and_idempotent_close(void **state) {
  xr_notifier *n = new_notifier(0);
  xr_channel_opts o;
  xr_channel *ch;
  struct ch_rec r;
  char buf[128];
  size_t len = msg_text(buf, sizeof buf, XR_MSG_INFO, "x");
  (void)state;
  ch_rec_init(&r);
  ch_opts(&o, &XR_NOTIFY_TYPE_XPSRASTER, XR_PER_USER, XR_UNIDIRECTIONAL, &r);
  assert_int_equal(xr_channel_open(n, &o, &ch), XR_OK);
  assert_int_equal(xr_channel_close(ch, 9), XR_E_INVAL);
  assert_int_equal(xr_channel_close(ch, XR_CLOSE_DRAIN), XR_OK);
  assert_int_equal(xr_channel_close(ch, XR_CLOSE_DRAIN), XR_E_CLOSED);
  assert_int_equal(xr_channel_close(ch, XR_CLOSE_DISCARD), XR_E_CLOSED);
  assert_int_equal(xr_channel_send(ch, buf, len), XR_E_CLOSED);
  assert_int_equal(ch_wait(&r, &r.closed, 1), 1);
  assert_int_equal(xr_channel_send(ch, buf, len), XR_E_CLOSED);
  sleep_ms(20);
  assert_int_equal(ch_get(&r, &r.closed), 1);
  assert_int_equal(r.closed_status, XR_OK);
  xr_channel_release(ch);
  xr_notifier_drop(n);
  assert_int_equal(r.closed, 1);
}

static void test_waiting_reply_then_reply(void **state) {
  xr_notifier *n = new_notifier(0);
  xr_channel_opts o;
  xr_channel *ch;
  xr_listener *l;
  struct ch_rec r;
  struct lis_rec lr;
  char q[512], ans[64], a1[64];
  size_t qlen = msg_query(q, sizeof q, "Scale or clip?", 2, 0, 10000);
  size_t a1len = msg_answer(a1, sizeof a1, 1);
  (void)state;
  ch_rec_init(&r);
  lis_rec_init(&lr);
  xr_listener_cbs cbs = lis_cbs(&lr);
  assert_int_equal(xr_notifier_add_listener(n, -1, &cbs, &l), XR_OK);
  ch_opts(&o, &XR_NOTIFY_TYPE_XPSRASTER, XR_PER_USER, XR_BIDIRECTIONAL, &r);
  o.timeout_ms = 10000;
  o.default_len = msg_answer(ans, sizeof ans, 0);
  o.default_answer = ans;
  assert_int_equal(xr_channel_open(n, &o, &ch), XR_OK);
  assert_int_equal(xr_channel_send(ch, q, qlen), XR_OK);
  assert_int_equal(xr_channel_send(ch, q, qlen), XR_E_WAITING_REPLY);
  assert_int_equal(lis_wait(&lr, &lr.notes, 1), 1);
  assert_int_equal(xr_listener_reply(l, xr_channel_id(ch), a1, a1len), XR_OK);
  assert_int_equal(ch_wait(&r, &r.events, 1), 1);
  assert_int_equal(r.status[0], XR_OK);
  assert_string_equal(r.payload[0], a1);
  /* Answered: a second reply has nothing to answer. */
  assert_int_equal(xr_listener_reply(l, xr_channel_id(ch), a1, a1len),
                   XR_E_TIMEOUT);
  /* And the channel takes the next query. */
  assert_int_equal(xr_channel_send(ch, q, qlen), XR_OK);
  xr_channel_release(ch);
  xr_notifier_drop(n);
  assert_int_equal(r.events, 2); /* the second query: default at close */
  assert_int_equal(r.status[1], XR_E_CLOSED);
  assert_int_equal(r.closed, 1);
  assert_int_equal(r.event_after_close, 0);
}

static void test_acquired_by_first_replier(void **state) {
  xr_notifier *n = new_notifier(0);
  xr_channel_opts o;
  xr_channel *ch;
  xr_listener *a, *b;
  struct ch_rec r;
  struct lis_rec ra, rb;
  char q[512], ans[64];
  size_t qlen = msg_query(q, sizeof q, "Which tray?", 3, 0, 10000);
  size_t alen;
  (void)state;
  ch_rec_init(&r);
  lis_rec_init(&ra);
  lis_rec_init(&rb);
  xr_listener_cbs ca = lis_cbs(&ra), cb = lis_cbs(&rb);
  assert_int_equal(xr_notifier_add_listener(n, -1, &ca, &a), XR_OK);
  assert_int_equal(xr_notifier_add_listener(n, -1, &cb, &b), XR_OK);
  ch_opts(&o, &XR_NOTIFY_TYPE_XPSRASTER, XR_PER_USER, XR_BIDIRECTIONAL, &r);
  o.default_len = msg_answer(ans, sizeof ans, 0);
  o.default_answer = ans;
  assert_int_equal(xr_channel_open(n, &o, &ch), XR_OK);
  assert_int_equal(xr_channel_send(ch, q, qlen), XR_OK);
  assert_int_equal(lis_wait(&ra, &ra.notes, 1), 1);
  assert_int_equal(lis_wait(&rb, &rb.notes, 1), 1);
  alen = msg_answer(ans, sizeof ans, 2);
  assert_int_equal(xr_listener_reply(b, xr_channel_id(ch), ans, alen), XR_OK);
  assert_int_equal(xr_listener_reply(a, xr_channel_id(ch), ans, alen),
                   XR_E_ACQUIRED);
  assert_int_equal(ch_wait(&r, &r.events, 1), 1);
  /* Later sends go only to the acquirer. */
  assert_int_equal(xr_channel_send(ch, q, qlen), XR_OK);
  assert_int_equal(lis_wait(&rb, &rb.notes, 2), 2);
  sleep_ms(20);
  assert_int_equal(lis_get(&ra, &ra.notes), 1);
  assert_int_equal(xr_listener_reply(a, xr_channel_id(ch), ans, alen),
                   XR_E_ACQUIRED);
  /* The acquirer leaves: the channel is free again. */
  xr_listener_close(b);
  assert_int_equal(xr_listener_reply(a, xr_channel_id(ch), ans, alen), XR_OK);
  xr_channel_release(ch);
  xr_notifier_drop(n);
  assert_int_equal(r.events, 2);
  assert_int_equal(r.status[1], XR_OK);
  assert_int_equal(r.closed, 1);
}

static void test_timeout_gives_default(void **state) {
  xr_notifier *n = new_notifier(0);
  xr_channel_opts o;
  xr_channel *ch;
  xr_listener *l;
  struct ch_rec r;
  struct lis_rec lr;
  char q[512], ans[64], d2[64];
  size_t qlen = msg_query(q, sizeof q, "Clip?", 2, 1, 50);
  size_t d2len = msg_answer(d2, sizeof d2, 1);
  (void)state;
  ch_rec_init(&r);
  lis_rec_init(&lr);
  xr_listener_cbs cbs = lis_cbs(&lr);
  assert_int_equal(xr_notifier_add_listener(n, -1, &cbs, &l), XR_OK);
  ch_opts(&o, &XR_NOTIFY_TYPE_XPSRASTER, XR_PER_USER, XR_BIDIRECTIONAL, &r);
  o.default_len = msg_answer(ans, sizeof ans, 0);
  o.default_answer = ans;
  assert_int_equal(xr_channel_open(n, &o, &ch), XR_OK);
  /* A per-send timeout and default. */
  assert_int_equal(xr_channel_send_query(ch, q, qlen, 50, d2, d2len), XR_OK);
  assert_int_equal(ch_wait(&r, &r.events, 1), 1);
  assert_int_equal(r.status[0], XR_E_TIMEOUT);
  assert_string_equal(r.payload[0], d2);
  /* Too late. */
  assert_int_equal(xr_listener_reply(l, xr_channel_id(ch), ans, 0),
                   XR_E_TIMEOUT);
  xr_channel_release(ch);
  xr_notifier_drop(n);
  assert_int_equal(r.events, 1);
}

static void test_no_listener_query_gets_default(void **state) {
  xr_notifier *n = new_notifier(0);
  xr_channel_opts o;
  xr_channel *ch;
  struct ch_rec r;
  char q[512], ans[64];
  size_t qlen = msg_query(q, sizeof q, "Clip?", 2, 0, 60000);
  (void)state;
  ch_rec_init(&r);
  ch_opts(&o, &XR_NOTIFY_TYPE_XPSRASTER, XR_PER_USER, XR_BIDIRECTIONAL, &r);
  o.default_len = msg_answer(ans, sizeof ans, 0);
  o.default_answer = ans;
  assert_int_equal(xr_channel_open(n, &o, &ch), XR_OK);
  assert_int_equal(xr_channel_send(ch, q, qlen), XR_S_NO_LISTENERS);
  assert_int_equal(ch_wait(&r, &r.events, 1), 1);
  assert_int_equal(r.status[0], XR_S_NO_LISTENERS);
  assert_string_equal(r.payload[0], ans);
  assert_int_equal(xr_channel_send(ch, q, qlen), XR_S_NO_LISTENERS);
  assert_int_equal(ch_wait(&r, &r.events, 2), 2);
  xr_channel_release(ch);
  xr_notifier_drop(n);
}

static void test_queue_full(void **state) {
  xr_notifier *n = new_notifier(4);
  xr_channel_opts o;
  xr_channel *ch;
  xr_listener *l;
  struct ch_rec r;
  struct lis_rec lr;
  xr_notify_stats st;
  char buf[128];
  size_t len = msg_text(buf, sizeof buf, XR_MSG_INFO, "x");
  int accepted = 0, rc;
  (void)state;
  ch_rec_init(&r);
  lis_rec_init(&lr);
  xr_listener_cbs cbs = lis_cbs(&lr);
  assert_int_equal(xr_notifier_add_listener(n, -1, &cbs, &l), XR_OK);
  ch_opts(&o, &XR_NOTIFY_TYPE_XPSRASTER, XR_PER_USER, XR_UNIDIRECTIONAL, &r);
  assert_int_equal(xr_channel_open(n, &o, &ch), XR_OK);
  block_notifier(n);
  while ((rc = xr_notify_message(n, XR_LEVEL_ERROR, "e")) == XR_OK)
    accepted++;
  assert_int_equal(rc, XR_E_QUEUE_FULL);
  assert_int_equal(accepted, 3); /* 4 slots, one held by BLOCK */
  assert_int_equal(xr_channel_send(ch, buf, len), XR_E_QUEUE_FULL);
  xr_notifier_stats(n, &st);
  assert_int_equal(st.lost, 2);
  assert_int_equal(st.lost_errors, 1);
  unblock_notifier();
  /* Space again once the notifier drains. */
  for (int i = 0;
       i < 5000 && (rc = xr_channel_send(ch, buf, len)) == XR_E_QUEUE_FULL; i++)
    sleep_ms(1);
  assert_int_equal(rc, XR_OK);
  assert_int_equal(lis_wait(&lr, &lr.notes, 1), 1);
  xr_channel_release(ch);
  xr_notifier_drop(n);
  assert_int_equal(lr.notes, 1);
}

struct sender {
  xr_channel *ch;
  const char *buf;
  size_t len;
  int rc;
};

static void *send_thread(void *arg) {
  struct sender *s = arg;
  s->rc = xr_channel_send(s->ch, s->buf, s->len);
  return NULL;
}

static void test_call_in_progress(void **state) {
  xr_notifier *n = new_notifier(0);
  xr_channel_opts o;
  xr_channel *ch;
  struct ch_rec r;
  pthread_t th;
  char buf[128];
  size_t len = msg_text(buf, sizeof buf, XR_MSG_INFO, "x");
  struct sender s;
  (void)state;
  ch_rec_init(&r);
  ch_opts(&o, &XR_NOTIFY_TYPE_XPSRASTER, XR_PER_USER, XR_UNIDIRECTIONAL, &r);
  assert_int_equal(xr_channel_open(n, &o, &ch), XR_OK);
  s = (struct sender){.ch = ch, .buf = buf, .len = len, .rc = 1000};
  /* Hold the control lock so the other thread's send stays inside. */
  ntf_lock(n);
  assert_int_equal(pthread_create(&th, NULL, send_thread, &s), 0);
  for (int i = 0; i < 5000 && !atomic_load(&ch->busy); i++)
    sleep_ms(1);
  assert_int_equal(atomic_load(&ch->busy), 1);
  assert_int_equal(xr_channel_send(ch, buf, len), XR_E_CALL_IN_PROGRESS);
  assert_int_equal(xr_channel_close(ch, XR_CLOSE_DRAIN), XR_E_CALL_IN_PROGRESS);
  ntf_unlock(n);
  pthread_join(th, NULL);
  assert_int_equal(s.rc, XR_S_NO_LISTENERS);
  assert_int_equal(xr_channel_close(ch, XR_CLOSE_DRAIN), XR_OK);
  xr_channel_release(ch);
  xr_notifier_drop(n);
}

static void test_status_messages(void **state) {
  static const int codes[] = {XR_OK,           XR_S_NO_LISTENERS,
                              XR_S_LOST,       XR_S_REPLACED,
                              XR_E_QUEUE_FULL, XR_E_TOO_BIG,
                              XR_E_WRONG_TYPE, XR_E_CLOSED,
                              XR_E_NOT_OPENED, XR_E_WAITING_REPLY,
                              XR_E_ACQUIRED,   XR_E_CALL_IN_PROGRESS,
                              XR_E_TIMEOUT,    XR_E_DENIED,
                              XR_E_PROTOCOL};
  (void)state;
  for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
    assert_string_not_equal(xr_strerror(codes[i]), "unknown status");
    assert_string_not_equal(xr_err_name(codes[i]), "XR_UNKNOWN");
    /* success-with-information is >= 0, errors < 0 */
    assert_true((codes[i] >= 0) == (xr_err_name(codes[i])[3] != 'E'));
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_open_validation),
      cmocka_unit_test(test_ok_no_listeners_not_opened),
      cmocka_unit_test(test_too_big_at_limit),
      cmocka_unit_test(test_wrong_type),
      cmocka_unit_test(test_closed_and_idempotent_close),
      cmocka_unit_test(test_waiting_reply_then_reply),
      cmocka_unit_test(test_acquired_by_first_replier),
      cmocka_unit_test(test_timeout_gives_default),
      cmocka_unit_test(test_no_listener_query_gets_default),
      cmocka_unit_test(test_queue_full),
      cmocka_unit_test(test_call_in_progress),
      cmocka_unit_test(test_status_messages),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
