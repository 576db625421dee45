/* Pages larger than the media: the glue asks the job's listeners "scale to
 * fit or clip?" once per job through a real bidirectional query, and takes
 * the default (scale) when nobody can answer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "xpsraster/notify.h"
#include "xrt_render.h"

struct answerer {
  int asked;
  int choice;
  char question[256];
};

static void on_notify(xr_listener *l, uint64_t channel, const xr_uuid *type,
                      int style, const void *payload, size_t len, void *ud) {
  struct answerer *a = ud;
  (void)type;
  if (style != XR_BIDIRECTIONAL)
    return;
  a->asked++;
  snprintf(a->question, sizeof a->question, "%.*s", (int)len,
           (const char *)payload);
  char reply[64];
  int n = snprintf(reply, sizeof reply, "v=1\nkind=answer\nchoice=%d\n",
                   a->choice);
  xr_listener_reply(l, channel, reply, (size_t)n);
}

/* square.xps is 200 x 200 px at 96 dpi (2.083 in); the media is 1 in. */
static void run(xrt_doc *d, xr_notifier *n, int fit) {
  xr_doc *doc = NULL;
  xr_open_opts oo = {NULL, n};
  memset(d, 0, sizeof *d);
  d->rc = xr_doc_open(xrt_corpus("basic/multipage.xps"), &oo, &doc, &d->err);
  assert_int_equal(d->rc, 0);
  xr_render_opts ro;
  xr_render_opts_init(&ro);
  ro.colorspace = XR_CS_GRAY;
  ro.media_width_in = 1.0;
  ro.media_height_in = 1.0;
  ro.fit = fit;
  ro.query_timeout_ms = 5000;
  xrt_render_doc(d, doc, &ro);
  xr_doc_close(doc);
}

/* Renders with an in-process listener that answers `choice`. */
static void run_answered(xrt_doc *d, struct answerer *a, int choice) {
  xr_notifier *n = NULL;
  assert_int_equal(xr_notifier_new(NULL, &n), 0);
  memset(a, 0, sizeof *a);
  a->choice = choice;
  xr_listener_cbs cbs = {on_notify, NULL, a};
  xr_listener *l = NULL;
  assert_int_equal(xr_notifier_add_listener(n, -1, &cbs, &l), 0);
  run(d, n, XR_FIT_ASK);
  xr_notifier_drop(n);
  assert_int_equal(d->rc, 0);
  assert_int_equal(a->asked, 1); /* once per job, not per page */
}

static void listener_answers_clip(void **state) {
  (void)state;
  struct answerer a;
  xrt_doc d;
  run_answered(&d, &a, 1);
  assert_non_null(strstr(a.question, "scale to fit or clip"));
  assert_int_equal(d.npages, 3);
  for (int i = 0; i < 3; i++) /* clipped: rendered at full size */
    assert_int_equal(d.pages[i].info.width, 200);
  xrt_free(&d);
}

static void listener_answers_scale(void **state) {
  (void)state;
  struct answerer a;
  xrt_doc d;
  run_answered(&d, &a, 0);
  /* 200 x 100 px page scaled into 1 x 1 in at 96 dpi: 96 x 48 px, and the
   * square of page 1 is still there, scaled. */
  assert_in_range(d.pages[0].info.width, 95, 97);
  assert_in_range(d.pages[0].info.height, 47, 49);
  assert_true(xrt_px(&d, 0, 10, 10, 0) < 60);
  xrt_free(&d);
}

static void nobody_listening_takes_default(void **state) {
  (void)state;
  xr_notifier *n = NULL;
  assert_int_equal(xr_notifier_new(NULL, &n), 0);
  xrt_doc d;
  run(&d, n, XR_FIT_ASK);
  xr_notifier_drop(n);
  assert_int_equal(d.rc, 0);
  assert_in_range(d.pages[0].info.width, 95, 97);
  xrt_free(&d);
}

static void explicit_policies_and_fitting_pages(void **state) {
  (void)state;
  xrt_doc d;
  run(&d, NULL, XR_FIT_CLIP);
  assert_int_equal(d.pages[0].info.width, 200);
  xrt_free(&d);
  run(&d, NULL, XR_FIT_SCALE);
  assert_in_range(d.pages[0].info.width, 95, 97);
  xrt_free(&d);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(listener_answers_clip),
      cmocka_unit_test(listener_answers_scale),
      cmocka_unit_test(nobody_listening_takes_default),
      cmocka_unit_test(explicit_policies_and_fitting_pages),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
