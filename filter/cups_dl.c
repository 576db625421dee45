/* libcups loaded on first use; see cups_dl.h for why. */
#define XR_CUPS_DL_IMPL
#include "filter/cups_dl.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>

#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

/* One pointer per libcups entry point used by filter/, typed from the
 * libcups prototypes so a signature mismatch cannot compile. */
#define CUPS_FNS(X)                                                            \
  X(cupsParseOptions)                                                          \
  X(cupsFreeOptions)                                                           \
  X(cupsRasterOpen)                                                            \
  X(cupsRasterClose)                                                           \
  X(cupsRasterWriteHeader2)                                                    \
  X(cupsRasterWritePixels)                                                     \
  X(cupsRasterInitPWGHeader)                                                   \
  X(cupsRasterInterpretPPD)                                                    \
  X(pwgMediaForLegacy)                                                         \
  X(pwgMediaForPPD)                                                            \
  X(pwgMediaForPWG)                                                            \
  X(pwgMediaForSize)                                                           \
  X(ppdOpenFile)                                                               \
  X(ppdClose)                                                                  \
  X(ppdLastError)                                                              \
  X(ppdErrorString)                                                            \
  X(ppdMarkDefaults)                                                           \
  X(ppdMarkOption)                                                             \
  X(ppdFindMarkedChoice)                                                       \
  X(ppdFindOption)                                                             \
  X(ppdFindAttr)                                                               \
  X(ppdPageSize)

static struct {
#define FIELD(name) __typeof__(name) *name;
  CUPS_FNS(FIELD)
#undef FIELD
} fn;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int loaded;

static void load(void) {
  /* RTLD_LOCAL: libcups' symbols stay out of the global scope, so nothing
   * loaded later binds to them by accident. */
  void *h = dlopen("libcups.so.2", RTLD_NOW | RTLD_LOCAL);
  if (!h)
    return;
    /* POSIX allows converting dlsym's void * to a function pointer; the
     * memcpy keeps -Wpedantic builds quiet about it. */
#define RESOLVE(name)                                                          \
  {                                                                            \
    void *p = dlsym(h, #name);                                                 \
    if (!p)                                                                    \
      goto fail_sym;                                                           \
    fn.name = (__typeof__(name) *)p;                                           \
  }
  CUPS_FNS(RESOLVE)
#undef RESOLVE
  loaded = 1;
  return;
fail_sym:
  dlclose(h);
}

int xr_cups_available(void) {
  pthread_once(&once, load);
  return loaded;
}

int xr_cups_parse_options(const char *arg, int num_options,
                          cups_option_t **options) {
  if (!xr_cups_available())
    return num_options;
  return fn.cupsParseOptions(arg, num_options, options);
}

void xr_cups_free_options(int num_options, cups_option_t *options) {
  if (xr_cups_available())
    fn.cupsFreeOptions(num_options, options);
}

cups_raster_t *xr_cups_raster_open(int fd, cups_mode_t mode) {
  return xr_cups_available() ? fn.cupsRasterOpen(fd, mode) : NULL;
}

void xr_cups_raster_close(cups_raster_t *r) {
  if (xr_cups_available())
    fn.cupsRasterClose(r);
}

unsigned xr_cups_raster_write_header2(cups_raster_t *r,
                                      cups_page_header2_t *h) {
  return xr_cups_available() ? fn.cupsRasterWriteHeader2(r, h) : 0;
}

unsigned xr_cups_raster_write_pixels(cups_raster_t *r, unsigned char *p,
                                     unsigned len) {
  return xr_cups_available() ? fn.cupsRasterWritePixels(r, p, len) : 0;
}

int xr_cups_raster_init_pwg_header(cups_page_header2_t *h, pwg_media_t *media,
                                   const char *type, int xdpi, int ydpi,
                                   const char *sides, const char *sheet_back) {
  if (!xr_cups_available())
    return 0;
  return fn.cupsRasterInitPWGHeader(h, media, type, xdpi, ydpi, sides,
                                    sheet_back);
}

int xr_cups_raster_interpret_ppd(cups_page_header2_t *h, ppd_file_t *ppd,
                                 int num_options, cups_option_t *options,
                                 cups_interpret_cb_t func) {
  if (!xr_cups_available())
    return -1;
  return fn.cupsRasterInterpretPPD(h, ppd, num_options, options, func);
}

pwg_media_t *xr_cups_pwg_media_for_legacy(const char *legacy) {
  return xr_cups_available() ? fn.pwgMediaForLegacy(legacy) : NULL;
}

pwg_media_t *xr_cups_pwg_media_for_ppd(const char *ppd) {
  return xr_cups_available() ? fn.pwgMediaForPPD(ppd) : NULL;
}

pwg_media_t *xr_cups_pwg_media_for_pwg(const char *pwg) {
  return xr_cups_available() ? fn.pwgMediaForPWG(pwg) : NULL;
}

pwg_media_t *xr_cups_pwg_media_for_size(int width, int length) {
  return xr_cups_available() ? fn.pwgMediaForSize(width, length) : NULL;
}

ppd_file_t *xr_cups_ppd_open_file(const char *filename) {
  return xr_cups_available() ? fn.ppdOpenFile(filename) : NULL;
}

void xr_cups_ppd_close(ppd_file_t *ppd) {
  if (xr_cups_available())
    fn.ppdClose(ppd);
}

ppd_status_t xr_cups_ppd_last_error(int *line) {
  if (!xr_cups_available()) {
    if (line)
      *line = 0;
    return PPD_FILE_OPEN_ERROR;
  }
  return fn.ppdLastError(line);
}

const char *xr_cups_ppd_error_string(ppd_status_t status) {
  if (!xr_cups_available())
    return "libcups.so.2 could not be loaded";
  return fn.ppdErrorString(status);
}

void xr_cups_ppd_mark_defaults(ppd_file_t *ppd) {
  if (xr_cups_available())
    fn.ppdMarkDefaults(ppd);
}

int xr_cups_ppd_mark_option(ppd_file_t *ppd, const char *keyword,
                            const char *option) {
  return xr_cups_available() ? fn.ppdMarkOption(ppd, keyword, option) : 0;
}

ppd_choice_t *xr_cups_ppd_find_marked_choice(ppd_file_t *ppd,
                                             const char *keyword) {
  return xr_cups_available() ? fn.ppdFindMarkedChoice(ppd, keyword) : NULL;
}

ppd_option_t *xr_cups_ppd_find_option(ppd_file_t *ppd, const char *keyword) {
  return xr_cups_available() ? fn.ppdFindOption(ppd, keyword) : NULL;
}

ppd_attr_t *xr_cups_ppd_find_attr(ppd_file_t *ppd, const char *name,
                                  const char *spec) {
  return xr_cups_available() ? fn.ppdFindAttr(ppd, name, spec) : NULL;
}

ppd_size_t *xr_cups_ppd_page_size(ppd_file_t *ppd, const char *name) {
  return xr_cups_available() ? fn.ppdPageSize(ppd, name) : NULL;
}
