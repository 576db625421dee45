/* Routing by the job's user (not the process's) and the renderer's query
 * API (default answers, timeouts, a listener's reply). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pwd.h>
#include <string.h>

#include "support_notify.h"

/* ---- routing by the job's user ---- */

static void test_routing_by_job_user(void **state) {
  xr_notifier *n;
  xr_job_info job = {.job_id = 7, .user = "root"};
  xr_channel_opts o;
  xr_channel *per, *all;
  xr_listener *stranger, *rootl;
  struct ch_rec r;
  struct lis_rec ls, lroot;
  char buf[128];
  size_t len = msg_text(buf, sizeof buf, XR_MSG_INFO, "x");
  (void)state;
  ch_rec_init(&r);
  lis_rec_init(&ls);
  lis_rec_init(&lroot);
  assert_int_equal(xr_notifier_new(&job, &n), XR_OK);
  xr_listener_cbs c1 = lis_cbs(&ls), c2 = lis_cbs(&lroot);
  /* uid 54321: not the job's user (root), not an administrator. */
  assert_int_equal(xr_notifier_add_listener(n, 54321, &c1, &stranger), XR_OK);
  ch_opts(&o, &XR_NOTIFY_TYPE_XPSRASTER, XR_PER_USER, XR_UNIDIRECTIONAL, &r);
  assert_int_equal(xr_channel_open(n, &o, &per), XR_OK);
  o.user_filter = XR_ALL_USERS;
  assert_int_equal(xr_channel_open(n, &o, &all), XR_OK);
  assert_int_equal(xr_channel_send(per, buf, len), XR_S_NO_LISTENERS);
  assert_int_equal(xr_channel_send(all, buf, len), XR_S_NO_LISTENERS);
  assert_int_equal(xr_notifier_add_listener(n, 0, &c2, &rootl), XR_OK);
  assert_int_equal(xr_channel_send(per, buf, len), XR_OK);
  assert_int_equal(xr_channel_send(all, buf, len), XR_OK);
  assert_int_equal(lis_wait(&lroot, &lroot.notes, 2), 2);
  xr_channel_release(per);
  xr_channel_release(all);
  xr_notifier_drop(n);
  assert_int_equal(ls.notes, 0);
  assert_int_equal(ls.closed, 0); /* it never saw the channels at all */

  /* The job's user is named, not the process's: a job for "nobody" reaches
   * nobody's listener even though this process runs as someone else. */
  struct passwd *pw = getpwnam("nobody");
  if (!pw)
    return;
  job.user = "nobody";
  lis_rec_init(&ls);
  assert_int_equal(xr_notifier_new(&job, &n), XR_OK);
  assert_int_equal(
      xr_notifier_add_listener(n, (long)pw->pw_uid, &c1, &stranger), XR_OK);
  o.user_filter = XR_PER_USER;
  assert_int_equal(xr_channel_open(n, &o, &per), XR_OK);
  o.user_filter = XR_ALL_USERS;
  assert_int_equal(xr_channel_open(n, &o, &all), XR_OK);
  assert_int_equal(xr_channel_send(per, buf, len), XR_OK);
  assert_int_equal(xr_channel_send(all, buf, len), XR_S_NO_LISTENERS);
  xr_channel_release(per);
  xr_channel_release(all);
  xr_notifier_drop(n);
  assert_int_equal(ls.notes, 1);
}

/* ---- the renderer's query API ---- */

static xr_listener *answerer_self;
static void answer_two(xr_listener *l, uint64_t channel, const xr_uuid *type,
                       int style, const void *p, size_t len, void *ud) {
  char ans[64];
  size_t alen = msg_answer(ans, sizeof ans, 2);
  (void)type;
  (void)p;
  (void)len;
  (void)ud;
  if (style == XR_BIDIRECTIONAL)
    assert_int_equal(xr_listener_reply(l, channel, ans, alen), XR_OK);
}

static void test_query_api(void **state) {
  xr_notifier *n = new_notifier(0);
  const char *choices[] = {"Scale to fit", "Clip", "Skip page"};
  int answer = -1;
  struct lis_rec lr;
  xr_listener *quiet;
  (void)state;
  assert_int_equal(xr_notify_query(n, "Page larger than media", choices, 3, 1,
                                   1000, &answer),
                   XR_S_NO_LISTENERS);
  assert_int_equal(answer, 1);
  assert_int_equal(xr_notify_query(n, "q", choices, 3, 3, 1000, &answer),
                   XR_E_INVAL);
  assert_int_equal(answer, 3);

  lis_rec_init(&lr);
  xr_listener_cbs cbs = lis_cbs(&lr);
  assert_int_equal(xr_notifier_add_listener(n, -1, &cbs, &quiet), XR_OK);
  assert_int_equal(
      xr_notify_query(n, "Page larger", choices, 3, 0, 50, &answer),
      XR_E_TIMEOUT);
  assert_int_equal(answer, 0);
  assert_int_equal(lr.notes, 1);
  assert_non_null(strstr(lr.payload[0], "kind=query"));
  xr_listener_close(quiet);

  xr_listener_cbs ans = {.on_notify = answer_two};
  assert_int_equal(xr_notifier_add_listener(n, -1, &ans, &answerer_self),
                   XR_OK);
  assert_int_equal(
      xr_notify_query(n, "Page larger", choices, 3, 0, 5000, &answer), XR_OK);
  assert_int_equal(answer, 2);
  xr_notifier_drop(n);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_routing_by_job_user),
      cmocka_unit_test(test_query_api),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
