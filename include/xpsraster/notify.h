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

enum xr_level { XR_LEVEL_INFO = 0, XR_LEVEL_WARNING = 1, XR_LEVEL_ERROR = 2 };

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
  int kind;   /* enum xr_event_kind */
  int level;  /* enum xr_level, for XR_EVENT_MESSAGE */
  int page;   /* 1-based */
  int pages;  /* -1 unknown */
  int copies; /* XR_EVENT_PAGE */
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

/* ---- Payload types ------------------------------------------------------ */

/* A channel's payload type, as in the Windows API: a UUID. */
typedef struct xr_uuid {
  uint8_t b[16];
} xr_uuid;

/* Our own versioned schema: "key=value" lines, UTF-8, first line "v=1"
 * (see NOTIFY.md). Used for job events on the listener socket and for the
 * renderer's queries. {9a3c5e1f-2b7d-4e60-8f14-6d0b2a9c7e35} */
extern const xr_uuid XR_NOTIFY_TYPE_XPSRASTER;
/* MS_ASYNCNOTIFY_UI {f6853f92-eb31-4e23-b6e7-fd69056153f0}: UTF-8 or
 * UTF-16 XML asyncPrintUIRequest (balloonUI, messageBoxUI) and
 * asyncPrintUIResponse. customUI, customData and action are refused. */
extern const xr_uuid XR_NOTIFY_TYPE_ASYNCUI;

/* Parses "{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}" (braces optional).
 * Returns 0 or XR_E_SYNTAX. */
int xr_uuid_parse(const char *text, xr_uuid *out);
/* Writes the braced lower-case form (39 bytes with the NUL). */
char *xr_uuid_format(const xr_uuid *u, char buf[39]);
int xr_uuid_equal(const xr_uuid *a, const xr_uuid *b);

/* Largest channel payload or reply, in bytes. */
#define XR_NOTIFY_PAYLOAD_MAX 65536
/* Choices in one query, and bytes in one choice or field. */
#define XR_MSG_CHOICES_MAX 16
#define XR_MSG_FIELD_MAX 1024

/* One message of our schema, decoded. */
enum xr_msg_kind {
  XR_MSG_HELLO = 1,    /* job, user, title, printer */
  XR_MSG_PROGRESS = 2, /* page, pages, percent */
  XR_MSG_PAGE = 3,     /* page, copies */
  XR_MSG_INFO = 4,     /* text */
  XR_MSG_WARNING = 5,  /* text */
  XR_MSG_ERROR = 6,    /* text */
  XR_MSG_STATE = 7,    /* text */
  XR_MSG_QUERY = 8,    /* text, choices, default_choice, timeout_ms */
  XR_MSG_ANSWER = 9    /* choice */
};
typedef struct xr_msg {
  int kind;
  long job;
  int page, pages, percent, copies;
  int nchoices, default_choice, timeout_ms, choice;
  char text[XR_MSG_FIELD_MAX];  /* INFO..QUERY text; HELLO title */
  char user[256], printer[256]; /* HELLO */
  char choices[XR_MSG_CHOICES_MAX][128];
} xr_msg;

/* Decodes and validates one message: version, kind, known keys only,
 * numbers in range, valid UTF-8 without control characters. Returns 0,
 * XR_E_WRONG_TYPE (not our schema / unknown version or kind), XR_E_TOO_BIG
 * or XR_E_SYNTAX. */
int xr_msg_decode(const void *buf, size_t len, xr_msg *out);
/* Encodes m into buf (cap bytes); control characters in strings become
 * spaces. Sets *len. Returns 0, XR_E_TOO_BIG or XR_E_INVAL. */
int xr_msg_encode(const xr_msg *m, char *buf, size_t cap, size_t *len);
/* Validates an AsyncUI payload. response != 0 checks an
 * asyncPrintUIResponse, else an asyncPrintUIRequest. On success fills the
 * optional outputs: kind ("balloonUI"/"messageBoxUI"), and for a response
 * the buttonID. Returns 0, XR_E_WRONG_TYPE, XR_E_UNSUPPORTED (customUI,
 * customData, action), XR_E_TOO_BIG or XR_E_SYNTAX. */
int xr_asyncui_validate(const void *buf, size_t len, int response, char *kind,
                        size_t kind_cap, char *button, size_t button_cap);

/* ---- Channels (the IPrintAsyncNotifyChannel equivalent) ---------------- */

typedef struct xr_channel xr_channel;

enum xr_user_filter {
  XR_PER_USER = 1, /* the job's user (not the process's) and root */
  XR_ALL_USERS = 2 /* administrators: root and members of lpadmin */
};
enum xr_channel_style { XR_UNIDIRECTIONAL = 1, XR_BIDIRECTIONAL = 2 };
enum xr_close_flags {
  XR_CLOSE_DRAIN = 0,  /* deliver what is queued, then close */
  XR_CLOSE_DISCARD = 1 /* drop what is queued */
};

/* on_event: a listener's reply on a bidirectional channel (status XR_OK),
 * or the default answer: XR_E_TIMEOUT (nobody replied in time),
 * XR_S_NO_LISTENERS (nobody could be asked), XR_E_CLOSED (the channel
 * closed first). Every bidirectional send gets exactly one on_event.
 * on_closed: exactly once, after the last on_event; status is XR_OK for a
 * close by the opener, XR_E_CANCELLED when the notifier was dropped.
 * Both run on the notifier thread, must not block, and may call channel
 * functions except xr_channel_query. */
typedef void (*xr_channel_event_cb)(xr_channel *ch, int status,
                                    const void *payload, size_t len, void *ud);
typedef void (*xr_channel_closed_cb)(xr_channel *ch, int status, void *ud);

typedef struct xr_channel_opts {
  xr_uuid type;    /* XR_NOTIFY_TYPE_XPSRASTER or XR_NOTIFY_TYPE_ASYNCUI */
  int user_filter; /* enum xr_user_filter */
  int style;       /* enum xr_channel_style */
  int timeout_ms;  /* bidirectional: reply timeout; 0: 30000 */
  const void *default_answer; /* bidirectional: required, validated */
  size_t default_len;
  xr_channel_event_cb on_event;   /* may be NULL */
  xr_channel_closed_cb on_closed; /* may be NULL */
  void *ud;
} xr_channel_opts;

/* Opens a channel (not from a render thread: it allocates). Returns 0,
 * XR_E_INVAL, XR_E_WRONG_TYPE (unknown type or invalid default answer),
 * XR_E_CLOSED (the notifier is stopping) or XR_E_NOMEM. The opener owns
 * one reference, returned by xr_channel_release. */
int xr_channel_open(xr_notifier *n, const xr_channel_opts *o, xr_channel **out);
/* Sends a payload (copied, validated against the channel's type). Returns
 * at once: XR_OK, XR_S_NO_LISTENERS (bidirectional: the default answer
 * follows through on_event), XR_S_LOST (sent, but an earlier notification
 * on this channel was lost on the way to a listener), or an error:
 * XR_E_NOT_OPENED (NULL), XR_E_CLOSED, XR_E_TOO_BIG, XR_E_WRONG_TYPE,
 * XR_E_WAITING_REPLY (bidirectional: the previous send is unanswered),
 * XR_E_QUEUE_FULL, XR_E_CALL_IN_PROGRESS (another thread is inside a call
 * on this channel), XR_E_NOMEM. Not for render threads: it allocates. */
int xr_channel_send(xr_channel *ch, const void *payload, size_t len);
/* Bidirectional send with its own timeout and default answer. */
int xr_channel_send_query(xr_channel *ch, const void *payload, size_t len,
                          int timeout_ms, const void *dflt, size_t dflt_len);
/* Closes: idempotent (a second close returns XR_E_CLOSED and does
 * nothing). flags: enum xr_close_flags. on_closed follows on the notifier
 * thread. */
int xr_channel_close(xr_channel *ch, int flags);
/* Returns the opener's reference; closes (draining) first if still open.
 * Legal before or after close, and after xr_notifier_drop. NULL: no-op. */
void xr_channel_release(xr_channel *ch);
/* The channel id listeners see. */
uint64_t xr_channel_id(const xr_channel *ch);

/* Asks the job's listeners a question and waits up to timeout_ms for an
 * answer. *answer is always set: the chosen index, or default_choice.
 * Returns XR_OK (answered), XR_S_NO_LISTENERS, XR_E_TIMEOUT, or another
 * error. Blocks: call it from the filter's thread, not the notifier's. */
int xr_notify_query(xr_notifier *n, const char *question,
                    const char *const *choices, int nchoices,
                    int default_choice, int timeout_ms, int *answer);

/* ---- Listeners ---------------------------------------------------------- */

/* In-process listener: receives channel notifications on the notifier
 * thread, routed like a socket peer with the given uid. */
typedef struct xr_listener xr_listener;
typedef struct xr_listener_cbs {
  void (*on_notify)(xr_listener *l, uint64_t channel, const xr_uuid *type,
                    int style, const void *payload, size_t len, void *ud);
  void (*on_closed)(xr_listener *l, uint64_t channel, int status, void *ud);
  void *ud;
} xr_listener_cbs;
/* uid < 0: the process's uid. The listener lives until xr_notifier_drop
 * or xr_listener_close. */
int xr_notifier_add_listener(xr_notifier *n, long uid,
                             const xr_listener_cbs *cbs, xr_listener **out);
/* Replies on a bidirectional channel (payload copied). Returns XR_OK (this
 * listener now owns the channel), XR_E_ACQUIRED (another listener replied
 * first), XR_E_NOT_OPENED (no such channel), XR_E_CLOSED, XR_E_TIMEOUT
 * (no query outstanding: answered or timed out), XR_E_WRONG_TYPE,
 * XR_E_TOO_BIG. Any thread. */
int xr_listener_reply(xr_listener *l, uint64_t channel, const void *payload,
                      size_t len);
/* Stops deliveries to l; it is freed by xr_notifier_drop. */
void xr_listener_close(xr_listener *l);

/* Listener socket: a Unix-domain stream socket at path (an existing socket
 * file there is replaced). The peer's uid (SO_PEERCRED) decides what it
 * receives; a peer that may receive nothing is refused. Socket mode 0666:
 * access is decided by credentials, not file permissions. */
int xr_notifier_add_socket_sink(xr_notifier *n, const char *path);

/* ---- The listener side of the socket (xpsnotify, embedders) ------------ */

typedef struct xr_notify_client xr_notify_client;
enum xr_frame_type {
  XR_FRAME_HELLO = 1,  /* job info; status < 0: refused */
  XR_FRAME_EVENT = 2,  /* a job event, our schema */
  XR_FRAME_NOTIFY = 3, /* a channel notification */
  XR_FRAME_STATUS = 5, /* the outcome of our reply (status) */
  XR_FRAME_CLOSED = 6  /* the channel closed (status: why) */
};
enum xr_frame_flags { XR_FRAME_BIDI = 1, XR_FRAME_ALL_USERS = 2 };
typedef struct xr_notify_frame {
  int type;  /* enum xr_frame_type */
  int flags; /* enum xr_frame_flags */
  int status;
  uint64_t channel;
  xr_uuid ptype;
  const void *payload; /* valid until the next call on the client */
  size_t len;
} xr_notify_frame;

/* Connects and reads the greeting (copied to *hello if not NULL; its
 * payload is valid until the next call). Returns 0, or XR_E_DENIED when
 * the notifier refuses this peer, XR_E_IO, XR_E_TIMEOUT, XR_E_PROTOCOL. */
int xr_notify_client_connect(const char *path, int timeout_ms,
                             xr_notify_client **out, xr_notify_frame *hello);
/* Waits up to timeout_ms (< 0: forever) for the next frame, validated
 * against its payload type. Returns 1 with *f filled, XR_E_TIMEOUT,
 * XR_E_CLOSED (the notifier went away), XR_E_PROTOCOL or XR_E_IO. */
int xr_notify_client_next(xr_notify_client *c, int timeout_ms,
                          xr_notify_frame *f);
/* Replies on a bidirectional channel; the payload is validated first
 * (XR_E_WRONG_TYPE). The outcome arrives as an XR_FRAME_STATUS frame. */
int xr_notify_client_reply(xr_notify_client *c, uint64_t channel,
                           const xr_uuid *type, const void *payload,
                           size_t len);
int xr_notify_client_fd(const xr_notify_client *c);
void xr_notify_client_close(xr_notify_client *c);

/* Counters, readable at any time (each is individually exact; the set is
 * not a snapshot). */
typedef struct xr_notify_stats {
  uint64_t posted;            /* events accepted into the queue */
  uint64_t delivered;         /* events taken off the queue by the notifier */
  uint64_t lost;              /* events refused with XR_E_QUEUE_FULL */
  uint64_t lost_errors;       /* of which warnings and errors */
  uint64_t progress_replaced; /* progress values overwritten undelivered */
  uint64_t wakeups;           /* times a poster woke the notifier thread */
  uint64_t listeners_dropped; /* socket peers dropped: slow, dead, bad */
} xr_notify_stats;
void xr_notifier_stats(const xr_notifier *n, xr_notify_stats *out);

#ifdef __cplusplus
}
#endif
#endif
