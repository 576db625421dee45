/* Status names and messages, and the errinfo helpers.
 *
 * This file depends on nothing but libc, so every module may use it; it is
 * the only shared object besides the public headers. */
#include "xpsraster/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *xr_strerror(int status) {
  /* No default: -Wswitch flags a code without a message. */
  switch ((enum xr_status)status) {
#define XR_STATUS_MSG(name, value, msg)                                        \
  case XR_##name:                                                              \
    return msg;
    XR_STATUS_MAP(XR_STATUS_MSG)
#undef XR_STATUS_MSG
  }
  return "unknown status";
}

const char *xr_err_name(int status) {
  switch ((enum xr_status)status) {
#define XR_STATUS_NAME(name, value, msg)                                       \
  case XR_##name:                                                              \
    return "XR_" #name;
    XR_STATUS_MAP(XR_STATUS_NAME)
#undef XR_STATUS_NAME
  }
  return "XR_UNKNOWN";
}

void xr_errinfo_clear(xr_errinfo *info) {
  if (!info)
    return;
  info->status = XR_OK;
  info->line = -1;
  info->offset = -1;
  info->part[0] = '\0';
  info->msg[0] = '\0';
}

int xr_errinfo_set(xr_errinfo *info, int status, const char *part, long line,
                   long long offset, const char *fmt, ...) {
  if (!info)
    return status;
  info->status = status;
  info->line = line;
  info->offset = offset;
  snprintf(info->part, sizeof info->part, "%s", part ? part : "");
  if (fmt) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(info->msg, sizeof info->msg, fmt, ap);
    va_end(ap);
  } else {
    snprintf(info->msg, sizeof info->msg, "%s", xr_strerror(status));
  }
  return status;
}

char *xr_errinfo_format(const xr_errinfo *info, char *buf, unsigned long size) {
  char where[320] = "";
  if (!buf || size == 0)
    return buf;
  if (!info) {
    snprintf(buf, size, "no error");
    return buf;
  }
  if (info->part[0] && info->line >= 0)
    snprintf(where, sizeof where, "%s:%ld: ", info->part, info->line);
  else if (info->part[0] && info->offset >= 0)
    snprintf(where, sizeof where, "%s@%lld: ", info->part, info->offset);
  else if (info->part[0])
    snprintf(where, sizeof where, "%s: ", info->part);
  else if (info->offset >= 0)
    snprintf(where, sizeof where, "offset %lld: ", info->offset);
  if (info->msg[0])
    snprintf(buf, size, "%s%s (%s)", where, info->msg,
             xr_strerror(info->status));
  else
    snprintf(buf, size, "%s%s", where, xr_strerror(info->status));
  return buf;
}
