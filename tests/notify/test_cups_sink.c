/* The CUPS stderr sink: line formats, one write per line, control
 * characters neutralised, progress throttled with the final 100 % kept. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "xpsraster/notify.h"

/* Runs body() against a notifier with a CUPS sink on a pipe, drops it, and
 * returns everything written (caller frees). */
static char *capture(void (*body)(xr_notifier *), int min_ms) {
  int fds[2];
  xr_notifier *n;
  xr_notifier_opts o;
  size_t cap = 1 << 20, len = 0;
  char *buf = malloc(cap + 1);
  assert_non_null(buf);
  assert_int_equal(pipe(fds), 0);
  /* Every test writes far less than a pipe buffer (64 KiB), so the sink
   * never blocks before the read below. */
  xr_notifier_opts_init(&o);
  o.progress_min_ms = min_ms;
  assert_int_equal(xr_notifier_new_opts(NULL, &o, &n), XR_OK);
  assert_int_equal(xr_notifier_add_cups_sink(n, fds[1]), XR_OK);
  body(n);
  xr_notifier_drop(n);
  close(fds[1]);
  for (;;) {
    ssize_t r = read(fds[0], buf + len, cap - len);
    if (r <= 0)
      break;
    len += (size_t)r;
  }
  close(fds[0]);
  buf[len] = '\0';
  return buf;
}

static void basic_body(xr_notifier *n) {
  assert_int_equal(xr_notify_message(n, XR_LEVEL_INFO, "hello"), XR_OK);
  assert_int_equal(xr_notify_page(n, 2, 1), XR_OK);
  assert_int_equal(xr_notify_message(n, XR_LEVEL_WARNING, "font missing"),
                   XR_OK);
  assert_int_equal(xr_notify_message(n, XR_LEVEL_ERROR, "bad page"), XR_OK);
  assert_int_equal(xr_notify_state(n, "+media-empty-warning"), XR_OK);
  assert_int_equal(xr_notify_message(n, 7, "x"), XR_E_INVAL);
}

static void test_line_formats(void **state) {
  (void)state;
  char *out = capture(basic_body, 0);
  assert_string_equal(out, "INFO: hello\n"
                           "PAGE: 2 1\n"
                           "WARNING: font missing\n"
                           "ERROR: bad page\n"
                           "STATE: +media-empty-warning\n");
  free(out);
}

static void forge_body(xr_notifier *n) {
  xr_notify_message(n, XR_LEVEL_WARNING, "a\nERROR: forged\r\x1b[0m");
}

static void test_control_chars_cannot_forge_lines(void **state) {
  (void)state;
  char *out = capture(forge_body, 0);
  assert_string_equal(out, "WARNING: a ERROR: forged  [0m\n");
  free(out);
}

static int count(const char *s, const char *what) {
  int c = 0;
  for (const char *p = s; (p = strstr(p, what)) != NULL; p += strlen(what))
    c++;
  return c;
}

static void long_body(xr_notifier *n) {
  char big[3000];
  memset(big, 'x', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  xr_notify_message(n, XR_LEVEL_ERROR, big);
}

static void test_long_text_truncated(void **state) {
  (void)state;
  char *out = capture(long_body, 0);
  size_t len = strlen(out);
  assert_int_equal(len, strlen("ERROR: ") + XR_NOTIFY_TEXT_MAX + 1);
  assert_int_equal(out[len - 1], '\n');
  assert_null(strchr(out, '\n') + 1 < out + len ? strchr(out, '\n') + 1 : NULL);
  free(out);
}

static void exact_body(xr_notifier *n) {
  char text[XR_NOTIFY_TEXT_MAX + 2];
  memset(text, 'a', XR_NOTIFY_TEXT_MAX);
  text[XR_NOTIFY_TEXT_MAX] = '\0'; /* N bytes: kept whole */
  xr_notify_message(n, XR_LEVEL_INFO, text);
  text[XR_NOTIFY_TEXT_MAX] = 'b'; /* N + 1 bytes: the last one is cut */
  text[XR_NOTIFY_TEXT_MAX + 1] = '\0';
  xr_notify_message(n, XR_LEVEL_INFO, text);
}

static void test_text_limit_at_n(void **state) {
  (void)state;
  char *out = capture(exact_body, 0);
  char *second = strchr(out, '\n');
  assert_non_null(second);
  assert_int_equal(second - out, (long)(strlen("INFO: ") + XR_NOTIFY_TEXT_MAX));
  second++;
  assert_int_equal(strlen(second), strlen("INFO: ") + XR_NOTIFY_TEXT_MAX + 1);
  assert_null(strchr(second, 'b'));
  free(out);
}

static void count_body(xr_notifier *n) {
  /* 5 pages, 20 bands each, posted as fast as possible. */
  for (int p = 1; p <= 5; p++)
    for (int b = 0; b < 20; b++)
      xr_notify_progress(n, p, 5, ((p - 1) * 20 + b + 1) / 100.0);
}

static void test_progress_throttled_final_kept(void **state) {
  (void)state;
  char *out = capture(count_body, 250);
  /* Posted within far less than 250 ms: at most the first value, maybe a
   * second, and the final 100 % reach CUPS. */
  int attrs = count(out, "ATTR: job-media-progress=");
  assert_true(attrs >= 1);
  assert_true(attrs <= 3);
  assert_non_null(strstr(out, "ATTR: job-media-progress=100\n"));
  /* INFO only when the page changes, never more than once per page. */
  assert_true(count(out, "INFO: Rendering page ") <= 5);
  assert_true(count(out, "INFO: Rendering page ") >= 1);
  assert_non_null(strstr(out, "of 5\n"));
  free(out);
}

static void slow_body(xr_notifier *n) {
  struct timespec ts = {0, 30 * 1000000};
  for (int i = 1; i <= 10; i++) {
    xr_notify_progress(n, i, -1, i / 20.0);
    nanosleep(&ts, NULL);
  }
}

static void test_progress_paced_values_pass(void **state) {
  (void)state;
  /* 30 ms apart, throttle 10 ms: every value goes out, in order. */
  char *out = capture(slow_body, 10);
  assert_int_equal(count(out, "ATTR: job-media-progress="), 10);
  assert_non_null(strstr(out, "INFO: Rendering page 3\n"));
  assert_non_null(strstr(out, "ATTR: job-media-progress=5\n"));
  assert_non_null(strstr(out, "ATTR: job-media-progress=50\n"));
  free(out);
}

static void test_progress_latest_value_replaces(void **state) {
  xr_notifier *n;
  (void)state;
  assert_int_equal(xr_notifier_new(NULL, &n), XR_OK);
  int replaced = 0;
  for (int i = 0; i < 1000; i++)
    replaced += xr_notify_progress(n, 1, 1, i / 1000.0) == XR_S_REPLACED;
  xr_notify_stats st;
  xr_notifier_stats(n, &st);
  assert_int_equal(st.progress_replaced, (uint64_t)replaced);
  xr_notifier_drop(n);
  assert_int_equal(xr_notify_progress(NULL, 1, 1, 0.5), XR_OK);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_line_formats),
      cmocka_unit_test(test_control_chars_cannot_forge_lines),
      cmocka_unit_test(test_long_text_truncated),
      cmocka_unit_test(test_text_limit_at_n),
      cmocka_unit_test(test_progress_throttled_final_kept),
      cmocka_unit_test(test_progress_paced_values_pass),
      cmocka_unit_test(test_progress_latest_value_replaces),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
