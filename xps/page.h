/* FixedPage interpretation: reads one FixedPage part with libxml2's
 * streaming reader (xmlTextReader, no DOM) and replays it on a device. */
#ifndef XPS_PAGE_H
#define XPS_PAGE_H

#include "render/device.h"
#include "xps/pkg.h"

/* Parses page part name and calls fns on dev, starting with begin_page.
 * Malformed attributes warn through ctx and skip the element; XML that is
 * not well-formed fails with XR_E_FORMAT and the part and line in err.
 * Whatever was emitted before an error stays emitted. */
int xps_page_run(xps_pkg *pkg, const char *name, const xps_ctx *ctx,
                 const ras_device_fns *fns, void *dev, xr_errinfo *err);

/* Same, for page markup already in memory (tests, lone pages). */
int xps_page_run_buffer(xps_pkg *pkg, const char *name, const char *xml,
                        size_t len, const xps_ctx *ctx,
                        const ras_device_fns *fns, void *dev, xr_errinfo *err);

#endif
