/* embed_example: xpsraster embedded as a pipeline filter
 * (include/xpsraster/filter.h).
 *
 *   embed_example INPUT OUTPUT [DPI]
 *
 * Renders INPUT (a file, or - for standard input read as a stream) and
 * writes each page's bands to OUTPUT as binary PPM images, one after the
 * other. Ctrl-C shuts the filter down from another thread: rendering stops
 * within one band. Progress and errors come from a notifier on stderr. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xpsraster/filter.h"
#include "xpsraster/notify.h"

/* The band sink: a PPM header per page, then rows as they arrive. */
static int begin_page(void *ud, const xr_page_info *info) {
  return fprintf(ud, "P6\n%d %d\n255\n", info->width, info->height) > 0
             ? 0
             : XR_E_IO;
}

static int write_band(void *ud, const xr_page_info *info, int y, int rows,
                      const uint8_t *data, size_t stride) {
  (void)y;
  size_t row = (size_t)info->width * 3;
  for (int i = 0; i < rows; i++)
    if (fwrite(data + (size_t)i * stride, 1, row, ud) != row)
      return XR_E_IO;
  return 0;
}

static int end_page(void *ud, const xr_page_info *info) {
  (void)info;
  return fflush(ud) == 0 ? 0 : XR_E_IO;
}

/* Reads standard input for the filter's stream input. */
static long read_stdin(void *ud, void *buf, size_t size) {
  (void)ud;
  return (long)read(0, buf, size);
}

/* SIGINT arrives here, on a thread of our own, and becomes a shutdown. */
static void *on_sigint(void *arg) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  int sig;
  if (sigwait(&set, &sig) == 0)
    xr_filter_shutdown(arg);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc < 3 || argc > 4) {
    fprintf(stderr, "usage: embed_example INPUT OUTPUT [DPI]\n");
    return 2;
  }
  /* Block SIGINT before any thread exists, so only on_sigint sees it. */
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, NULL);

  FILE *out = fopen(argv[2], "wb");
  if (!out) {
    perror(argv[2]);
    return 1;
  }
  xr_notifier *ntf = NULL;
  if (xr_notifier_new(NULL, &ntf) == 0)
    xr_notifier_add_cups_sink(ntf, 2);

  xr_input in = {NULL, -1, NULL, NULL};
  if (strcmp(argv[1], "-") == 0)
    in.read = read_stdin;
  else
    in.path = argv[1];
  xr_band_sink sink = {out, begin_page, write_band, end_page};
  xr_filter_settings st;
  xr_filter_settings_init(&st);
  st.render.colorspace = XR_CS_RGB;
  if (argc == 4)
    st.render.dpi = atof(argv[3]);

  xr_filter *f = NULL;
  int rc = xr_filter_initialize(&in, &sink, &st, ntf, &f);
  if (rc == 0) {
    pthread_t t;
    int watching = pthread_create(&t, NULL, on_sigint, f) == 0;
    xr_errinfo err;
    rc = xr_filter_start(f, &err);
    if (watching) {
      /* Wake the watcher if no SIGINT came, then wait for it, so it can
       * never use the filter after the drop. */
      pthread_kill(t, SIGINT);
      pthread_join(t, NULL);
    }
    if (rc < 0 && rc != XR_E_CANCELLED) {
      char line[1024];
      fprintf(stderr, "embed_example: %s\n",
              xr_errinfo_format(&err, line, sizeof line));
    }
    xr_filter_drop(f);
  } else {
    fprintf(stderr, "embed_example: %s\n", xr_strerror(rc));
  }
  xr_notifier_drop(ntf);
  if (fclose(out) != 0 && rc == 0)
    rc = XR_E_IO;
  return rc == 0 ? 0 : rc == XR_E_CANCELLED ? 130 : 1;
}
