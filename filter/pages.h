/* Page-range selection ("1-3,7,10-"), 1-based, as in lp -P and mutool. */
#ifndef XR_PAGES_H
#define XR_PAGES_H

/* Returns 0 if spec is a valid range list (NULL or "" selects all), or
 * XR_E_USAGE. */
int xr_pages_check(const char *spec);

/* 1 if page (1-based) is selected by spec; spec must have passed the
 * check. NULL or "" selects every page. */
int xr_pages_contains(const char *spec, int page);

/* 1 if no page at or after `page` can be selected (so a reader may stop). */
int xr_pages_done(const char *spec, int page);

#endif
