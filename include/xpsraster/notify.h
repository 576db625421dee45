/* Job notifications: progress, warnings, errors and queries.
 *
 * A notifier belongs to one job. Render threads post into it without
 * locking or allocating; its own thread delivers what they post to the
 * registered sinks (CUPS stderr, a listener socket, in-process callbacks).
 * See notify/NOTIFY.md for the full contract.
 *
 * Statuses: < 0 is an error, 0 success, > 0 success with information
 * (XR_S_NO_LISTENERS, XR_S_LOST, XR_S_REPLACED). */
#ifndef XPSRASTER_NOTIFY_H
#define XPSRASTER_NOTIFY_H

#include <stddef.h>
#include <stdint.h>

#include "xpsraster/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct xr_notifier xr_notifier;

/* Who the job is for. All strings are copied by xr_notifier_new; any may be
 * NULL. user is the job's user name (the CUPS filter's argv[2]): per-user
 * events go to that user's listeners, not to the process's uid. */
typedef struct xr_job_info {
  long job_id;
  const char *user;
  const char *title;
  const char *printer;
} xr_job_info;

enum xr_level {
  XR_LEVEL_INFO = 0,
  XR_LEVEL_WARNING = 1,
  XR_LEVEL_ERROR = 2
};

/* Text longer than this (bytes, without the NUL) is truncated when posted. */
#define XR_NOTIFY_TEXT_MAX 958

/* Creation options for xr_notifier_new_opts. Zero (or xr_notifier_opts_init)
 * gives the defaults. */
typedef struct xr_notifier_opts {
  unsigned queue_slots; /* power of two in [2, 65536]; 0: 1024 */
  /* Throttle of ATTR: job-media-progress; 0: defaults (1 %, 250 ms). */
  int progress_min_pct;
  int progress_min_ms;
} xr_notifier_opts;

void xr_notifier_opts_init(xr_notifier_opts *opts);

/* Creates the notifier and starts its thread. job may be NULL. On failure
 * returns < 0 and sets *out to NULL. Not for render threads (allocates). */
int xr_notifier_new(const xr_job_info *job, xr_notifier **out);
int xr_notifier_new_opts(const xr_job_info *job, const xr_notifier_opts *opts,
                         xr_notifier **out);

/* Delivers everything already posted, then stops the thread, closes what
 * the notifier owns (not the CUPS sink's fd) and frees. NULL is a no-op.
 * No other call on n may be running or follow. */
void xr_notifier_drop(xr_notifier *n);

/* Sink writing the CUPS filter stderr protocol (filter(7)) to fd, normally
 * 2: INFO:, WARNING:, ERROR:, PAGE:, STATE:, ATTR: job-media-progress=.
 * One write() per line of at most 4095 bytes; control characters in text
 * become spaces, so posted text cannot forge protocol lines. fd is
 * borrowed and must outlive n. Queries take their default answer there. */
int xr_notifier_add_cups_sink(xr_notifier *n, int fd);

/* In-process sink for embedders: called on the notifier thread for every
 * delivered event, in delivery order. The event and its strings are valid
 * only during the call. The callback must not call xr_notifier_drop. */
enum xr_event_kind {
  XR_EVENT_PROGRESS = 1, /* page, pages, fraction */
  XR_EVENT_PAGE = 2,     /* page, copies */
  XR_EVENT_MESSAGE = 3,  /* level, text */
  XR_EVENT_STATE = 4     /* text: "+keyword" / "-keyword" list */
};
typedef struct xr_event {
  int kind;     /* enum xr_event_kind */
  int level;    /* enum xr_level, for XR_EVENT_MESSAGE */
  int page;     /* 1-based */
  int pages;    /* -1 unknown */
  int copies;   /* XR_EVENT_PAGE */
  double fraction;
  const char *text; /* never NULL; "" when none */
} xr_event;
typedef void (*xr_event_cb)(const xr_event *ev, void *ud);
int xr_notifier_add_callback_sink(xr_notifier *n, xr_event_cb cb, void *ud);

/* Posting, callable from any thread, render threads included: lock-free,
 * no malloc, no syscall except one wake of the notifier thread when it is
 * asleep. n may be NULL (ignored, returns XR_OK).
 *
 * Progress is state, not a stream: the latest value wins, and a value not
 * yet delivered is replaced (returns XR_S_REPLACED). fraction is of the
 * whole job, clamped to [0, 1]; pages is -1 when unknown. */
int xr_notify_progress(xr_notifier *n, int page, int pages, double fraction);
/* A page is finished: "PAGE: page copies". XR_E_QUEUE_FULL when full. */
int xr_notify_page(xr_notifier *n, int page, int copies);
/* A message (text copied, truncated to XR_NOTIFY_TEXT_MAX). A full queue
 * returns XR_E_QUEUE_FULL and is counted, never silently dropped. */
int xr_notify_message(xr_notifier *n, int level, const char *text);
/* printer-state-reasons change, e.g. "+media-empty-warning". */
int xr_notify_state(xr_notifier *n, const char *keywords);

/* Counters, readable at any time (each is individually exact; the set is
 * not a snapshot). */
typedef struct xr_notify_stats {
  uint64_t posted;      /* events accepted into the queue */
  uint64_t delivered;   /* events taken off the queue by the notifier */
  uint64_t lost;        /* events refused with XR_E_QUEUE_FULL */
  uint64_t lost_errors; /* of which warnings and errors */
  uint64_t progress_replaced; /* progress values overwritten undelivered */
  uint64_t wakeups;     /* times a poster woke the notifier thread */
} xr_notify_stats;
void xr_notifier_stats(const xr_notifier *n, xr_notify_stats *out);

#ifdef __cplusplus
}
#endif
#endif
