/* Routing by credentials, with real uids: a listener that runs as another
 * user (fork, then setuid to nobody) does not receive per_user events of
 * someone else's job, and receives them for a job of its own user, while
 * all_users events go to administrators (a process in lpadmin) only.
 * Needs root; skipped if not. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support_notify.h"

static char sock_path[108];
static struct passwd nobody;

static int setup(void **state) {
  struct passwd *pw = getpwnam("nobody");
  (void)state;
  snprintf(sock_path, sizeof sock_path, "/tmp/xr-notify-setuid-%d.sock",
           (int)getpid());
  if (pw)
    nobody = *pw;
  return 0;
}

static int skip_unless_root(void) {
  if (geteuid() != 0) {
    print_message("skipped: needs root to setuid a listener to nobody\n");
    return 1;
  }
  if (!nobody.pw_name) {
    print_message("skipped: no user 'nobody' on this system\n");
    return 1;
  }
  return 0;
}

/* admin: keep lpadmin as a supplementary group. */
static void become_nobody(int admin) {
  struct group *g = admin ? getgrnam("lpadmin") : NULL;
  gid_t lp = g ? g->gr_gid : 0;
  if (admin && !g)
    _exit(93);
  if (setgroups(admin ? 1 : 0, admin ? &lp : NULL) != 0 ||
      setgid(nobody.pw_gid) != 0 || setuid(nobody.pw_uid) != 0)
    _exit(90);
}

/* Child: as nobody, connect, report the outcome on fd, then collect
 * NOTIFY frames for up to 1.5 s. Exit code: 0 refused, 10 + the number of
 * per_user notifications + 20 * all_users ones when accepted, 9x on
 * errors. */
static void child(int ready_fd, int admin) {
  xr_notify_client *c;
  xr_notify_frame f;
  int rc, per = 0, all = 0;
  char b;
  become_nobody(admin);
  rc = xr_notify_client_connect(sock_path, 5000, &c, NULL);
  b = rc == XR_OK ? 'A' : rc == XR_E_DENIED ? 'D' : 'E';
  if (write(ready_fd, &b, 1) != 1)
    _exit(91);
  if (rc == XR_E_DENIED)
    _exit(0);
  if (rc != XR_OK)
    _exit(92);
  while ((rc = xr_notify_client_next(c, 1500, &f)) == 1) {
    if (f.type == XR_FRAME_NOTIFY) {
      if (f.flags & XR_FRAME_ALL_USERS)
        all++;
      else
        per++;
    } else if (f.type == XR_FRAME_EVENT) {
      per++;
    }
  }
  xr_notify_client_close(c);
  _exit(10 + per + 20 * all);
}

/* Runs one scenario; returns the child's exit code and what it said. */
static int run(const char *job_user, int admin, char *said, int *root_notes) {
  xr_notifier *n;
  xr_job_info job = {.job_id = 77, .user = job_user};
  xr_channel_opts o;
  xr_channel *per, *all;
  struct ch_rec r;
  xr_notify_client *rootc;
  xr_notify_frame f;
  char buf[128];
  size_t len = msg_text(buf, sizeof buf, XR_MSG_WARNING, "secret");
  int fds[2], status;
  pid_t pid;

  ch_rec_init(&r);
  assert_int_equal(xr_notifier_new(&job, &n), XR_OK);
  assert_int_equal(xr_notifier_add_socket_sink(n, sock_path), XR_OK);
  assert_int_equal(xr_notify_client_connect(sock_path, 5000, &rootc, NULL),
                   XR_OK);
  assert_int_equal(pipe(fds), 0);
  pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    close(fds[0]);
    child(fds[1], admin);
  }
  close(fds[1]);
  assert_int_equal(read(fds[0], said, 1), 1);
  close(fds[0]);
  ch_opts(&o, &XR_NOTIFY_TYPE_XPSRASTER, XR_ALL_USERS, XR_UNIDIRECTIONAL, &r);
  assert_int_equal(xr_channel_open(n, &o, &all), XR_OK);
  o.user_filter = XR_PER_USER;
  assert_int_equal(xr_channel_open(n, &o, &per), XR_OK);
  assert_int_equal(xr_channel_send(all, buf, len), XR_OK); /* root listens */
  assert_int_equal(xr_channel_send(per, buf, len), XR_OK);
  *root_notes = 0;
  while (*root_notes < 2 && xr_notify_client_next(rootc, 5000, &f) == 1)
    *root_notes += f.type == XR_FRAME_NOTIFY;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  xr_channel_release(per);
  xr_channel_release(all);
  xr_notify_client_close(rootc);
  xr_notifier_drop(n);
  assert_true(WIFEXITED(status));
  return WEXITSTATUS(status);
}

static void test_other_user_gets_nothing(void **state) {
  char said = 0;
  int root_notes, code;
  (void)state;
  if (skip_unless_root()) {
    skip();
    return;
  }
  /* root's job: nobody is neither the job's user nor an administrator. */
  code = run("root", 0, &said, &root_notes);
  assert_int_equal(said, 'D');
  assert_int_equal(code, 0);
  assert_int_equal(root_notes, 2); /* root gets per_user and all_users */
}

static void test_job_user_gets_per_user_only(void **state) {
  char said = 0;
  int root_notes, code;
  (void)state;
  if (skip_unless_root()) {
    skip();
    return;
  }
  /* nobody's job, rendered by a root process: the job's user counts. */
  code = run(nobody.pw_name, 0, &said, &root_notes);
  assert_int_equal(said, 'A');
  /* one per_user notification, no all_users one; job events: none were
   * posted */
  assert_int_equal(code, 10 + 1);
  assert_int_equal(root_notes, 2);
}

static void test_admin_gets_all_users_only(void **state) {
  char said = 0;
  int root_notes, code;
  (void)state;
  if (skip_unless_root()) {
    skip();
    return;
  }
  if (!getgrnam("lpadmin")) {
    print_message("skipped: no group lpadmin on this system\n");
    skip();
    return;
  }
  /* root's job; nobody runs with lpadmin among its groups: an
   * administrator, so accepted, but root's per_user events stay private. */
  code = run("root", 1, &said, &root_notes);
  assert_int_equal(said, 'A');
  assert_int_equal(code, 10 + 0 + 20 * 1);
  assert_int_equal(root_notes, 2);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_other_user_gets_nothing),
      cmocka_unit_test(test_job_user_gets_per_user_only),
      cmocka_unit_test(test_admin_gets_all_users_only),
  };
  return cmocka_run_group_tests(tests, setup, NULL);
}
