/* xpsraster: render XPS / OpenXPS documents to PNG, PAM, PGM, or nothing.
 *
 * Diagnostics go through the notifier (CUPS filter format on stderr); this
 * thread only prints usage errors before rendering starts. */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "filter/out.h"
#include "filter/out_raster.h"
#include "filter/pages.h"
#include "xpsraster/notify.h"
#include "xpsraster/render.h"

#define XR_VERSION "0.1.0"

static int raster_fd = -1;

static void usage(FILE *f) {
  fprintf(f,
          "usage: xpsraster [options] INPUT\n"
          "Render an XPS or OpenXPS document (file, directory, or - for "
          "stdin).\n\n"
          "  -o OUT         output file; %%d is the page number; - is stdout\n"
          "  -F FORMAT      png, pam, pgm, pwg, cups or null (default: from "
          "-o, else png)\n"
          "  -r DPI         resolution (default 96)\n"
          "  -c COLOR       gray, rgb, cmyk or mono (default rgb; pgm implies "
          "gray)\n"
          "  --output-profile ICC  CMYK output profile (default: built-in)\n"
          "  -p PAGES       page ranges, e.g. 1-3,7\n"
          "  -j N           render threads (default: one per core)\n"
          "  -B ROWS        band height in rows (default: automatic)\n"
          "  --notify cups  events on stderr in CUPS filter format (default "
          "when\n"
          "                 stderr is not a terminal; a progress bar when it "
          "is)\n"
          "  --notify socket:PATH  also serve events to listeners "
          "(xpsnotify)\n"
          "  --media M      media: letter, legal, a3, a4, a5 or WxH (inches);"
          "\n"
          "                 pwg/cups pages are placed on it\n"
          "  --fit F        page larger than the media: ask (listeners "
          "decide,\n"
          "                 default scale), scale or clip\n"
          "  -h, --help     this text\n"
          "  --version      print the version\n");
}

/* Progress bar for a terminal: drawn by the notifier thread from events,
 * so render threads still never touch stderr. */
struct bar {
  int drawn;
};

static void bar_event(const xr_event *ev, void *ud) {
  struct bar *b = ud;
  if (ev->kind == XR_EVENT_PROGRESS && ev->fraction >= 0) {
    int filled = (int)(ev->fraction * 30 + 0.5);
    char line[128];
    int n = snprintf(line, sizeof line, "\r[%-30.*s] %3d%%  page %d", filled,
                     "##############################",
                     (int)(ev->fraction * 100 + 0.5), ev->page);
    if (ev->pages > 0)
      n += snprintf(line + n, sizeof line - (size_t)n, " of %d", ev->pages);
    fputs(line, stderr);
    fflush(stderr);
    b->drawn = 1;
  } else if (ev->kind == XR_EVENT_MESSAGE) {
    static const char *const tag[] = {"info", "warning", "error"};
    fprintf(stderr, "%sxpsraster: %s: %s\n", b->drawn ? "\n" : "",
            tag[ev->level > 2 ? 2 : ev->level], ev->text);
    b->drawn = 0;
  }
}

static int parse_media(const char *s, double *w, double *h) {
  static const struct {
    const char *name;
    double w, h;
  } known[] = {{"letter", 8.5, 11},
               {"legal", 8.5, 14},
               {"a3", 297 / 25.4, 420 / 25.4},
               {"a4", 210 / 25.4, 297 / 25.4},
               {"a5", 148 / 25.4, 210 / 25.4}};
  for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
    if (strcasecmp(s, known[i].name) == 0) {
      *w = known[i].w;
      *h = known[i].h;
      return 0;
    }
  char *end;
  *w = strtod(s, &end);
  if (*end != 'x' || !(*w > 0 && *w < 1000))
    return -1;
  *h = strtod(end + 1, &end);
  if (*end != '\0' && strcmp(end, "in") != 0)
    return -1;
  return *h > 0 && *h < 1000 ? 0 : -1;
}

/* Raster pages are placed on the media when one was given. */
static double media_w, media_h;
static int raster_setup(void *ud, const xr_page_info *info,
                        xr_raster_page *page) {
  (void)ud;
  (void)info;
  page->media_w_in = media_w;
  page->media_h_in = media_h;
  return 0;
}

/* PWG / CUPS raster: one stream to a file or stdout. */
static int open_raster(int format, const char *name, xr_band_sink *sink,
                       xr_errinfo *err) {
  int fd = STDOUT_FILENO;
  if (strcmp(name, "-") != 0) {
    fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
      return xr_errinfo_set(err, XR_E_IO, NULL, -1, -1, "cannot create %s",
                            name);
  }
  xr_raster_opts ropts = {raster_setup, NULL, 0};
  int rc = xr_raster_sink_open(
      fd, format == XR_OUT_PWG ? XR_RASTER_PWG : XR_RASTER_CUPS, &ropts, sink);
  if (rc < 0) {
    if (fd != STDOUT_FILENO)
      close(fd);
    return xr_errinfo_set(err, rc, NULL, -1, -1,
                          "cannot start a raster stream on %s", name);
  }
  raster_fd = fd;
  return 0;
}

static int close_raster(xr_band_sink *sink, xr_errinfo *err) {
  int rc = xr_raster_sink_close(sink);
  if (raster_fd != STDOUT_FILENO && close(raster_fd) != 0 && rc == 0)
    rc = XR_E_IO;
  if (rc < 0)
    xr_errinfo_set(err, rc, NULL, -1, -1, "cannot finish the raster stream");
  return rc;
}

static int format_from_name(const char *out) {
  const char *dot = out ? strrchr(out, '.') : NULL;
  if (!dot)
    return XR_OUT_PNG;
  int f = xr_out_format_from_name(dot + 1);
  return f >= 0 ? f : XR_OUT_PNG;
}

int main(int argc, char **argv) {
  static const struct option longopts[] = {
      {"help", no_argument, NULL, 'h'},
      {"version", no_argument, NULL, 'V'},
      {"notify", required_argument, NULL, 'N'},
      {"output-profile", required_argument, NULL, 'P'},
      {"media", required_argument, NULL, 'M'},
      {"fit", required_argument, NULL, 'T'},
      {NULL, 0, NULL, 0}};
  const char *outname = NULL, *pages = NULL, *color = NULL;
  const char *sockets[8];
  int nsockets = 0, want_cups = 0;
  int format = -1, opt;
  xr_render_opts ro;
  xr_render_opts_init(&ro);

  while ((opt = getopt_long(argc, argv, "o:F:r:c:p:j:B:h", longopts, NULL)) !=
         -1) {
    char *end = NULL;
    switch (opt) {
    case 'o':
      outname = optarg;
      break;
    case 'F':
      format = xr_out_format_from_name(optarg);
      if (format < 0) {
        fprintf(stderr, "xpsraster: unknown format '%s'\n", optarg);
        return 2;
      }
      break;
    case 'r':
      ro.dpi = strtod(optarg, &end);
      if (!end || *end || !(ro.dpi > 0)) {
        fprintf(stderr, "xpsraster: bad resolution '%s'\n", optarg);
        return 2;
      }
      break;
    case 'c':
      color = optarg;
      break;
    case 'p':
      pages = optarg;
      if (xr_pages_check(pages) < 0) {
        fprintf(stderr, "xpsraster: bad page range '%s'\n", optarg);
        return 2;
      }
      break;
    case 'j':
      ro.threads = (int)strtol(optarg, &end, 10);
      if (!end || *end || ro.threads < 1 || ro.threads > 256) {
        fprintf(stderr, "xpsraster: bad thread count '%s'\n", optarg);
        return 2;
      }
      break;
    case 'B':
      ro.band_height = (int)strtol(optarg, &end, 10);
      if (!end || *end || ro.band_height < 1) {
        fprintf(stderr, "xpsraster: bad band height '%s'\n", optarg);
        return 2;
      }
      break;
    case 'N':
      if (strcmp(optarg, "cups") == 0) {
        want_cups = 1;
      } else if (strncmp(optarg, "socket:", 7) == 0 && optarg[7] &&
                 nsockets < 8) {
        sockets[nsockets++] = optarg + 7;
      } else {
        fprintf(stderr, "xpsraster: bad --notify '%s' (cups or socket:PATH)\n",
                optarg);
        return 2;
      }
      break;
    case 'P':
      ro.cmyk_profile = optarg;
      break;
    case 'M':
      if (parse_media(optarg, &ro.media_width_in, &ro.media_height_in) < 0) {
        fprintf(stderr, "xpsraster: bad media '%s' (letter, legal, a3, a4, "
                        "a5, or WxH in inches)\n", optarg);
        return 2;
      }
      break;
    case 'T':
      if (strcmp(optarg, "ask") == 0)
        ro.fit = XR_FIT_ASK;
      else if (strcmp(optarg, "scale") == 0)
        ro.fit = XR_FIT_SCALE;
      else if (strcmp(optarg, "clip") == 0)
        ro.fit = XR_FIT_CLIP;
      else {
        fprintf(stderr, "xpsraster: bad --fit '%s' (ask, scale, clip)\n",
                optarg);
        return 2;
      }
      break;
    case 'V':
      printf("xpsraster " XR_VERSION "\n");
      return 0;
    case 'h':
      usage(stdout);
      return 0;
    default:
      usage(stderr);
      return 2;
    }
  }
  if (optind != argc - 1) {
    usage(stderr);
    return 2;
  }
  const char *input = argv[optind];
  if (format < 0)
    format = outname ? format_from_name(outname) : XR_OUT_PNG;
  if (format != XR_OUT_NULL && !outname) {
    fprintf(stderr, "xpsraster: no output given (use -o OUT or -F null)\n");
    return 2;
  }
  if (color && strcmp(color, "gray") == 0)
    ro.colorspace = XR_CS_GRAY;
  else if (color && strcmp(color, "rgb") == 0)
    ro.colorspace = XR_CS_RGB;
  else if (color && strcmp(color, "cmyk") == 0)
    ro.colorspace = XR_CS_CMYK;
  else if (color && strcmp(color, "mono") == 0)
    ro.colorspace = XR_CS_MONO;
  else if (color) {
    fprintf(stderr, "xpsraster: unknown colour '%s' (gray, rgb, cmyk, mono)\n",
            color);
    return 2;
  } else if (format == XR_OUT_PGM)
    ro.colorspace = XR_CS_GRAY;
  if (format == XR_OUT_PGM && ro.colorspace != XR_CS_GRAY) {
    fprintf(stderr, "xpsraster: PGM holds gray only; use -c gray\n");
    return 2;
  }
  if (format == XR_OUT_PNG && ro.colorspace == XR_CS_CMYK) {
    fprintf(stderr, "xpsraster: PNG cannot hold CMYK; use -F pam\n");
    return 2;
  }
  if ((format == XR_OUT_PWG || format == XR_OUT_CUPS) && outname &&
      xr_out_pattern_check(outname) > 0) {
    fprintf(stderr, "xpsraster: raster output is one stream; no %%d\n");
    return 2;
  }
  if (outname && xr_out_pattern_check(outname) < 0) {
    fprintf(stderr, "xpsraster: output name '%s': only one %%d allowed\n",
            outname);
    return 2;
  }
  ro.pages = pages;
  media_w = ro.media_width_in;
  media_h = ro.media_height_in;

  xr_notifier *ntf = NULL;
  xr_job_info job = {0, getenv("USER"), input, NULL};
  struct bar bar = {0};
  int tty = !want_cups && isatty(STDERR_FILENO);
  int nrc = xr_notifier_new(&job, &ntf);
  if (nrc == 0)
    nrc = tty ? xr_notifier_add_callback_sink(ntf, bar_event, &bar)
              : xr_notifier_add_cups_sink(ntf, STDERR_FILENO);
  for (int i = 0; nrc == 0 && i < nsockets; i++) {
    nrc = xr_notifier_add_socket_sink(ntf, sockets[i]);
    if (nrc < 0)
      fprintf(stderr, "xpsraster: cannot listen on %s: %s\n", sockets[i],
              xr_strerror(nrc));
  }
  if (nrc < 0) {
    fprintf(stderr, "xpsraster: cannot start the notifier: %s\n",
                xr_strerror(nrc));
    xr_notifier_drop(ntf);
    return 1;
  }

  xr_errinfo err;
  xr_open_opts oo = {NULL, ntf};
  xr_doc *doc = NULL;
  int rc = xr_doc_open(input, &oo, &doc, &err);
  if (rc == 0) {
    xr_out *out = NULL;
    xr_band_sink sink;
    if (format == XR_OUT_PWG || format == XR_OUT_CUPS)
      rc = open_raster(format, outname, &sink, &err);
    else
      rc = xr_out_open(format, outname, &out, &sink, &err);
    if (rc == 0) {
      rc = xr_doc_render(doc, &ro, &sink, &err);
      int crc = out ? xr_out_close(out) : close_raster(&sink, &err);
      /* The renderer reported its own failures; a failure to finish the
       * output after a good render is ours to report. */
      if (rc == 0 && crc < 0) {
        char line[1024];
        rc = crc;
        xr_notify_message(ntf, XR_LEVEL_ERROR,
                          xr_errinfo_format(&err, line, sizeof line));
      }
    } else {
      char line[1024];
      xr_notify_message(ntf, XR_LEVEL_ERROR,
                        xr_errinfo_format(&err, line, sizeof line));
    }
    /* Exit 3: every page delivered, but some content was skipped. */
    if (rc == 0 && xr_doc_warning_count(doc) > 0)
      rc = 3;
    xr_doc_close(doc);
  }
  xr_notifier_drop(ntf);
  if (tty && bar.drawn)
    fputc('\n', stderr);
  if (rc == XR_E_USAGE)
    return 2;
  return rc < 0 ? 1 : rc;
}
