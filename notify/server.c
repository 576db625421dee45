/* The listener socket: a Unix-domain stream socket owned by the notifier
 * thread.
 *
 * The peer's credentials (SO_PEERCRED, set by the kernel at connect, not
 * claimed by the peer) decide what it receives: per_user channels and job
 * events go to the job's user and root, all_users channels to root and
 * lpadmin members; anyone else is refused at once. Sockets are
 * non-blocking and each peer has a bounded output buffer: a peer that does
 * not keep up, has gone, or sends a malformed frame is dropped alone, and
 * rendering never waits for any of them. */
/* struct ucred and accept4 are GNU extensions of the socket API. */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "notify/channel.h"
#include "notify/msg.h"
#include "notify/notifier.h"
#include "notify/user.h"
#include "notify/wire.h"

#define SCRATCH_BYTES (2 * XR_MSG_FIELD_MAX)
/* Bytes queued for one peer before it counts as stalled and is dropped. */
#define PEER_OUTBUF_MAX (256u * 1024u)
/* Queued bytes past which a frame is sent at once, not at the pass's end. */
#define PEER_FLUSH_AT (32u * 1024u)

struct conn {
  struct ntf_listener l; /* first: the listener list holds &l */
  struct ntf_server *srv;
  int fd;
  int dead;
  int blocked; /* the last send() met a full socket: wait for POLLOUT */
  uint8_t *out;
  size_t out_len, out_cap;
  uint8_t *in; /* NTF_WIRE_FRAME_MAX bytes, allocated at accept */
  size_t in_len;
};

struct ntf_server {
  struct ntf_sink base; /* job events */
  xr_notifier *n;
  gid_t admin_gid;   /* lpadmin, resolved once */
  xr_msg *scratch;   /* encoding job events without an allocation each */
  char *scratch_buf; /* SCRATCH_BYTES */
  int fd;
  char *path;
  dev_t dev;
  ino_t ino;
  struct conn *conns[NTF_SERVER_MAX_PEERS];
  int nconns;
};

static void kill_conn(struct conn *c) {
  if (c->dead)
    return;
  c->dead = 1;
  c->l.active = 0;
  ntf_channels_forget(c->srv->n, &c->l);
  atomic_fetch_add_explicit(&c->srv->n->listeners_dropped, 1,
                            memory_order_relaxed);
}

static void flush(struct conn *c) {
  size_t off = 0;
  while (off < c->out_len) {
    ssize_t w = send(c->fd, c->out + off, c->out_len - off,
                     MSG_NOSIGNAL | MSG_DONTWAIT);
    if (w < 0) {
      if (errno == EINTR)
        continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK)
        c->blocked = 1;
      else
        kill_conn(c); /* EPIPE, ECONNRESET: the peer is gone */
      break;
    }
    off += (size_t)w;
  }
  if (off) {
    memmove(c->out, c->out + off, c->out_len - off);
    c->out_len -= off;
  }
}

/* Queues one frame. Returns 0, or -1 when the peer is (now) dropped. */
static int queue_frame(struct conn *c, const struct ntf_frame *f) {
  size_t total = NTF_WIRE_HEADER + f->len;
  if (c->dead)
    return -1;
  /* One notifier pass can deliver thousands of events before its flush:
   * send early, so that a burst never counts a reading peer as stalled. */
  if (c->out_len + total > PEER_FLUSH_AT && !c->blocked) {
    flush(c);
    if (c->dead)
      return -1;
  }
  if (c->out_len + total > PEER_OUTBUF_MAX) {
    kill_conn(c); /* stalled: it would have to buffer without bound */
    return -1;
  }
  if (c->out_len + total > c->out_cap) {
    size_t cap = c->out_cap ? c->out_cap : 4096;
    uint8_t *p;
    while (cap < c->out_len + total)
      cap *= 2;
    if (cap > PEER_OUTBUF_MAX)
      cap = PEER_OUTBUF_MAX;
    p = realloc(c->out, cap);
    if (!p) {
      kill_conn(c);
      return -1;
    }
    c->out = p;
    c->out_cap = cap;
  }
  ntf_wire_header(f, c->out + c->out_len);
  if (f->len)
    memcpy(c->out + c->out_len + NTF_WIRE_HEADER, f->payload, f->len);
  c->out_len += total;
  /* Sent by ntf_server_pollfds, once per notifier pass: one send() per
   * peer per batch of events, not per event. */
  return 0;
}

static int peer_gets_job(const xr_notifier *n, const struct conn *c) {
  return c->l.uid == 0 || (n->job_uid != NTF_NO_UID && c->l.uid == n->job_uid);
}

/* ---- listener ops ---- */

static int conn_notify(struct ntf_listener *l, struct xr_channel *ch,
                       const void *payload, size_t len) {
  struct conn *c = (struct conn *)l;
  struct ntf_frame f = {.type = NTF_FT_NOTIFY,
                        .channel = ch->id,
                        .ptype = ch->type,
                        .payload = payload,
                        .len = len};
  f.flags = (uint16_t)((ch->style == XR_BIDIRECTIONAL ? NTF_WF_BIDI : 0) |
                       (ch->filter == XR_ALL_USERS ? NTF_WF_ALL_USERS : 0));
  return queue_frame(c, &f);
}

static void conn_closed(struct ntf_listener *l, struct xr_channel *ch,
                        int status) {
  struct ntf_frame f = {
      .type = NTF_FT_CLOSED, .status = status, .channel = ch->id};
  queue_frame((struct conn *)l, &f);
}

static const struct ntf_listener_ops conn_ops = {.notify = conn_notify,
                                                 .closed = conn_closed};

/* ---- job events (the sink side) ---- */

static void srv_event(struct ntf_sink *s, const xr_event *ev, int64_t now) {
  struct ntf_server *srv = (struct ntf_server *)s;
  xr_notifier *n = srv->n;
  xr_msg *m = srv->scratch;
  size_t len;
  (void)now;
  if (srv->nconns == 0)
    return;
  memset(m, 0, sizeof *m);
  m->job = n->job_id;
  switch (ev->kind) {
  case XR_EVENT_PROGRESS:
    m->kind = XR_MSG_PROGRESS;
    m->page = ev->page;
    m->pages = ev->pages;
    m->percent = (int)(ev->fraction * 100.0);
    break;
  case XR_EVENT_PAGE:
    m->kind = XR_MSG_PAGE;
    m->page = ev->page;
    m->copies = ev->copies;
    break;
  case XR_EVENT_MESSAGE:
    m->kind = ev->level == XR_LEVEL_ERROR     ? XR_MSG_ERROR
              : ev->level == XR_LEVEL_WARNING ? XR_MSG_WARNING
                                              : XR_MSG_INFO;
    snprintf(m->text, sizeof m->text, "%s", ev->text);
    break;
  case XR_EVENT_STATE:
    m->kind = XR_MSG_STATE;
    snprintf(m->text, sizeof m->text, "%s", ev->text);
    break;
  default:
    return;
  }
  if (xr_msg_encode(m, srv->scratch_buf, SCRATCH_BYTES, &len) == XR_OK) {
    struct ntf_frame f = {.type = NTF_FT_EVENT,
                          .ptype = XR_NOTIFY_TYPE_XPSRASTER,
                          .payload = (const uint8_t *)srv->scratch_buf,
                          .len = len};
    /* Sinks run without ctl; dropping a peer touches channels. */
    ntf_lock(n);
    for (int i = 0; i < srv->nconns; i++)
      if (peer_gets_job(n, srv->conns[i]))
        queue_frame(srv->conns[i], &f);
    ntf_unlock(n);
  }
}

static void srv_sink_drop(struct ntf_sink *s) {
  ntf_server_drop((struct ntf_server *)s);
}

static const struct ntf_sink_ops srv_sink_ops = {
    .name = "socket", .event = srv_event, .drop = srv_sink_drop};

/* ---- accepting ---- */

static void refuse(int fd, int status) {
  uint8_t hdr[NTF_WIRE_HEADER];
  struct ntf_frame f = {.type = NTF_FT_HELLO, .status = status};
  ntf_wire_header(&f, hdr);
  /* Best effort: a refused peer gets one frame saying why, if it fits. */
  (void)!send(fd, hdr, sizeof hdr, MSG_NOSIGNAL | MSG_DONTWAIT);
  close(fd);
}

static void send_hello(struct ntf_server *srv, struct conn *c) {
  xr_notifier *n = srv->n;
  xr_msg *m = calloc(1, sizeof *m);
  char *buf = malloc(4 * XR_MSG_FIELD_MAX);
  size_t len;
  if (m && buf) {
    m->kind = XR_MSG_HELLO;
    m->job = n->job_id;
    snprintf(m->user, sizeof m->user, "%s", n->user ? n->user : "");
    snprintf(m->text, sizeof m->text, "%s", n->title ? n->title : "");
    snprintf(m->printer, sizeof m->printer, "%s", n->printer ? n->printer : "");
    if (xr_msg_encode(m, buf, 4 * XR_MSG_FIELD_MAX, &len) == XR_OK) {
      struct ntf_frame f = {.type = NTF_FT_HELLO,
                            .ptype = XR_NOTIFY_TYPE_XPSRASTER,
                            .payload = (const uint8_t *)buf,
                            .len = len};
      queue_frame(c, &f);
    }
  }
  free(m);
  free(buf);
}

/* Whether the peer is an administrator: root, or its process is in the
 * lpadmin group right now (primary or supplementary, as the kernel reports
 * them). Without SO_PEERGROUPS (kernels before 4.13), the user database
 * decides instead. */
static int peer_is_admin(struct ntf_server *srv, int fd,
                         const struct ucred *cred) {
  gid_t groups[256];
  socklen_t len = sizeof groups;
  if (cred->uid == 0)
    return 1;
  if (srv->admin_gid == NTF_NO_GID)
    return 0;
  if (cred->gid == srv->admin_gid)
    return 1;
  if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len) == 0) {
    for (size_t i = 0; i < len / sizeof groups[0]; i++)
      if (groups[i] == srv->admin_gid)
        return 1;
    return 0;
  }
  /* ERANGE (more than 256 groups) or no support: ask the database. */
  return ntf_user_is_admin(cred->uid);
}

static void accept_peers(struct ntf_server *srv) {
  xr_notifier *n = srv->n;
  for (int round = 0; round < NTF_SERVER_MAX_PEERS; round++) {
    struct ucred cred;
    socklen_t clen = sizeof cred;
    struct conn *c;
    int admin, fd = accept4(srv->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0)
      return; /* EAGAIN, or an error the next poll reports again */
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) != 0) {
      refuse(fd, XR_E_DENIED);
      continue;
    }
    admin = peer_is_admin(srv, fd, &cred);
    if (!(cred.uid == 0 || admin ||
          (n->job_uid != NTF_NO_UID && cred.uid == n->job_uid))) {
      refuse(fd, XR_E_DENIED); /* it could receive nothing */
      continue;
    }
    if (srv->nconns == NTF_SERVER_MAX_PEERS) {
      refuse(fd, XR_E_LIMIT);
      continue;
    }
    c = calloc(1, sizeof *c);
    if (c)
      c->in = malloc(NTF_WIRE_FRAME_MAX);
    if (!c || !c->in) {
      if (c)
        free(c);
      refuse(fd, XR_E_NOMEM);
      continue;
    }
    c->srv = srv;
    c->fd = fd;
    c->l.ops = &conn_ops;
    c->l.uid = cred.uid;
    c->l.admin = admin;
    c->l.active = 1;
    c->l.id = ++n->next_listener_id;
    c->l.next = n->listeners;
    n->listeners = &c->l;
    srv->conns[srv->nconns++] = c;
    send_hello(srv, c);
  }
}

/* ---- reading replies ---- */

static void read_peer(struct ntf_server *srv, struct conn *c) {
  struct ntf_frame f;
  size_t used;
  ssize_t r;
  int rc;
  if (c->dead)
    return;
  r = recv(c->fd, c->in + c->in_len, NTF_WIRE_FRAME_MAX - c->in_len,
           MSG_DONTWAIT);
  if (r == 0 ||
      (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
    kill_conn(c);
    return;
  }
  if (r > 0)
    c->in_len += (size_t)r;
  while ((rc = ntf_wire_decode(c->in, c->in_len, &f, &used)) == 1) {
    struct ntf_frame st = {.type = NTF_FT_STATUS, .channel = f.channel};
    if (f.type != NTF_FT_REPLY) {
      kill_conn(c); /* peers only reply */
      return;
    }
    st.status =
        ntf_channel_reply(srv->n, &c->l, f.channel, &f.ptype, f.payload, f.len);
    memmove(c->in, c->in + used, c->in_len - used);
    c->in_len -= used;
    if (queue_frame(c, &st) < 0)
      return;
  }
  if (rc < 0)
    kill_conn(c); /* malformed: this connection only */
}

static void sweep(struct ntf_server *srv) {
  xr_notifier *n = srv->n;
  int j = 0;
  for (int i = 0; i < srv->nconns; i++) {
    struct conn *c = srv->conns[i];
    if (!c->dead) {
      srv->conns[j++] = c;
      continue;
    }
    for (struct ntf_listener **pp = &n->listeners; *pp; pp = &(*pp)->next)
      if (*pp == &c->l) {
        *pp = c->l.next;
        break;
      }
    close(c->fd);
    free(c->in);
    free(c->out);
    free(c);
  }
  srv->nconns = j;
}

int ntf_server_pollfds(struct ntf_server *srv, struct pollfd *pfd, int max) {
  int k = 0;
  if (max < 1)
    return 0;
  pfd[k++] = (struct pollfd){.fd = srv->fd, .events = POLLIN};
  for (int i = 0; i < srv->nconns && k < max; i++) {
    struct conn *c = srv->conns[i];
    /* What this pass queued. A peer whose socket was full is not tried
     * again until poll reports room: a listener that never reads costs a
     * queued copy per frame, not a send() per pass. */
    if (c->out_len && !c->dead && !c->blocked)
      flush(c);
    pfd[k++] = (struct pollfd){
        .fd = c->fd, .events = (short)(POLLIN | (c->out_len ? POLLOUT : 0))};
  }
  return k;
}

void ntf_server_handle(struct ntf_server *srv, const struct pollfd *pfd,
                       int count) {
  /* pfd[i + 1] belongs to conns[i]: nothing changes the array between
   * ntf_server_pollfds and here except this function, which appends
   * (accept) and compacts (sweep) only after the loop. */
  for (int i = 0; i + 1 < count && i < srv->nconns; i++) {
    struct conn *c = srv->conns[i];
    short re = pfd[i + 1].revents;
    if (re & POLLIN)
      read_peer(srv, c);
    else if (re & (POLLERR | POLLHUP | POLLNVAL))
      kill_conn(c);
    if ((re & POLLOUT) && !c->dead) {
      c->blocked = 0;
      flush(c);
    }
  }
  if (count > 0 && (pfd[0].revents & POLLIN))
    accept_peers(srv);
  sweep(srv);
}

int ntf_server_new(xr_notifier *n, const char *path, struct ntf_server **out) {
  struct ntf_server *srv;
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  struct stat st;
  int rc = XR_E_IO;
  *out = NULL;
  if (!path || !*path || strlen(path) >= sizeof sa.sun_path)
    return XR_E_INVAL;
  memcpy(sa.sun_path, path, strlen(path) + 1);
  srv = calloc(1, sizeof *srv);
  if (!srv)
    return XR_E_NOMEM;
  srv->base.ops = &srv_sink_ops;
  srv->n = n;
  srv->admin_gid = ntf_group_gid(NTF_ADMIN_GROUP);
  srv->path = strdup(path);
  srv->scratch = malloc(sizeof *srv->scratch);
  srv->scratch_buf = malloc(SCRATCH_BYTES);
  if (!srv->path || !srv->scratch || !srv->scratch_buf) {
    rc = XR_E_NOMEM;
    goto fail_socket;
  }
  /* Replace a stale socket, never any other kind of file. */
  if (lstat(path, &st) == 0) {
    if (!S_ISSOCK(st.st_mode) || unlink(path) != 0)
      goto fail_socket;
  }
  srv->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (srv->fd < 0)
    goto fail_socket;
  if (bind(srv->fd, (struct sockaddr *)&sa, sizeof sa) != 0)
    goto fail_bind;
  /* Anyone may connect; SO_PEERCRED decides what they get. */
  if (chmod(path, 0666) != 0 || listen(srv->fd, 16) != 0 ||
      lstat(path, &st) != 0)
    goto fail_listen;
  srv->dev = st.st_dev;
  srv->ino = st.st_ino;
  *out = srv;
  return XR_OK;

fail_listen:
  unlink(path);
fail_bind:
  close(srv->fd);
fail_socket:
  free(srv->scratch);
  free(srv->scratch_buf);
  free(srv->path);
  free(srv);
  return rc;
}

void ntf_server_drop(struct ntf_server *srv) {
  struct stat st;
  if (!srv)
    return;
  for (int i = 0; i < srv->nconns; i++) {
    flush(srv->conns[i]);    /* last words (CLOSED frames), best effort */
    srv->conns[i]->dead = 1; /* closed, not dropped: not counted */
  }
  sweep(srv);
  /* Only unlink the socket if it is still ours. */
  if (lstat(srv->path, &st) == 0 && st.st_dev == srv->dev &&
      st.st_ino == srv->ino)
    unlink(srv->path);
  close(srv->fd);
  free(srv->scratch);
  free(srv->scratch_buf);
  free(srv->path);
  free(srv);
}
