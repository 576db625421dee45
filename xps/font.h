/* The job's font table (private to xps/).
 *
 * Font parts are loaded once per job and shared by every page that uses
 * them: the table hangs off xps_ctx (ctx->fonts) and hands out references
 * to ras_font objects, which outlive the table while a display list still
 * holds them.
 *
 * A font part that is missing, truncated, malformed, of an unsupported
 * format, or an obfuscated part (.odttf) whose name carries no GUID, is
 * reported ONCE per part through xps_warn (naming the part) and replaced by
 * the fallback font: DejaVu Sans from Debian's fonts-dejavu-core,
 * XPS_FALLBACK_FONT below (overridable at build time). Threads: all calls
 * may come from several threads; the table has its own mutex. */
#ifndef XPS_FONT_H
#define XPS_FONT_H

#include <stddef.h>

#include "render/font.h"
#include "xps/pkg.h"

#ifndef XPS_FALLBACK_FONT
#define XPS_FALLBACK_FONT "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
#endif

/* Distinct (part, face index) entries kept per job; past it fonts are
 * loaded per use and not shared (hostile documents naming many fonts).
 * The font data a job loads counts against JOB_MEMORY: a font that would
 * pass it warns and the fallback stands in. */
#define XPS_FONTS_MAX 4096

typedef struct xps_fonts xps_fonts;

/* New, empty table. fallback is the path of the fallback font (NULL:
 * XPS_FALLBACK_FONT). Errors: XR_E_NOMEM. */
int xps_fonts_new(const char *fallback, xps_fonts **out);
void xps_fonts_drop(xps_fonts *t);

/* A new reference to face index of font part `part` (an absolute part
 * name), loading it from pkg on first use. from and line say where the
 * font is used (for the warning). On a bad font it warns once per part
 * (naming the part, and the page and line using it) and returns the
 * fallback. Returns NULL only when the fallback cannot be loaded either
 * (also warned). *used_fallback (may be NULL) tells which. */
ras_font *xps_fonts_load(xps_fonts *t, xps_pkg *pkg, const char *part,
                         int index, const xps_ctx *ctx, const char *from,
                         long line, int *used_fallback);

/* Number of distinct fonts loaded so far (tests, statistics). */
int xps_fonts_count(xps_fonts *t);

/* ODTTF: parses the GUID from the file name of part ("{A-B-C-D-E}.odttf"
 * or without braces) into the 16-byte key in the obfuscation order.
 * Returns 0, or XR_E_FORMAT when the name holds no GUID. */
int xps_font_guid_key(const char *part, unsigned char key[16]);

/* XORs the first 32 bytes of data with key (de-obfuscates, and
 * obfuscates: the operation is its own inverse). Returns XR_E_FORMAT when
 * size < 32. */
int xps_font_deobfuscate(const unsigned char key[16], unsigned char *data,
                         size_t size);

#define XPS_CT_OBFUSCATED_FONT "application/vnd.ms-package.obfuscated-opentype"

/* 1 when part names an obfuscated font (.odttf, case-insensitive); a part
 * of content type XPS_CT_OBFUSCATED_FONT is one too, whatever its name. */
int xps_font_is_obfuscated(const char *part);

#endif
