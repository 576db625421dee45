/* libcups, loaded on first use (dlopen) instead of at start-up.
 *
 * libcups drags in about 25 shared libraries (gnutls, krb5, avahi, dbus,
 * ...). Resolving them costs a job several milliseconds of CPU before the
 * first byte is read, although only the PWG/CUPS raster sinks and PPD
 * handling need libcups. Code in filter/ that calls libcups includes this
 * header after the cups headers: the macros below route each call to a
 * wrapper here, which loads libcups.so.2 once, and the libcups raster API
 * stays the writer. When libcups cannot be loaded each wrapper fails the
 * way libcups itself reports failure (NULL, 0, ppdLastError says
 * PPD_FILE_OPEN_ERROR), so callers need no extra path. Private to filter/. */
#ifndef XR_CUPS_DL_H
#define XR_CUPS_DL_H

#include <cups/raster.h>

/* libcups marks the PPD API deprecated, but a CUPS filter must still read
 * the queue's PPD. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#include <cups/ppd.h>

/* 1 when libcups is loaded (loading it now if needed), else 0. */
int xr_cups_available(void);

int xr_cups_parse_options(const char *arg, int num_options,
                          cups_option_t **options);
void xr_cups_free_options(int num_options, cups_option_t *options);
cups_raster_t *xr_cups_raster_open(int fd, cups_mode_t mode);
void xr_cups_raster_close(cups_raster_t *r);
unsigned xr_cups_raster_write_header2(cups_raster_t *r, cups_page_header2_t *h);
unsigned xr_cups_raster_write_pixels(cups_raster_t *r, unsigned char *p,
                                     unsigned len);
int xr_cups_raster_init_pwg_header(cups_page_header2_t *h, pwg_media_t *media,
                                   const char *type, int xdpi, int ydpi,
                                   const char *sides, const char *sheet_back);
int xr_cups_raster_interpret_ppd(cups_page_header2_t *h, ppd_file_t *ppd,
                                 int num_options, cups_option_t *options,
                                 cups_interpret_cb_t func);
pwg_media_t *xr_cups_pwg_media_for_legacy(const char *legacy);
pwg_media_t *xr_cups_pwg_media_for_ppd(const char *ppd);
pwg_media_t *xr_cups_pwg_media_for_pwg(const char *pwg);
pwg_media_t *xr_cups_pwg_media_for_size(int width, int length);
ppd_file_t *xr_cups_ppd_open_file(const char *filename);
void xr_cups_ppd_close(ppd_file_t *ppd);
ppd_status_t xr_cups_ppd_last_error(int *line);
const char *xr_cups_ppd_error_string(ppd_status_t status);
void xr_cups_ppd_mark_defaults(ppd_file_t *ppd);
int xr_cups_ppd_mark_option(ppd_file_t *ppd, const char *keyword,
                            const char *option);
ppd_choice_t *xr_cups_ppd_find_marked_choice(ppd_file_t *ppd,
                                             const char *keyword);
ppd_option_t *xr_cups_ppd_find_option(ppd_file_t *ppd, const char *keyword);
ppd_attr_t *xr_cups_ppd_find_attr(ppd_file_t *ppd, const char *name,
                                  const char *spec);
ppd_size_t *xr_cups_ppd_page_size(ppd_file_t *ppd, const char *name);

#pragma GCC diagnostic pop

#ifndef XR_CUPS_DL_IMPL
#define cupsParseOptions xr_cups_parse_options
#define cupsFreeOptions xr_cups_free_options
#define cupsRasterOpen xr_cups_raster_open
#define cupsRasterClose xr_cups_raster_close
#define cupsRasterWriteHeader2 xr_cups_raster_write_header2
#define cupsRasterWritePixels xr_cups_raster_write_pixels
#define cupsRasterInitPWGHeader xr_cups_raster_init_pwg_header
#define cupsRasterInterpretPPD xr_cups_raster_interpret_ppd
#define pwgMediaForLegacy xr_cups_pwg_media_for_legacy
#define pwgMediaForPPD xr_cups_pwg_media_for_ppd
#define pwgMediaForPWG xr_cups_pwg_media_for_pwg
#define pwgMediaForSize xr_cups_pwg_media_for_size
#define ppdOpenFile xr_cups_ppd_open_file
#define ppdClose xr_cups_ppd_close
#define ppdLastError xr_cups_ppd_last_error
#define ppdErrorString xr_cups_ppd_error_string
#define ppdMarkDefaults xr_cups_ppd_mark_defaults
#define ppdMarkOption xr_cups_ppd_mark_option
#define ppdFindMarkedChoice xr_cups_ppd_find_marked_choice
#define ppdFindOption xr_cups_ppd_find_option
#define ppdFindAttr xr_cups_ppd_find_attr
#define ppdPageSize xr_cups_ppd_page_size
#endif

#endif
