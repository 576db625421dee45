/* Print settings layers: defaults, PPD, PrintTicket, CUPS job options. */
#include "filter/printopts.h"

#include <cups/cups.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "filter/pages.h"
#include "xpsraster/limits.h"

/* libcups marks the PPD API deprecated, but a CUPS filter must still read
 * the queue's PPD: it is what cupsd gives us in $PPD. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#include <cups/ppd.h>

#include "filter/cups_dl.h"

#define DEFAULT_DPI 300

static void warnf(xr_print_warn_fn warn, void *ud, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static void warnf(xr_print_warn_fn warn, void *ud, const char *fmt, ...) {
  if (!warn)
    return;
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  warn(ud, msg);
}

void xr_print_defaults(xr_print_layer *out) {
  memset(out, 0, sizeof *out);
  out->set = XR_PS_DPI | XR_PS_COLOR | XR_PS_ORIENT | XR_PS_DUPLEX |
             XR_PS_COPIES | XR_PS_DOC_COPIES | XR_PS_COLLATE | XR_PS_FIT;
  out->dpi = DEFAULT_DPI;
  out->colorspace = XR_CS_RGB;
  out->orientation = XPS_ORIENT_PORTRAIT;
  out->duplex = XPS_DUPLEX_ONE_SIDED;
  out->copies = 1;
  out->doc_copies = 1;
  out->collate = 1;
  /* As IPP print-scaling=auto: only a page larger than the media shrinks. */
  out->fit = XR_FIT_SCALE;
}

void xr_print_over(xr_print_layer *dst, const xr_print_layer *src) {
  unsigned s = src->set;
  if (s & XR_PS_DPI)
    dst->dpi = src->dpi;
  if (s & XR_PS_COLOR)
    dst->colorspace = src->colorspace;
  if (s & XR_PS_MEDIA) {
    dst->media_w_in = src->media_w_in;
    dst->media_h_in = src->media_h_in;
    memcpy(dst->media_name, src->media_name, sizeof dst->media_name);
  }
  if (s & XR_PS_ORIENT)
    dst->orientation = src->orientation;
  if (s & XR_PS_DUPLEX)
    dst->duplex = src->duplex;
  if (s & XR_PS_COPIES)
    dst->copies = src->copies;
  if (s & XR_PS_DOC_COPIES)
    dst->doc_copies = src->doc_copies;
  if (s & XR_PS_COLLATE)
    dst->collate = src->collate;
  if (s & XR_PS_FIT)
    dst->fit = src->fit;
  dst->set |= s;
}

void xr_print_from_ticket(xr_print_layer *out, const xps_ticket *t) {
  memset(out, 0, sizeof *out);
  if (t->set & XPS_TK_RESOLUTION) {
    /* One resolution for both axes: the larger, so nothing gets coarser. */
    out->set |= XR_PS_DPI;
    out->dpi = t->res_x > t->res_y ? t->res_x : t->res_y;
  }
  if (t->set & XPS_TK_COLOR) {
    out->set |= XR_PS_COLOR;
    out->colorspace = t->color == XPS_COLOR_GRAY   ? XR_CS_GRAY
                      : t->color == XPS_COLOR_MONO ? XR_CS_MONO
                                                   : XR_CS_RGB;
  }
  if (t->set & XPS_TK_MEDIA) {
    out->set |= XR_PS_MEDIA;
    out->media_w_in = t->media_w_in;
    out->media_h_in = t->media_h_in;
    pwg_media_t *m = pwgMediaForSize((int)(t->media_w_in * 2540 + 0.5),
                                     (int)(t->media_h_in * 2540 + 0.5));
    snprintf(out->media_name, sizeof out->media_name, "%s",
             m && m->pwg ? m->pwg : "");
  }
  if (t->set & XPS_TK_ORIENTATION) {
    out->set |= XR_PS_ORIENT;
    out->orientation = t->orientation;
  }
  if (t->set & XPS_TK_DUPLEX) {
    out->set |= XR_PS_DUPLEX;
    out->duplex = t->duplex;
  }
  if (t->set & XPS_TK_JOB_COPIES) {
    out->set |= XR_PS_COPIES;
    out->copies = t->job_copies;
  }
  if (t->set & XPS_TK_COLLATE) {
    out->set |= XR_PS_COLLATE;
    out->collate = t->collate;
  }
  if (t->set & XPS_TK_DOC_COPIES) {
    out->set |= XR_PS_DOC_COPIES;
    out->doc_copies = t->doc_copies;
  }
}

int xr_print_rotation(int orientation) {
  switch (orientation) {
  case XPS_ORIENT_LANDSCAPE:
    return 270;
  case XPS_ORIENT_REVERSE_PORTRAIT:
    return 180;
  case XPS_ORIENT_REVERSE_LANDSCAPE:
    return 90;
  }
  return 0;
}

/* "Custom.8.5x11in", "Custom.210x297mm", "Custom.612x792" (points). */
static int custom_size(const char *name, double *w, double *h) {
  if (strncasecmp(name, "Custom.", 7) != 0)
    return -1;
  char *end;
  double a = strtod(name + 7, &end);
  if (*end != 'x' && *end != 'X')
    return -1;
  double b = strtod(end + 1, &end);
  double per_in = 72.0;
  if (!strcasecmp(end, "in"))
    per_in = 1.0;
  else if (!strcasecmp(end, "mm"))
    per_in = 25.4;
  else if (!strcasecmp(end, "cm"))
    per_in = 2.54;
  else if (*end && strcasecmp(end, "pt"))
    return -1;
  /* 1000 inches bounds any medium; the raster side checks pixels. */
  if (!(a > 0 && b > 0 && a / per_in <= 1000 && b / per_in <= 1000))
    return -1;
  *w = a / per_in;
  *h = b / per_in;
  return 0;
}

int xr_print_media(const char *name, void *ppdv, double *w_in, double *h_in,
                   char *pwg, size_t pwg_size) {
  if (!name || !*name)
    return -1;
  if (strncasecmp(name, "Custom.", 7) == 0) {
    /* Ours, not libcups': it takes unknown units as points. */
    if (custom_size(name, w_in, h_in) < 0)
      return -1;
    pwg_media_t *m =
        pwgMediaForSize((int)(*w_in * 2540 + 0.5), (int)(*h_in * 2540 + 0.5));
    snprintf(pwg, pwg_size, "%s", m && m->pwg ? m->pwg : "");
    return 0;
  }
  pwg_media_t *m = pwgMediaForPWG(name);
  if (!m)
    m = pwgMediaForLegacy(name);
  if (!m)
    m = pwgMediaForPPD(name);
  if (!m && ppdv) {
    ppd_size_t *sz = ppdPageSize((ppd_file_t *)ppdv, name);
    if (sz && sz->width > 0 && sz->length > 0) {
      *w_in = sz->width / 72.0;
      *h_in = sz->length / 72.0;
      m = pwgMediaForSize((int)(*w_in * 2540 + 0.5), (int)(*h_in * 2540 + 0.5));
      snprintf(pwg, pwg_size, "%s", m && m->pwg ? m->pwg : "");
      return 0;
    }
  }
  if (!m || m->width <= 0 || m->length <= 0)
    return -1;
  *w_in = m->width / 2540.0;
  *h_in = m->length / 2540.0;
  snprintf(pwg, pwg_size, "%s", m->pwg ? m->pwg : "");
  return 0;
}

/* "300", "300dpi", "300x600dpi", "118dpcm": the larger axis, in dpi. */
static int parse_res(const char *v, int *dpi) {
  char *end;
  long x = strtol(v, &end, 10), y = x;
  if (end == v)
    return -1;
  if (*end == 'x' || *end == 'X') {
    const char *s = end + 1;
    y = strtol(s, &end, 10);
    if (end == s)
      return -1;
  }
  double scale = 1.0;
  if (!strcasecmp(end, "dpcm"))
    scale = 2.54;
  else if (*end && strcasecmp(end, "dpi"))
    return -1;
  /* The DPI limit in force for a job (the default; the renderer refuses
   * more), so an excessive request is a warning, not a failed job. */
  xr_limits lim;
  xr_limits_init(&lim);
  long m = x > y ? x : y;
  if (m < 1 || m > lim.v[XR_LIMIT_DPI])
    return -1;
  long d = (long)(m * scale + 0.5);
  if (d > lim.v[XR_LIMIT_DPI])
    return -1;
  *dpi = (int)d;
  return 0;
}

static int color_model(const char *v, int *cs) {
  static const struct {
    const char *name;
    int cs;
  } map[] = {
      {"Gray", XR_CS_GRAY},
      {"Grey", XR_CS_GRAY},
      {"KGray", XR_CS_GRAY},
      {"Grayscale", XR_CS_GRAY},
      {"Black", XR_CS_MONO},
      {"Mono", XR_CS_MONO},
      {"Monochrome", XR_CS_MONO},
      {"BlackWhite", XR_CS_MONO},
      {"RGB", XR_CS_RGB},
      {"Color", XR_CS_RGB},
      {"sRGB", XR_CS_RGB},
      {"CMYK", XR_CS_CMYK},
      /* names in CUPS-generated (driverless) and other common PPDs */
      {"FastGray", XR_CS_GRAY},
      {"DeviceGray", XR_CS_GRAY},
      {"DeviceRGB", XR_CS_RGB},
      {"AdobeRGB", XR_CS_RGB},
      {"DeviceCMYK", XR_CS_CMYK},
  };
  for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
    if (!strcasecmp(v, map[i].name)) {
      *cs = map[i].cs;
      return 0;
    }
  return -1;
}

static int print_color_mode(const char *v, int *cs) {
  if (!strcmp(v, "color") || !strcmp(v, "auto"))
    *cs = XR_CS_RGB;
  else if (!strcmp(v, "monochrome") || !strcmp(v, "process-monochrome") ||
           !strcmp(v, "auto-monochrome"))
    *cs = XR_CS_GRAY;
  else if (!strcmp(v, "bi-level") || !strcmp(v, "process-bi-level"))
    *cs = XR_CS_MONO;
  else
    return -1;
  return 0;
}

static int sides(const char *v, int *duplex) {
  if (!strcmp(v, "one-sided") || !strcasecmp(v, "None"))
    *duplex = XPS_DUPLEX_ONE_SIDED;
  else if (!strcmp(v, "two-sided-long-edge") ||
           !strcasecmp(v, "DuplexNoTumble"))
    *duplex = XPS_DUPLEX_LONG_EDGE;
  else if (!strcmp(v, "two-sided-short-edge") || !strcasecmp(v, "DuplexTumble"))
    *duplex = XPS_DUPLEX_SHORT_EDGE;
  else
    return -1;
  return 0;
}

static int set_media(xr_print_layer *out, const char *v, void *ppd) {
  /* media may list several keywords ("A4,tray-1"): the first size wins. */
  char buf[256];
  snprintf(buf, sizeof buf, "%s", v);
  char *save = NULL;
  for (char *tok = strtok_r(buf, ",", &save); tok;
       tok = strtok_r(NULL, ",", &save)) {
    if (xr_print_media(tok, ppd, &out->media_w_in, &out->media_h_in,
                       out->media_name, sizeof out->media_name) == 0) {
      out->set |= XR_PS_MEDIA;
      return 0;
    }
  }
  return -1;
}

int xr_print_from_options(xr_print_layer *out, const char *copies,
                          const char *options, void *ppd, char *pages,
                          size_t size, xr_print_warn_fn warn, void *ud) {
  memset(out, 0, sizeof *out);
  if (pages && size)
    pages[0] = '\0';
  if (copies && *copies) {
    char *end;
    long n = strtol(copies, &end, 10);
    if (*end || n < 1)
      return XR_E_USAGE;
    if (n > xr_limit_bound(XR_LIMIT_COPIES) || n > 9999999) {
      warnf(warn, ud, "copies %ld is above the limit; ignored", n);
    } else if (n > 1) {
      out->set |= XR_PS_COPIES;
      out->copies = (int)n;
    }
  }
  cups_option_t *opts = NULL;
  int n = cupsParseOptions(options ? options : "", 0, &opts);
  /* cupsParseOptions keeps the last value of each name, sorted by name;
   * when two names mean the same thing, the one sorting later wins. */
  for (int i = 0; i < n; i++) {
    const char *k = opts[i].name, *v = opts[i].value;
    int bad = 0;
    if (!strcasecmp(k, "Resolution") || !strcmp(k, "printer-resolution")) {
      bad = parse_res(v, &out->dpi);
      if (!bad)
        out->set |= XR_PS_DPI;
    } else if (!strcmp(k, "ColorModel")) {
      bad = color_model(v, &out->colorspace);
      if (!bad)
        out->set |= XR_PS_COLOR;
    } else if (!strcmp(k, "print-color-mode") || !strcmp(k, "output-mode")) {
      /* cupsd adds print-color-mode=color (the queue default) to every
       * job, so "color" and "auto" only permit colour: they leave the
       * colour space to the weaker layers. The restricting modes win. */
      int cs;
      bad = print_color_mode(v, &cs);
      if (!bad && cs != XR_CS_RGB) {
        out->set |= XR_PS_COLOR;
        out->colorspace = cs;
      }
    } else if (!strcmp(k, "PageSize") || !strcmp(k, "media") ||
               !strcmp(k, "PageRegion")) {
      bad = set_media(out, v, ppd);
    } else if (!strcmp(k, "orientation-requested")) {
      int o = atoi(v);
      static const int map[] = {XPS_ORIENT_PORTRAIT, XPS_ORIENT_LANDSCAPE,
                                XPS_ORIENT_REVERSE_LANDSCAPE,
                                XPS_ORIENT_REVERSE_PORTRAIT};
      if (o >= 3 && o <= 6) {
        out->set |= XR_PS_ORIENT;
        out->orientation = map[o - 3];
      } else if (o != 7) { /* 7: none, the document decides */
        bad = 1;
      }
    } else if (!strcmp(k, "landscape")) {
      if (strcasecmp(v, "false") && strcasecmp(v, "no") && strcmp(v, "0")) {
        out->set |= XR_PS_ORIENT;
        out->orientation = XPS_ORIENT_LANDSCAPE;
      }
    } else if (!strcmp(k, "sides") || !strcmp(k, "Duplex")) {
      bad = sides(v, &out->duplex);
      if (!bad)
        out->set |= XR_PS_DUPLEX;
    } else if (!strcasecmp(k, "collate")) {
      out->set |= XR_PS_COLLATE;
      out->collate = strcasecmp(v, "false") && strcasecmp(v, "no") &&
                     strcmp(v, "0") && strcasecmp(v, "off");
    } else if (!strcmp(k, "multiple-document-handling")) {
      if (!strcmp(v, "separate-documents-uncollated-copies")) {
        out->set |= XR_PS_COLLATE;
        out->collate = 0;
      } else if (!strcmp(v, "separate-documents-collated-copies") ||
                 !strcmp(v, "single-document") ||
                 !strcmp(v, "single-document-new-sheet")) {
        out->set |= XR_PS_COLLATE;
        out->collate = 1;
      } else {
        bad = 1;
      }
    } else if (!strcmp(k, "print-scaling")) {
      /* We never enlarge: fill and fit shrink an oversize page like auto. */
      if (!strcmp(v, "none")) {
        out->set |= XR_PS_FIT;
        out->fit = XR_FIT_CLIP;
      } else if (!strcmp(v, "auto") || !strcmp(v, "auto-fit") ||
                 !strcmp(v, "fit") || !strcmp(v, "fill")) {
        out->set |= XR_PS_FIT;
        out->fit = XR_FIT_SCALE;
      } else {
        bad = 1;
      }
    } else if (!strcmp(k, "fit-to-page")) {
      if (strcasecmp(v, "false") && strcasecmp(v, "no") && strcmp(v, "0")) {
        out->set |= XR_PS_FIT;
        out->fit = XR_FIT_SCALE;
      }
    } else if (!strcmp(k, "page-ranges")) {
      if (xr_pages_check(v) < 0 || strlen(v) >= size)
        bad = 1;
      else if (pages)
        snprintf(pages, size, "%s", v);
    }
    if (bad)
      warnf(warn, ud, "option %s=%s is not usable; ignored", k, v);
  }
  cupsFreeOptions(n, opts);
  return 0;
}

void xr_print_from_ppd(xr_print_layer *out, void *ppdv) {
  memset(out, 0, sizeof *out);
  ppd_file_t *ppd = ppdv;
  if (!ppd)
    return;
  ppdMarkDefaults(ppd);
  if (!ppd->color_device) {
    out->set |= XR_PS_COLOR;
    out->colorspace = XR_CS_GRAY;
  }
  ppd_choice_t *c = ppdFindMarkedChoice(ppd, "ColorModel");
  if (c && color_model(c->choice, &out->colorspace) == 0)
    out->set |= XR_PS_COLOR;
  c = ppdFindMarkedChoice(ppd, "Resolution");
  if (!c) {
    /* Many PPDs have only *DefaultResolution, no option. */
    ppd_attr_t *a = ppdFindAttr(ppd, "DefaultResolution", NULL);
    if (a && a->value && parse_res(a->value, &out->dpi) == 0)
      out->set |= XR_PS_DPI;
  } else if (parse_res(c->choice, &out->dpi) == 0) {
    out->set |= XR_PS_DPI;
  }
  ppd_size_t *sz = ppdPageSize(ppd, NULL);
  if (sz && sz->width > 0 && sz->length > 0) {
    out->set |= XR_PS_MEDIA;
    out->media_w_in = sz->width / 72.0;
    out->media_h_in = sz->length / 72.0;
    pwg_media_t *m = pwgMediaForSize((int)(out->media_w_in * 2540 + 0.5),
                                     (int)(out->media_h_in * 2540 + 0.5));
    snprintf(out->media_name, sizeof out->media_name, "%s",
             m && m->pwg ? m->pwg : "");
  }
  c = ppdFindMarkedChoice(ppd, "Duplex");
  if (c && sides(c->choice, &out->duplex) == 0)
    out->set |= XR_PS_DUPLEX;
}

int xr_print_ppd_header(void *ppdv, const char *options,
                        cups_page_header2_t *out, unsigned *valid) {
  ppd_file_t *ppd = ppdv;
  memset(out, 0, sizeof *out);
  if (valid)
    *valid = 0;
  if (!ppd)
    return -1;
  if (valid) {
    if (ppdFindOption(ppd, "Resolution"))
      *valid |= XR_PS_DPI;
    if (ppdFindOption(ppd, "ColorModel"))
      *valid |= XR_PS_COLOR;
  }
  cups_option_t *opts = NULL;
  int n = options ? cupsParseOptions(options, 0, &opts) : 0;
  ppdMarkDefaults(ppd);
  /* Only the PPD's own options, marked one by one: cupsMarkOptions would
   * also map IPP attributes (media, print-color-mode) onto the PPD, and in
   * libcups 2.4 that path leaks; size and colour are ours anyway. */
  for (int i = 0; i < n; i++)
    if (ppdFindOption(ppd, opts[i].name))
      ppdMarkOption(ppd, opts[i].name, opts[i].value);
  int rc = cupsRasterInterpretPPD(out, ppd, n, opts, NULL);
  cupsFreeOptions(n, opts);
  /* Leave the PPD as xr_print_from_ppd expects it: defaults marked. */
  ppdMarkDefaults(ppd);
  return rc == 0 ? 0 : -1;
}

#pragma GCC diagnostic pop

void xr_print_from_header(xr_print_layer *out, const cups_page_header2_t *h,
                          unsigned valid) {
  memset(out, 0, sizeof *out);
  xr_limits lim;
  xr_limits_init(&lim);
  unsigned r = h->HWResolution[0] > h->HWResolution[1] ? h->HWResolution[0]
                                                       : h->HWResolution[1];
  if ((valid & XR_PS_DPI) && r >= 1 && r <= (unsigned)lim.v[XR_LIMIT_DPI]) {
    out->set |= XR_PS_DPI;
    out->dpi = (int)r;
  }
  int cs = -1;
  switch (h->cupsColorSpace) {
  case CUPS_CSPACE_W:
  case CUPS_CSPACE_SW:
    cs = h->cupsBitsPerColor == 8 ? XR_CS_GRAY : -1;
    break;
  case CUPS_CSPACE_RGB:
  case CUPS_CSPACE_SRGB:
    cs = h->cupsBitsPerColor == 8 ? XR_CS_RGB : -1;
    break;
  case CUPS_CSPACE_CMYK:
    cs = h->cupsBitsPerColor == 8 ? XR_CS_CMYK : -1;
    break;
  case CUPS_CSPACE_K: /* 8-bit K is ink, not our gray: 1-bit only */
    cs = h->cupsBitsPerColor == 1 ? XR_CS_MONO : -1;
    break;
  default:
    break;
  }
  if ((valid & XR_PS_COLOR) && cs >= 0) {
    out->set |= XR_PS_COLOR;
    out->colorspace = cs;
  }
}

char *xr_print_describe(const xr_print_layer *l, char *buf, size_t size) {
  static const char *const cs[] = {"gray", "rgb", "cmyk", "mono"};
  static const char *const sd[] = {"one-sided", "two-sided-long-edge",
                                   "two-sided-short-edge"};
  static const char *const ori[] = {"portrait", "landscape", "reverse-portrait",
                                    "reverse-landscape"};
  char media[96] = "page size";
  if (l->set & XR_PS_MEDIA)
    snprintf(media, sizeof media, "%s %.2fx%.2fin",
             l->media_name[0] ? l->media_name : "custom", l->media_w_in,
             l->media_h_in);
  snprintf(buf, size, "%d dpi, %s, %s, %s, %s, %d cop%s", l->dpi,
           cs[l->colorspace & 3], media, ori[l->orientation & 3],
           sd[l->duplex % 3], l->copies, l->copies == 1 ? "y" : "ies");
  return buf;
}
