/* xpstoraster: the CUPS filter (filter(7)) from XPS / OpenXPS to PWG raster
 * or CUPS raster.
 *
 *   xpstoraster job user title copies options [file]
 *
 * Settings, weakest first: built-in defaults, the PPD ($PPD), the
 * document's PrintTickets (job ⊕ document ⊕ page), then the job's options
 * and copies (see filter/printopts.h). Status goes to stderr through the
 * notifier's CUPS sink. SIGTERM finishes the page being rendered, ends the
 * raster stream and exits 0. Exit status: 0 done (or cancelled), 1 failed.
 *
 * A pipe on stdin is rendered as it arrives, in one forward pass, with the
 * tickets found on the way (see filter/PRINT.md for what that cannot do);
 * a regular file on stdin is read like a file argument. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "filter/doc_pkg.h"
#include "filter/out_raster.h"
#include "filter/pages.h"
#include "filter/printopts.h"
#include "xps/ticket.h"
#include "xpsraster/document.h"
#include "xpsraster/notify.h"
#include "xpsraster/render.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#include <cups/ppd.h>
#pragma GCC diagnostic pop

/* The job being run, shared with the SIGTERM watcher thread. */
typedef struct job {
  xr_notifier *ntf;
  const char *path;
  int hold_fd;         /* keeps the input alive, see hold_input */
  char held[64];       /* /proc/self/fd/N */
  char spool[4096];    /* temporary copy of stdin, "" if none */
  xr_print_layer base; /* defaults < PPD */
  xr_print_layer opts; /* job options */
  char pages[1024];    /* page-ranges */
  xps_ticket_set tickets;
  int have_tickets;
  xr_print_layer *page_eff; /* per page, when the page count is known */
  int npages;
  xr_print_layer job_eff; /* for pages beyond the known count */
  int out_pages;
  int hw_copies; /* copies the printer makes (PPD without manual copies) */
  cups_page_header2_t tmpl; /* a PPD driver's header, for CUPS raster */
  atomic_int cancelled;
  /* Streamed stdin: one pass; page tickets read as pages are reached. */
  int streaming;
  int have_walk;
  xps_ctx wctx;
  xps_ticket_walk walk;
  xr_print_layer page_cur; /* the page being set up */
  int warned_pass, warned_copies;
} job;

static void say(job *j, int level, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static void say(job *j, int level, const char *fmt, ...) {
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (j->ntf) {
    xr_notify_message(j->ntf, level, msg);
  } else {
    /* Before the notifier exists we are the only writer of stderr. */
    static const char *const pre[] = {"INFO", "WARNING", "ERROR"};
    char line[1100];
    int n = snprintf(line, sizeof line, "%s: %s\n", pre[level % 3], msg);
    if (n > 0 && write(2, line, (size_t)n) < 0) {
      /* nothing else to tell */
    }
  }
}

static void warn_cb(void *ud, const char *msg) {
  say(ud, XR_LEVEL_WARNING, "%s", msg);
}

/* xps/ warnings while reading tickets. */
static void ticket_warn(void *ud, const xr_errinfo *w) {
  char buf[1024];
  say(ud, XR_LEVEL_WARNING, "%s", xr_errinfo_format(w, buf, sizeof buf));
}

/* SIGTERM is blocked in every thread; this one waits for it, so the
 * cancel runs as ordinary code (no async-signal-safety concerns) and render
 * threads never see the signal. */
static void *watch_sigterm(void *arg) {
  job *j = arg;
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  for (;;) {
    int sig;
    if (sigwait(&set, &sig) != 0)
      continue;
    /* Checked where the next page would begin (raster_setup), so the page
     * being rendered is finished and the stream ends on a page boundary. */
    atomic_store_explicit(&j->cancelled, 1, memory_order_relaxed);
  }
  return NULL;
}

/* Copies stdin to a private temporary file: PrintTickets, copies and
 * several passes need to read the package more than once. */
static int spool_stdin(job *j) {
  const char *tmp = getenv("TMPDIR");
  snprintf(j->spool, sizeof j->spool, "%s/xpstoraster-XXXXXX",
           tmp && *tmp ? tmp : "/tmp");
  int fd = mkstemp(j->spool);
  if (fd < 0) {
    say(j, XR_LEVEL_ERROR, "Unable to create a temporary file: %s",
        strerror(errno));
    j->spool[0] = '\0';
    return -1;
  }
  xr_limits lim;
  xr_limits_init(&lim);
  int64_t total = 0, max = lim.v[XR_LIMIT_PACKAGE_SIZE];
  char buf[65536];
  for (;;) {
    if (atomic_load_explicit(&j->cancelled, memory_order_relaxed))
      break;
    ssize_t n = read(0, buf, sizeof buf);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      say(j, XR_LEVEL_ERROR, "Unable to read the print data: %s",
          strerror(errno));
      close(fd);
      return -1;
    }
    if (n == 0)
      break;
    total += n;
    if (total > max) {
      say(j, XR_LEVEL_ERROR, "Print data larger than PACKAGE_SIZE (%lld)",
          (long long)max);
      close(fd);
      return -1;
    }
    for (ssize_t off = 0; off < n;) {
      ssize_t w = write(fd, buf + off, (size_t)(n - off));
      if (w < 0 && errno == EINTR)
        continue;
      if (w < 0) {
        say(j, XR_LEVEL_ERROR, "Unable to write a temporary file: %s",
            strerror(errno));
        close(fd);
        return -1;
      }
      off += w;
    }
  }
  close(fd);
  j->path = j->spool;
  return 0;
}

/* cupsd deletes the spool file when a job is cancelled, possibly between
 * two passes over it. An open descriptor keeps the file alive; later
 * passes open it again through /proc/self/fd (Linux), else by name. */
static void hold_input(job *j) {
  j->hold_fd = open(j->path, O_RDONLY | O_CLOEXEC);
  if (j->hold_fd < 0)
    return;
  snprintf(j->held, sizeof j->held, "/proc/self/fd/%d", j->hold_fd);
  struct stat a, b;
  if (stat(j->held, &a) == 0 && fstat(j->hold_fd, &b) == 0 &&
      a.st_ino == b.st_ino && a.st_dev == b.st_dev && S_ISREG(b.st_mode))
    j->path = j->held;
}

/* Effective settings of a page: base < ticket(page) < job options. */
static void effective(job *j, const xps_ticket *t, xr_print_layer *out) {
  xr_print_layer tl;
  *out = j->base;
  xr_print_from_ticket(&tl, t);
  xr_print_over(out, &tl);
  xr_print_over(out, &j->opts);
}

static int load_tickets(job *j) {
  xps_ctx ctx;
  xps_ctx_init(&ctx);
  ctx.warn = ticket_warn;
  ctx.warn_ud = j;
  xps_pkg *pkg = NULL;
  xr_errinfo err;
  xr_errinfo_clear(&err);
  xps_ticket none;
  xps_ticket_init(&none);
  effective(j, &none, &j->job_eff);
  /* A package whose structure cannot be read fails later, when the
   * document is opened, with the precise error; here we just go on
   * without tickets. */
  if (xps_pkg_open(j->path, &ctx, &pkg, &err) < 0)
    return 0;
  if (xps_pkg_is_lone_page(pkg) ||
      xps_ticket_set_load(pkg, &ctx, &j->tickets, &err) < 0) {
    xps_pkg_close(pkg);
    return 0;
  }
  xps_pkg_close(pkg);
  j->have_tickets = 1;
  effective(j, &j->tickets.job, &j->job_eff);
  j->npages = j->tickets.npages;
  j->page_eff = calloc(j->npages ? (size_t)j->npages : 1, sizeof *j->page_eff);
  if (!j->page_eff) {
    say(j, XR_LEVEL_ERROR, "Out of memory for %d pages", j->npages);
    return -1;
  }
  for (int p = 0; p < j->npages; p++) {
    xps_ticket t;
    xps_ticket_set_page(&j->tickets, p, &t);
    effective(j, &t, &j->page_eff[p]);
  }
  return 0;
}

/* A streamed page: its ticket now, from the package being rendered. What
 * needs a pass of its own cannot be had any more: said once. */
static const xr_print_layer *stream_page_settings(job *j, int page) {
  xps_ticket t;
  xr_errinfo err;
  xr_errinfo_clear(&err);
  if (!j->have_walk || xps_ticket_walk_page(&j->walk, page, &t, &err) < 0)
    return &j->job_eff;
  effective(j, &t, &j->page_cur);
  if (!j->warned_pass && (j->page_cur.dpi != j->job_eff.dpi ||
                          j->page_cur.colorspace != j->job_eff.colorspace)) {
    j->warned_pass = 1;
    say(j, XR_LEVEL_WARNING,
        "Page %d asks for another resolution or colour mode; not applied on "
        "a streamed job",
        page + 1);
  }
  if (!j->warned_copies && j->page_cur.doc_copies > 1) {
    j->warned_copies = 1;
    say(j, XR_LEVEL_WARNING,
        "Document copies are not made on a streamed job; printing one");
  }
  j->page_cur.dpi = j->job_eff.dpi;
  j->page_cur.colorspace = j->job_eff.colorspace;
  return &j->page_cur;
}

static const xr_print_layer *page_settings(job *j, int page) {
  if (j->streaming)
    return stream_page_settings(j, page);
  return page >= 0 && page < j->npages ? &j->page_eff[page] : &j->job_eff;
}

/* Per raster page: media, orientation, duplex; and the cancel point. */
static int raster_setup(void *ud, const xr_page_info *info,
                        xr_raster_page *pg) {
  job *j = ud;
  if (atomic_load_explicit(&j->cancelled, memory_order_relaxed))
    return XR_E_CANCELLED;
  const xr_print_layer *s = page_settings(j, info->index);
  if (s->set & XR_PS_MEDIA) {
    pg->media_w_in = s->media_w_in;
    pg->media_h_in = s->media_h_in;
    snprintf(pg->media_name, sizeof pg->media_name, "%s", s->media_name);
  }
  pg->rotate = xr_print_rotation(s->orientation);
  pg->copies = j->hw_copies;
  pg->duplex = s->duplex == XPS_DUPLEX_LONG_EDGE    ? XR_DUPLEX_LONG_EDGE
               : s->duplex == XPS_DUPLEX_SHORT_EDGE ? XR_DUPLEX_SHORT_EDGE
                                                    : XR_DUPLEX_NONE;
  return 0;
}

/* The raster sink, wrapped to count pages. */
typedef struct counting {
  job *j;
  xr_band_sink inner;
} counting;

static int cb_begin(void *ud, const xr_page_info *info) {
  counting *c = ud;
  return c->inner.begin_page(c->inner.ud, info);
}

static int cb_band(void *ud, const xr_page_info *info, int y, int rows,
                   const uint8_t *data, size_t stride) {
  counting *c = ud;
  return c->inner.write_band(c->inner.ud, info, y, rows, data, stride);
}

static int cb_end(void *ud, const xr_page_info *info) {
  counting *c = ud;
  int rc = c->inner.end_page(c->inner.ud, info);
  if (rc == 0)
    c->j->out_pages++;
  return rc;
}

/* One forward pass over the document: the listed pages (increasing), all
 * with the same resolution and colour space. */
typedef struct pass {
  int *pages;
  int n, cap;
  int dpi, cs;
  double mw, mh; /* media in the page's own orientation; 0: none */
  int fit;
} pass;

/* The media as the renderer must see it to decide whether a page fits:
 * turned back when the page is turned onto it. */
static void pass_media(const xr_print_layer *s, double *mw, double *mh) {
  *mw = *mh = 0;
  if (!(s->set & XR_PS_MEDIA))
    return;
  int r = xr_print_rotation(s->orientation);
  *mw = r == 90 || r == 270 ? s->media_h_in : s->media_w_in;
  *mh = r == 90 || r == 270 ? s->media_w_in : s->media_h_in;
}

static int run_pass(job *j, pass *ps, const xr_band_sink *sink) {
  if (ps->n == 0)
    return 0;
  /* "a-b,c,..." from the increasing page list (1-based). */
  size_t cap = (size_t)ps->n * 24 + 1, len = 0;
  char *spec = malloc(cap);
  if (!spec) {
    say(j, XR_LEVEL_ERROR, "Out of memory");
    return XR_E_NOMEM;
  }
  spec[0] = '\0';
  for (int i = 0; i < ps->n;) {
    int k = i;
    while (k + 1 < ps->n && ps->pages[k + 1] == ps->pages[k] + 1)
      k++;
    len += (size_t)snprintf(spec + len, cap - len, "%s%d", len ? "," : "",
                            ps->pages[i] + 1);
    if (k > i)
      len += (size_t)snprintf(spec + len, cap - len, "-%d", ps->pages[k] + 1);
    i = k + 1;
  }
  ps->n = 0;
  if (atomic_load_explicit(&j->cancelled, memory_order_relaxed)) {
    free(spec);
    return XR_E_CANCELLED;
  }
  xr_open_opts oo = {NULL, j->ntf};
  xr_errinfo err;
  xr_doc *doc = NULL;
  int rc = xr_doc_open(j->path, &oo, &doc, &err);
  if (rc < 0) {
    free(spec);
    return rc; /* the library has posted the error */
  }
  xr_render_opts ro;
  xr_render_opts_init(&ro);
  ro.dpi = ps->dpi;
  ro.colorspace = ps->cs;
  ro.pages = spec;
  ro.media_width_in = ps->mw;
  ro.media_height_in = ps->mh;
  ro.fit = ps->fit;
  rc = xr_doc_render(doc, &ro, sink, &err);
  xr_doc_close(doc);
  free(spec);
  return rc;
}

static int pass_add(job *j, pass *ps, int page, const xr_print_layer *s,
                    const xr_band_sink *sink) {
  double mw, mh;
  pass_media(s, &mw, &mh);
  if (ps->n && (page <= ps->pages[ps->n - 1] || s->dpi != ps->dpi ||
                s->colorspace != ps->cs || mw != ps->mw || mh != ps->mh ||
                s->fit != ps->fit)) {
    int rc = run_pass(j, ps, sink);
    if (rc < 0)
      return rc;
  }
  if (ps->n == ps->cap) {
    int ncap = ps->cap ? ps->cap * 2 : 64;
    int *nv = realloc(ps->pages, (size_t)ncap * sizeof *nv);
    if (!nv) {
      say(j, XR_LEVEL_ERROR, "Out of memory");
      return XR_E_NOMEM;
    }
    ps->pages = nv;
    ps->cap = ncap;
  }
  ps->pages[ps->n++] = page;
  ps->dpi = s->dpi;
  ps->cs = s->colorspace;
  ps->mw = mw;
  ps->mh = mh;
  ps->fit = s->fit;
  return 0;
}

/* Job copies × (documents × document copies × selected pages); with
 * uncollated job copies each page is repeated in place instead. */
static int render_all(job *j, const xr_band_sink *sink) {
  pass ps = {NULL, 0, 0, 0, 0, 0, 0, 0};
  int rc = 0;
  int copies = j->job_eff.copies > 0 ? j->job_eff.copies : 1;
  int rounds = copies, repeat = 1;
  if (!j->job_eff.collate && copies > 1) {
    if (j->have_tickets) {
      rounds = 1;
      repeat = copies;
    } else {
      say(j, XR_LEVEL_WARNING,
          "Uncollated copies need the document's page "
          "list; printing collated copies");
    }
  }
  if (!j->have_tickets) {
    /* Page count unknown until rendered: whole passes. */
    for (int c = 0; c < copies && rc == 0; c++) {
      if (atomic_load_explicit(&j->cancelled, memory_order_relaxed))
        return XR_E_CANCELLED;
      xr_open_opts oo = {NULL, j->ntf};
      xr_errinfo err;
      xr_doc *doc = NULL;
      rc = xr_doc_open(j->path, &oo, &doc, &err);
      if (rc < 0)
        break;
      xr_render_opts ro;
      xr_render_opts_init(&ro);
      ro.dpi = j->job_eff.dpi;
      ro.colorspace = j->job_eff.colorspace;
      ro.pages = j->pages[0] ? j->pages : NULL;
      pass_media(&j->job_eff, &ro.media_width_in, &ro.media_height_in);
      ro.fit = j->job_eff.fit;
      rc = xr_doc_render(doc, &ro, sink, &err);
      xr_doc_close(doc);
    }
    return rc;
  }
  xr_limits lim;
  xr_limits_init(&lim);
  int64_t planned = 0;
  const xps_ticket_set *ts = &j->tickets;
  for (int c = 0; c < rounds && rc == 0; c++) {
    for (int d = 0; d < ts->ndocs && rc == 0; d++) {
      int first = ts->doc_first_page[d];
      int last = d + 1 < ts->ndocs ? ts->doc_first_page[d + 1] : ts->npages;
      int dcopies = first < last ? j->page_eff[first].doc_copies : 1;
      if (dcopies < 1)
        dcopies = 1;
      for (int dc = 0; dc < dcopies && rc == 0; dc++)
        for (int p = first; p < last && rc == 0; p++) {
          if (!xr_pages_contains(j->pages[0] ? j->pages : NULL, p + 1))
            continue;
          for (int r = 0; r < repeat && rc == 0; r++) {
            if (++planned > lim.v[XR_LIMIT_PAGES]) {
              say(j, XR_LEVEL_ERROR,
                  "More than %lld pages with copies (limit PAGES)",
                  (long long)lim.v[XR_LIMIT_PAGES]);
              rc = XR_E_LIMIT;
              break;
            }
            /* A repeated page starts a new pass (passes go forward). */
            rc = pass_add(j, &ps, p, &j->page_eff[p], sink);
          }
        }
    }
  }
  if (rc == 0)
    rc = run_pass(j, &ps, sink);
  free(ps.pages);
  return rc;
}

/* stdin is a pipe: one pass over the document as it arrives. The job
 * ticket and the first document's ticket set the pass; page tickets are
 * read in raster_setup as each page is reached. */
static int render_stream(job *j, const xr_band_sink *sink) {
  xr_open_opts oo = {NULL, j->ntf};
  xr_errinfo err;
  xr_doc *doc = NULL;
  int rc = xr_doc_open_fd(0, &oo, &doc, &err);
  if (rc < 0)
    return rc; /* the library has posted the error */
  xps_pkg *pkg = xr_doc_pkg(doc);
  xps_ctx_init(&j->wctx);
  j->wctx.warn = ticket_warn;
  j->wctx.warn_ud = j;
  xps_ticket jd;
  xps_ticket_init(&jd);
  xr_errinfo_clear(&err);
  /* A structure that cannot be read fails the render with the precise
   * error; here it only means no tickets. */
  if (!xps_pkg_is_lone_page(pkg) &&
      xps_ticket_walk_open(pkg, &j->wctx, &j->walk, &err) == 0) {
    j->have_walk = 1;
    xps_ticket first;
    if (xps_ticket_walk_page(&j->walk, 0, &first, &err) == 0) {
      jd = j->walk.job;
      if (xps_ticket_walk_doc(&j->walk) >= 0)
        xps_ticket_merge(&jd, &j->walk.dtk, XPS_TICKET_DOCUMENT);
    }
  }
  effective(j, &jd, &j->job_eff);
  char desc[256];
  say(j, XR_LEVEL_INFO, "Rendering a streamed job: %s",
      xr_print_describe(&j->job_eff, desc, sizeof desc));
  if (j->job_eff.copies > 1) {
    j->warned_copies = 1;
    say(j, XR_LEVEL_WARNING,
        "Copies from the PrintTicket are not made on a streamed job; "
        "printing one");
  }
  xr_render_opts ro;
  xr_render_opts_init(&ro);
  ro.dpi = j->job_eff.dpi;
  ro.colorspace = j->job_eff.colorspace;
  ro.pages = j->pages[0] ? j->pages : NULL;
  pass_media(&j->job_eff, &ro.media_width_in, &ro.media_height_in);
  ro.fit = j->job_eff.fit;
  rc = xr_doc_render(doc, &ro, sink, &err);
  if (j->have_walk)
    xps_ticket_walk_close(&j->walk);
  /* Read to its end now: a job ticket stored after the first page came too
   * late to be used; say so rather than print silently otherwise. */
  if (rc == 0 && j->have_walk && j->walk.job.set == 0 &&
      xps_ticket_walk_open(pkg, &j->wctx, &j->walk, &err) == 0) {
    if (j->walk.job.set != 0)
      say(j, XR_LEVEL_WARNING,
          "The job's PrintTicket comes after the first page; not applied "
          "on a streamed job");
    xps_ticket_walk_close(&j->walk);
  }
  j->have_walk = 0;
  xr_doc_close(doc);
  return rc;
}

/* What stdin is: a regular file is read like a file argument (through
 * /proc/self/fd/0); anything else is a stream. Job copies the filter must
 * render need several passes, so a stream is spooled in that case only. */
static int take_stdin(job *j) {
  struct stat st;
  if (fstat(0, &st) == 0 && S_ISREG(st.st_mode) &&
      access("/proc/self/fd/0", R_OK) == 0) {
    j->path = "/proc/self/fd/0";
    return 0;
  }
  if ((j->opts.set & XR_PS_COPIES) && j->opts.copies > 1)
    return spool_stdin(j);
  j->streaming = 1;
  return 0;
}

int main(int argc, char **argv) {
  job j;
  memset(&j, 0, sizeof j);
  atomic_init(&j.cancelled, 0);
  j.hold_fd = -1;
  int status = 1;

  /* A reader going away must show up as a write error, not kill us. */
  signal(SIGPIPE, SIG_IGN);
  sigset_t term;
  sigemptyset(&term);
  sigaddset(&term, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &term, NULL);

  if (argc < 6 || argc > 7) {
    fprintf(stderr, "Usage: %s job-id user title copies options [file]\n",
            argv[0]);
    return 1;
  }
  pthread_t watcher;
  if (pthread_create(&watcher, NULL, watch_sigterm, &j) == 0)
    pthread_detach(watcher);

  const char *final_type = getenv("FINAL_CONTENT_TYPE");
  int format = final_type && !strcmp(final_type, "image/pwg-raster")
                   ? XR_RASTER_PWG
                   : XR_RASTER_CUPS;

  /* Layers that do not need the document. */
  ppd_file_t *ppd = NULL;
  xr_print_defaults(&j.base);
  const char *ppd_path = getenv("PPD");
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  if (ppd_path && *ppd_path) {
    ppd = ppdOpenFile(ppd_path);
    if (!ppd) {
      ppd_status_t st = ppdLastError(NULL);
      say(&j, XR_LEVEL_WARNING, "PPD %s unusable (%s); ignored", ppd_path,
          ppdErrorString(st));
    }
  }
#pragma GCC diagnostic pop
  xr_print_layer pl;
  xr_print_from_ppd(&pl, ppd);
  xr_print_over(&j.base, &pl);
  /* The PPD's own raster setup says more exactly what its defaults mean. */
  cups_page_header2_t ppd_hdr;
  unsigned valid;
  if (ppd && xr_print_ppd_header(ppd, NULL, &ppd_hdr, &valid) == 0) {
    xr_print_from_header(&pl, &ppd_hdr, valid);
    xr_print_over(&j.base, &pl);
  }
  /* For a CUPS raster driver, the header its option code sets up for this
   * job; its driver fields go into every page header. */
  int have_tmpl = format == XR_RASTER_CUPS && ppd &&
                  xr_print_ppd_header(ppd, argv[5], &j.tmpl, NULL) == 0;
  if (xr_print_from_options(&j.opts, argv[4], argv[5], ppd, j.pages,
                            sizeof j.pages, warn_cb, &j) < 0) {
    say(&j, XR_LEVEL_ERROR, "Bad copies argument \"%s\"", argv[4]);
    goto out_ppd;
  }
  if (ppd) {
    /* Copies the printer makes itself must not be rendered twice. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    if (!ppd->manual_copies && (j.opts.set & XR_PS_COPIES)) {
      j.opts.set &= ~(unsigned)XR_PS_COPIES;
      j.hw_copies = j.opts.copies;
    }
    ppdClose(ppd);
#pragma GCC diagnostic pop
    ppd = NULL;
  }

  xr_job_info ji = {atol(argv[1]), argv[2], argv[3], getenv("PRINTER")};
  if (xr_notifier_new(&ji, &j.ntf) < 0 ||
      xr_notifier_add_cups_sink(j.ntf, 2) < 0) {
    xr_notifier_drop(j.ntf);
    j.ntf = NULL;
    say(&j, XR_LEVEL_ERROR, "Unable to start status reporting");
    goto out_ppd;
  }

  if (argc == 7) {
    j.path = argv[6];
    if (access(j.path, R_OK) != 0) {
      say(&j, XR_LEVEL_ERROR, "Unable to open print file \"%s\": %s", j.path,
          strerror(errno));
      goto out_ntf;
    }
  } else if (take_stdin(&j) < 0) {
    goto out_ntf;
  }
  if (!j.streaming) {
    hold_input(&j);
    if (atomic_load_explicit(&j.cancelled, memory_order_relaxed)) {
      status = 0;
      goto out_ntf;
    }
    if (load_tickets(&j) < 0)
      goto out_ntf;
    char desc[256];
    say(&j, XR_LEVEL_INFO, "Rendering %s: %s",
        format == XR_RASTER_PWG ? "PWG raster" : "CUPS raster",
        xr_print_describe(&j.job_eff, desc, sizeof desc));
  }

  xr_raster_opts ro = {raster_setup, &j, 0};
  xr_band_sink raster;
  if (xr_raster_sink_open(1, format, &ro, &raster) < 0) {
    say(&j, XR_LEVEL_ERROR, "Unable to start the raster stream");
    goto out_ntf;
  }
  if (have_tmpl)
    xr_raster_sink_set_template(&raster, &j.tmpl);
  counting cnt = {&j, raster};
  xr_band_sink sink = {&cnt, cb_begin, cb_band, cb_end};
  int rc = j.streaming ? render_stream(&j, &sink) : render_all(&j, &sink);
  int crc = xr_raster_sink_close(&cnt.inner);
  /* A cancelled pipeline also closes our stdin: on a stream, the cut-off
   * document that follows a SIGTERM is the cancel, not a failure. */
  int stopped = atomic_load_explicit(&j.cancelled, memory_order_relaxed);
  if (rc == XR_E_CANCELLED || (stopped && (rc == 0 || j.streaming))) {
    say(&j, XR_LEVEL_INFO, "Cancelled after %d page%s", j.out_pages,
        j.out_pages == 1 ? "" : "s");
    status = 0;
  } else if (rc < 0) {
    /* The library has already posted the precise ERROR: line; a generic
     * one here would replace it as the job's state message. */
    status = 1;
  } else if (crc < 0) {
    say(&j, XR_LEVEL_ERROR, "Unable to write raster data: %s",
        xr_strerror(crc));
    status = 1;
  } else if (j.out_pages == 0) {
    say(&j, XR_LEVEL_ERROR, "No pages to print (page-ranges \"%s\")", j.pages);
    status = 1;
  } else {
    say(&j, XR_LEVEL_INFO, "Printed %d page%s", j.out_pages,
        j.out_pages == 1 ? "" : "s");
    status = 0;
  }

out_ntf:
  xr_notifier_drop(j.ntf);
  j.ntf = NULL;
out_ppd:
  if (ppd) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    ppdClose(ppd);
#pragma GCC diagnostic pop
  }
  if (j.hold_fd >= 0)
    close(j.hold_fd);
  if (j.spool[0])
    unlink(j.spool);
  xps_ticket_set_free(&j.tickets);
  free(j.page_eff);
  return status;
}
