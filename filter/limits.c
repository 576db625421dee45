/* Limit defaults, bounds and clamping. Dependency-free, like error.c. */
#include "xpsraster/limits.h"
#include "xpsraster/error.h"

#include <stddef.h>

static const int64_t defaults[XR_LIMIT_COUNT] = {
#define XR_LIMIT_DEF(name, def, bound, why) (int64_t)(def),
    XR_LIMIT_MAP(XR_LIMIT_DEF)
#undef XR_LIMIT_DEF
};

static const int64_t bounds[XR_LIMIT_COUNT] = {
#define XR_LIMIT_BOUND(name, def, bound, why) (int64_t)(bound),
    XR_LIMIT_MAP(XR_LIMIT_BOUND)
#undef XR_LIMIT_BOUND
};

static const char *const names[XR_LIMIT_COUNT] = {
#define XR_LIMIT_NAME(name, def, bound, why) #name,
    XR_LIMIT_MAP(XR_LIMIT_NAME)
#undef XR_LIMIT_NAME
};

void xr_limits_init(xr_limits *lim) {
  for (int i = 0; i < XR_LIMIT_COUNT; i++)
    lim->v[i] = defaults[i];
  /* Build-time overrides that have a macro of their own. */
  lim->v[XR_LIMIT_XML_DEPTH] = XR_MAX_XML_DEPTH;
  lim->v[XR_LIMIT_PATH_POINTS] = XR_MAX_PATH_POINTS;
  lim->v[XR_LIMIT_NESTING] = XR_MAX_NESTING;
}

int64_t xr_limits_set(xr_limits *lim, int id, int64_t value) {
  if ((unsigned)id >= XR_LIMIT_COUNT)
    return XR_E_INVAL;
  if (value < 0)
    value = 0;
  if (value > bounds[id])
    value = bounds[id];
  lim->v[id] = value;
  return value;
}

int64_t xr_limits_get(const xr_limits *lim, int id) {
  if ((unsigned)id >= XR_LIMIT_COUNT)
    return 0;
  return lim->v[id];
}

int64_t xr_limit_bound(int id) {
  return (unsigned)id < XR_LIMIT_COUNT ? bounds[id] : 0;
}

const char *xr_limit_name(int id) {
  return (unsigned)id < XR_LIMIT_COUNT ? names[id] : "UNKNOWN";
}
