/* The listener side of the socket protocol, for xpsnotify and embedders.
 *
 * Frames from the notifier are validated like the notifier validates
 * replies: a payload that does not match its type is a protocol error, so
 * the listener never acts on something it did not understand. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "notify/wire.h"

struct xr_notify_client {
  int fd;
  uint8_t *in;
  size_t in_len, in_used; /* in_used: the frame handed out last */
};

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int check_payload(const struct ntf_frame *f) {
  static const xr_uuid zero;
  if (f->len == 0 && xr_uuid_equal(&f->ptype, &zero))
    return XR_OK;
  if (xr_uuid_equal(&f->ptype, &XR_NOTIFY_TYPE_ASYNCUI)) {
    if (f->type != NTF_FT_NOTIFY)
      return XR_E_PROTOCOL;
    return xr_asyncui_validate(f->payload, f->len, 0, NULL, 0, NULL, 0) < 0
               ? XR_E_PROTOCOL
               : XR_OK;
  }
  if (xr_uuid_equal(&f->ptype, &XR_NOTIFY_TYPE_XPSRASTER)) {
    xr_msg *m = malloc(sizeof *m);
    int rc;
    if (!m)
      return XR_E_NOMEM;
    rc = xr_msg_decode(f->payload, f->len, m);
    free(m);
    return rc < 0 ? XR_E_PROTOCOL : XR_OK;
  }
  return XR_E_PROTOCOL;
}

int xr_notify_client_next(xr_notify_client *c, int timeout_ms,
                          xr_notify_frame *out) {
  int64_t deadline = timeout_ms >= 0 ? now_ms() + timeout_ms : -1;
  if (!c || !out)
    return XR_E_INVAL;
  /* Drop the frame handed out last. */
  memmove(c->in, c->in + c->in_used, c->in_len - c->in_used);
  c->in_len -= c->in_used;
  c->in_used = 0;
  for (;;) {
    struct ntf_frame f;
    size_t used;
    int rc = ntf_wire_decode(c->in, c->in_len, &f, &used);
    if (rc < 0)
      return XR_E_PROTOCOL;
    if (rc == 1) {
      if (f.type == NTF_FT_REPLY || check_payload(&f) < 0)
        return XR_E_PROTOCOL;
      out->type = f.type;
      out->flags = f.flags;
      out->status = f.status;
      out->channel = f.channel;
      out->ptype = f.ptype;
      out->payload = f.payload;
      out->len = f.len;
      c->in_used = used;
      return 1;
    }
    struct pollfd pfd = {.fd = c->fd, .events = POLLIN};
    int wait = -1;
    if (deadline >= 0) {
      int64_t left = deadline - now_ms();
      if (left <= 0)
        return XR_E_TIMEOUT;
      wait = left > 60000 ? 60000 : (int)left;
    }
    rc = poll(&pfd, 1, wait);
    if (rc < 0 && errno != EINTR)
      return XR_E_IO;
    if (rc <= 0)
      continue;
    ssize_t r =
        recv(c->fd, c->in + c->in_len, NTF_WIRE_FRAME_MAX - c->in_len, 0);
    if (r == 0)
      return XR_E_CLOSED;
    if (r < 0) {
      if (errno == EINTR || errno == EAGAIN)
        continue;
      return XR_E_IO;
    }
    c->in_len += (size_t)r;
  }
}

int xr_notify_client_connect(const char *path, int timeout_ms,
                             xr_notify_client **out, xr_notify_frame *hello) {
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  xr_notify_client *c;
  xr_notify_frame f;
  int rc;
  if (!out)
    return XR_E_INVAL;
  *out = NULL;
  if (!path || strlen(path) >= sizeof sa.sun_path)
    return XR_E_INVAL;
  memcpy(sa.sun_path, path, strlen(path) + 1);
  c = calloc(1, sizeof *c);
  if (!c)
    return XR_E_NOMEM;
  c->in = malloc(NTF_WIRE_FRAME_MAX);
  c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (!c->in || c->fd < 0) {
    rc = c->in ? XR_E_IO : XR_E_NOMEM;
    goto fail;
  }
  if (connect(c->fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
    rc = errno == EACCES || errno == EPERM ? XR_E_DENIED : XR_E_IO;
    goto fail;
  }
  /* The first frame says whether we are accepted. */
  rc = xr_notify_client_next(c, timeout_ms, &f);
  if (rc < 0)
    goto fail;
  if (f.type != NTF_FT_HELLO) {
    rc = XR_E_PROTOCOL;
    goto fail;
  }
  if (f.status < 0) {
    rc = f.status;
    goto fail;
  }
  if (hello)
    *hello = f;
  *out = c;
  return XR_OK;
fail:
  if (c->fd >= 0)
    close(c->fd);
  free(c->in);
  free(c);
  return rc;
}

int xr_notify_client_fd(const xr_notify_client *c) {
  return c ? c->fd : -1;
}

int xr_notify_client_reply(xr_notify_client *c, uint64_t channel,
                           const xr_uuid *type, const void *payload,
                           size_t len) {
  struct ntf_frame f = {.type = NTF_FT_REPLY, .channel = channel};
  uint8_t hdr[NTF_WIRE_HEADER];
  int rc;
  if (!c || !type || (!payload && len))
    return XR_E_INVAL;
  if (len > XR_NOTIFY_PAYLOAD_MAX)
    return XR_E_TOO_BIG;
  /* Validate before sending: a malformed reply would cost the connection. */
  if (xr_uuid_equal(type, &XR_NOTIFY_TYPE_ASYNCUI)) {
    rc = xr_asyncui_validate(payload, len, 1, NULL, 0, NULL, 0);
  } else if (xr_uuid_equal(type, &XR_NOTIFY_TYPE_XPSRASTER)) {
    xr_msg *m = malloc(sizeof *m);
    if (!m)
      return XR_E_NOMEM;
    rc = xr_msg_decode(payload, len, m);
    if (rc == XR_OK && m->kind != XR_MSG_ANSWER)
      rc = XR_E_WRONG_TYPE;
    free(m);
  } else {
    rc = XR_E_WRONG_TYPE;
  }
  if (rc < 0)
    return XR_E_WRONG_TYPE;
  f.ptype = *type;
  f.len = len;
  ntf_wire_header(&f, hdr);
  const uint8_t *parts[2] = {hdr, payload};
  size_t sizes[2] = {sizeof hdr, len};
  for (int i = 0; i < 2; i++) {
    size_t off = 0;
    while (off < sizes[i]) {
      ssize_t w = send(c->fd, parts[i] + off, sizes[i] - off, MSG_NOSIGNAL);
      if (w < 0) {
        if (errno == EINTR)
          continue;
        return XR_E_IO;
      }
      off += (size_t)w;
    }
  }
  return XR_OK;
}

void xr_notify_client_close(xr_notify_client *c) {
  if (!c)
    return;
  close(c->fd);
  free(c->in);
  free(c);
}
