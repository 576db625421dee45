/* The channel contract, close and release: drain and discard, release
 * before close, inside on_closed and after the notifier is gone, and an
 * outstanding query cut short. on_closed runs exactly once, after the last
 * on_event. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "support_notify.h"

/* ---- close and release orders ---- */

static void run_close_order(int flags, int expect_notes) {
  xr_notifier *n = new_notifier(0);
  xr_channel_opts o;
  xr_channel *ch;
  xr_listener *l;
  struct ch_rec r;
  struct lis_rec lr;
  char buf[128];
  size_t len = msg_text(buf, sizeof buf, XR_MSG_INFO, "queued");
  ch_rec_init(&r);
  lis_rec_init(&lr);
  xr_listener_cbs cbs = lis_cbs(&lr);
  assert_int_equal(xr_notifier_add_listener(n, -1, &cbs, &l), XR_OK);
  ch_opts(&o, &XR_NOTIFY_TYPE_XPSRASTER, XR_PER_USER, XR_UNIDIRECTIONAL, &r);
  assert_int_equal(xr_channel_open(n, &o, &ch), XR_OK);
  block_notifier(n);
  for (int i = 0; i < 3; i++)
    assert_int_equal(xr_channel_send(ch, buf, len), XR_OK);
  assert_int_equal(xr_channel_close(ch, flags), XR_OK);
  xr_channel_release(ch); /* before the notifier has even seen the close */
  unblock_notifier();
  assert_int_equal(ch_wait(&r, &r.closed, 1), 1);
  assert_int_equal(lis_wait(&lr, &lr.closed, 1), 1);
  xr_notifier_drop(n);
  assert_int_equal(lr.notes, expect_notes);
  assert_int_equal(r.closed, 1);
  assert_int_equal(lr.closed, 1);
}

static void test_close_drain_then_release(void **state) {
  (void)state;
  run_close_order(XR_CLOSE_DRAIN, 3);
}

static void test_close_discard_then_release(void **state) {
  (void)state;
  run_close_order(XR_CLOSE_DISCARD, 0);
}

static void test_release_without_close(void **state) {
  xr_notifier *n = new_notifier(0);
  xr_channel_opts o;
  xr_channel *ch;
  xr_listener *l;
  struct ch_rec r;
  struct lis_rec lr;
  char buf[128];
  size_t len = msg_text(buf, sizeof buf, XR_MSG_INFO, "last words");
  (void)state;
  ch_rec_init(&r);
  lis_rec_init(&lr);
  xr_listener_cbs cbs = lis_cbs(&lr);
  assert_int_equal(xr_notifier_add_listener(n, -1, &cbs, &l), XR_OK);
  ch_opts(&o, &XR_NOTIFY_TYPE_XPSRASTER, XR_PER_USER, XR_UNIDIRECTIONAL, &r);
  assert_int_equal(xr_channel_open(n, &o, &ch), XR_OK);
  assert_int_equal(xr_channel_send(ch, buf, len), XR_OK);
  xr_channel_release(ch); /* an implicit draining close */
  assert_int_equal(ch_wait(&r, &r.closed, 1), 1);
  xr_notifier_drop(n);
  assert_int_equal(lr.notes, 1);
  assert_int_equal(r.closed, 1);
  assert_int_equal(r.closed_status, XR_OK);
}

static void test_release_inside_closed_callback(void **state) {
  xr_notifier *n = new_notifier(0);
  xr_channel_opts o;
  xr_channel *ch;
  struct ch_rec r;
  (void)state;
  ch_rec_init(&r);
  r.release_in_closed = 1;
  ch_opts(&o, &XR_NOTIFY_TYPE_XPSRASTER, XR_PER_USER, XR_UNIDIRECTIONAL, &r);
  assert_int_equal(xr_channel_open(n, &o, &ch), XR_OK);
  assert_int_equal(xr_channel_close(ch, XR_CLOSE_DRAIN), XR_OK);
  assert_int_equal(ch_wait(&r, &r.closed, 1), 1);
  xr_notifier_drop(n); /* ASan: nothing leaked, nothing freed twice */
  assert_int_equal(r.closed, 1);
}

/* A listener, a bidirectional channel whose default answer is choice
 * `dflt`, and one query sent on it, not yet answered. */
struct asked {
  struct ch_rec r;
  struct lis_rec lr;
  xr_listener *l;
  xr_channel *ch;
  char q[512], ans[64];
  size_t qlen;
};

static void ask(xr_notifier *n, struct asked *a, int dflt) {
  xr_channel_opts o;
  a->qlen = msg_query(a->q, sizeof a->q, "?", 2, 0, 60000);
  ch_rec_init(&a->r);
  lis_rec_init(&a->lr);
  xr_listener_cbs cbs = lis_cbs(&a->lr);
  assert_int_equal(xr_notifier_add_listener(n, -1, &cbs, &a->l), XR_OK);
  ch_opts(&o, &XR_NOTIFY_TYPE_XPSRASTER, XR_PER_USER, XR_BIDIRECTIONAL, &a->r);
  o.default_len = msg_answer(a->ans, sizeof a->ans, dflt);
  o.default_answer = a->ans;
  assert_int_equal(xr_channel_open(n, &o, &a->ch), XR_OK);
  assert_int_equal(xr_channel_send(a->ch, a->q, a->qlen), XR_OK);
}

static void test_outstanding_query_then_close(void **state) {
  xr_notifier *n = new_notifier(0);
  struct asked a;
  (void)state;
  ask(n, &a, 1);
  assert_int_equal(lis_wait(&a.lr, &a.lr.notes, 1), 1);
  assert_int_equal(xr_channel_close(a.ch, XR_CLOSE_DRAIN), XR_OK);
  assert_int_equal(ch_wait(&a.r, &a.r.closed, 1), 1);
  assert_int_equal(a.r.events, 1);
  assert_int_equal(a.r.status[0], XR_E_CLOSED);
  assert_string_equal(a.r.payload[0], a.ans);
  assert_int_equal(a.r.closed_after_events, 1);
  /* The listener's answer comes too late now. */
  assert_int_equal(
      xr_listener_reply(a.l, xr_channel_id(a.ch), a.ans, strlen(a.ans)),
      XR_E_CLOSED);
  xr_channel_release(a.ch);
  xr_notifier_drop(n);
  assert_int_equal(a.r.event_after_close, 0);
}

static void test_drop_notifier_before_release(void **state) {
  xr_notifier *n = new_notifier(0);
  struct asked a;
  (void)state;
  ask(n, &a, 0);
  xr_notifier_drop(n);
  /* The notifier closed it: default answer, then closed, once each. */
  assert_int_equal(a.r.events, 1);
  assert_int_equal(a.r.status[0], XR_E_CLOSED);
  assert_int_equal(a.r.closed, 1);
  assert_int_equal(a.r.closed_status, XR_E_CANCELLED);
  assert_int_equal(a.r.closed_after_events, 1);
  /* The handle stays valid until released. */
  assert_int_equal(xr_channel_send(a.ch, a.q, a.qlen), XR_E_CLOSED);
  assert_int_equal(xr_channel_close(a.ch, XR_CLOSE_DRAIN), XR_E_CLOSED);
  xr_channel_release(a.ch);
  xr_channel_release(NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_close_drain_then_release),
      cmocka_unit_test(test_close_discard_then_release),
      cmocka_unit_test(test_release_without_close),
      cmocka_unit_test(test_release_inside_closed_callback),
      cmocka_unit_test(test_outstanding_query_then_close),
      cmocka_unit_test(test_drop_notifier_before_release),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
