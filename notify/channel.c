/* Channels: open, send, reply, close, release; the Windows
 * IPrintAsyncNotifyChannel contract with its traps fixed.
 *
 * - Every bidirectional send gets exactly one on_event: the first reply,
 *   or its default answer on timeout, when nobody can be asked, or when the
 *   channel closes first. So a job never hangs on an absent user.
 * - The first listener to reply acquires the channel: later sends go only
 *   to it, and other listeners' replies get XR_E_ACQUIRED.
 * - on_closed runs exactly once, after the last on_event, on the notifier
 *   thread, because both are only ever called from ntf_channels_run.
 * - Close and release are legal in either order: the channel is reference
 *   counted (opener, notifier table, queued sends).
 *
 * All mutable state is under the notifier's ctl lock; public calls also
 * mark the channel busy so that two threads inside calls on one channel
 * get XR_E_CALL_IN_PROGRESS instead of an undefined interleaving. */
#include "notify/channel.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "notify/notifier.h"

#define DEFAULT_TIMEOUT_MS 30000

void ntf_channel_unref(struct xr_channel *ch) {
  if (atomic_fetch_sub_explicit(&ch->refs, 1, memory_order_acq_rel) != 1)
    return;
  while (ch->replies) {
    struct ntf_reply *r = ch->replies;
    ch->replies = r->next;
    free(r);
  }
  free(ch->q_dflt);
  free(ch->dflt);
  free(ch);
}

static void *dup_bytes(const void *p, size_t len) {
  void *d = malloc(len ? len : 1);
  if (d && len)
    memcpy(d, p, len);
  return d;
}

/* Checks a payload against the channel's type. what: 0 a send, 1 a reply
 * or default answer. For our schema, a bidirectional send must be a query
 * (its choice count is returned) and an answer must pick one of nchoices
 * (< 0: any). */
static int validate(const struct xr_channel *ch, int what, const void *p,
                    size_t len, int nchoices, int *out_nchoices) {
  if (len > XR_NOTIFY_PAYLOAD_MAX)
    return XR_E_TOO_BIG;
  if (!p && len)
    return XR_E_INVAL;
  if (xr_uuid_equal(&ch->type, &XR_NOTIFY_TYPE_ASYNCUI)) {
    int rc = xr_asyncui_validate(p, len, what, NULL, 0, NULL, 0);
    return rc == XR_E_NOMEM ? rc : rc < 0 ? XR_E_WRONG_TYPE : XR_OK;
  }
  xr_msg *m = malloc(sizeof *m); /* ~4 KiB: not on a caller's stack */
  int rc;
  if (!m)
    return XR_E_NOMEM;
  rc = xr_msg_decode(p, len, m);
  if (rc == XR_E_TOO_BIG)
    rc = XR_E_TOO_BIG;
  else if (rc < 0)
    rc = XR_E_WRONG_TYPE;
  else if (what == 1)
    rc = m->kind == XR_MSG_ANSWER && (nchoices < 0 || m->choice < nchoices)
             ? XR_OK
             : XR_E_WRONG_TYPE;
  else if (ch->style == XR_BIDIRECTIONAL)
    rc = m->kind == XR_MSG_QUERY ? XR_OK : XR_E_WRONG_TYPE;
  else
    rc = m->kind >= XR_MSG_PROGRESS && m->kind <= XR_MSG_STATE
             ? XR_OK
             : XR_E_WRONG_TYPE;
  if (rc == XR_OK && out_nchoices)
    *out_nchoices = m->nchoices;
  free(m);
  return rc;
}

static int known_type(const xr_uuid *t) {
  return xr_uuid_equal(t, &XR_NOTIFY_TYPE_XPSRASTER) ||
         xr_uuid_equal(t, &XR_NOTIFY_TYPE_ASYNCUI);
}

int ntf_channel_eligible(xr_notifier *n, struct xr_channel *ch,
                         const struct ntf_listener *l) {
  if (!l->active)
    return 0;
  if (ch->acquired_by && ch->acquired_by != l->id)
    return 0;
  if (l->uid == 0)
    return 1;
  if (ch->filter == XR_ALL_USERS)
    return l->admin;
  return n->job_uid != (uid_t)-1 && l->uid == n->job_uid;
}

static int count_eligible(xr_notifier *n, struct xr_channel *ch) {
  int c = 0;
  for (struct ntf_listener *l = n->listeners; l; l = l->next)
    c += ntf_channel_eligible(n, ch, l);
  return c;
}

/* Queues an on_event (copying payload). On allocation failure the event
 * still runs, with no payload and XR_E_NOMEM, so none is ever lost. */
static void push_reply(struct xr_channel *ch, int status, const void *p,
                       size_t len) {
  struct ntf_reply *r = malloc(sizeof *r + len);
  if (!r) {
    r = malloc(sizeof *r);
    if (!r)
      return; /* nothing left to report with */
    status = XR_E_NOMEM;
    len = 0;
  }
  r->next = NULL;
  r->status = status;
  r->len = len;
  if (len)
    memcpy(r->data, p, len);
  *ch->replies_tail = r;
  ch->replies_tail = &r->next;
}

/* The outstanding send ends with its default answer. */
static void resolve_default(struct xr_channel *ch, int status) {
  if (!ch->outstanding)
    return;
  ch->outstanding = 0;
  push_reply(ch, status, ch->q_dflt, ch->q_dflt_len);
  free(ch->q_dflt);
  ch->q_dflt = NULL;
  ch->q_dflt_len = 0;
}

/* ---- public API ---- */

int xr_channel_open(xr_notifier *n, const xr_channel_opts *o,
                    xr_channel **out) {
  struct xr_channel *ch;
  int rc;
  if (!out)
    return XR_E_INVAL;
  *out = NULL;
  if (!n || !o ||
      (o->user_filter != XR_PER_USER && o->user_filter != XR_ALL_USERS) ||
      (o->style != XR_UNIDIRECTIONAL && o->style != XR_BIDIRECTIONAL) ||
      o->timeout_ms < 0)
    return XR_E_INVAL;
  if (!known_type(&o->type))
    return XR_E_WRONG_TYPE;
  ch = calloc(1, sizeof *ch);
  if (!ch)
    return XR_E_NOMEM;
  ch->type = o->type;
  ch->filter = o->user_filter;
  ch->style = o->style;
  ch->timeout_ms = o->timeout_ms ? o->timeout_ms : DEFAULT_TIMEOUT_MS;
  ch->on_event = o->on_event;
  ch->on_closed = o->on_closed;
  ch->ud = o->ud;
  ch->replies_tail = &ch->replies;
  atomic_init(&ch->refs, 2); /* opener + table */
  atomic_init(&ch->busy, 0);
  if (o->style == XR_BIDIRECTIONAL) {
    /* A bidirectional channel cannot exist without a default answer. */
    if (!o->default_answer) {
      rc = XR_E_INVAL;
      goto fail;
    }
    rc = validate(ch, 1, o->default_answer, o->default_len, -1, NULL);
    if (rc < 0)
      goto fail;
    ch->dflt = dup_bytes(o->default_answer, o->default_len);
    ch->dflt_len = o->default_len;
    if (!ch->dflt) {
      rc = XR_E_NOMEM;
      goto fail;
    }
  }
  ntf_lock(n);
  if (n->stopping) {
    ntf_unlock(n);
    rc = XR_E_CLOSED;
    goto fail;
  }
  ch->n = n;
  ch->id = ++n->next_channel_id;
  ch->next = n->channels;
  n->channels = ch;
  ntf_unlock(n);
  *out = ch;
  return XR_OK;
fail:
  free(ch->dflt);
  free(ch);
  return rc;
}

uint64_t xr_channel_id(const xr_channel *ch) {
  return ch ? ch->id : 0;
}

/* A public call holds its own reference for its duration, so that the
 * opener's reference may be released concurrently (say, from on_closed
 * while xr_channel_close is still returning) without freeing the channel
 * under the call. */
static int enter(struct xr_channel *ch) {
  int expected = 0;
  atomic_fetch_add_explicit(&ch->refs, 1, memory_order_relaxed);
  if (atomic_compare_exchange_strong_explicit(
          &ch->busy, &expected, 1, memory_order_acquire, memory_order_relaxed))
    return 1;
  ntf_channel_unref(ch);
  return 0;
}

static void leave(struct xr_channel *ch) {
  atomic_store_explicit(&ch->busy, 0, memory_order_release);
  ntf_channel_unref(ch);
}

static int send_locked(xr_notifier *n, struct xr_channel *ch,
                       const void *payload, size_t len, int timeout_ms,
                       const void *dflt, size_t dflt_len) {
  int nchoices = -1, rc;
  void *copy, *dcopy = NULL;
  struct ntf_head head = {.kind = NTF_EV_CHANNEL};

  if (ch->state != NTF_CH_OPEN)
    return XR_E_CLOSED;
  if (len > XR_NOTIFY_PAYLOAD_MAX)
    return XR_E_TOO_BIG;
  if (ch->style == XR_BIDIRECTIONAL && ch->outstanding)
    return XR_E_WAITING_REPLY;
  rc = validate(ch, 0, payload, len, -1, &nchoices);
  if (rc < 0)
    return rc;
  if (ch->style == XR_BIDIRECTIONAL) {
    if (!dflt) {
      dflt = ch->dflt;
      dflt_len = ch->dflt_len;
    }
    rc = validate(ch, 1, dflt, dflt_len,
                  xr_uuid_equal(&ch->type, &XR_NOTIFY_TYPE_XPSRASTER) ? nchoices
                                                                      : -1,
                  NULL);
    if (rc < 0)
      return rc;
    dcopy = dup_bytes(dflt, dflt_len);
    if (!dcopy)
      return XR_E_NOMEM;
  }
  if (count_eligible(n, ch) == 0) {
    if (ch->style == XR_BIDIRECTIONAL) {
      /* Nobody to ask: the default answer, at once. */
      ch->outstanding = 1;
      ch->q_dflt = dcopy;
      ch->q_dflt_len = dflt_len;
      resolve_default(ch, XR_S_NO_LISTENERS);
      ntf_kick(n);
    }
    return XR_S_NO_LISTENERS;
  }
  copy = dup_bytes(payload, len);
  if (!copy) {
    free(dcopy);
    return XR_E_NOMEM;
  }
  head.ch = ch;
  head.data = copy;
  head.len = (uint32_t)len;
  atomic_fetch_add_explicit(&ch->refs, 1, memory_order_relaxed);
  ch->queued++;
  rc = ntf_post(n, &head, NULL);
  if (rc < 0) {
    ch->queued--;
    atomic_fetch_sub_explicit(&ch->refs, 1, memory_order_relaxed);
    free(copy);
    free(dcopy);
    return rc;
  }
  if (ch->style == XR_BIDIRECTIONAL) {
    ch->outstanding = 1;
    ch->deadline =
        ntf_now_ms() + (timeout_ms > 0 ? timeout_ms : ch->timeout_ms);
    ch->q_dflt = dcopy;
    ch->q_dflt_len = dflt_len;
    ch->q_nchoices = nchoices;
  }
  if (ch->lost) {
    ch->lost = 0;
    return XR_S_LOST;
  }
  return XR_OK;
}

static int do_send(xr_channel *ch, const void *payload, size_t len,
                   int timeout_ms, const void *dflt, size_t dflt_len) {
  xr_notifier *n;
  int rc;
  if (!ch)
    return XR_E_NOT_OPENED;
  if (!enter(ch))
    return XR_E_CALL_IN_PROGRESS;
  n = ch->n;
  if (!n) {
    leave(ch);
    return XR_E_CLOSED;
  }
  ntf_lock(n);
  rc = send_locked(n, ch, payload, len, timeout_ms, dflt, dflt_len);
  ntf_unlock(n);
  leave(ch);
  return rc;
}

int xr_channel_send(xr_channel *ch, const void *payload, size_t len) {
  return do_send(ch, payload, len, 0, NULL, 0);
}

int xr_channel_send_query(xr_channel *ch, const void *payload, size_t len,
                          int timeout_ms, const void *dflt, size_t dflt_len) {
  if (ch && ch->style != XR_BIDIRECTIONAL)
    return XR_E_WRONG_TYPE;
  if (timeout_ms < 0 || !dflt)
    return XR_E_INVAL;
  return do_send(ch, payload, len, timeout_ms, dflt, dflt_len);
}

static int close_locked(struct xr_channel *ch, int flags, int status) {
  if (ch->state != NTF_CH_OPEN)
    return XR_E_CLOSED;
  ch->state = NTF_CH_CLOSING;
  ch->close_flags = flags;
  ch->close_status = status;
  return XR_OK;
}

int xr_channel_close(xr_channel *ch, int flags) {
  xr_notifier *n;
  int rc;
  if (!ch)
    return XR_E_NOT_OPENED;
  if (flags != XR_CLOSE_DRAIN && flags != XR_CLOSE_DISCARD)
    return XR_E_INVAL;
  if (!enter(ch))
    return XR_E_CALL_IN_PROGRESS;
  n = ch->n;
  if (!n) {
    leave(ch);
    return XR_E_CLOSED;
  }
  ntf_lock(n);
  rc = close_locked(ch, flags, XR_OK);
  ntf_unlock(n);
  if (rc == XR_OK)
    ntf_kick(n);
  leave(ch);
  return rc;
}

void xr_channel_release(xr_channel *ch) {
  xr_notifier *n;
  if (!ch)
    return;
  n = ch->n;
  if (n) {
    ntf_lock(n);
    ch->released = 1;
    close_locked(ch, XR_CLOSE_DRAIN, XR_OK);
    ntf_unlock(n);
    ntf_kick(n); /* the table lets go of it once it is closed */
  }
  ntf_channel_unref(ch);
}

/* ---- notifier side ---- */

void ntf_channel_route(xr_notifier *n, struct xr_channel *ch, void *payload,
                       size_t len) {
  ch->queued--;
  if (!(ch->state == NTF_CH_CLOSING && ch->close_flags == XR_CLOSE_DISCARD)) {
    int delivered = 0;
    for (struct ntf_listener *l = n->listeners; l; l = l->next) {
      if (!ntf_channel_eligible(n, ch, l))
        continue;
      if (l->ops->notify(l, ch, payload, len) == 0)
        delivered++;
      else
        ch->lost = 1;
    }
    /* Every eligible listener left between send and routing. */
    if (!delivered && ch->style == XR_BIDIRECTIONAL)
      resolve_default(ch, XR_S_NO_LISTENERS);
  }
  free(payload);
  ntf_channel_unref(ch);
}

int ntf_channel_reply(xr_notifier *n, struct ntf_listener *l, uint64_t id,
                      const xr_uuid *ptype, const void *payload, size_t len) {
  struct xr_channel *ch;
  int rc;
  for (ch = n->channels; ch; ch = ch->next)
    if (ch->id == id)
      break;
  /* A listener that could never have seen the channel learns nothing about
   * it, not even that it exists. */
  if (!ch ||
      (l->uid != 0 && (ch->filter == XR_ALL_USERS
                           ? !l->admin
                           : n->job_uid == (uid_t)-1 || l->uid != n->job_uid)))
    return XR_E_NOT_OPENED;
  if (!l->active || ch->state != NTF_CH_OPEN)
    return XR_E_CLOSED;
  if (ch->style != XR_BIDIRECTIONAL)
    return XR_E_WRONG_TYPE;
  if (len > XR_NOTIFY_PAYLOAD_MAX)
    return XR_E_TOO_BIG;
  if (ptype && !xr_uuid_equal(ptype, &ch->type))
    return XR_E_WRONG_TYPE;
  if (ch->acquired_by && ch->acquired_by != l->id)
    return XR_E_ACQUIRED;
  if (!ch->outstanding)
    return XR_E_TIMEOUT; /* answered, timed out, or never asked */
  rc = validate(
      ch, 1, payload, len,
      xr_uuid_equal(&ch->type, &XR_NOTIFY_TYPE_XPSRASTER) ? ch->q_nchoices : -1,
      NULL);
  if (rc < 0)
    return rc;
  ch->acquired_by = l->id;
  ch->outstanding = 0;
  free(ch->q_dflt);
  ch->q_dflt = NULL;
  push_reply(ch, XR_OK, payload, len);
  ntf_kick(n);
  return XR_OK;
}

void ntf_channels_forget(xr_notifier *n, struct ntf_listener *l) {
  for (struct xr_channel *ch = n->channels; ch; ch = ch->next)
    if (ch->acquired_by == l->id)
      ch->acquired_by = 0;
}

static void run_events(struct xr_channel *ch) {
  while (ch->replies) {
    struct ntf_reply *r = ch->replies;
    ch->replies = r->next;
    if (!ch->replies)
      ch->replies_tail = &ch->replies;
    if (ch->on_event)
      ch->on_event(ch, r->status, r->data, r->len, ch->ud);
    free(r);
  }
}

int64_t ntf_channels_run(xr_notifier *n, int64_t now, int final) {
  int64_t best = -1;
  struct xr_channel **pp = &n->channels;
  while (*pp) {
    struct xr_channel *ch = *pp;
    if (final && ch->state == NTF_CH_OPEN)
      close_locked(ch, XR_CLOSE_DRAIN, XR_E_CANCELLED);
    if (ch->outstanding && now >= ch->deadline)
      resolve_default(ch, XR_E_TIMEOUT);
    /* Callbacks run with ctl held (it is recursive); they may open,
     * send on, close or release channels, which never unlinks: only this
     * loop does. */
    run_events(ch);
    if (ch->state == NTF_CH_CLOSING && ch->queued == 0) {
      resolve_default(ch, XR_E_CLOSED);
      run_events(ch);
      for (struct ntf_listener *l = n->listeners; l; l = l->next)
        if (l->ops->closed && ntf_channel_eligible(n, ch, l))
          l->ops->closed(l, ch, ch->close_status);
      ch->state = NTF_CH_CLOSED;
      if (ch->on_closed)
        ch->on_closed(ch, ch->close_status, ch->ud);
    }
    /* A closed channel stays in the table until its opener released it, so
     * that ch->n stays valid for the opener's calls (they get
     * XR_E_CLOSED); at the end the table lets go of every channel. */
    if (ch->state == NTF_CH_CLOSED && (ch->released || final)) {
      *pp = ch->next;
      ch->next = NULL;
      if (final)
        ch->n = NULL; /* read by the opener only after xr_notifier_drop */
      ntf_channel_unref(ch); /* the table's reference */
      continue;
    }
    if (ch->outstanding && (best < 0 || ch->deadline < best))
      best = ch->deadline;
    pp = &ch->next;
  }
  return best;
}
