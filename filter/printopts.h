/* Print settings for the CUPS filter, as layers that override each other:
 *
 *   built-in defaults < PPD defaults < PrintTicket (job ⊕ document ⊕ page)
 *                     < job options (argv[4] copies, argv[5] options)
 *
 * A later layer wins for every setting it carries. Job options win over the
 * document's ticket as IPP job template attributes win over instructions
 * embedded in the document (RFC 8011, 4.2); the PPD only supplies the
 * queue's defaults for what neither says.
 *
 * Two exceptions, because cupsd sends them whether or not anyone asked:
 * copies "1" (argv[4]) and print-color-mode=color/auto leave the setting to
 * the weaker layers. Private to filter/. */
#ifndef XR_PRINTOPTS_H
#define XR_PRINTOPTS_H

#include <cups/raster.h>

#include "xps/ticket.h"
#include "xpsraster/render.h"

enum {
  XR_PS_DPI = 1u << 0,
  XR_PS_COLOR = 1u << 1,
  XR_PS_MEDIA = 1u << 2,
  XR_PS_ORIENT = 1u << 3,
  XR_PS_DUPLEX = 1u << 4,
  XR_PS_COPIES = 1u << 5,     /* whole-job collated copies */
  XR_PS_DOC_COPIES = 1u << 6, /* copies of each document */
  XR_PS_COLLATE = 1u << 7,    /* job copies collated (1) or page by page */
  XR_PS_FIT = 1u << 8         /* a page larger than the media: enum xr_fit */
};

/* One layer. Fields count only when their bit is in set. */
typedef struct xr_print_layer {
  unsigned set;
  int dpi;
  int colorspace; /* enum xr_colorspace */
  double media_w_in, media_h_in;
  char media_name[64]; /* PWG name when known, else "" */
  int orientation;     /* enum xps_orientation */
  int duplex;          /* enum xps_duplex */
  int copies, doc_copies;
  int collate;
  int fit; /* XR_FIT_SCALE or XR_FIT_CLIP */
} xr_print_layer;

/* Reports a setting that was given but cannot be used (it is ignored). */
typedef void (*xr_print_warn_fn)(void *ud, const char *msg);

/* The built-in defaults: 300 dpi, sRGB 8-bit, one-sided, one copy,
 * portrait, media = the page's own size. */
void xr_print_defaults(xr_print_layer *out);

/* dst ← src for every setting src carries. */
void xr_print_over(xr_print_layer *dst, const xr_print_layer *src);

/* The layer a PrintTicket (already merged) gives. */
void xr_print_from_ticket(xr_print_layer *out, const xps_ticket *t);

/* Parses CUPS job options ("a=b c='d e'"), the copies argument (NULL or a
 * number; a value above 1 counts, 1 is what cupsd sends when nobody asked),
 * and fills out. Known options: Resolution, printer-resolution, ColorModel,
 * print-color-mode, PageSize, media, PageRegion, orientation-requested,
 * landscape, sides, Duplex, collate, Collate, multiple-document-handling,
 * print-scaling, fit-to-page.
 * page-ranges is returned through pages (owned by the caller, size bytes; ""
 * when absent) after validation. When ppd is not NULL (a ppd_file_t *), media
 * names are also looked up in it. Returns 0, or XR_E_USAGE for a malformed
 * copies argument. */
int xr_print_from_options(xr_print_layer *out, const char *copies,
                          const char *options, void *ppd, char *pages,
                          size_t size, xr_print_warn_fn warn, void *ud);

/* The defaults a PPD file gives (its marked defaults: PageSize, Resolution,
 * ColorModel, Duplex; ColorDevice False means gray). ppd is a
 * ppd_file_t *. */
void xr_print_from_ppd(xr_print_layer *out, void *ppd);

/* The page header a PPD's option code describes (cupsRasterInterpretPPD):
 * with options NULL, for the PPD's defaults; otherwise for the defaults
 * with the job's options marked. ppd is a ppd_file_t *. *valid (may be
 * NULL) gets XR_PS_DPI and XR_PS_COLOR when the PPD has a Resolution or a
 * ColorModel option: without one the header holds libcups' own defaults,
 * not the PPD's. Returns 0, or -1 when the PPD's code cannot be run. */
int xr_print_ppd_header(void *ppd, const char *options,
                        cups_page_header2_t *out, unsigned *valid);

/* Resolution and colour space from such a header (only those in valid),
 * the colour space when xpsraster renders it: 8-bit W/sW (gray), RGB/sRGB,
 * CMYK, and 1-bit K. This refines xr_print_from_ppd, whatever the PPD
 * calls its choices. */
void xr_print_from_header(xr_print_layer *out, const cups_page_header2_t *h,
                          unsigned valid);

/* Media size from a name: PWG ("iso_a4_210x297mm"), legacy ("A4",
 * "Letter"), PPD, or "Custom.WxH[in|mm|cm|pt]" (points by default).
 * Returns 0 and fills w/h (inches) and the PWG name, or -1. */
int xr_print_media(const char *name, void *ppd, double *w_in, double *h_in,
                   char *pwg, size_t pwg_size);

/* Clockwise rotation (0/90/180/270) that puts content in orientation on
 * portrait media: landscape turns the content a quarter counter-clockwise
 * (its top lands on the left edge), as IPP orientation-requested 4 does. */
int xr_print_rotation(int orientation);

/* One line describing a layer, for status output. */
char *xr_print_describe(const xr_print_layer *l, char *buf, size_t size);

#endif
