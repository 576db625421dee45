/* xpsraster status codes.
 *
 * Every call that can fail returns an int: negative is an error, zero is
 * success, positive is success with information (used by the notifier).
 * One X-macro list yields the enum, xr_strerror() and xr_err_name(). */
#ifndef XPSRASTER_ERROR_H
#define XPSRASTER_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

#define XR_STATUS_MAP(X)                                                       \
  X(OK, 0, "success")                                                          \
  X(S_NO_LISTENERS, 1, "sent, but no listener is connected")                   \
  X(S_LOST, 2, "sent, but the notification was lost before delivery")          \
  X(S_REPLACED, 3, "sent, replacing an older value not yet delivered")         \
  X(E_NOMEM, -1, "out of memory")                                              \
  X(E_INVAL, -2, "invalid argument")                                           \
  X(E_IO, -3, "input or output failed")                                        \
  X(E_FORMAT, -4, "the document is malformed")                                 \
  X(E_SYNTAX, -5, "syntax error in markup or attribute data")                  \
  X(E_LIMIT, -6, "a safety limit was exceeded")                                \
  X(E_UNSUPPORTED, -7, "the document uses an unsupported feature")             \
  X(E_NOTFOUND, -8, "a referenced part is missing from the package")           \
  X(E_CANCELLED, -9, "the job was cancelled")                                  \
  X(E_INTERNAL, -10, "internal error")                                         \
  X(E_USAGE, -11, "invalid usage")                                             \
  X(E_CRC, -12, "a package entry failed its checksum")                         \
  X(E_QUEUE_FULL, -20, "the notification queue is full")                       \
  X(E_TOO_BIG, -21, "the notification payload is too big")                    \
  X(E_WRONG_TYPE, -22, "the payload does not match the channel type")          \
  X(E_CLOSED, -23, "the channel is already closed")                            \
  X(E_NOT_OPENED, -24, "the channel was never opened")                         \
  X(E_WAITING_REPLY, -25, "the channel is waiting for a reply")                \
  X(E_ACQUIRED, -26, "the channel was acquired by another listener")           \
  X(E_CALL_IN_PROGRESS, -27, "another call on the channel is in progress")     \
  X(E_TIMEOUT, -28, "the operation timed out")                                 \
  X(E_DENIED, -29, "permission denied")                                        \
  X(E_PROTOCOL, -30, "malformed message on the listener protocol")

enum xr_status {
#define XR_STATUS_ENUM(name, value, msg) XR_##name = (value),
  XR_STATUS_MAP(XR_STATUS_ENUM)
#undef XR_STATUS_ENUM
};

/* A static, human-readable message for a status code. Never NULL. */
const char *xr_strerror(int status);
/* The symbolic name ("XR_E_FORMAT") of a status code. Never NULL. */
const char *xr_err_name(int status);

/* Where an error or warning happened. Filled by failing calls that take
 * one; the caller owns the storage. line and offset are -1 when they do
 * not apply. */
typedef struct xr_errinfo {
  int status;
  long line;
  long long offset;
  char part[256];
  char msg[512];
} xr_errinfo;

/* Resets info to "no error". info may be NULL. */
void xr_errinfo_clear(xr_errinfo *info);

/* Records an error in info (NULL is allowed) and returns status, so that
 * callers can write `return xr_errinfo_set(err, XR_E_FORMAT, part, line, -1,
 * "bad %s", what);`. part may be NULL. */
int xr_errinfo_set(xr_errinfo *info, int status, const char *part, long line,
                   long long offset, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;

/* Formats info as one line: "part:line: message (reason)". Returns buf. */
char *xr_errinfo_format(const xr_errinfo *info, char *buf, unsigned long size);

#ifdef __cplusplus
}
#endif
#endif
