/* Named safety limits.
 *
 * Every loop, depth, count and allocation driven by document input is bounded
 * by one of these. Each default can be overridden at build time
 * (-DXR_MAX_XML_DEPTH=...) but never above its hard bound, and a job may lower
 * (never raise past the bound) each limit through struct xr_limits.
 *
 * X(NAME, default, hard bound, reason) */
#ifndef XPSRASTER_LIMITS_H
#define XPSRASTER_LIMITS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define XR_LIMIT_MAP(X)                                                        \
  X(XML_DEPTH, 256, 4096, "element nesting; guards recursion and stacks")      \
  X(ELEMENTS_PER_PAGE, 1000000, 100000000, "markup elements in one page")      \
  X(PATH_POINTS, 4000000, 100000000, "points in one path after parsing")       \
  X(GLYPHS_PER_RUN, 65536, 1000000, "glyphs in one Glyphs element")            \
  X(CLUSTER_MAP, 65536, 1000000, "entries in one Indices cluster map")         \
  X(FONT_SIZE, 100000, 1000000, "FontRenderingEmSize in 1/96 inch")            \
  X(GRADIENT_STOPS, 4096, 1000000, "stops in one gradient brush")              \
  X(ELEMENT_BYTES, 33554432, 1073741824,                                       \
    "bytes of markup held for one element subtree")                            \
  X(DASH_ENTRIES, 1024, 100000, "entries in one StrokeDashArray")              \
  X(IMAGE_DIM, 65536, 1048576, "image width or height in pixels")              \
  X(IMAGE_PIXELS, 268435456, 4294967296, "image width times height")           \
  X(PART_SIZE, 1073741824, 17179869184, "uncompressed bytes of one part")      \
  X(ENTRY_COUNT, 100000, 10000000, "entries in one ZIP package")               \
  X(PIECES_PER_PART, 100000, 10000000, "interleaved pieces of one part")       \
  X(NAME_LEN, 1024, 65535, "bytes in one part name")                           \
  X(ZIP_RATIO, 1000, 100000, "uncompressed / compressed size of an entry")     \
  X(PACKAGE_SIZE, 68719476736, 1099511627776, "uncompressed package bytes")    \
  X(NESTING, 64, 1024, "depth of Canvas, clip and group nesting")              \
  X(RESOURCE_DEPTH, 32, 256, "depth of resource and VisualBrush references")   \
  X(PAGES, 1000000, 100000000, "pages in one job")                             \
  X(PAGE_PIXELS, 8000000000, 100000000000, "device pixels in one page")        \
  X(PAGE_DIM, 262144, 1048576, "page width or height in device pixels")       \
  X(DPI, 4800, 9600, "output resolution in dots per inch")                     \
  X(SPILL_MEMORY, 67108864, 17179869184, "bytes of parts kept in memory")      \
  X(JOB_MEMORY, 1073741824, 68719476736, "bytes allocated by one job")      \
  X(COPIES, 9999, 1000000, "copies asked for by a job or a PrintTicket")     \
  X(PAGE_WARNINGS, 200, 1000000, "warnings reported per page; rest counted")

/* Build-time overrides, each checked against its hard bound. */
#ifndef XR_MAX_XML_DEPTH
#define XR_MAX_XML_DEPTH 256
#endif
#if XR_MAX_XML_DEPTH > 4096
#error "XR_MAX_XML_DEPTH above its hard bound 4096"
#endif
#ifndef XR_MAX_PATH_POINTS
#define XR_MAX_PATH_POINTS 4000000
#endif
#if XR_MAX_PATH_POINTS > 100000000
#error "XR_MAX_PATH_POINTS above its hard bound 100000000"
#endif
#ifndef XR_MAX_NESTING
#define XR_MAX_NESTING 64
#endif
#if XR_MAX_NESTING > 1024
#error "XR_MAX_NESTING above its hard bound 1024"
#endif

enum xr_limit_id {
#define XR_LIMIT_ID(name, def, bound, why) XR_LIMIT_##name,
  XR_LIMIT_MAP(XR_LIMIT_ID)
#undef XR_LIMIT_ID
      XR_LIMIT_COUNT
};

/* Per-job limits. Initialise with xr_limits_init(); lower with
 * xr_limits_set(). Plain data: copy freely. */
typedef struct xr_limits {
  int64_t v[XR_LIMIT_COUNT];
} xr_limits;

/* Fills lim with the defaults (including build-time overrides). */
void xr_limits_init(xr_limits *lim);
/* Sets one limit, clamped to [0, hard bound]. Returns the value now in
 * force, or XR_E_INVAL for an unknown id. */
int64_t xr_limits_set(xr_limits *lim, int id, int64_t value);
/* The value in force for id (0 for an unknown id). */
int64_t xr_limits_get(const xr_limits *lim, int id);
/* The hard bound and the name ("XML_DEPTH") of a limit. */
int64_t xr_limit_bound(int id);
const char *xr_limit_name(int id);

#ifdef __cplusplus
}
#endif
#endif
