/* The embedding API: inputs (path, fd, read callback) give the same bands;
 * shutdown from another thread stops within one band; misuse is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

#include "xpsraster/filter.h"
#include "xpsraster/notify.h"

#define DOC XR_SOURCE_DIR "/corpus/ticket/job_ticket.xps"
#define BROKEN XR_SOURCE_DIR "/corpus/ticket/broken.xps"

typedef struct rec {
  int pages, ended, bands, rows;
  uint64_t hash; /* FNV-1a over every delivered row */
  /* shutdown test */
  xr_filter *f;
  int stop_at_band; /* 0: never */
  int bands_after_stop;
  int stopped;
} rec;

static int r_begin(void *ud, const xr_page_info *info) {
  rec *r = ud;
  (void)info;
  r->pages++;
  return 0;
}

static void *shutdown_thread(void *arg) {
  xr_filter_shutdown(arg);
  return NULL;
}

static int r_band(void *ud, const xr_page_info *info, int y, int rows,
                  const uint8_t *data, size_t stride) {
  rec *r = ud;
  if (r->stopped)
    r->bands_after_stop++;
  r->bands++;
  r->rows += rows;
  size_t rb = (size_t)info->width * (size_t)info->components;
  for (int i = 0; i < rows; i++)
    for (size_t k = 0; k < rb; k++) {
      r->hash ^= data[(size_t)i * stride + k];
      r->hash *= 1099511628211ull;
    }
  (void)y;
  if (r->stop_at_band && r->bands == r->stop_at_band) {
    /* Shut down from another thread, and wait for it: from here on at
     * most this band may have been in flight. */
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, shutdown_thread, r->f), 0);
    pthread_join(t, NULL);
    r->stopped = 1;
  }
  return 0;
}

static int r_end(void *ud, const xr_page_info *info) {
  rec *r = ud;
  (void)info;
  r->ended++;
  return 0;
}

static xr_band_sink sink_for(rec *r) {
  xr_band_sink s = {r, r_begin, r_band, r_end};
  return s;
}

static int run(xr_input *in, rec *r, int band, xr_errinfo *err) {
  xr_band_sink s = sink_for(r);
  xr_filter_settings st;
  xr_filter_settings_init(&st);
  st.render.band_height = band;
  st.render.colorspace = XR_CS_GRAY;
  st.render.dpi = 48;
  xr_filter *f = NULL;
  int rc = xr_filter_initialize(in, &s, &st, NULL, &f);
  if (rc < 0)
    return rc;
  r->f = f;
  rc = xr_filter_start(f, err);
  xr_filter_drop(f);
  return rc;
}

typedef struct mem {
  unsigned char *data;
  size_t size, pos, chunk;
} mem;

static long mem_read(void *ud, void *buf, size_t size) {
  mem *m = ud;
  size_t n = m->size - m->pos;
  if (n > size)
    n = size;
  if (n > m->chunk)
    n = m->chunk; /* small reads exercise the stream path */
  memcpy(buf, m->data + m->pos, n);
  m->pos += n;
  return (long)n;
}

static unsigned char *slurp(const char *path, size_t *size) {
  FILE *fp = fopen(path, "rb");
  assert_non_null(fp);
  fseek(fp, 0, SEEK_END);
  long n = ftell(fp);
  fseek(fp, 0, SEEK_SET);
  unsigned char *d = malloc((size_t)n);
  assert_non_null(d);
  assert_int_equal(fread(d, 1, (size_t)n, fp), (size_t)n);
  fclose(fp);
  *size = (size_t)n;
  return d;
}

static void test_inputs_agree(void **state) {
  (void)state;
  xr_errinfo err;
  rec a = {0}, b = {0}, c = {0};
  xr_input in = {DOC, -1, NULL, NULL};
  assert_int_equal(run(&in, &a, 16, &err), 0);
  assert_int_equal(a.pages, 2);
  assert_int_equal(a.ended, 2);
  assert_int_equal(a.rows, 2 * 528); /* 11 in at 48 dpi */
  assert_true(a.bands >= 2 * 33);

  int fd = open(DOC, O_RDONLY);
  assert_true(fd >= 0);
  xr_input in2 = {NULL, fd, NULL, NULL};
  assert_int_equal(run(&in2, &b, 16, &err), 0);
  close(fd);

  mem m = {0};
  m.data = slurp(DOC, &m.size);
  m.chunk = 777;
  xr_input in3 = {NULL, -1, mem_read, &m};
  assert_int_equal(run(&in3, &c, 64, &err), 0); /* other band height too */
  free(m.data);

  assert_int_equal(b.pages, 2);
  assert_int_equal(c.pages, 2);
  assert_true(a.hash == b.hash);
  assert_true(a.hash == c.hash);
}

static void test_shutdown_within_one_band(void **state) {
  (void)state;
  xr_errinfo err;
  rec r = {0};
  r.stop_at_band = 5;
  xr_input in = {DOC, -1, NULL, NULL};
  assert_int_equal(run(&in, &r, 16, &err), XR_E_CANCELLED);
  assert_int_equal(r.bands, 5);
  assert_int_equal(r.bands_after_stop, 0);
  assert_int_equal(r.pages, 1);
  assert_int_equal(r.ended, 0);
  /* The same from a read-callback input (a stream). */
  rec s = {0};
  s.stop_at_band = 40; /* second page */
  mem m = {0};
  m.data = slurp(DOC, &m.size);
  m.chunk = 4096;
  xr_input in2 = {NULL, -1, mem_read, &m};
  assert_int_equal(run(&in2, &s, 16, &err), XR_E_CANCELLED);
  free(m.data);
  assert_int_equal(s.bands, 40);
  assert_int_equal(s.bands_after_stop, 0);
  assert_int_equal(s.pages, 2);
  assert_int_equal(s.ended, 1);
}

static void test_shutdown_before_start(void **state) {
  (void)state;
  rec r = {0};
  xr_band_sink s = sink_for(&r);
  xr_input in = {DOC, -1, NULL, NULL};
  xr_filter *f;
  assert_int_equal(xr_filter_initialize(&in, &s, NULL, NULL, &f), 0);
  xr_filter_shutdown(f);
  xr_filter_shutdown(f); /* idempotent */
  xr_errinfo err;
  assert_int_equal(xr_filter_start(f, &err), XR_E_CANCELLED);
  assert_int_equal(xr_filter_start(f, &err), XR_E_USAGE);
  assert_int_equal(r.pages, 0);
  xr_filter_drop(f);
  xr_filter_drop(NULL);
  xr_filter_shutdown(NULL);
}

/* A slow producer: shutdown cuts the input off without waiting for it. */
static long slow_read(void *ud, void *buf, size_t size) {
  usleep(20000);
  return mem_read(ud, buf, size);
}

typedef struct later {
  xr_filter *f;
} later;

static void *shutdown_later(void *arg) {
  later *l = arg;
  usleep(50000);
  xr_filter_shutdown(l->f);
  return NULL;
}

static void test_shutdown_cuts_stream_input(void **state) {
  (void)state;
  rec r = {0};
  xr_band_sink s = sink_for(&r);
  mem m = {0};
  m.data = slurp(DOC, &m.size);
  m.chunk = 256; /* about 11 reads, 20 ms each */
  xr_input in = {NULL, -1, slow_read, &m};
  xr_filter *f;
  assert_int_equal(xr_filter_initialize(&in, &s, NULL, NULL, &f), 0);
  later l = {f};
  pthread_t t;
  assert_int_equal(pthread_create(&t, NULL, shutdown_later, &l), 0);
  xr_errinfo err;
  assert_int_equal(xr_filter_start(f, &err), XR_E_CANCELLED);
  pthread_join(t, NULL);
  assert_true(m.pos < m.size); /* the producer was not drained */
  assert_int_equal(r.ended, 0);
  xr_filter_drop(f);
  free(m.data);
}

static void test_errors_and_misuse(void **state) {
  (void)state;
  rec r = {0};
  xr_band_sink s = sink_for(&r);
  xr_filter *f = (xr_filter *)&r;
  xr_input none = {NULL, -1, NULL, NULL};
  assert_int_equal(xr_filter_initialize(&none, &s, NULL, NULL, &f), XR_E_INVAL);
  assert_null(f);
  xr_input two = {DOC, 0, NULL, NULL};
  assert_int_equal(xr_filter_initialize(&two, &s, NULL, NULL, &f), XR_E_INVAL);
  xr_band_sink nos = {&r, NULL, r_band, r_end};
  xr_input in = {DOC, -1, NULL, NULL};
  assert_int_equal(xr_filter_initialize(&in, &nos, NULL, NULL, &f), XR_E_INVAL);
  xr_filter_settings st;
  xr_filter_settings_init(&st);
  st.render.pages = "3-1";
  assert_int_equal(xr_filter_initialize(&in, &s, &st, NULL, &f), XR_E_USAGE);
  /* The settings' pages string is copied. */
  char pages[8] = "2";
  st.render.pages = pages;
  st.render.dpi = 24;
  assert_int_equal(xr_filter_initialize(&in, &s, &st, NULL, &f), 0);
  pages[0] = 'x';
  xr_errinfo err;
  assert_int_equal(xr_filter_start(f, &err), 0);
  assert_int_equal(r.pages, 1);
  xr_filter_drop(f);
  /* A broken page: the error names the part; earlier pages delivered. */
  rec b = {0};
  xr_input bad = {BROKEN, -1, NULL, NULL};
  int rc = run(&bad, &b, 32, &err);
  assert_true(rc < 0 && rc != XR_E_CANCELLED);
  assert_non_null(strstr(err.part, "2.fpage"));
  assert_int_equal(b.ended, 1);
}

typedef struct events {
  pthread_mutex_t lock;
  int pages, errors, progress;
  char last_error[512];
} events;

static void on_event(const xr_event *ev, void *ud) {
  events *e = ud;
  pthread_mutex_lock(&e->lock);
  if (ev->kind == XR_EVENT_PAGE)
    e->pages++;
  else if (ev->kind == XR_EVENT_PROGRESS)
    e->progress++;
  else if (ev->kind == XR_EVENT_MESSAGE && ev->level == XR_LEVEL_ERROR) {
    e->errors++;
    snprintf(e->last_error, sizeof e->last_error, "%s", ev->text);
  }
  pthread_mutex_unlock(&e->lock);
}

/* The notifier given at initialize gets the job's events: one page event
 * per delivered page, progress, and the error that stopped a broken one. */
static void test_notifier_events(void **state) {
  (void)state;
  const char *docs[2] = {DOC, BROKEN};
  for (int i = 0; i < 2; i++) {
    events ev = {PTHREAD_MUTEX_INITIALIZER, 0, 0, 0, ""};
    xr_notifier *n = NULL;
    assert_int_equal(xr_notifier_new(NULL, &n), 0);
    assert_int_equal(xr_notifier_add_callback_sink(n, on_event, &ev), 0);
    rec r = {0};
    xr_band_sink s = sink_for(&r);
    xr_filter_settings st;
    xr_filter_settings_init(&st);
    st.render.dpi = 24;
    xr_input in = {docs[i], -1, NULL, NULL};
    xr_filter *f;
    assert_int_equal(xr_filter_initialize(&in, &s, &st, n, &f), 0);
    xr_errinfo err;
    int rc = xr_filter_start(f, &err);
    xr_filter_drop(f);
    xr_notifier_drop(n); /* delivers everything posted first */
    if (i == 0) {
      assert_int_equal(rc, 0);
      assert_int_equal(ev.pages, 2);
      assert_true(ev.progress >= 1);
      assert_int_equal(ev.errors, 0);
    } else {
      assert_true(rc < 0);
      assert_int_equal(ev.pages, 1);
      assert_int_equal(ev.errors, 1);
      assert_non_null(strstr(ev.last_error, "2.fpage"));
    }
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_inputs_agree),
      cmocka_unit_test(test_shutdown_within_one_band),
      cmocka_unit_test(test_shutdown_before_start),
      cmocka_unit_test(test_shutdown_cuts_stream_input),
      cmocka_unit_test(test_errors_and_misuse),
      cmocka_unit_test(test_notifier_events),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
