/* The embedding API (include/xpsraster/filter.h): a pipeline-filter object
 * around xr_doc_open / xr_doc_render, with cancellation from any thread. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "filter/pages.h"
#include "xpsraster/filter.h"

struct xr_filter {
  char *path;
  int fd;
  long (*read)(void *ud, void *buf, size_t size);
  void *read_ud;
  xr_band_sink sink;
  xr_render_opts render;
  char *pages;
  xr_limits limits;
  struct xr_notifier *ntf;

  /* Cancellation. stop is the request; doc is the document being rendered
   * (guarded by lock, so shutdown never touches a closed document). */
  atomic_int stop;
  atomic_int started;
  pthread_mutex_t lock;
  xr_doc *doc;

  /* Feeder for a read-callback input: callback -> socket pair -> document.
   * A socket, not a pipe, so that a reader going away gives EPIPE through
   * MSG_NOSIGNAL instead of a process-wide SIGPIPE. */
  int pipe_w;
  int pipe_r; /* guarded by lock; -1 when not feeding */
  pthread_t feeder;
  int feeding;
};

void xr_filter_settings_init(xr_filter_settings *s) {
  memset(s, 0, sizeof *s);
  xr_render_opts_init(&s->render);
}

int xr_filter_initialize(const xr_input *in, const xr_band_sink *sink,
                         const xr_filter_settings *settings,
                         struct xr_notifier *notifier, xr_filter **out) {
  if (!out)
    return XR_E_INVAL;
  *out = NULL;
  if (!in || !sink || !sink->begin_page || !sink->write_band || !sink->end_page)
    return XR_E_INVAL;
  int kinds = (in->path != NULL) + (in->fd >= 0) + (in->read != NULL);
  if (kinds != 1)
    return XR_E_INVAL;
  if (settings && xr_pages_check(settings->render.pages) < 0)
    return XR_E_USAGE;
  xr_filter *f = calloc(1, sizeof *f);
  if (!f)
    return XR_E_NOMEM;
  f->fd = in->path ? -1 : in->fd;
  f->pipe_w = -1;
  f->pipe_r = -1;
  f->read = in->read;
  f->read_ud = in->read_ud;
  f->sink = *sink;
  f->ntf = notifier;
  if (settings) {
    f->render = settings->render;
    if (settings->limits)
      f->limits = *settings->limits;
    else
      xr_limits_init(&f->limits);
  } else {
    xr_render_opts_init(&f->render);
    xr_limits_init(&f->limits);
  }
  if (in->path && !(f->path = strdup(in->path)))
    goto fail_alloc;
  if (f->render.pages && !(f->pages = strdup(f->render.pages)))
    goto fail_alloc;
  f->render.pages = f->pages;
  if (pthread_mutex_init(&f->lock, NULL) != 0)
    goto fail_alloc;
  atomic_init(&f->stop, 0);
  atomic_init(&f->started, 0);
  *out = f;
  return 0;
fail_alloc:
  free(f->path);
  free(f->pages);
  free(f);
  return XR_E_NOMEM;
}

/* Pumps the read callback into the socket until the end, an error, or a
 * shutdown; closing the write end is how the document sees the end. */
static void *feed(void *arg) {
  xr_filter *f = arg;
  char buf[65536];
  while (!atomic_load_explicit(&f->stop, memory_order_acquire)) {
    long n = f->read(f->read_ud, buf, sizeof buf);
    if (n <= 0 || (size_t)n > sizeof buf)
      break; /* end, error or a bogus count: the reader sees EOF */
    for (long off = 0; off < n;) {
      ssize_t w = send(f->pipe_w, buf + off, (size_t)(n - off), MSG_NOSIGNAL);
      if (w < 0 && errno == EINTR)
        continue;
      if (w < 0)
        goto done; /* the reader is gone */
      off += w;
    }
  }
done:
  close(f->pipe_w);
  f->pipe_w = -1;
  return NULL;
}

int xr_filter_start(xr_filter *f, xr_errinfo *err) {
  xr_errinfo_clear(err);
  if (!f)
    return xr_errinfo_set(err, XR_E_INVAL, NULL, -1, -1, "no filter");
  if (atomic_exchange(&f->started, 1))
    return xr_errinfo_set(err, XR_E_USAGE, NULL, -1, -1,
                          "xr_filter_start called twice");
  if (atomic_load_explicit(&f->stop, memory_order_acquire))
    return xr_errinfo_set(err, XR_E_CANCELLED, NULL, -1, -1,
                          "shut down before start");
  int rc, pipe_r = -1;
  xr_open_opts oo = {&f->limits, f->ntf};
  xr_doc *doc = NULL;
  if (f->read) {
    int p[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, p) != 0)
      return xr_errinfo_set(err, XR_E_IO, NULL, -1, -1, "socketpair: %s",
                            strerror(errno));
    pipe_r = p[0];
    f->pipe_w = p[1];
    pthread_mutex_lock(&f->lock);
    f->pipe_r = pipe_r;
    pthread_mutex_unlock(&f->lock);
    if (pthread_create(&f->feeder, NULL, feed, f) != 0) {
      close(p[0]);
      close(p[1]);
      f->pipe_w = -1;
      return xr_errinfo_set(err, XR_E_NOMEM, NULL, -1, -1,
                            "cannot start the input thread");
    }
    f->feeding = 1;
    rc = xr_doc_open_fd(pipe_r, &oo, &doc, err);
  } else if (f->path) {
    rc = xr_doc_open(f->path, &oo, &doc, err);
  } else {
    rc = xr_doc_open_fd(f->fd, &oo, &doc, err);
  }
  if (rc == 0) {
    pthread_mutex_lock(&f->lock);
    f->doc = doc;
    /* A shutdown that came while opening: apply it now. */
    if (atomic_load_explicit(&f->stop, memory_order_acquire))
      xr_doc_cancel(doc, XR_CANCEL_NOW);
    pthread_mutex_unlock(&f->lock);
    rc = xr_doc_render(doc, &f->render, &f->sink, err);
    pthread_mutex_lock(&f->lock);
    f->doc = NULL;
    pthread_mutex_unlock(&f->lock);
    xr_doc_close(doc);
  }
  if (atomic_load_explicit(&f->stop, memory_order_acquire) && rc < 0 &&
      rc != XR_E_CANCELLED)
    /* An input cut off by shutdown looks malformed; say what happened. */
    rc = xr_errinfo_set(err, XR_E_CANCELLED, NULL, -1, -1,
                        "shut down while reading the input");
  if (f->feeding) {
    /* The feeder stops at its next check, or on EPIPE once the read end
     * is closed. */
    atomic_store_explicit(&f->stop, 1, memory_order_release);
    pthread_mutex_lock(&f->lock);
    f->pipe_r = -1;
    pthread_mutex_unlock(&f->lock);
    close(pipe_r);
    pthread_join(f->feeder, NULL);
    f->feeding = 0;
  }
  return rc;
}

void xr_filter_shutdown(xr_filter *f) {
  if (!f)
    return;
  /* Pairs with the acquire loads in start and in the feeder. */
  atomic_store_explicit(&f->stop, 1, memory_order_release);
  pthread_mutex_lock(&f->lock);
  if (f->doc)
    xr_doc_cancel(f->doc, XR_CANCEL_NOW);
  /* A document still waiting for input sees its end at once. */
  if (f->pipe_r >= 0)
    shutdown(f->pipe_r, SHUT_RD);
  pthread_mutex_unlock(&f->lock);
}

void xr_filter_drop(xr_filter *f) {
  if (!f)
    return;
  pthread_mutex_destroy(&f->lock);
  free(f->path);
  free(f->pages);
  free(f);
}
